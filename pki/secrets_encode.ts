// Writes a secrets bundle as upstream does (`yaml.Marshal` with yaml.v3 defaults: 4-space
// indentation, no line wrapping, field order of the Go struct, PEM stored as base64).
// Hand-written on purpose: the structure is fixed, and `gen secrets` stays free of a YAML library.

import { base64Encode } from "./pem.ts";
import { type PemCertAndKey, REDACTED, type SecretsBundle } from "./secrets_types.ts";

const enc = new TextEncoder();

const FLOAT_RE = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const SPECIAL_RE =
  /^[-+]?(0x[0-9a-fA-F_]+|0o?[0-7_]+|0b[01_]+|\.inf|\.Inf|\.INF|\.nan|\.NaN|\.NAN)$/;
const BOOL_NULL = new Set([
  "",
  "~",
  "null",
  "Null",
  "NULL",
  "true",
  "True",
  "TRUE",
  "false",
  "False",
  "FALSE",
  "y",
  "Y",
  "yes",
  "Yes",
  "YES",
  "n",
  "N",
  "no",
  "No",
  "NO",
  "on",
  "On",
  "ON",
  "off",
  "Off",
  "OFF",
]);

/** A string scalar as yaml.v3 writes it: plain when it stays a string, quoted otherwise. */
export function yamlString(s: string): string {
  if (BOOL_NULL.has(s) || FLOAT_RE.test(s) || SPECIAL_RE.test(s)) return JSON.stringify(s);
  if (/^[A-Za-z0-9+/=._-]([A-Za-z0-9+/=._:-]*[A-Za-z0-9+/=._-])?$/.test(s) && !/^-(\s|$)/.test(s)) {
    return s;
  }
  if (/^[\x20-\x7e]*$/.test(s)) return `'${s.replaceAll("'", "''")}'`;
  return JSON.stringify(s);
}

const b64 = (pem: string) => base64Encode(enc.encode(pem));
const keyValue = (key: string) => yamlString(key === REDACTED ? REDACTED : b64(key));

function pair(name: string, p: PemCertAndKey | undefined): string {
  if (!p) return `    ${name}: null\n`;
  return `    ${name}:\n        crt: ${yamlString(b64(p.crt))}\n        key: ${keyValue(p.key)}\n`;
}

/** The bundle file's text. */
export function encodeSecretsBundle(b: SecretsBundle): string {
  let out = "cluster:\n";
  out += `    id: ${yamlString(b.cluster.id)}\n    secret: ${yamlString(b.cluster.secret)}\n`;
  out += `secrets:\n    bootstraptoken: ${yamlString(b.secrets.bootstrapToken)}\n`;
  if (b.secrets.aescbcEncryptionSecret) {
    out += `    aescbcencryptionsecret: ${yamlString(b.secrets.aescbcEncryptionSecret)}\n`;
  }
  if (b.secrets.secretboxEncryptionSecret) {
    out += `    secretboxencryptionsecret: ${yamlString(b.secrets.secretboxEncryptionSecret)}\n`;
  }
  out += `trustdinfo:\n    token: ${yamlString(b.trustdInfo.token)}\n`;
  out += "certs:\n";
  out += pair("etcd", b.certs.etcd);
  out += pair("k8s", b.certs.k8s);
  out += pair("k8saggregator", b.certs.k8sAggregator);
  out += b.certs.k8sServiceAccount
    ? `    k8sserviceaccount:\n        key: ${keyValue(b.certs.k8sServiceAccount.key)}\n`
    : "    k8sserviceaccount: null\n";
  out += pair("os", b.certs.os);
  return out;
}
