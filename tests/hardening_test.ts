// The offline commands under hostile or careless input: lifetimes X.509 cannot hold, file modes
// of key material, YAML aliases and alias bombs, partial output sets on a full disk, and parser
// internals that must not reach the user.

import { assert, assertEquals, assertStringIncludes } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import { haveOpenssl, openssl } from "./openssl.ts";

const GEN = ["c", "https://10.0.0.1:6443", "--with-docs=false", "--with-examples=false"];

/** Bytes a terminal would act on (other than tab and newline). */
const hasControl = (s: string) =>
  [...s].some((c) => (c < " " && c !== "\t" && c !== "\n") || c === "\x7f");

async function names(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) out.push(e.name);
  return out.sort();
}

Deno.test("lifetimes: zero, negative and past-9999 lifetimes are refused and nothing is written", async () => {
  await using dir = await tempDir();
  const cwd = dir.path;
  for (const hours of ["0", "-5", "999999999999"]) {
    const r = await run(["gen", "ca", "--organization", "o", "--hours", hours], { cwd });
    assertEquals(r.code, 1, hours);
    assertStringIncludes(r.stderr, `invalid --hours ${hours}: `);
  }
  const crt = await run([
    "gen",
    "crt",
    "--ca",
    "o",
    "--csr",
    "x.csr",
    "--name",
    "n",
    "--hours",
    "99999999",
  ], {
    cwd,
  });
  assertEquals(
    crt.stderr,
    "invalid --hours 99999999: the certificate would expire after the year 9999, the last one X.509 can encode; give a shorter lifetime\n",
  );
  assertEquals(await names(cwd), []);
  // The longest lifetime that fits is written, and openssl reads it.
  const ok = await run(["gen", "ca", "--organization", "o", "--hours", "60000000"], { cwd });
  assertEquals(ok.code, 0, ok.stderr);
  if (await haveOpenssl()) {
    const end = await openssl(["x509", "-in", `${cwd}/o.crt`, "-noout", "-enddate"]);
    assertEquals(end.code, 0);
    assert(/notAfter=.* 8\d{3} GMT/.test(end.stdout), end.stdout);
  }
});

Deno.test("file modes: every file holding key material or a machine config is written 0600", async () => {
  await using dir = await tempDir();
  const cwd = dir.path;
  const steps = [
    ["gen", "config", ...GEN],
    ["gen", "secrets", "-o", "secrets.yaml"],
    ["gen", "ca", "--organization", "ca"],
    ["gen", "keypair", "--organization", "kp"],
    ["gen", "key", "--name", "k"],
    ["gen", "csr", "--key", "k.key", "--ip", "10.0.0.1"],
    [
      "mc",
      "patch",
      "worker.yaml",
      "-p",
      "machine: {kubelet: {extraArgs: {a: b}}}",
      "-o",
      "out.yaml",
    ],
  ];
  for (const argv of steps) {
    const r = await run(argv, { cwd });
    assertEquals(r.code, 0, `${argv.join(" ")}: ${r.stderr}`);
  }
  for (const name of await names(cwd)) {
    const mode = (await Deno.stat(`${cwd}/${name}`)).mode! & 0o777;
    assertEquals(mode.toString(8), "600", name);
  }
});

Deno.test("YAML aliases resolve as go-yaml resolves them; bombs and self-references are refused", async () => {
  await using dir = await tempDir();
  const cwd = dir.path;
  assertEquals((await run(["gen", "config", ...GEN, "-t", "controlplane"], { cwd })).code, 0);
  const base = await Deno.readTextFile(`${cwd}/controlplane.yaml`);
  const aliased = base.replace("    certSANs: []\n", "    certSANs: &sans [x.example, 10.0.0.9]\n")
    .replace("    apiServer:\n", "    apiServer:\n        certSANs: *sans\n");
  assert(aliased.includes("certSANs: *sans"));
  await Deno.writeTextFile(`${cwd}/aliased.yaml`, aliased);
  const v = await run(["validate", "-m", "metal", "-c", "aliased.yaml"], { cwd });
  assertEquals([v.code, v.stderr], [0, ""]);

  const patch = "machine: {certSANs: &a [x, y]}\ncluster: {apiServer: {certSANs: *a}}\n";
  const p = await run(["mc", "patch", "controlplane.yaml", "-p", patch], { cwd });
  assertEquals(p.code, 0, p.stderr);
  assertStringIncludes(p.stdout, "    certSANs:\n        - x\n        - 'y'\n");
  assertStringIncludes(p.stdout, "        certSANs:\n            - x\n            - 'y'\n");

  // Nine levels of nine aliases each: 387 million nodes if expanded.
  let bomb = "version: v1alpha1\nmachine:\n  certSANs: &a0 [x, x, x, x, x, x, x, x, x]\n";
  for (let i = 1; i < 10; i++) {
    bomb += `  a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(", ")}]\n`;
  }
  await Deno.writeTextFile(`${cwd}/bomb.yaml`, bomb);
  const b = await run(["validate", "-m", "metal", "-c", "bomb.yaml"], { cwd });
  assertEquals([b.code, b.stderr], [1, "bomb.yaml: yaml: document contains excessive aliasing\n"]);
  const bp = await run(["mc", "patch", "controlplane.yaml", "-p", "@bomb.yaml"], { cwd });
  assertEquals(bp.code, 1);
  assertStringIncludes(bp.stderr, "document contains excessive aliasing");

  await Deno.writeTextFile(`${cwd}/self.yaml`, "machine: &m\n  network: *m\n");
  const s = await run(["validate", "-m", "metal", "-c", "self.yaml"], { cwd });
  assertEquals(s.stderr, "self.yaml: yaml: anchor 'm' value contains itself\n");
});

Deno.test("parser internals never reach the user: deep nesting, binary bytes, several documents", async () => {
  await using dir = await tempDir();
  const cwd = dir.path;
  await Deno.writeTextFile(`${cwd}/deep.yaml`, "machine: " + "[".repeat(10000) + "]".repeat(10000));
  let block = "machine:\n";
  for (let i = 0; i < 3000; i++) block += "  ".repeat(i + 1) + `k${i}:\n`;
  await Deno.writeTextFile(`${cwd}/deep-block.yaml`, block);
  for (const f of ["deep.yaml", "deep-block.yaml"]) {
    const r = await run(["validate", "-m", "metal", "-c", f], { cwd });
    assertEquals(r.code, 1);
    assertStringIncludes(r.stderr, `${f}: yaml: `);
    assertStringIncludes(r.stderr, "the document is nested too deeply to be read");
    assert(!r.stderr.includes("call stack"), r.stderr);
  }
  await Deno.writeFile(
    `${cwd}/bin.yaml`,
    new Uint8Array([...new TextEncoder().encode("machine: |"), 1, 2, 0x7f, 10]),
  );
  const bin = await run(["validate", "-m", "metal", "-c", "bin.yaml"], { cwd });
  assertEquals(bin.code, 1);
  assertStringIncludes(bin.stderr, "|\\x01\\x02\\x7f");
  assert(!hasControl(bin.stderr), JSON.stringify(bin.stderr));
  const tc = await run(["--talosconfig", "bin.yaml", "config", "info"], { cwd });
  assertEquals(tc.code, 1);
  assert(!hasControl(tc.stderr), JSON.stringify(tc.stderr));

  // As Go's yaml.Decoder: the first document of a secrets file is the bundle.
  assertEquals((await run(["gen", "secrets", "-o", "s.yaml"], { cwd })).code, 0);
  const two = (await Deno.readTextFile(`${cwd}/s.yaml`)) + "---\nother: doc\n";
  await Deno.writeTextFile(`${cwd}/two.yaml`, two);
  const g = await run(["gen", "config", ...GEN, "--with-secrets", "two.yaml", "-o", "out"], {
    cwd,
  });
  assertEquals(g.code, 0, g.stderr);
  assert(!g.stderr.includes("parseAllDocuments"));
});

/** Runs the CLI in a private mount namespace with a tmpfs of `size` mounted on `dir`. */
async function onTinyDisk(dir: string, size: string, argv: string[]) {
  const main = new URL("../main.ts", import.meta.url).pathname;
  const script = `mount -t tmpfs -o size=${size} tmpfs "$1" && cd "$1" && shift && ` +
    `"$@"; rc=$?; ls -A; exit $rc`;
  const cmd = new Deno.Command("unshare", {
    args: ["-m", "sh", "-c", script, "sh", dir, Deno.execPath(), "run", "-A", main, ...argv],
    stdout: "piped",
    stderr: "piped",
  });
  const out = await cmd.output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

async function canUnshare(): Promise<boolean> {
  try {
    const out = await new Deno.Command("unshare", {
      args: ["-m", "sh", "-c", "mount -t tmpfs -o size=4k tmpfs /mnt"],
      stderr: "null",
      stdout: "null",
    }).output();
    return out.success;
  } catch {
    return false;
  }
}

Deno.test("a full disk leaves no partial set of outputs", async (t) => {
  if (!(await canUnshare())) {
    if (Deno.env.get("CI") === "true") throw new Error("unshare -m with a tmpfs mount is required");
    console.warn("skipped: this machine cannot mount a tmpfs in a private mount namespace");
    return;
  }
  await using dir = await tempDir();
  await t.step("gen config: no controlplane.yaml without worker.yaml", async () => {
    const r = await onTinyDisk(dir.path, "20k", ["gen", "config", "c", "https://10.0.0.1:6443"]);
    assertEquals(r.code, 1, r.stderr);
    assertStringIncludes(r.stderr, ": no space left on device\n");
    assertEquals(r.stdout, "", "files left behind");
  });
  await t.step("gen ca: no certificate without its key", async () => {
    const r = await onTinyDisk(dir.path, "4k", ["gen", "ca", "--organization", "o"]);
    assertEquals(r.code, 1, r.stderr);
    assertEquals(r.stdout, "", "files left behind");
  });
});
