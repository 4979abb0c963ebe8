// Loading and validating a secrets bundle file. Field names, the base64 wrapping of PEM and
// the validation rules (and their messages) follow upstream's `secrets.LoadBundle` and
// `Bundle.Validate`, so a bundle accepted here is accepted by talosctl and vice versa.

import { parse } from "yaml";
import { UserError } from "../errors.ts";
import { parseCertificatePem } from "./cert_info.ts";
import { parsePrivateKeyPem } from "./key_parse.ts";
import { type Loaded, loadedFromDoc, LoadError } from "./secrets_doc.ts";
import type { PemCertAndKey, SecretsBundle } from "./secrets_types.ts";
import { formatErrors } from "../machineconfig/validate/multierror.ts";

function load(text: string): Loaded {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new LoadError((e as Error).message.split("\n")[0]);
  }
  return loadedFromDoc(doc);
}

/** siderolabs/crypto's check of a CA pair: the key parses, then the certificate parses. */
export function checkCertAndKey(p: PemCertAndKey): void {
  parsePrivateKeyPem(p.key, ": ");
  parseCertificatePem(p.crt);
}

/** What upstream's `Bundle.Validate` reports for the current contract, in its order. */
export function validateBundle(b: Loaded): string[] {
  const errs: string[] = [];
  if (!b.cluster) errs.push("cluster is required");
  else {
    if (!b.cluster.id) errs.push("cluster.id is required");
    if (!b.cluster.secret) errs.push("cluster.secret is required");
  }
  if (!b.secrets) errs.push("secrets is required");
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
        checkCertAndKey(p);
      } catch (e) {
        errs.push(`certs.${name} is invalid: ${(e as Error).message}`);
      }
    }
  };
  pairCheck("etcd", b.certs.etcd);
  pairCheck("k8s", b.certs.k8s);
  pairCheck("k8saggregator", b.certs.k8sAggregator);
  if (!b.certs.k8sServiceAccount) errs.push("certs.k8sserviceaccount is required");
  else {
    try {
      parsePrivateKeyPem(b.certs.k8sServiceAccount.key, " ");
    } catch (e) {
      errs.push(`certs.k8sserviceaccount.key is invalid: ${(e as Error).message}`);
    }
  }
  pairCheck("os", b.certs.os);
  return errs;
}

/**
 * Parses and validates a secrets bundle file's text. `source` (usually the file path) is named
 * in errors, which are UserErrors with a complete message, ready to print as they are:
 * `failed to load secrets bundle "x": ...` or `failed to validate secrets bundle "x": N errors occurred: ...`.
 */
export function parseSecretsBundle(text: string, source: string): SecretsBundle {
  let loaded: Loaded;
  try {
    loaded = load(text);
  } catch (e) {
    if (!(e instanceof LoadError)) throw e;
    throw new UserError(`failed to load secrets bundle ${JSON.stringify(source)}: ${e.message}`);
  }
  const errs = validateBundle(loaded);
  if (errs.length > 0) {
    throw new UserError(
      `failed to validate secrets bundle ${JSON.stringify(source)}: ${formatErrors(errs)}`,
    );
  }
  return loaded as SecretsBundle;
}
