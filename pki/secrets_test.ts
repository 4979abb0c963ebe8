// Secrets bundle codec, validation and generation (no external tools).

import { assert, assertEquals, assertMatch, assertThrows } from "../tests/assert.ts";
import { seededRandom } from "../tests/harness.ts";
import { base64Decode } from "./pem.ts";
import { encodeSecretsBundle, generateSecretsBundle, parseSecretsBundle } from "./secrets.ts";
import { bundleFromControlPlaneConfig } from "./secrets_from_config.ts";
import { parseCertificatePem } from "./cert_info.ts";

const conformance = "/work/shared/conformance/secrets";
const NOW = new Date("2024-01-02T03:04:05Z");
const v16 = { major: 1, minor: 6 };

Deno.test("upstream's valid bundle loads and re-encodes byte for byte", async () => {
  const text = await Deno.readTextFile(`${conformance}/secrets.yaml`);
  const b = parseSecretsBundle(text, "secrets.yaml");
  assertEquals(b.cluster.id, "cgvhCbucls-WqkESDTRqykFgb4hROI4cBpgB0YJLLtM=");
  assertMatch(b.certs.os.key, /^-----BEGIN ED25519 PRIVATE KEY-----\n/);
  assertEquals(parseCertificatePem(b.certs.k8s.crt).subjectOrganizations, ["kubernetes"]);
  assertEquals(encodeSecretsBundle(b), text);
});

Deno.test("upstream's invalid bundle is refused with every problem named", async () => {
  const text = await Deno.readTextFile(`${conformance}/invalid-secrets.yaml`);
  const err = assertThrows(() => parseSecretsBundle(text, "bad.yaml"));
  assertEquals(
    err.message,
    'failed to validate secrets bundle "bad.yaml": 6 errors occurred:\n' +
      "\t* cluster.secret is required\n" +
      "\t* one of [secrets.secretboxencryptionsecret, secrets.aescbcencryptionsecret] is required\n" +
      "\t* trustdinfo is required\n" +
      "\t* certs.etcd is invalid: failed to parse PEM block\n" +
      "\t* certs.k8saggregator is required\n" +
      '\t* certs.os is invalid: unsupported key type: "CERTIFICATE"\n\n',
  );
});

Deno.test("malformed bundle files: YAML, types and base64 errors name the file and field", () => {
  assertThrows(
    () => parseSecretsBundle("", "e.yaml"),
    'failed to load secrets bundle "e.yaml": EOF',
  );
  assertThrows(
    () => parseSecretsBundle("a: [", "y.yaml"),
    'failed to load secrets bundle "y.yaml": ',
  );
  assertThrows(() => parseSecretsBundle("cluster: [1]\n", "t.yaml"), "cluster: expected a mapping");
  assertThrows(
    () => parseSecretsBundle("certs:\n  os:\n    crt: '%%%'\n", "b.yaml"),
    "certs.os.crt: illegal base64 data at input byte 0",
  );
  assertThrows(
    () =>
      parseSecretsBundle(
        "secrets:\n  bootstraptoken: x\n  aescbcencryptionsecret: a\n  secretboxencryptionsecret: b\n",
        "two.yaml",
      ),
    "only one of [secrets.secretboxencryptionsecret, secrets.aescbcencryptionsecret] is allowed",
  );
});

Deno.test("generated bundle: formats, contract switches, round trip through the file codec", async () => {
  const b = await generateSecretsBundle(v16, { now: () => NOW, random: seededRandom(1) });
  assertMatch(b.secrets.bootstrapToken, /^[a-z0-9]{6}\.[a-z0-9]{16}$/);
  assertMatch(b.trustdInfo.token, /^[a-z0-9]{6}\.[a-z0-9]{16}$/);
  assertEquals(base64Decode(b.cluster.id).length, 32);
  assertEquals(base64Decode(b.cluster.secret).length, 32);
  assertEquals(base64Decode(b.secrets.secretboxEncryptionSecret!).length, 32);
  assertEquals(b.secrets.aescbcEncryptionSecret, undefined);
  assertMatch(b.certs.k8sServiceAccount!.key, /^-----BEGIN EC PRIVATE KEY-----/);
  assertEquals(parseCertificatePem(b.certs.k8sAggregator!.crt).subjectOrganizations, []);
  const text = encodeSecretsBundle(b);
  assertMatch(text, /^cluster:\n {4}id: \S+\n {4}secret: \S+\nsecrets:\n {4}bootstraptoken: /);
  assertEquals(parseSecretsBundle(text, "x"), b);
  const old = await generateSecretsBundle({ major: 1, minor: 2 }, {
    now: () => NOW,
    random: seededRandom(2),
  });
  assertEquals(old.secrets.secretboxEncryptionSecret, undefined);
  assertEquals(base64Decode(old.secrets.aescbcEncryptionSecret!).length, 32);
});

Deno.test("generation is reproducible with an injected clock and randomness", async () => {
  const a = await generateSecretsBundle(v16, { now: () => NOW, random: seededRandom(11) });
  const b = await generateSecretsBundle(v16, { now: () => NOW, random: seededRandom(11) });
  const c = await generateSecretsBundle(v16, { now: () => NOW, random: seededRandom(12) });
  // Ed25519 signatures are deterministic: the whole OS CA repeats; ECDSA keys repeat too.
  assertEquals(a.certs.os, b.certs.os);
  assertEquals([a.certs.k8s.key, a.certs.etcd.key], [b.certs.k8s.key, b.certs.etcd.key]);
  assertEquals([a.cluster, a.secrets, a.trustdInfo], [b.cluster, b.secrets, b.trustdInfo]);
  assert(a.certs.os.key !== c.certs.os.key && a.cluster.id !== c.cluster.id);
});

Deno.test("bundle recovered from a control-plane config equals the original", async () => {
  const b = await generateSecretsBundle(v16, { now: () => NOW, random: seededRandom(21) });
  const b64 = (s: string) => btoa(s);
  const pair = (p: { crt: string; key: string }) => `{crt: ${b64(p.crt)}, key: ${b64(p.key)}}`;
  const config = [
    "version: v1alpha1",
    "machine:",
    "  type: controlplane",
    `  token: ${b.trustdInfo.token}`,
    `  ca: ${pair(b.certs.os)}`,
    "cluster:",
    `  id: ${b.cluster.id}`,
    `  secret: ${b.cluster.secret}`,
    `  token: ${b.secrets.bootstrapToken}`,
    `  secretboxEncryptionSecret: ${b.secrets.secretboxEncryptionSecret}`,
    `  ca: ${pair(b.certs.k8s)}`,
    `  aggregatorCA: ${pair(b.certs.k8sAggregator!)}`,
    `  serviceAccount: {key: ${b64(b.certs.k8sServiceAccount!.key)}}`,
    `  etcd: {ca: ${pair(b.certs.etcd)}}`,
    "---",
    "apiVersion: v1alpha1",
    "kind: HostnameConfig",
    "auto: stable",
  ].join("\n");
  assertEquals(encodeSecretsBundle(bundleFromControlPlaneConfig(config)), encodeSecretsBundle(b));
});
