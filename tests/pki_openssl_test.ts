// Interop of the pki/ module with the real openssl: what we generate, openssl parses and
// verifies; what openssl writes, we read.

import { assert, assertEquals, assertStringIncludes } from "./assert.ts";
import { seededRandom, tempDir } from "./harness.ts";
import { asPkcs8Label, haveOpenssl, openssl, opensslSpki } from "./openssl.ts";
import {
  CA_VALIDITY_MS,
  CLIENT_CERT_VALIDITY_MS,
  EKU_CLIENT_AUTH,
  generateSecretsBundle,
  issueCertificate,
  issueClientCertificate,
  KeyUsage,
  parseCertificatePem,
} from "../pki/secrets.ts";
import { importPrivateKeyPem } from "../pki/keys.ts";
import { encodePem } from "../pki/pem.ts";

const NOW = new Date("2025-03-04T05:06:07.890Z");
const HOUR = 3600_000;

async function text(cert: string): Promise<string> {
  return (await openssl(["x509", "-noout", "-text"], { stdin: cert })).stdout;
}

async function verify(dir: string, ca: string, leaf: string, atSeconds: number): Promise<void> {
  await Deno.writeTextFile(`${dir}/ca.pem`, ca);
  await Deno.writeTextFile(`${dir}/leaf.pem`, leaf);
  const r = await openssl(
    ["verify", "-attime", String(atSeconds), "-CAfile", "ca.pem", "leaf.pem"],
    {
      cwd: dir,
    },
  );
  assertEquals(r.stdout.trim(), "leaf.pem: OK");
}

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

Deno.test("bundle CAs: algorithms, subjects, CA:TRUE, usages, 10-year validity, matching keys", async () => {
  if (!(await haveOpenssl())) return;
  await using dir = await tempDir();
  const b = await generateSecretsBundle({ major: 1, minor: 13 }, {
    now: () => NOW,
    random: seededRandom(7),
  });
  const expect = {
    etcd: ["ecdsa-with-SHA256", "O = etcd", "id-ecPublicKey"],
    k8s: ["ecdsa-with-SHA256", "O = kubernetes", "id-ecPublicKey"],
    k8sAggregator: ["ecdsa-with-SHA256", "Subject: \n", "id-ecPublicKey"],
    os: ["ED25519", "O = talos", "ED25519"],
  } as const;
  for (const [name, [sig, subject, pub]] of Object.entries(expect)) {
    const pair = b.certs[name as keyof typeof expect]!;
    const t = await text(pair.crt);
    assertStringIncludes(t, `Signature Algorithm: ${sig}`, name);
    assertStringIncludes(t, subject.startsWith("O") ? `Subject: ${subject}` : subject, name);
    assertStringIncludes(t, `Public Key Algorithm: ${pub}`, name);
    assertStringIncludes(t, "X509v3 Basic Constraints: critical\n                CA:TRUE", name);
    assertStringIncludes(
      t,
      "X509v3 Key Usage: critical\n                Digital Signature, Certificate Sign",
    );
    assertStringIncludes(t, "TLS Web Server Authentication, TLS Web Client Authentication");
    const info = parseCertificatePem(pair.crt);
    assertEquals(info.notBefore.getTime(), Math.floor(NOW.getTime() / 1000) * 1000);
    assertEquals(info.notAfter.getTime() - info.notBefore.getTime(), CA_VALIDITY_MS);
    await verify(dir.path, pair.crt, pair.crt, seconds(NOW) + 10);
    assertEquals(await opensslSpki(pair.key, "key"), await opensslSpki(pair.crt, "cert"), name);
    assertEquals(
      encodePem("PUBLIC KEY", (await importPrivateKeyPem(pair.key)).spki).trim(),
      await opensslSpki(pair.crt, "cert"),
    );
  }
  assertStringIncludes(b.certs.etcd.key, "-----BEGIN EC PRIVATE KEY-----");
  assertStringIncludes(b.certs.os.key, "-----BEGIN ED25519 PRIVATE KEY-----");
  // Contracts after v1.6 get an RSA-4096 service-account key (PKCS#1).
  const sa = b.certs.k8sServiceAccount!.key;
  assertStringIncludes(sa, "-----BEGIN RSA PRIVATE KEY-----");
  assertStringIncludes(
    (await openssl(["pkey", "-noout", "-text"], { stdin: sa })).stdout,
    "4096 bit",
  );
});

Deno.test("talosconfig client certificate: Ed25519, O=roles, clientAuth, 1 year, backdated start", async () => {
  if (!(await haveOpenssl())) return;
  await using dir = await tempDir();
  const b = await generateSecretsBundle({ major: 1, minor: 6 }, {
    now: () => NOW,
    random: seededRandom(3),
  });
  const c = await issueClientCertificate(
    b.certs.os,
    ["os:reader", "os:admin"],
    CLIENT_CERT_VALIDITY_MS,
    NOW,
  );
  const info = parseCertificatePem(c.crt);
  assertEquals(info.subjectOrganizations.sort(), ["os:admin", "os:reader"]);
  assertEquals(info.commonName, "");
  assertEquals(info.isCA, false);
  assertEquals(info.keyUsage, ["digitalSignature"]);
  assertEquals(info.extKeyUsage, [EKU_CLIENT_AUTH]);
  assertEquals(info.publicKeyAlgorithm, "ed25519");
  assert(info.notBefore < NOW && NOW.getTime() - info.notBefore.getTime() <= 11_000);
  assertEquals(
    info.notAfter.getTime(),
    Math.floor((NOW.getTime() + CLIENT_CERT_VALIDITY_MS) / 1000) * 1000,
  );
  const t = await text(c.crt);
  assertStringIncludes(t, "X509v3 Key Usage: critical\n                Digital Signature\n");
  assertStringIncludes(
    t,
    "X509v3 Extended Key Usage: \n                TLS Web Client Authentication\n",
  );
  assert(!t.includes("Basic Constraints"));
  await verify(dir.path, b.certs.os.crt, c.crt, seconds(NOW));
  assertEquals(await opensslSpki(c.key, "key"), await opensslSpki(c.crt, "cert"));
  // Not valid before its (backdated) start: openssl agrees on the bounds.
  const early = await openssl(
    ["verify", "-attime", String(seconds(NOW) - 60), "-CAfile", "ca.pem", "leaf.pem"],
    { cwd: dir.path, allowFail: true },
  );
  assert(early.code !== 0);
});

Deno.test("issueCertificate on the Kubernetes CA: ECDSA admin kubeconfig certificate", async () => {
  if (!(await haveOpenssl())) return;
  await using dir = await tempDir();
  const b = await generateSecretsBundle({ major: 1, minor: 6 }, {
    now: () => NOW,
    random: seededRandom(5),
  });
  const c = await issueCertificate(b.certs.k8s, {
    subject: { organizations: ["system:masters"], commonName: "admin" },
    notBefore: new Date(NOW.getTime() - 10_000),
    notAfter: new Date(NOW.getTime() + 8760 * HOUR),
    keyUsage: KeyUsage.digitalSignature | KeyUsage.keyEncipherment,
    extKeyUsage: [EKU_CLIENT_AUTH],
    dnsNames: ["admin.example"],
    ipAddresses: ["10.5.0.1", "fd00::1"],
  });
  const t = await text(c.crt);
  assertStringIncludes(t, "Subject: O = system:masters, CN = admin");
  assertStringIncludes(t, "Digital Signature, Key Encipherment");
  assertStringIncludes(t, "DNS:admin.example, IP Address:10.5.0.1, IP Address:FD00:0:0:0:0:0:0:1");
  assertStringIncludes(c.key, "BEGIN EC PRIVATE KEY");
  await verify(dir.path, b.certs.k8s.crt, c.crt, seconds(NOW));
  assertEquals(await opensslSpki(c.key, "key"), await opensslSpki(c.crt, "cert"));
});

Deno.test("keys written by openssl are read back (every PEM label Go reads)", async () => {
  if (!(await haveOpenssl())) return;
  const cases: [string, string[], string[]?][] = [
    ["PRIVATE KEY", ["genpkey", "-algorithm", "ed25519"]],
    ["EC PRIVATE KEY", ["ecparam", "-name", "prime256v1", "-genkey", "-noout"]],
    ["PRIVATE KEY", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]],
    ["PRIVATE KEY", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"]],
    ["RSA PRIVATE KEY", ["genrsa", "-traditional", "2048"]],
    ["PRIVATE KEY", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]],
  ];
  for (const [label, args] of cases) {
    const pem = (await openssl(args)).stdout;
    assertStringIncludes(pem, `-----BEGIN ${label}-----`);
    const key = await importPrivateKeyPem(pem);
    assertEquals(
      encodePem("PUBLIC KEY", key.spki).trim(),
      await opensslSpki(pem, "key"),
      args.join(" "),
    );
    // Ed25519 in Go's own label (PKCS#8 body) too.
    if (key.alg === "ed25519") {
      const goPem = pem.replaceAll("PRIVATE KEY", "ED25519 PRIVATE KEY");
      assertEquals((await importPrivateKeyPem(goPem)).spki, key.spki);
    }
  }
});

Deno.test("a Go-format Ed25519 key is plain PKCS#8 for openssl", async () => {
  if (!(await haveOpenssl())) return;
  const b = await generateSecretsBundle({ major: 1, minor: 6 }, {
    now: () => NOW,
    random: seededRandom(9),
  });
  const r = await openssl(["pkey", "-noout", "-text"], { stdin: asPkcs8Label(b.certs.os.key) });
  assertStringIncludes(r.stdout, "ED25519 Private-Key");
  const ec = await openssl(["ec", "-noout", "-text"], { stdin: b.certs.k8s.key });
  assertStringIncludes(ec.stdout, "ASN1 OID: prime256v1");
});
