// Writes a secrets bundle as upstream does (`yaml.Marshal` of go.yaml.in/yaml/v4, i.e. yaml.v3
// defaults: 4-space indentation, no line wrapping, field order of the Go struct, PEM stored as
// base64), through the project's Go-YAML emitter (goyaml/) with the v4 quoting rules. The bundle
// only holds base64 text, tokens and the "******" placeholder, on which v3 and v4 agree anyway.

import {
  emitDocument,
  mapping,
  nullNode,
  scalar,
  TALOS_YAML,
  type YamlNode,
} from "../goyaml/mod.ts";
import { base64Encode } from "./pem.ts";
import { type PemCertAndKey, REDACTED, type SecretsBundle } from "./secrets_types.ts";

const enc = new TextEncoder();

const b64 = (pem: string) => base64Encode(enc.encode(pem));
const keyNode = (key: string) => scalar(key === REDACTED ? REDACTED : b64(key));

function pair(p: PemCertAndKey | undefined): YamlNode {
  return p ? mapping([["crt", scalar(b64(p.crt))], ["key", keyNode(p.key)]]) : nullNode();
}

/** The bundle file's text. */
export function encodeSecretsBundle(b: SecretsBundle): string {
  const secrets: [string, YamlNode][] = [["bootstraptoken", scalar(b.secrets.bootstrapToken)]];
  if (b.secrets.aescbcEncryptionSecret) {
    secrets.push(["aescbcencryptionsecret", scalar(b.secrets.aescbcEncryptionSecret)]);
  }
  if (b.secrets.secretboxEncryptionSecret) {
    secrets.push(["secretboxencryptionsecret", scalar(b.secrets.secretboxEncryptionSecret)]);
  }
  const sa = b.certs.k8sServiceAccount;
  const doc = mapping([
    ["cluster", mapping([["id", scalar(b.cluster.id)], ["secret", scalar(b.cluster.secret)]])],
    ["secrets", mapping(secrets)],
    ["trustdinfo", mapping([["token", scalar(b.trustdInfo.token)]])],
    [
      "certs",
      mapping([
        ["etcd", pair(b.certs.etcd)],
        ["k8s", pair(b.certs.k8s)],
        ["k8saggregator", pair(b.certs.k8sAggregator)],
        ["k8sserviceaccount", sa ? mapping([["key", keyNode(sa.key)]]) : nullNode()],
        ["os", pair(b.certs.os)],
      ]),
    ],
  ]);
  return emitDocument(doc, TALOS_YAML);
}
