// `talosctl config ...` end to end, in-process: output, exit codes and the file left behind.

import { assert, assertEquals, assertStringIncludes } from "./assert.ts";
import {
  assertGolden,
  run,
  type RunOptions,
  type RunResult,
  tempDir,
  transcript,
} from "./harness.ts";
import { haveOpenssl, openssl } from "./openssl.ts";

const FIXTURES = new URL("./fixtures/talosconfig/", import.meta.url).pathname;
const NOW = new Date("2026-11-25T00:00:00Z");

/** Copies the fixture CA and admin certificate/key into `dir` (goldens show relative paths). */
async function copyFixtures(dir: string): Promise<void> {
  for (const f of ["ca.crt", "admin.crt", "admin.key"]) {
    await Deno.copyFile(FIXTURES + f, `${dir}/${f}`);
  }
}

/** Runs a sequence of commands against one talosconfig, recording a readable transcript. */
class Session {
  log = "";
  constructor(readonly dir: string, readonly opts: RunOptions = {}) {}

  get file(): string {
    return `${this.dir}/talosconfig`;
  }

  async run(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
    const r = await run([...argv, "--talosconfig", this.file], {
      cwd: this.dir,
      home: this.dir,
      now: NOW,
      ...this.opts,
      ...opts,
    });
    const clean = (s: string) => s.replaceAll(this.dir, "$TMP");
    this.log += clean(`$ talosctl ${argv.join(" ")}\n`) +
      clean(transcript(r)) + "\n";
    return r;
  }

  async snapshot(): Promise<void> {
    this.log += "--- talosconfig\n" + (await Deno.readTextFile(this.file)) + "\n";
  }
}

Deno.test("config: add, select, edit and list contexts (golden session)", async () => {
  await using tmp = await tempDir();
  await copyFixtures(tmp.path);
  const s = new Session(tmp.path);
  await s.run(["config", "contexts"]);
  await s.snapshot();
  await s.run(["config", "add", "prod", "--ca", "ca.crt"]);
  await s.run([
    "config",
    "add",
    "staging",
    "--crt",
    "admin.crt",
    "--key",
    "admin.key",
  ]);
  await s.run(["config", "endpoint", "10.0.0.1"]); // no current context yet
  await s.run(["config", "context", "prod"]);
  await s.run(["config", "use-context", "nope"]);
  await s.run(["config", "endpoints", "10.5.0.2", " 10.5.0.3 "]);
  await s.run(["config", "nodes", "10.5.0.4", "10.5.0.5", "10.5.0.6", "10.5.0.7"]);
  await s.run(["config", "node", "10.5.0.9", "--context", "staging"]);
  await s.run(["config", "get-contexts"]);
  await s.run(["config", "proxy-url"]);
  await s.run(["config", "proxy-url", "socks5://127.0.0.1:1080"]);
  await s.run(["config", "proxy-url"]);
  await s.snapshot();
  await s.run(["config", "proxy-url", ""]);
  await s.run(["config", "add", "x", "--crt", "a.crt"]);
  await s.run(["config", "add", "x", "--ca", "missing.crt"]);
  await s.run(["config", "add"]);
  await s.snapshot();
  await assertGolden("config-session.txt", s.log);
  assertEquals((await Deno.stat(s.file)).mode! & 0o777, 0o600);
});

Deno.test("config info: text, json, yaml from the client certificate", async () => {
  await using tmp = await tempDir();
  await copyFixtures(tmp.path);
  const s = new Session(tmp.path);
  await s.run([
    "config",
    "add",
    "admin",
    "--ca",
    "ca.crt",
    "--crt",
    "admin.crt",
    "--key",
    "admin.key",
  ]);
  await s.run(["config", "info"]); // no context selected
  await s.run(["config", "context", "admin"]);
  await s.run(["config", "endpoint", "10.5.0.2"]);
  await s.run(["config", "info"]);
  await s.run(["config", "info", "-o", "json"]);
  await s.run(["config", "info", "--output=yaml"]);
  await s.run(["config", "info", "-o", "table"]);
  await s.run(["config", "add", "bare"]);
  await s.run(["config", "info", "--context", "bare", "-o", "json"]);
  await assertGolden("config-info.txt", s.log);
});

Deno.test("config info reads roles and expiry of a certificate openssl just made", async () => {
  if (!(await haveOpenssl())) return;
  await using tmp = await tempDir();
  const d = tmp.path;
  await openssl(["genpkey", "-algorithm", "ed25519", "-out", "k.pem"], { cwd: d });
  await openssl([
    "req",
    "-x509",
    "-new",
    "-key",
    "k.pem",
    "-subj",
    "/O=os:operator/O=os:etcd:backup/O= /CN=me",
    "-days",
    "40",
    "-out",
    "c.pem",
  ], { cwd: d });
  const s = new Session(d, { now: new Date() });
  await s.run(["config", "add", "op", "--crt", "c.pem", "--key", "k.pem"]);
  await s.run(["config", "context", "op"]);
  const r = await s.run(["config", "info"]);
  assertEquals(r.code, 0, r.stderr);
  const end = (await openssl(["x509", "-in", "c.pem", "-noout", "-enddate"], { cwd: d })).stdout;
  const date = new Date(end.trim().replace("notAfter=", "")).toISOString().slice(0, 10);
  assertStringIncludes(r.stdout, "Roles:               os:etcd:backup, os:operator\n");
  assertStringIncludes(r.stdout, `Certificate expires: 1 month from now (${date})\n`);
});

Deno.test("config merge renames clashes and adopts the other current context", async () => {
  await using tmp = await tempDir();
  const s = new Session(tmp.path);
  await s.run(["config", "add", "a"]);
  await s.run(["config", "add", "a-1"]);
  await s.run(["config", "context", "a"]);
  const other = `${tmp.path}/other`;
  await Deno.writeTextFile(
    other,
    "context: a\ncontexts:\n  a: {endpoints: [1.1.1.1]}\n  b: {endpoints: [2.2.2.2]}\n",
  );
  await s.run(["config", "merge", other]);
  await s.snapshot();
  // As talosctl, a missing <from> is created empty and merges nothing.
  await s.run(["config", "merge", "absent"]);
  await s.snapshot();
  await assertGolden("config-merge.txt", s.log);
  assert((await Deno.stat(`${tmp.path}/absent`)).isFile);
});

Deno.test("config merge: renames are reported with Go's %q quoting", async () => {
  await using tmp = await tempDir();
  const s = new Session(tmp.path);
  const other = `${tmp.path}/other`;
  const name = "nb\u00a0sp\x7f";
  await Deno.writeTextFile(other, `context: ""\ncontexts:\n  "nb\\u00a0sp\\x7f": {}\n`);
  await s.run(["config", "merge", other]);
  const r = await s.run(["config", "merge", other]);
  assertEquals(r.code, 0);
  assertEquals(
    r.stderr,
    'renamed talosconfig context "nb\\u00a0sp\\x7f" -> "nb\\u00a0sp\\x7f-1"\n',
  );
  assertStringIncludes(await Deno.readTextFile(s.file), name.slice(0, 2));
});

Deno.test("config: context names and patterns in messages are quoted as Go's %q", async () => {
  await using tmp = await tempDir();
  const s = new Session(tmp.path);
  await s.run(["config", "add", "a"]);
  const missing = await s.run(["config", "context", "x\u00a0"]);
  assertEquals([missing.code, missing.stderr], [1, 'context "x\\u00a0" is not defined\n']);
  const none = await s.run(["config", "remove", "z\x7f*", "-y"]);
  assertEquals([none.code, none.stderr], [1, 'no contexts matched "z\\x7f*"\n']);
  await s.run(["config", "context", "a"]);
  const info = await s.run(["config", "info", "-o", "\u00a0"]);
  assertEquals(info.stderr, 'unknown output format: "\\u00a0"\n');
});

Deno.test("config remove: glob, current context kept, --dry-run, prompt answers", async () => {
  await using tmp = await tempDir();
  const s = new Session(tmp.path);
  for (const n of ["dev-1", "dev-2", "dev-3", "prod"]) await s.run(["config", "add", n]);
  await s.run(["config", "context", "dev-1"]);
  await s.run(["config", "remove", "dev-*", "-y", "--dry-run"]);
  await s.run(["config", "remove", "dev-*"], { stdin: "y\nno\n", stdinIsTTY: true });
  await s.run(["config", "contexts"]);
  await s.run(["config", "remove", "nothing*"]);
  await s.run(["config", "remove", "*", "--noconfirm"]);
  await s.run(["config", "contexts"]);
  await assertGolden("config-remove.txt", s.log);
});

Deno.test("config remove: no prompt text without a terminal; EOF means no", async () => {
  await using tmp = await tempDir();
  const s = new Session(tmp.path);
  await s.run(["config", "add", "a"]);
  const before = await Deno.readTextFile(s.file);
  const r = await s.run(["config", "remove", "a"]);
  assertEquals([r.code, r.stdout, r.stderr], [0, "", ""]);
  assertEquals(await Deno.readTextFile(s.file), before);
  const y = await s.run(["config", "remove", "a"], { stdin: "yes\n" });
  assertEquals([y.code, y.stderr], [0, ""]);
  assertEquals(await Deno.readTextFile(s.file), 'context: ""\ncontexts: {}\n');
});

Deno.test("bad talosconfig files: clear error, exit 1, file untouched", async () => {
  await using tmp = await tempDir();
  const s = new Session(tmp.path);
  const bad: [string, string][] = [
    ["malformed", "context: a\ncontexts:\n  a:\n    endpoints: [1\n  b: x\n"],
    ["wrong-type", "context: a\ncontexts:\n  a:\n    nodes: {x: y}\n"],
    ["empty", ""],
    ["broken-base64", "context: a\ncontexts:\n  a:\n    endpoints: []\n    crt: '!!!'\n"],
    ["broken-pem", "context: a\ncontexts:\n  a:\n    endpoints: []\n    crt: aGVsbG8=\n"],
    ["unknown-current", "context: gone\ncontexts:\n  a:\n    endpoints: []\n"],
  ];
  for (const [name, text] of bad) {
    await Deno.writeTextFile(s.file, text);
    s.log += `### ${name}\n`;
    // Broken certificates only matter to the commands that read them.
    const certOnly = name.startsWith("broken-");
    const commands = certOnly
      ? [["config", "info"]]
      : name === "unknown-current"
      ? [["config", "info"], ["config", "node", "n1"]]
      : [["config", "info"], ["config", "node", "n1"], ["config", "contexts"]];
    for (const argv of commands) {
      const r = await s.run(argv);
      assertEquals(r.code, 1, `${name} ${argv.join(" ")}`);
      assert(!r.stderr.includes("    at "), "no stack trace");
      assertEquals(await Deno.readTextFile(s.file), text, `${name}: file untouched`);
    }
  }
  await assertGolden("config-bad-input.txt", s.log);
});

Deno.test("config remove: answers are read as talosctl's Scanf(%s) reads them, word by word", async () => {
  // Scanf reads unbuffered stdin and drops the blank after a word: "y please" answers two
  // questions ("y", "please"), and the newline after "YES " is left to answer the next one.
  const cases: [string, string[]][] = [
    ["y please\n  YES \nyep\n\n", ["b", "d", "keep"]],
    ["y\r\nyes\r\nyes\nno\n", ["b", "d", "keep"]],
    ["yes\nY\nyeſ\nYeS", ["keep"]],
    ["y", ["b", "c", "d", "keep"]],
  ];
  const { parseTalosconfig } = await import("../clientconfig/talosconfig.ts");
  for (const [stdin, left] of cases) {
    await using tmp = await tempDir();
    const s = new Session(tmp.path);
    for (const n of ["a", "b", "c", "d", "keep"]) await s.run(["config", "add", n]);
    await s.run(["config", "context", "keep"]);
    const r = await s.run(["config", "remove", "*"], { stdin });
    assertEquals(r.code, 0);
    const names = Object.keys(parseTalosconfig(await Deno.readTextFile(s.file), "f").contexts);
    assertEquals(names.sort(), left, JSON.stringify(stdin));
  }
});

Deno.test("config remove and contexts order names as Go sorts strings (by code point)", async () => {
  await using tmp = await tempDir();
  const s = new Session(tmp.path);
  // UTF-16 order puts the emoji (a surrogate pair) before U+FF01; Go's byte order after it.
  for (const n of ["x\u{1F600}", "x\uFF01", "keep"]) await s.run(["config", "add", n]);
  await s.run(["config", "context", "keep"]);
  const list = await s.run(["config", "contexts"]);
  assertEquals(list.stdout.split("\n").slice(2, 4).map((l) => l.trim()), ["x\uFF01", "x\u{1F600}"]);
  const r = await s.run(["config", "remove", "x*", "-y", "--dry-run"]);
  assertEquals(r.stderr, 'removing context "x\uFF01"\nremoving context "x\u{1F600}"\n');
});

Deno.test("an empty $TALOSCONFIG is ignored: ~/.talos/config is used, as talosctl does", async () => {
  await using tmp = await tempDir();
  const r = await run(["config", "add", "x"], {
    cwd: tmp.path,
    home: tmp.path,
    env: { TALOSCONFIG: "" },
  });
  assertEquals([r.code, r.stderr], [0, ""]);
  assertStringIncludes(await Deno.readTextFile(`${tmp.path}/.talos/config`), "    x:\n");
});

Deno.test("config endpoint/node trim with Go's unicode.IsSpace: NEL is space, a BOM is not", async () => {
  await using tmp = await tempDir();
  const s = new Session(tmp.path);
  await s.run(["config", "add", "a"]);
  await s.run(["config", "context", "a"]);
  await s.run(["config", "endpoint", "\u0085 e1\u3000", "\ufeffe2"]);
  await s.run(["config", "node", "\tn1\u0085"]);
  const { parseTalosconfig } = await import("../clientconfig/talosconfig.ts");
  const a = parseTalosconfig(await Deno.readTextFile(s.file), "f").contexts.a;
  assertEquals([a.endpoints, a.nodes], [["e1", "\ufeffe2"], ["n1"]]);
});

Deno.test("config info -o json: endpoints absent or null in the file print null (Go's nil slice), [] prints []", async () => {
  await using tmp = await tempDir();
  const s = new Session(tmp.path);
  const cases: [string, unknown][] = [
    ["{}", null],
    ["{endpoints: }", null],
    ["{endpoints: []}", []],
    ["{target: t}", ["t"]],
  ];
  for (const [ctx, want] of cases) {
    await Deno.writeTextFile(s.file, `context: a\ncontexts:\n  a: ${ctx}\n`);
    const r = await s.run(["config", "info", "-o", "json"]);
    assertEquals([r.code, JSON.parse(r.stdout).endpoints], [0, want], ctx);
  }
});

Deno.test("config contexts: one text through Go's tabwriter, so a tab or newline in a name splits cells", async () => {
  await using tmp = await tempDir();
  const s = new Session(tmp.path);
  await Deno.writeTextFile(
    s.file,
    'context: long-name-here\ncontexts:\n  "a\\tb":\n    endpoints: [1.2.3.4]\n    nodes: [n1]\n' +
      '  long-name-here:\n    endpoints: []\n    nodes: [n1, n2]\n  "x\\ny":\n    endpoints: [e]\n',
  );
  const r = await s.run(["config", "contexts"]);
  // What talosctl's tabwriter.NewWriter(os.Stdout, 0, 0, 3, ' ', 0) makes of these rows.
  assertEquals(
    r.stdout,
    [
      "CURRENT   NAME             ENDPOINTS   NODES",
      "          a                b           1.2.3.4   n1",
      "*         long-name-here               n1,n2",
      "          x",
      "y         e   ",
      "",
    ].join("\n"),
  );
});

Deno.test("config add: unreadable files are reported as Go's os.ReadFile words them", async () => {
  await using tmp = await tempDir();
  const s = new Session(tmp.path);
  await Deno.mkdir(`${tmp.path}/dir`);
  await Deno.writeTextFile(`${tmp.path}/file`, "x");
  const dir = await s.run(["config", "add", "a", "--ca", "dir"]);
  assertEquals([dir.code, dir.stderr], [1, "error reading CA: read dir: is a directory\n"]);
  const under = await s.run(["config", "add", "a", "--crt", "file/x", "--key", "file"]);
  assertEquals(
    [under.code, under.stderr],
    [1, "error reading certificate: open file/x: not a directory\n"],
  );
});

Deno.test("talosconfig read errors name the file as given and only a missing file is created", async () => {
  await using tmp = await tempDir();
  await Deno.mkdir(`${tmp.path}/dir`);
  await Deno.writeTextFile(`${tmp.path}/file`, "x");
  const opts = { cwd: tmp.path, home: tmp.path, now: NOW };
  const cases: [string[], Record<string, string>, string][] = [
    [["--talosconfig", "dir"], {}, "error reading config: read dir: is a directory\n"],
    // os.Stat fails with ENOTDIR, not "does not exist": Go creates nothing and the read fails.
    [["--talosconfig", "file/x"], {}, "error reading config: open file/x: not a directory\n"],
    [[], { TALOSCONFIG: "dir" }, "error reading config: read dir: is a directory\n"],
  ];
  for (const [flags, env, stderr] of cases) {
    const r = await run(["config", "contexts", ...flags], { ...opts, env });
    assertEquals([r.code, r.stdout, r.stderr], [1, "", stderr], flags.join(" "));
  }
  const m = await run(["config", "merge", "dir", "--talosconfig", "tc"], opts);
  assertEquals([m.code, m.stderr], [1, "error reading config: read dir: is a directory\n"]);
});
