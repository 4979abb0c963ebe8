// Loading a secrets bundle without the YAML and ASN.1 libraries when the file is in the layout
// `gen secrets` (ours and upstream's) writes: block mappings of the bundle's own keys, plain
// scalars that can only be strings, and keys and certificates in the forms Go writes. Such a
// bundle is read here in about a millisecond; any other file, valid or not, goes to
// secrets_parse.ts, whose result or error stands. The quick path never rejects anything.

import type { SecretsBundle } from "./secrets_types.ts";
import {
  bundleErrors,
  type BundleScope,
  FULL_SCOPE,
  type Loaded,
  loadedFromDoc,
  type MaterialChecks,
} from "./secrets_doc.ts";
import { decline } from "./der_strict.ts";
import { quickCertificatePem } from "./cert_quick.ts";
import { quickPrivateKeyPem } from "./key_quick.ts";

/** Every key a bundle file has (anything else is left to the full parser). */
const KEYS = new Set([
  "cluster",
  "id",
  "secret",
  "secrets",
  "bootstraptoken",
  "aescbcencryptionsecret",
  "secretboxencryptionsecret",
  "trustdinfo",
  "token",
  "certs",
  "etcd",
  "k8s",
  "k8saggregator",
  "k8sserviceaccount",
  "os",
  "crt",
  "key",
]);

/** `key:` or `key: value`, value a plain scalar of base64/token characters. */
const LINE = /^( *)([a-z0-9]+):(?: ([A-Za-z0-9+/][A-Za-z0-9+/=._-]*))?$/;

/**
 * Characters a YAML 1.2 core-schema null, bool, int or float can be written with. A plain
 * scalar made only of these might not be a string (`123`, `0x1f`, `.inf`, `true`), so it is
 * left to the real parser; one with any other character is certainly a string.
 */
const MAYBE_NOT_STRING = /^[-+0-9._~a-fA-FiInNoOrRsStTuUlLxX]*$/;

type Mapping = Record<string, unknown>;

/**
 * The document of a bundle file in the canonical block layout, as the `yaml` package's parse()
 * returns it, or undefined for anything outside that layout (comments, flow style, quoting,
 * anchors, tabs, CRLF, blank lines, duplicate or unknown keys, scalars that may not be strings).
 */
export function quickBundleDocument(text: string): Mapping | undefined {
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  if (lines.length === 0) return undefined;
  const root: Mapping = {};
  const stack: { indent: number; map: Mapping }[] = [{ indent: 0, map: root }];
  // A key with no value yet: the next, deeper line starts its mapping; otherwise it is null.
  let open: { key: string; map: Mapping; indent: number } | undefined;
  for (const line of lines) {
    const m = LINE.exec(line);
    if (!m || !KEYS.has(m[2])) return undefined;
    const indent = m[1].length;
    let map: Mapping;
    if (open && indent > open.indent) {
      map = {};
      open.map[open.key] = map;
      stack.push({ indent, map });
    } else {
      while (stack[stack.length - 1].indent > indent) stack.pop();
      const top = stack[stack.length - 1];
      if (top.indent !== indent) return undefined;
      map = top.map;
    }
    const [, , key, value] = m;
    if (Object.hasOwn(map, key)) return undefined;
    open = undefined;
    if (value === undefined) {
      map[key] = null;
      open = { key, map, indent };
    } else {
      if (MAYBE_NOT_STRING.test(value)) return undefined;
      map[key] = value;
    }
  }
  return root;
}

/** Key material the quick readers take (they accept only what the full parsers accept). */
const QUICK_CHECKS: MaterialChecks = {
  pair: (p) => {
    if (quickPrivateKeyPem(p.key) === undefined || quickCertificatePem(p.crt) === undefined) {
      decline();
    }
  },
  key: (pem) => {
    if (quickPrivateKeyPem(pem) === undefined) decline();
  },
};

/**
 * True when secrets_parse.ts's validation certainly finds nothing wrong: the same rules
 * (bundleErrors), with every key and certificate read by the quick readers.
 */
export function quickBundleValid(b: Loaded, scope: BundleScope = FULL_SCOPE): boolean {
  return bundleErrors(b, QUICK_CHECKS, scope).length === 0;
}

/**
 * Parses and validates a bundle file's text, with parseSecretsBundle's result and errors
 * (`source` is named in them); the YAML and ASN.1 libraries load only for files outside the
 * canonical layout or with something to report.
 */
export async function loadSecretsBundle(
  text: string,
  source: string,
  scope: BundleScope = FULL_SCOPE,
): Promise<SecretsBundle> {
  const doc = quickBundleDocument(text);
  if (doc) {
    let loaded: Loaded | undefined;
    try {
      loaded = loadedFromDoc(doc);
    } catch {
      // A shape or base64 error: the full parser reports it.
    }
    if (loaded && quickBundleValid(loaded, scope)) return loaded as SecretsBundle;
  }
  // A computed specifier: `deno run` would load the YAML and ASN.1 parsers up front otherwise.
  const { parseSecretsBundle } = await import(
    new URL("./secrets_parse.ts", import.meta.url).href
  ) as typeof import("./secrets_parse.ts");
  return parseSecretsBundle(text, source, scope);
}
