// `gen secrets` through the CLI: file safety, stdout, contracts, and the two import paths
// (--from-kubernetes-pki with an openssl-made PKI, --from-controlplane-config after gen config).

import { assertEquals, assertStringIncludes } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import { haveOpenssl, openssl } from "./openssl.ts";
import { parseSecretsBundle } from "../pki/secrets.ts";

const NOW = new Date("2025-01-01T00:00:00Z");

Deno.test("gen secrets writes a loadable bundle 0600 and never overwrites without --force", async () => {
  await using dir = await tempDir();
  const o = { cwd: dir.path, now: NOW, seed: 1 };
  const r = await run(["gen", "secrets", "--talos-version", "v1.6"], o);
  assertEquals([r.code, r.stdout, r.stderr], [0, "", ""]);
  const path = `${dir.path}/secrets.yaml`;
  assertEquals((await Deno.stat(path)).mode! & 0o777, 0o600);
  const text = await Deno.readTextFile(path);
  const b = parseSecretsBundle(text, path);
  assertStringIncludes(b.certs.k8sServiceAccount!.key, "EC PRIVATE KEY");
  const again = await run(["gen", "secrets", "--talos-version", "v1.6"], { ...o, seed: 2 });
  assertEquals([again.code, again.stderr], [
    1,
    'file "secrets.yaml" already exists, use --force to overwrite\n',
  ]);
  assertEquals(await Deno.readTextFile(path), text);
  const forced = await run(["gen", "secrets", "-f", "--talos-version", "v1.6"], { ...o, seed: 2 });
  assertEquals(forced.code, 0);
  assertEquals((await Deno.readTextFile(path)) !== text, true);
  const out = await run(["gen", "secrets", "-o", "-", "--talos-version", "v1.2"], o);
  assertEquals(out.code, 0);
  const old = parseSecretsBundle(out.stdout, "stdout");
  assertEquals([!!old.secrets.aescbcEncryptionSecret, !!old.secrets.secretboxEncryptionSecret], [
    true,
    false,
  ]);
  const sub = await run(["gen", "secrets", "-o", "sub/dir/s.yaml", "--talos-version", "v1.6"], o);
  assertEquals(sub.code, 0);
  parseSecretsBundle(await Deno.readTextFile(`${dir.path}/sub/dir/s.yaml`), "s.yaml");
});

Deno.test("gen secrets: default contract uses an RSA service-account key; bad versions refused", async () => {
  const r = await run(["gen", "secrets", "-o", "-"], { now: NOW });
  assertEquals(r.code, 0);
  assertStringIncludes(
    parseSecretsBundle(r.stdout, "-").certs.k8sServiceAccount!.key,
    "RSA PRIVATE KEY",
  );
  const bad = await run(["gen", "secrets", "--talos-version", "latest", "-o", "-"]);
  assertEquals([bad.code, bad.stdout], [1, ""]);
  assertStringIncludes(bad.stderr, "invalid talos-version: error parsing version");
});

Deno.test("gen secrets --from-kubernetes-pki keeps the PKI's CAs and the given token", async () => {
  if (!(await haveOpenssl())) return;
  await using dir = await tempDir();
  const pki = `${dir.path}/pki`;
  await Deno.mkdir(`${pki}/etcd`, { recursive: true });
  const ca = async (name: string, cn: string) => {
    await openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", `${name}.key`], {
      cwd: pki,
    });
    await openssl(
      [
        "req",
        "-x509",
        "-new",
        "-key",
        `${name}.key`,
        "-subj",
        `/CN=${cn}`,
        "-days",
        "3650",
        "-out",
        `${name}.crt`,
      ],
      { cwd: pki },
    );
  };
  await ca("ca", "kubernetes");
  await ca("etcd/ca", "etcd-ca");
  await ca("front-proxy-ca", "front-proxy-ca");
  await openssl(["genrsa", "-traditional", "-out", "sa.key", "2048"], { cwd: pki });
  const token = "abcdef.0123456789abcdef";
  const r = await run(["gen", "secrets", "-p", "pki", "-t", token, "-o", "-"], {
    cwd: dir.path,
    now: NOW,
  });
  assertEquals([r.code, r.stderr], [0, ""]);
  const b = parseSecretsBundle(r.stdout, "-");
  assertEquals(b.certs.k8s.crt, await Deno.readTextFile(`${pki}/ca.crt`));
  assertEquals(b.certs.etcd.key, await Deno.readTextFile(`${pki}/etcd/ca.key`));
  assertEquals(b.certs.k8sAggregator!.crt, await Deno.readTextFile(`${pki}/front-proxy-ca.crt`));
  assertEquals(b.certs.k8sServiceAccount!.key, await Deno.readTextFile(`${pki}/sa.key`));
  assertEquals(b.secrets.bootstrapToken, token);
  assertStringIncludes(b.certs.os.key, "ED25519 PRIVATE KEY");
  await Deno.remove(`${pki}/sa.key`);
  const missing = await run(["gen", "secrets", "-p", "pki", "-o", "-"], { cwd: dir.path });
  assertEquals(
    missing.stderr,
    "failed to create secrets bundle: open pki/sa.key: no such file or directory\n",
  );
  const notDir = await run(["gen", "secrets", "-p", "pki/ca.crt", "-o", "-"], { cwd: dir.path });
  assertEquals(notDir.stderr, 'failed to create secrets bundle: "pki/ca.crt" is not a directory\n');
});

const haveGenConfig = await run(["gen", "config", "--help"]).then((r) => r.code === 0);

Deno.test({
  name:
    "gen secrets, gen config --with-secrets, gen secrets --from-controlplane-config: same bundle",
  ignore: !haveGenConfig,
  async fn() {
    await using dir = await tempDir();
    for (const version of ["v1.6", ""]) {
      const o = { cwd: dir.path, now: NOW, seed: 5 };
      const v = version ? ["--talos-version", version] : [];
      assertEquals((await run(["gen", "secrets", "-f", ...v], o)).code, 0);
      const cfg = await run(
        [
          "gen",
          "config",
          "c",
          "https://10.0.0.1:6443",
          "--with-secrets",
          "secrets.yaml",
          "-f",
          ...v,
        ],
        o,
      );
      assertEquals(cfg.code, 0, cfg.stderr);
      const back = await run([
        "gen",
        "secrets",
        "--from-controlplane-config",
        "controlplane.yaml",
        "-o",
        "-",
      ], o);
      assertEquals([back.code, back.stderr], [0, ""]);
      assertEquals(
        back.stdout,
        await Deno.readTextFile(`${dir.path}/secrets.yaml`),
        `contract ${version || "current"}`,
      );
    }
  },
});
