// `gen config` / `machineconfig gen` through the CLI: per-contract golden output from the
// project's own secrets bundle (tests/fixtures/gen_config/secrets.yaml), output destinations,
// file modes, the talosconfig, and upstream's errors (exit 1, nothing written).

import { assert, assertEquals, assertStringIncludes } from "./assert.ts";
import { assertGolden, run, tempDir } from "./harness.ts";
import { parseCertificatePem } from "../pki/cert_info.ts";
import { parseTalosconfig } from "../clientconfig/talosconfig.ts";
import { parseSecretsBundle } from "../pki/secrets_parse.ts";

const SECRETS = new URL("./fixtures/gen_config/secrets.yaml", import.meta.url).pathname;
const NOW = new Date("2025-06-01T12:00:00Z");

const fixed = ["--with-secrets", SECRETS, "--with-docs=false", "--with-examples=false"];

async function listDir(path: string): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(path)) names.push(e.name);
  return names.sort();
}

for (const v of ["v1.3", "v1.7", "v1.11", "v1.12", "v1.13", "v1.15"]) {
  Deno.test(`gen config ${v}: controlplane and worker match the golden files`, async () => {
    await using dir = await tempDir();
    const r = await run([
      "gen",
      "config",
      "base",
      "https://base:6443",
      ...fixed,
      "--talos-version",
      v,
      "--kubernetes-version",
      "1.28.0",
      "--install-disk",
      "",
      "--install-image",
      "",
      "-t",
      "controlplane,worker",
      "-o",
      "out",
    ], { cwd: dir.path, now: NOW });
    assertEquals(r.code, 0, r.stderr);
    for (const t of ["controlplane", "worker"]) {
      await assertGolden(
        `gen_config/${v}-${t}.yaml`,
        await Deno.readTextFile(`${dir.path}/out/${t}.yaml`),
      );
    }
  });
}

for (const v of ["v1.11", "v1.13", "v1.15"]) {
  Deno.test(`gen config ${v}: SANs, DNS domain, install disk, mirrors, KubeSpan`, async () => {
    await using dir = await tempDir();
    const r = await run([
      "gen",
      "config",
      "ovr",
      "https://10.5.0.2:6443",
      ...fixed,
      "--talos-version",
      v,
      "--kubernetes-version",
      "v1.30.1",
      "--install-disk",
      "/dev/vda",
      "--additional-sans",
      "foo,10.5.0.10",
      "--dns-domain",
      "example.com",
      "--registry-mirror",
      "docker.io=https://mirror.local,ghcr.io=https://g.local",
      "--registry-mirror",
      "docker.io=https://mirror2.local",
      "--with-kubespan",
      "--with-cluster-discovery=false",
      "-t",
      "controlplane,worker",
    ], { cwd: dir.path, now: NOW, env: { TAG: "v9.9.9" } });
    assertEquals(r.code, 0, r.stderr);
    for (const t of ["controlplane", "worker"]) {
      await assertGolden(
        `gen_config/overrides-${v}-${t}.yaml`,
        await Deno.readTextFile(`${dir.path}/${t}.yaml`),
      );
    }
  });
}

Deno.test("gen config: fresh bundle, every file 0600, Created lines, talosconfig with admin cert", async () => {
  await using dir = await tempDir();
  const r = await run(
    ["gen", "config", "demo", "https://10.0.0.1:6443", "--talos-version", "v1.6"],
    { cwd: dir.path, now: NOW },
  );
  assertEquals(r.code, 0, r.stderr);
  assertEquals(await listDir(dir.path), ["controlplane.yaml", "talosconfig", "worker.yaml"]);
  for (const f of ["controlplane.yaml", "worker.yaml", "talosconfig"]) {
    assertEquals((await Deno.stat(`${dir.path}/${f}`)).mode! & 0o777, 0o600, f);
    assertStringIncludes(r.stderr, `Created ${dir.path}/${f}\n`);
  }
  assert(r.stderr.startsWith("generating PKI and tokens\n"));
  assertStringIncludes(r.stderr, "config endpoint");
  const cp = await Deno.readTextFile(`${dir.path}/controlplane.yaml`);
  assertStringIncludes(cp, "    image: ghcr.io/siderolabs/installer:v1.13.9 #");
  assertStringIncludes(cp, "    disk: /dev/sda #");
  assertStringIncludes(cp, "ghcr.io/siderolabs/kubelet:v1.36.3 #");

  const cfg = parseTalosconfig(await Deno.readTextFile(`${dir.path}/talosconfig`), "talosconfig");
  assertEquals(cfg.context, "demo");
  const ctx = cfg.contexts.demo;
  assertEquals(ctx.endpoints, []);
  const dec = (s: string) =>
    new TextDecoder().decode(Uint8Array.from(atob(s), (c) => c.charCodeAt(0)));
  const caLine = /^ {8}crt: (\S+)$/m.exec(cp)![1];
  assertEquals(ctx.ca, caLine, "talosconfig CA is the machine (OS) CA");
  const cert = parseCertificatePem(dec(ctx.crt!));
  assertEquals(cert.subjectOrganizations, ["os:admin"]);
  assertEquals(cert.issuerOrganizations, ["talos"]);
  assertEquals(cert.keyUsage, ["digitalSignature"]);
  assertEquals(cert.extKeyUsage, ["1.3.6.1.5.5.7.3.2"]);
  const days = (cert.notAfter.getTime() - NOW.getTime()) / 86400_000;
  assertEquals(days, 365);
  assertStringIncludes(dec(ctx.key!), "BEGIN ED25519 PRIVATE KEY");
});

Deno.test("gen config: -o - writes one output to stdout, -o FILE to that file", async () => {
  await using dir = await tempDir();
  const base = ["gen", "config", "c", "https://c:6443", ...fixed];
  const a = await run([...base, "-t", "worker", "-o", "-"], { cwd: dir.path });
  assertEquals([a.code, await listDir(dir.path)], [0, []]);
  assert(a.stdout.startsWith("version: v1alpha1\n"));
  assertStringIncludes(a.stdout, "    type: worker\n");
  const b = await run([...base, "-t", "worker", "-o", "w.yaml"], { cwd: dir.path });
  assertEquals(b.code, 0, b.stderr);
  assertEquals(await Deno.readTextFile(`${dir.path}/w.yaml`), a.stdout);
  assertStringIncludes(b.stderr, "Created w.yaml\n");
  const c = await run([...base, "-t", "talosconfig", "-o", "-"], { cwd: dir.path });
  assertEquals(c.code, 0, c.stderr);
  assert(c.stdout.startsWith("context: c\ncontexts:\n    c:\n        endpoints: []\n"));
});

Deno.test("gen config: refuses to overwrite without --force, nothing partially written", async () => {
  await using dir = await tempDir();
  await Deno.writeTextFile(`${dir.path}/worker.yaml`, "mine\n");
  const args = ["gen", "config", "c", "https://c:6443", ...fixed];
  const r = await run(args, { cwd: dir.path });
  assertEquals(r.code, 1);
  assertEquals(
    r.stderr,
    `file "${dir.path}/worker.yaml" already exists, use --force to overwrite\n`,
  );
  assertEquals(await listDir(dir.path), ["worker.yaml"]);
  const f = await run([...args, "--force"], { cwd: dir.path });
  assertEquals(f.code, 0, f.stderr);
  assertStringIncludes(await Deno.readTextFile(`${dir.path}/worker.yaml`), "type: worker");
});

const errorCases: [string, string[], string][] = [
  [
    "endpoint without scheme and port",
    ["c", "1.2.3.4"],
    'no scheme and port specified for the cluster endpoint URL\ntry: "https://1.2.3.4:6443"\n',
  ],
  [
    "endpoint without scheme",
    ["c", "1.2.3.4:6443"],
    'no scheme specified for the cluster endpoint URL\ntry: "https://1.2.3.4:6443"\n',
  ],
  [
    "http endpoint",
    ["c", "http://h:6443"],
    'the control plane endpoint URL should have scheme https://\ntry: "https://h:6443"\n',
  ],
  [
    "unknown output type",
    ["c", "https://h", "-t", "worker,nope"],
    '1 error occurred:\n\t* invalid output type: "nope"\n\n\n',
  ],
  [
    "unknown contract",
    ["c", "https://h", "--talos-version", "latest"],
    'invalid talos-version: error parsing version "vlatest"\n',
  ],
  [
    "unreadable bundle",
    ["c", "https://h", "--with-secrets", "missing.yaml"],
    "failed to load secrets bundle: open missing.yaml: no such file or directory\n",
  ],
  [
    "bad mirror",
    ["c", "https://h", "--registry-mirror", "docker.io"],
    'invalid registry mirror spec: "docker.io"\n',
  ],
  [
    "config version",
    ["c", "https://h", "--version", "v1alpha2"],
    'unknown config version: "v1alpha2"\n',
  ],
  [
    "stdout with several types",
    ["c", "https://h", "-o", "-"],
    "can't use multiple output types with stdout\n",
  ],
  [
    "missing patch file",
    ["c", "https://h", "--config-patch", "@p.yaml"],
    "error parsing config JSON patch: open p.yaml: no such file or directory\n",
  ],
];

for (const [name, args, message] of errorCases) {
  Deno.test(`gen config error: ${name}`, async () => {
    await using dir = await tempDir();
    const r = await run(["gen", "config", ...args], { cwd: dir.path });
    assertEquals([r.code, r.stdout, r.stderr], [1, "", message]);
    assertEquals(await listDir(dir.path), []);
  });
}

Deno.test("gen config error: invalid bundle is rejected with the validation errors", async () => {
  await using dir = await tempDir();
  await Deno.writeTextFile(`${dir.path}/s.yaml`, "cluster:\n    id: x\n");
  const r = await run(["gen", "config", "c", "https://h", "--with-secrets", "s.yaml"], {
    cwd: dir.path,
  });
  assertEquals(r.code, 1);
  assert(r.stderr.startsWith("failed to validate secrets bundle: "), r.stderr);
  assertEquals(await listDir(dir.path), ["s.yaml"]);
});

Deno.test("machineconfig gen: alias with gen config's defaults and no flags of its own", async () => {
  await using dir = await tempDir();
  const r = await run(["mc", "gen", "c", "1.2.3.4"], { cwd: dir.path });
  assertEquals([r.code, r.stderr.split("\n")[0]], [
    1,
    "no scheme and port specified for the cluster endpoint URL",
  ]);
  const h = await run(["machineconfig", "gen", "--help"], { cwd: dir.path });
  assertEquals(h.code, 0);
  assert(!h.stdout.includes("--with-secrets"), "no flags of its own");
  const f = await run(["mc", "gen", "c", "https://h", "--with-secrets", SECRETS], {
    cwd: dir.path,
  });
  assertEquals(f.code, 1);
  assertStringIncludes(f.stderr, "unknown flag: --with-secrets");
});

Deno.test("gen config: the bundle's secrets end up in the config", async () => {
  const bundle = parseSecretsBundle(await Deno.readTextFile(SECRETS), SECRETS);
  const r = await run([
    "gen",
    "config",
    "c",
    "https://h:6443",
    ...fixed,
    "-t",
    "controlplane",
    "-o",
    "-",
  ]);
  assertEquals(r.code, 0, r.stderr);
  assertStringIncludes(r.stdout, `    token: ${bundle.trustdInfo.token}\n`);
  assertStringIncludes(r.stdout, `    token: ${bundle.secrets.bootstrapToken}\n`);
  assertStringIncludes(r.stdout, `    id: ${bundle.cluster.id}\n`);
  assertStringIncludes(r.stdout, `        crt: ${btoa(bundle.certs.etcd.crt)}\n`);
});

Deno.test("gen config --with-docs/--with-examples: comments only, same data as without", async () => {
  const { parseAllDocuments } = await import("yaml");
  const data = (text: string) => parseAllDocuments(text).map((d) => d.toJS());
  for (const v of ["v1.7", "v1.13", "v1.15"]) {
    const base = ["gen", "config", "c", "https://h:6443", "--with-secrets", SECRETS, "-o", "-"];
    const plain = await run([
      ...base,
      "--talos-version",
      v,
      "-t",
      "controlplane",
      "--with-docs=false",
      "--with-examples=false",
    ]);
    for (const flags of [[], ["--with-examples=false"], ["--with-docs=false"]]) {
      const commented = await run([...base, "--talos-version", v, "-t", "controlplane", ...flags]);
      assertEquals(commented.code, 0, commented.stderr);
      assert(commented.stdout !== plain.stdout, "comments were added");
      assertEquals(data(commented.stdout), data(plain.stdout), `${v} ${flags}`);
      const stripped = commented.stdout.split("\n").filter((l) => !/^\s*#/.test(l))
        .map((l) => l.replace(/ # .*$/, "")).join("\n");
      assertEquals(stripped, plain.stdout, `${v} ${flags}: only comment lines/suffixes differ`);
    }
  }
});
