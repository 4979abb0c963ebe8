// Fixtures for the credential tests (config renew, offline kubeconfig): an emulated cluster
// whose secrets bundle is known, i.e. whose Talos API CA is the emulator's CA and whose
// Kubernetes CA is the one its nodes sign admin kubeconfigs with, plus openssl checks of a
// client certificate.

import { assert, assertEquals, assertStringIncludes } from "./assert.ts";
import { seededRandom } from "./harness.ts";
import { haveOpenssl, openssl, opensslSpki } from "./openssl.ts";
import { simNode, startEmulator, type TestEmulator } from "./emulator/mod.ts";
import { clusterOf } from "./emulator/kubeconfig_handlers.ts";
import { generateSecretsBundle } from "../pki/secrets_gen.ts";
import { encodeSecretsBundle } from "../pki/secrets_encode.ts";
import type { SecretsBundle } from "../pki/secrets_types.ts";

export const CP = "10.5.0.2";
export const WORKER = "10.5.0.4";

export interface Cluster {
  emu: TestEmulator;
  bundle: SecretsBundle;
  /** Path of the cluster's secrets bundle file. */
  secrets: string;
}

/** A bundle of a brand new cluster (not the emulator's). */
export function otherBundle(seed = 99): Promise<SecretsBundle> {
  return generateSecretsBundle({ major: 1, minor: 6 }, {
    now: () => new Date(),
    random: seededRandom(seed),
  });
}

/** Starts an emulated cluster and writes `<dir>/secrets.yaml` for it. */
export async function startCluster(dir: string): Promise<Cluster> {
  const emu = await startEmulator({
    nodes: [simNode(CP), simNode("10.5.0.3"), simNode(WORKER, { controlPlane: false })],
  });
  for (const n of emu.nodes.values()) n.version = { ...n.version, tag: "v1.14.0" };
  const bundle = await otherBundle(7);
  bundle.certs.os = { crt: emu.ca.cert, key: emu.ca.key };
  clusterOf(emu).k8sCA = bundle.certs.k8s;
  const secrets = `${dir}/secrets.yaml`;
  await Deno.writeTextFile(secrets, encodeSecretsBundle(bundle), { mode: 0o600 });
  return { emu, bundle, secrets };
}

export interface ClientCertExpectation {
  /** The CA the certificate must chain to. */
  caPem: string;
  /** Exact subject line as openssl prints it, e.g. "O = os:admin". */
  subject: string;
  lifetimeMs: number;
  /** When the certificate was made (its NotBefore is this minus `backdateMs`). */
  issuedAt: Date;
  backdateMs: number;
  keyUsage: string;
  /** Allowed drift of the validity bounds (default 5 s: the certificate is made during a run). */
  toleranceMs?: number;
}

/**
 * openssl's verdict on a client certificate and its key: chains to the CA, subject, TLS client
 * authentication, key usage, lifetime, and the key is the certificate's.
 */
export async function checkClientCertificate(
  dir: string,
  crt: string,
  key: string,
  want: ClientCertExpectation,
): Promise<void> {
  if (!(await haveOpenssl())) return;
  await Deno.writeTextFile(`${dir}/check-ca.pem`, want.caPem);
  await Deno.writeTextFile(`${dir}/check-leaf.pem`, crt);
  const at = String(Math.floor(want.issuedAt.getTime() / 1000) + 60);
  const verify = await openssl([
    "verify",
    "-attime",
    at,
    "-purpose",
    "sslclient",
    "-CAfile",
    "check-ca.pem",
    "check-leaf.pem",
  ], { cwd: dir });
  assertEquals(verify.stdout.trim(), "check-leaf.pem: OK");
  const text = (await openssl(["x509", "-noout", "-text"], { stdin: crt })).stdout;
  assertStringIncludes(text, `Subject: ${want.subject}\n`);
  assertStringIncludes(
    text,
    "X509v3 Extended Key Usage: \n                TLS Web Client Authentication\n",
  );
  assertStringIncludes(text, `X509v3 Key Usage: critical\n                ${want.keyUsage}\n`);
  const dates = (await openssl(["x509", "-noout", "-startdate", "-enddate"], { stdin: crt }))
    .stdout;
  const nb = new Date(/notBefore=(.*)/.exec(dates)![1]).getTime();
  const na = new Date(/notAfter=(.*)/.exec(dates)![1]).getTime();
  const issued = Math.floor(want.issuedAt.getTime() / 1000) * 1000;
  const tolerance = want.toleranceMs ?? 5000;
  assert(Math.abs(nb - (issued - want.backdateMs)) <= tolerance, `notBefore ${dates}`);
  assert(Math.abs(na - (issued + want.lifetimeMs)) <= tolerance, `notAfter ${dates}`);
  assertEquals(na - nb, want.lifetimeMs + want.backdateMs, "lifetime");
  assertEquals(await opensslSpki(key, "key"), await opensslSpki(crt, "cert"));
}
