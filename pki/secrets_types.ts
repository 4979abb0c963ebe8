// The secrets bundle: every secret a cluster's machine configs are generated from. Same shape
// and YAML field names as upstream's `secrets.Bundle` (yaml.v3/v4 lower-cases Go field names).

/** A certificate and its private key, as PEM text (the bundle file stores base64 of these). */
export interface PemCertAndKey {
  crt: string;
  key: string;
}

export interface SecretsBundle {
  cluster: { id: string; secret: string };
  secrets: {
    bootstrapToken: string;
    /** Contracts up to v1.2 encrypt Kubernetes secrets with AES-CBC. */
    aescbcEncryptionSecret?: string;
    /** Contracts after v1.2 use secretbox. */
    secretboxEncryptionSecret?: string;
  };
  trustdInfo: { token: string };
  certs: {
    etcd: PemCertAndKey;
    k8s: PemCertAndKey;
    k8sAggregator?: PemCertAndKey;
    k8sServiceAccount?: { key: string };
    os: PemCertAndKey;
  };
}

/** A private key value that stands for a redacted key; kept verbatim, never base64-decoded. */
export const REDACTED = "******";

/** Lifetime of every CA in the bundle: 87600h, i.e. ten 365-day years. */
export const CA_VALIDITY_MS = 87600 * 3600 * 1000;
/** Default lifetime of talosconfig client certificates (365 days). */
export const CLIENT_CERT_VALIDITY_MS = 365 * 24 * 3600 * 1000;
/** Client certificates start this much in the past, so nodes with a slow clock accept them. */
export const CLOCK_SKEW_ALLOWANCE_MS = 10 * 1000;
