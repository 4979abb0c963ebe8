// Build facts reported by `version --client`.

/** This program's own version. */
export const VERSION = "0.1.0";
export { TALOS_VERSION } from "../contract/mod.ts";
