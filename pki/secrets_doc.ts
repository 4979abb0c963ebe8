// The secrets bundle file's document, once parsed from YAML: field names, the base64 wrapping
// of PEM, the load errors upstream's `secrets.LoadBundle` reports for wrong shapes, and the rules
// of `Bundle.Validate`. Shared by the full parser (secrets_parse.ts, any YAML) and the quick
// loader (secrets_quick.ts, the canonical layout), so both read and judge a document the same way.

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

/** How bundleErrors judges key material: each throws when its PEM is not acceptable. */
export interface MaterialChecks {
  /** A CA pair (certificate and key); the error's message is reported. */
  pair(p: PemCertAndKey): void;
  /** The service account's private key; the error's message is reported. */
  key(pem: string): void;
}

/**
 * What upstream's `Bundle.Validate` reports for the current contract, in its order; key
 * material is judged by `check` (the full parsers in secrets_parse.ts, the quick readers in
 * secrets_quick.ts).
 */
/**
 * What a version contract needs of a bundle: contracts with Kubernetes (or etcd) disabled
 * (`gen config --skip-k8s-etcd`) accept a bundle without those parts.
 */
export interface BundleScope {
  kubernetes: boolean;
  etcd: boolean;
}

export const FULL_SCOPE: BundleScope = { kubernetes: true, etcd: true };

export function bundleErrors(
  b: Loaded,
  check: MaterialChecks,
  scope: BundleScope = FULL_SCOPE,
): string[] {
  const errs: string[] = [];
  if (!b.cluster) errs.push("cluster is required");
  else {
    if (!b.cluster.id) errs.push("cluster.id is required");
    if (!b.cluster.secret) errs.push("cluster.secret is required");
  }
  if (!scope.kubernetes) {
    // nothing of the Kubernetes secrets is needed
  } else if (!b.secrets) errs.push("secrets is required");
  else {
    if (!b.secrets.bootstrapToken) errs.push("secrets.bootstraptoken is required");
    const { aescbcEncryptionSecret: a, secretboxEncryptionSecret: s } = b.secrets;
    const names = "[secrets.secretboxencryptionsecret, secrets.aescbcencryptionsecret]";
    if (!a && !s) errs.push(`one of ${names} is required`);
    if (a && s) errs.push(`only one of ${names} is allowed`);
  }
  if (!b.trustdInfo) errs.push("trustdinfo is required");
  else if (!b.trustdInfo.token) errs.push("trustdinfo.token is required");
  if (!b.certs) {
    errs.push("certs is required");
    return errs;
  }
  const pairCheck = (name: string, p: PemCertAndKey | undefined) => {
    if (!p) errs.push(`certs.${name} is required`);
    else {
      try {
        check.pair(p);
      } catch (e) {
        errs.push(`certs.${name} is invalid: ${(e as Error).message}`);
      }
    }
  };
  if (scope.etcd) pairCheck("etcd", b.certs.etcd);
  if (scope.kubernetes) {
    pairCheck("k8s", b.certs.k8s);
    pairCheck("k8saggregator", b.certs.k8sAggregator);
    if (!b.certs.k8sServiceAccount) errs.push("certs.k8sserviceaccount is required");
    else {
      try {
        check.key(b.certs.k8sServiceAccount.key);
      } catch (e) {
        errs.push(`certs.k8sserviceaccount.key is invalid: ${(e as Error).message}`);
      }
    }
  }
  pairCheck("os", b.certs.os);
  return errs;
}
