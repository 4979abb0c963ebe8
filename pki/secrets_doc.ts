// The secrets bundle file's document, once parsed from YAML: field names, the base64 wrapping
// of PEM, and the load errors upstream's `secrets.LoadBundle` reports for wrong shapes. Shared by
// the full parser (secrets_parse.ts, any YAML) and the quick loader (secrets_quick.ts, the
// canonical layout), so both read a document the same way.

import { base64Decode } from "./pem.ts";
import { type PemCertAndKey, REDACTED, type SecretsBundle } from "./secrets_types.ts";

type Raw = Record<string, unknown>;

export class LoadError extends Error {}

const dec = new TextDecoder();

function mapping(v: unknown, path: string): Raw | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v !== "object" || Array.isArray(v)) {
    throw new LoadError(
      `${path}: expected a mapping, got ${Array.isArray(v) ? "a list" : "a scalar"}`,
    );
  }
  return v as Raw;
}

function scalar(m: Raw | undefined, key: string, path: string): string {
  const v = m?.[key];
  if (v === null || v === undefined) return "";
  if (typeof v === "object") throw new LoadError(`${path}.${key}: expected a string`);
  return String(v);
}

function pemField(m: Raw, key: string, path: string): string {
  const text = scalar(m, key, path);
  if (key === "key" && text === REDACTED) return REDACTED;
  try {
    return dec.decode(base64Decode(text));
  } catch (e) {
    throw new LoadError(`${path}.${key}: ${(e as Error).message}`);
  }
}

/** A bundle as read, before validation (any part may be missing). */
export interface Loaded {
  cluster?: { id: string; secret: string };
  secrets?: SecretsBundle["secrets"];
  trustdInfo?: { token: string };
  certs?: {
    etcd?: PemCertAndKey;
    k8s?: PemCertAndKey;
    k8sAggregator?: PemCertAndKey;
    k8sServiceAccount?: { key: string };
    os?: PemCertAndKey;
  };
}

function pair(certs: Raw, key: string): PemCertAndKey | undefined {
  const m = mapping(certs[key], `certs.${key}`);
  if (!m) return undefined;
  return { crt: pemField(m, "crt", `certs.${key}`), key: pemField(m, "key", `certs.${key}`) };
}

/** The bundle held by a parsed YAML document (field names as upstream's yaml tags). */
export function loadedFromDoc(doc: unknown): Loaded {
  if (doc === null || doc === undefined) throw new LoadError("EOF");
  const root = mapping(doc, "bundle")!;
  const out: Loaded = {};
  const cluster = mapping(root.cluster, "cluster");
  if (cluster) {
    out.cluster = {
      id: scalar(cluster, "id", "cluster"),
      secret: scalar(cluster, "secret", "cluster"),
    };
  }
  const secrets = mapping(root.secrets, "secrets");
  if (secrets) {
    out.secrets = { bootstrapToken: scalar(secrets, "bootstraptoken", "secrets") };
    const aescbc = scalar(secrets, "aescbcencryptionsecret", "secrets");
    const secretbox = scalar(secrets, "secretboxencryptionsecret", "secrets");
    if (aescbc) out.secrets.aescbcEncryptionSecret = aescbc;
    if (secretbox) out.secrets.secretboxEncryptionSecret = secretbox;
  }
  const trustd = mapping(root.trustdinfo, "trustdinfo");
  if (trustd) out.trustdInfo = { token: scalar(trustd, "token", "trustdinfo") };
  const certs = mapping(root.certs, "certs");
  if (certs) {
    out.certs = {
      etcd: pair(certs, "etcd"),
      k8s: pair(certs, "k8s"),
      k8sAggregator: pair(certs, "k8saggregator"),
      os: pair(certs, "os"),
    };
    const sa = mapping(certs.k8sserviceaccount, "certs.k8sserviceaccount");
    if (sa) out.certs.k8sServiceAccount = { key: pemField(sa, "key", "certs.k8sserviceaccount") };
  }
  return out;
}
