// Contract-dependent choices of upstream's secrets.NewBundle / populate() at HEAD.

import { assert, assertEquals } from "../tests/assert.ts";
import { seededRandom } from "../tests/harness.ts";
import { generateSecretsBundle } from "./secrets_gen.ts";

const NOW = new Date("2025-06-01T12:00:00Z");
const deps = (seed: number) => ({ now: () => NOW, random: seededRandom(seed) });

Deno.test("secrets: aescbc up to v1.2, secretbox after (Greater(TalosVersion1_2))", async () => {
  const old = await generateSecretsBundle({ major: 1, minor: 2 }, deps(1));
  assert(old.secrets.aescbcEncryptionSecret, "v1.2 gets an aescbc secret");
  assertEquals(old.secrets.secretboxEncryptionSecret, undefined);
  const v13 = await generateSecretsBundle({ major: 1, minor: 3 }, deps(2));
  assert(v13.secrets.secretboxEncryptionSecret, "v1.3 gets a secretbox secret");
  assertEquals(v13.secrets.aescbcEncryptionSecret, undefined);
  assertEquals(atob(v13.secrets.secretboxEncryptionSecret!).length, 32);
  assert(v13.certs.k8sServiceAccount!.key.includes("BEGIN EC PRIVATE KEY"), "ECDSA up to v1.6");
});

Deno.test("secrets: contract 0.0 is the current release (RSA service-account key, secretbox)", async () => {
  const b = await generateSecretsBundle({ major: 0, minor: 0 }, deps(3));
  assert(b.secrets.secretboxEncryptionSecret);
  assertEquals(b.secrets.aescbcEncryptionSecret, undefined);
  assert(b.certs.k8sServiceAccount!.key.includes("BEGIN RSA PRIVATE KEY"), "RSA after v1.6");
});

Deno.test("secrets: a Kubernetes-less contract gets no bootstrap token and no encryption secret", async () => {
  const b = await generateSecretsBundle({ major: 1, minor: 6 }, deps(4), {}, {
    kubernetes: false,
  });
  assertEquals(b.secrets, { bootstrapToken: "" });
  assert(/^[0-9a-z]{6}\.[0-9a-z]{16}$/.test(b.trustdInfo.token), "trustd token is still made");
  const given = await generateSecretsBundle({ major: 1, minor: 6 }, deps(5), {
    bootstrapToken: "abcdef.0123456789abcdef",
  }, { kubernetes: false });
  assertEquals(given.secrets.bootstrapToken, "abcdef.0123456789abcdef");
});
