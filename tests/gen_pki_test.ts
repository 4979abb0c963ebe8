// `gen ca | key | csr | crt | keypair` through the CLI, checked with the real openssl both ways.

import { assertEquals, assertStringIncludes } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import { asPkcs8Label, haveOpenssl, openssl } from "./openssl.ts";
import { parseCertificatePem } from "../pki/cert_info.ts";

const NOW = new Date("2025-06-01T12:00:00Z");
const HOUR = 3600_000;
const opts = (cwd: string) => ({ cwd, now: NOW, seed: 42 });

async function mode(path: string): Promise<number> {
  return (await Deno.stat(path)).mode! & 0o777;
}

async function lifetime(path: string): Promise<number> {
  const info = parseCertificatePem(await Deno.readTextFile(path));
  assertEquals(info.notBefore.getTime(), NOW.getTime());
  return (info.notAfter.getTime() - info.notBefore.getTime()) / HOUR;
}

Deno.test("gen ca: Ed25519 CA for 87600h, .sha256 pins the public key, 0600, refuses overwrite", async () => {
  if (!(await haveOpenssl())) return;
  await using dir = await tempDir();
  const r = await run(["gen", "ca", "--organization", "acme"], opts(dir.path));
  assertEquals([r.code, r.stderr], [0, ""]);
  for (const f of ["acme.crt", "acme.key", "acme.sha256"]) {
    assertEquals(await mode(`${dir.path}/${f}`), 0o600);
  }
  assertEquals(await lifetime(`${dir.path}/acme.crt`), 87600);
  const t =
    (await openssl(["x509", "-noout", "-text", "-in", "acme.crt"], { cwd: dir.path })).stdout;
  assertStringIncludes(t, "Signature Algorithm: ED25519");
  assertStringIncludes(t, "Subject: O = acme");
  assertStringIncludes(t, "CA:TRUE");
  const pubPem =
    (await openssl(["x509", "-noout", "-pubkey", "-in", "acme.crt"], { cwd: dir.path }))
      .stdout;
  const pinned = await Deno.readTextFile(`${dir.path}/acme.sha256`);
  // openssl prints "SHA2-256(stdin)= <hex>" for the DER SubjectPublicKeyInfo.
  const spkiDer = await new Deno.Command("openssl", {
    args: ["pkey", "-pubin", "-outform", "DER"],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const w = spkiDer.stdin.getWriter();
  await w.write(new TextEncoder().encode(pubPem));
  await w.close();
  const der = (await spkiDer.output()).stdout;
  const dgst = await openssl(["dgst", "-sha256", "-r"], { stdin: der });
  const hex = dgst.stdout.split(" ")[0];
  assertEquals(pinned, `sha256:${hex}`);

  const before = await Deno.readTextFile(`${dir.path}/acme.crt`);
  const again = await run(["gen", "ca", "--organization", "acme"], opts(dir.path));
  assertEquals(again.code, 1);
  assertEquals(
    again.stderr,
    '3 errors occurred:\n\t* file "acme.crt" already exists, use --force to overwrite\n' +
      '\t* file "acme.sha256" already exists, use --force to overwrite\n' +
      '\t* file "acme.key" already exists, use --force to overwrite\n\n\n',
  );
  assertEquals(await Deno.readTextFile(`${dir.path}/acme.crt`), before);
  const forced = await run(["gen", "-f", "ca", "--organization", "acme", "--hours", "2"], {
    ...opts(dir.path),
    seed: 43,
  });
  assertEquals(forced.code, 0);
  assertEquals(await lifetime(`${dir.path}/acme.crt`), 2);
});

Deno.test("gen ca --rsa: RSA-4096, sha512WithRSAEncryption, PKCS#1 key openssl reads", async () => {
  if (!(await haveOpenssl())) return;
  await using dir = await tempDir();
  const r = await run(["gen", "ca", "--organization", "big", "--rsa"], opts(dir.path));
  assertEquals([r.code, r.stderr], [0, ""]);
  const t =
    (await openssl(["x509", "-noout", "-text", "-in", "big.crt"], { cwd: dir.path })).stdout;
  assertStringIncludes(t, "Signature Algorithm: sha512WithRSAEncryption");
  assertStringIncludes(t, "Public-Key: (4096 bit)");
  const key = await Deno.readTextFile(`${dir.path}/big.key`);
  assertStringIncludes(key, "-----BEGIN RSA PRIVATE KEY-----");
  const v = await openssl(["verify", "-CAfile", "big.crt", "big.crt"], { cwd: dir.path });
  assertEquals(v.stdout.trim(), "big.crt: OK");
  const a = (await openssl(["pkey", "-pubout", "-in", "big.key"], { cwd: dir.path })).stdout;
  const b =
    (await openssl(["x509", "-noout", "-pubkey", "-in", "big.crt"], { cwd: dir.path })).stdout;
  assertEquals(a, b);
});

Deno.test("gen key + csr + crt: a client certificate chained to a gen ca CA", async () => {
  if (!(await haveOpenssl())) return;
  await using dir = await tempDir();
  const o = opts(dir.path);
  assertEquals((await run(["gen", "ca", "--organization", "ca"], o)).code, 0);
  assertEquals((await run(["gen", "key", "--name", "admin"], o)).code, 0);
  const key = await Deno.readTextFile(`${dir.path}/admin.key`);
  assertStringIncludes(key, "-----BEGIN ED25519 PRIVATE KEY-----");
  assertEquals(await mode(`${dir.path}/admin.key`), 0o600);
  const csr = await run(
    ["gen", "csr", "--key", "admin.key", "--ip", "10.0.0.9", "--roles", "os:reader,os:admin"],
    o,
  );
  assertEquals([csr.code, csr.stderr], [0, ""]);
  const req = await openssl(["req", "-noout", "-verify", "-text", "-in", "admin.csr"], {
    cwd: dir.path,
  });
  assertStringIncludes(req.stdout + req.stderr, "verify OK");
  assertStringIncludes(req.stdout, "Subject: O = os:admin + O = os:reader");
  assertStringIncludes(req.stdout, "IP Address:10.0.0.9");
  const crt = await run(["gen", "crt", "--name", "admin", "--ca", "ca", "--csr", "admin.csr"], o);
  assertEquals([crt.code, crt.stderr], [0, ""]);
  assertEquals(await lifetime(`${dir.path}/admin.crt`), 24);
  const v = await openssl([
    "verify",
    "-attime",
    String(NOW.getTime() / 1000 + 60),
    "-CAfile",
    "ca.crt",
    "admin.crt",
  ], {
    cwd: dir.path,
  });
  assertEquals(v.stdout.trim(), "admin.crt: OK");
  const info = parseCertificatePem(await Deno.readTextFile(`${dir.path}/admin.crt`));
  assertEquals(info.subjectOrganizations, ["os:admin", "os:reader"]);
  assertEquals(info.ipAddresses, ["10.0.0.9"]);
  assertEquals(info.keyUsage, ["digitalSignature"]);
  assertEquals(info.extKeyUsage, ["1.3.6.1.5.5.7.3.2"]);
  assertEquals(info.isCA, false);
  const a = (await openssl(["pkey", "-pubout"], { stdin: asPkcs8Label(key) })).stdout;
  const b =
    (await openssl(["x509", "-noout", "-pubkey", "-in", "admin.crt"], { cwd: dir.path })).stdout;
  assertEquals(a, b);
  const dup = await run(["gen", "crt", "--name", "admin", "--ca", "ca", "--csr", "admin.csr"], o);
  assertEquals(dup.stderr, 'file "admin.crt" already exists, use --force to overwrite\n');
});

Deno.test("gen crt signs an openssl CSR with an openssl CA; gen csr reads an openssl key", async () => {
  if (!(await haveOpenssl())) return;
  await using dir = await tempDir();
  const sh = async (args: string[]) => await openssl(args, { cwd: dir.path });
  await sh(["genpkey", "-algorithm", "ed25519", "-out", "ossl.key"]);
  await sh([
    "req",
    "-x509",
    "-new",
    "-key",
    "ossl.key",
    "-subj",
    "/O=ossl",
    "-days",
    "10",
    "-out",
    "ossl.crt",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,digitalSignature",
  ]);
  await sh(["genpkey", "-algorithm", "ed25519", "-out", "client.key"]);
  await sh([
    "req",
    "-new",
    "-key",
    "client.key",
    "-subj",
    "/O=os:operator/CN=bob",
    "-out",
    "client.csr",
    "-addext",
    "subjectAltName=IP:192.168.1.1,DNS:bob.example",
  ]);
  const now = new Date();
  const r = await run([
    "gen",
    "crt",
    "--name",
    "client",
    "--ca",
    "ossl",
    "--csr",
    "client.csr",
    "--hours",
    "5",
  ], {
    cwd: dir.path,
    now,
  });
  assertEquals([r.code, r.stderr], [0, ""]);
  assertEquals(
    (await sh(["verify", "-CAfile", "ossl.crt", "client.crt"])).stdout.trim(),
    "client.crt: OK",
  );
  const info = parseCertificatePem(await Deno.readTextFile(`${dir.path}/client.crt`));
  assertEquals([info.subjectOrganizations, info.commonName], [["os:operator"], "bob"]);
  assertEquals([info.dnsNames, info.ipAddresses], [["bob.example"], ["192.168.1.1"]]);
  assertEquals(info.issuerOrganizations, ["ossl"]);
  // gen csr accepts openssl's PKCS#8 key, and refuses SEC1 as upstream does.
  assertEquals(
    (await run(["gen", "csr", "--key", "client.key", "--ip", "::1"], { cwd: dir.path })).code,
    1,
  );
  const forced = await run(["gen", "-f", "csr", "--key", "client.key", "--ip", "::1"], {
    cwd: dir.path,
  });
  assertEquals([forced.code, forced.stderr], [0, ""]);
  await sh(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ec.key"]);
  const sec1 = await run(["gen", "csr", "--key", "ec.key", "--ip", "1.2.3.4"], { cwd: dir.path });
  assertEquals(
    sec1.stderr,
    "error parsing ECDSA key: x509: failed to parse private key (use ParseECPrivateKey instead for this key format)\n",
  );
  // An ECDSA CSR cannot be signed by an Ed25519 CA.
  await sh([
    "genpkey",
    "-algorithm",
    "EC",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-out",
    "ec8.key",
  ]);
  assertEquals(
    (await run(["gen", "csr", "--key", "ec8.key", "--ip", "1.2.3.4"], { cwd: dir.path })).code,
    0,
  );
  const mismatch = await run(["gen", "crt", "--name", "x", "--ca", "ossl", "--csr", "ec8.csr"], {
    cwd: dir.path,
  });
  assertStringIncludes(mismatch.stderr, "does not match private key type");
});

Deno.test("gen keypair: self-signed Ed25519 CA valid 24h with the IP SAN", async () => {
  if (!(await haveOpenssl())) return;
  await using dir = await tempDir();
  const r = await run(
    ["gen", "keypair", "--organization", "kp", "--ip", "10.1.2.3"],
    opts(dir.path),
  );
  assertEquals([r.code, r.stderr], [0, ""]);
  assertEquals(await lifetime(`${dir.path}/kp.crt`), 24);
  const t = (await openssl(["x509", "-noout", "-text", "-in", "kp.crt"], { cwd: dir.path })).stdout;
  assertStringIncludes(t, "CA:TRUE");
  assertStringIncludes(t, "IP Address:10.1.2.3");
  assertEquals(await mode(`${dir.path}/kp.key`), 0o600);
});

Deno.test("gen PKI commands: required flags and bad input, as talosctl words them", async () => {
  await using dir = await tempDir();
  const o = opts(dir.path);
  let r = await run(["gen", "crt"], o);
  assertEquals(r.stderr.split("\n")[0], 'required flag(s) "ca", "csr", "name" not set');
  assertStringIncludes(r.stderr, "Usage:\n  talosctl gen crt [flags]");
  r = await run(["gen", "keypair", "--organization", "x", "--ip", "300.1.1.1"], o);
  assertEquals([r.code, r.stderr], [1, "invalid IP: 300.1.1.1\n"]);
  assertEquals((await run(["gen", "key", "--name", "k"], o)).code, 0);
  r = await run(
    ["gen", "csr", "--key", "k.key", "--ip", "1.1.1.1", "--roles", "os:admin,os:god"],
    o,
  );
  assertEquals(r.stderr, "unknown roles: os:god\n");
  r = await run(["gen", "csr", "--key", "missing.key", "--ip", "1.1.1.1"], o);
  assertEquals(r.stderr, "error reading key: open missing.key: no such file or directory\n");
  r = await run(["gen", "crt", "--name", "n", "--ca", "nope", "--csr", "x.csr"], o);
  assertEquals(r.stderr, "error reading CA cert: open nope.crt: no such file or directory\n");
  r = await run(["gen", "ca", "--organization", "x", "extra"], o);
  assertStringIncludes(r.stderr, 'unknown command "extra" for "talosctl gen ca"');
});
