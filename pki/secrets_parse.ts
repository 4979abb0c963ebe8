// Loading and validating a secrets bundle file. Field names, the base64 wrapping of PEM and
// the validation rules (and their messages) follow upstream's `secrets.LoadBundle` and
// `Bundle.Validate`, so a bundle accepted here is accepted by talosctl and vice versa.

import { parseYaml } from "../goyaml/parse.ts";
import { UserError } from "../errors.ts";
import { parseCertificatePem } from "./cert_info.ts";
import { parsePrivateKeyPem } from "./key_parse.ts";
import {
  bundleErrors,
  type BundleScope,
  FULL_SCOPE,
  type Loaded,
  loadedFromDoc,
  LoadError,
} from "./secrets_doc.ts";
import type { PemCertAndKey, SecretsBundle } from "./secrets_types.ts";
import { formatErrors } from "../gofmt/mod.ts";

/** As Go's yaml.Decoder.Decode: the first document is the bundle, later ones are not read. */
function load(text: string): Loaded {
  let first;
  try {
    first = parseYaml(text)[0];
  } catch (e) {
    throw new LoadError((e as Error).message);
  }
  if (first?.errors.length) throw new LoadError(first.errors[0].message);
  return loadedFromDoc(first?.toJS() ?? null);
}

/** siderolabs/crypto's check of a CA pair: the key parses, then the certificate parses. */
export function checkCertAndKey(p: PemCertAndKey): void {
  parsePrivateKeyPem(p.key, ": ");
  parseCertificatePem(p.crt);
}

/** Upstream's `Bundle.Validate` with the full key and certificate parsers' messages. */
function validateBundle(b: Loaded, scope: BundleScope): string[] {
  const checks = { pair: checkCertAndKey, key: (pem: string) => parsePrivateKeyPem(pem, " ") };
  return bundleErrors(b, checks, scope);
}

/**
 * Parses and validates a secrets bundle file's text. `source` (usually the file path) is named
 * in errors, which are UserErrors with a complete message, ready to print as they are:
 * `failed to load secrets bundle "x": ...` or `failed to validate secrets bundle "x": N errors occurred: ...`.
 */
export function parseSecretsBundle(
  text: string,
  source: string,
  scope: BundleScope = FULL_SCOPE,
): SecretsBundle {
  let loaded: Loaded;
  try {
    loaded = load(text);
  } catch (e) {
    if (!(e instanceof LoadError)) throw e;
    throw new UserError(`failed to load secrets bundle ${JSON.stringify(source)}: ${e.message}`);
  }
  const errs = validateBundle(loaded, scope);
  if (errs.length > 0) {
    throw new UserError(
      `failed to validate secrets bundle ${JSON.stringify(source)}: ${formatErrors(errs)}`,
    );
  }
  return loaded as SecretsBundle;
}
