// Build facts reported by `version --client`.

/** This program's own version. */
export const VERSION = "0.1.0";
/** The Talos release whose API, defaults and behaviour we track. */
export const TALOS_VERSION = "v1.13.9";
