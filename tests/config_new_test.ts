// `talosctl config new` against the emulator over real mutual TLS on loopback: the new
// talosconfig (context name, roles, TTL, endpoints, 0600) works against the cluster; every
// failure leaves no file behind.

import { assert, assertEquals, assertMatch, assertStringIncludes } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import { simNode, startEmulator } from "./emulator/mod.ts";
import { parseTalosconfig } from "../clientconfig/talosconfig.ts";
import { parseCertificatePem } from "../pki/cert_info.ts";

const CP = "10.5.0.2";
const WORKER = "10.5.0.4";
const HOUR = 3_600_000;

async function setup(dir: string, opts: { roles?: string[]; nodes?: string[] } = {}) {
  const nodes = [simNode(CP), simNode("10.5.0.3"), simNode(WORKER, { controlPlane: false })];
  // Current behaviour unless a test picks an older version.
  for (const n of nodes) n.version = { ...n.version, tag: "v1.14.0" };
  const emu = await startEmulator({ nodes });
  await Deno.mkdir(`${dir}/cfg`);
  const tc = await emu.talosconfig(`${dir}/cfg`, { roles: opts.roles, nodes: opts.nodes ?? [CP] });
  await Deno.mkdir(`${dir}/work`);
  return { emu, tc, work: `${dir}/work` };
}

async function listDir(path: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(path)) out.push(e.name);
  return out.sort();
}

async function load(path: string) {
  const cfg = parseTalosconfig(await Deno.readTextFile(path), path);
  const ctx = cfg.contexts[cfg.context];
  const crt = parseCertificatePem(atob(ctx.crt!));
  return { cfg, ctx, crt };
}

Deno.test("config new writes a working talosconfig for the node's cluster (0600)", async () => {
  await using dir = await tempDir();
  const { emu, tc, work } = await setup(dir.path);
  await using _ = emu;
  const started = Date.now();
  let r = await run(["config", "new", "--talosconfig", tc], { cwd: work });
  assertEquals([r.code, r.stdout, r.stderr], [0, "", ""]);
  const path = `${work}/talosconfig`;
  assertEquals((await Deno.stat(path)).mode! & 0o777, 0o600);
  const { cfg, ctx, crt } = await load(path);
  assertEquals(cfg.context, "admin@test-cluster");
  assertEquals(Object.keys(cfg.contexts), ["admin@test-cluster"]);
  assertEquals(ctx.endpoints, [emu.endpoint]);
  assertEquals(atob(ctx.ca!), emu.ca.cert);
  assertEquals(crt.subjectOrganizations, ["os:admin"]);
  assert(Math.abs(crt.notAfter.getTime() - (started + 8760 * HOUR)) < 120_000);
  assertEquals(emu.calls.map((c) => [c.path, c.node]), [
    ["/machine.MachineService/GenerateClientConfiguration", CP],
  ]);

  // The new file is immediately usable: the node accepts its certificate.
  r = await run(["kubeconfig", "-n", CP, "--talosconfig", path, "-m=false", "-"], { cwd: work });
  assertEquals(r.code, 0, r.stderr);
  assertStringIncludes(r.stdout, "current-context: admin@test-cluster");
});

Deno.test("config new: roles name the context, --crt-ttl sets the validity, -e the endpoints", async () => {
  await using dir = await tempDir();
  const { emu, tc, work } = await setup(dir.path);
  await using _ = emu;
  let r = await run(
    [
      "config",
      "new",
      "two",
      "--roles",
      " os:reader,os:etcd:backup",
      "--roles=os:reader",
      "--crt-ttl",
      "24h",
      "--talosconfig",
      tc,
    ],
    { cwd: work },
  );
  assertEquals(r.code, 0, r.stderr);
  const two = await load(`${work}/two`);
  assertEquals(two.cfg.context, "test-cluster");
  // One multi-valued RDN; DER orders the SET OF values by encoding, hence the sort here.
  assertEquals(two.crt.subjectOrganizations.sort(), ["os:etcd:backup", "os:reader"]);
  assert(Math.abs(two.crt.notAfter.getTime() - (Date.now() + 24 * HOUR)) < 120_000);

  r = await run(
    [
      "config",
      "new",
      "sub/reader",
      "--roles",
      "os:reader",
      "-e",
      `${emu.endpoint},127.0.0.1:1`,
      "--talosconfig",
      tc,
    ],
    { cwd: work },
  );
  assertEquals(r.code, 0, r.stderr);
  const reader = await load(`${work}/sub/reader`);
  assertEquals(reader.cfg.context, "reader@test-cluster");
  assertEquals(reader.ctx.endpoints, [emu.endpoint, "127.0.0.1:1"]);
  assertEquals((await Deno.stat(`${work}/sub`)).mode! & 0o777, 0o700);

  // A reader may read, not fetch admin credentials.
  r = await run(["kubeconfig", "-n", CP, "--talosconfig", `${work}/sub/reader`, "-m=false", "-"]);
  assertEquals(
    r.stderr,
    "error initializing gzip: rpc error: code = PermissionDenied desc = not authorized\n",
  );
});

Deno.test("config new against Talos v1.5: the node ignores --crt-ttl (365 days)", async () => {
  await using dir = await tempDir();
  const { emu, tc, work } = await setup(dir.path);
  await using _ = emu;
  emu.nodes.get(CP)!.version.tag = "v1.5.5";
  const r = await run(["config", "new", "--crt-ttl", "1h", "--talosconfig", tc], { cwd: work });
  assertEquals(r.code, 0, r.stderr);
  const { crt } = await load(`${work}/talosconfig`);
  assert(Math.abs(crt.notAfter.getTime() - (Date.now() + 365 * 24 * HOUR)) < 120_000);
});

Deno.test("config new: local checks come first and make no call", async () => {
  await using dir = await tempDir();
  const { emu, tc, work } = await setup(dir.path, { nodes: [CP, "10.5.0.3"] });
  await using _ = emu;
  let r = await run(["config", "new", "--talosconfig", tc], { cwd: work });
  assertEquals(r.code, 1);
  assertStringIncludes(
    r.stderr,
    'command "config new" requires exactly one node (got 2)\n\nUsage:',
  );

  r = await run(["config", "new", "-n", CP, "--roles", "os:admin,foo, bar", "--talosconfig", tc], {
    cwd: work,
  });
  assertEquals([r.code, r.stderr], [1, "unknown roles: foo, bar\n"]);

  await Deno.writeTextFile(`${work}/talosconfig`, "mine\n");
  r = await run(["config", "new", "-n", CP, "--talosconfig", tc], { cwd: work });
  assertEquals([r.code, r.stderr], [1, 'talosconfig file already exists: "talosconfig"\n']);
  assertEquals(await Deno.readTextFile(`${work}/talosconfig`), "mine\n");

  r = await run(["config", "new", "a", "b", "--talosconfig", tc], { cwd: work });
  assertEquals(r.code, 1);
  assertMatch(r.stderr, /^accepts between 0 and 1 arg\(s\), received 2\n/);
  assertEquals(emu.calls, []);
});

Deno.test("config new faults: the error names the cause and no file is written", async (t) => {
  await using dir = await tempDir();
  const { emu, tc, work } = await setup(dir.path);
  await using _ = emu;

  async function expectFailure(args: string[], tcPath: string, message: string | RegExp) {
    const r = await run(["config", "new", "out", ...args, "--talosconfig", tcPath], { cwd: work });
    assertEquals([r.code, r.stdout], [1, ""]);
    if (typeof message === "string") assertEquals(r.stderr, message + "\n");
    else assertMatch(r.stderr, message);
    assertEquals(await listDir(work), []);
  }

  await t.step("a role that is denied", async () => {
    const reader = await emu.talosconfig(`${dir.path}/cfg`, {
      roles: ["os:operator"],
      nodes: [CP],
    });
    await expectFailure([], reader, "rpc error: code = PermissionDenied desc = not authorized");
    await emu.talosconfig(`${dir.path}/cfg`, { nodes: [CP] });
  });
  await t.step("worker node", async () => {
    await expectFailure(
      ["-n", WORKER],
      tc,
      "rpc error: code = Unimplemented desc = generate client configuration is only available on control plane nodes",
    );
  });
  await t.step("worker node, Talos before v1.13", async () => {
    emu.nodes.get(WORKER)!.version.tag = "v1.12.4";
    await expectFailure(
      ["-n", WORKER],
      tc,
      "rpc error: code = FailedPrecondition desc = client configuration (talosconfig) can't be generated on worker nodes",
    );
  });
  await t.step("zero or negative TTL: refused before anything is sent", async () => {
    const calls = emu.calls.length;
    const msg = (v: string) =>
      `invalid --crt-ttl ${v}: a certificate must be valid for a positive time`;
    await expectFailure(["--crt-ttl", "0s"], tc, msg("0s"));
    await expectFailure(["--crt-ttl=-1h"], tc, msg("-1h0m0s"));
    assertEquals(emu.calls.length, calls);
  });
  await t.step("node down behind the endpoint", async () => {
    emu.nodes.get(CP)!.faults.down = true;
    await expectFailure(
      [],
      tc,
      /^rpc error: code = Unavailable desc = connection error: .*10\.5\.0\.2:50000: connect: connection refused/,
    );
    emu.nodes.get(CP)!.faults.down = false;
  });
  await t.step("endpoint not listening", async () => {
    await expectFailure(
      ["-e", "127.0.0.1:1"],
      tc,
      /^rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 127.0.0.1:1: connect: connection refused"/,
    );
  });
  await t.step("server certificate from another CA", async () => {
    await using other = await startEmulator({ nodes: [simNode(CP)] });
    const wrong = await emu.talosconfig(`${dir.path}/cfg`, { nodes: [CP], caPem: other.ca.cert });
    await expectFailure([], wrong, /x509: certificate signed by unknown authority/);
    await emu.talosconfig(`${dir.path}/cfg`, { nodes: [CP] });
  });
  await t.step("expired client certificate", async () => {
    const expired = await emu.talosconfig(`${dir.path}/cfg`, {
      nodes: [CP],
      notBefore: new Date(Date.now() - 3 * 86400_000),
      notAfter: new Date(Date.now() - 86400_000),
    });
    await expectFailure([], expired, /expired on \d{4}-\d\d-\d\d/);
  });
});
