// upgrade against the emulator over mutual TLS: the LifecycleService flow (pull, install,
// reboot, wait until every node is back, ready and on the new version), the fallback to the
// unary MachineService.Upgrade for older nodes, and the faults.

import { assert, assertEquals, assertStringIncludes } from "./assert.ts";
import { tempDir } from "./harness.ts";
import { lifeOf } from "./emulator/mod.ts";
import {
  lifecycleSetup,
  linesOf,
  LOST_NODE_TIMEOUT,
  NODES3,
  runFast,
  until,
} from "./lifecycle_fixture.ts";

const IMAGE = "ghcr.io/siderolabs/installer:v1.14.0";

Deno.test("upgrade --wait on three nodes: exit 0 once every node is back, ready, on the new version", async () => {
  await using dir = await tempDir();
  const { emu, cfg, node } = await lifecycleSetup(dir.path, NODES3);
  await using _ = emu;
  const r = await runFast(["upgrade", "-i", IMAGE, "--drain=false", "--talosconfig", cfg]);
  assertEquals(r.code, 0, r.stderr);
  assertEquals(r.stdout, "");
  assertStringIncludes(
    r.stderr,
    NODES3.map((n) => `${n}: pulled image ${IMAGE}\n`).join(""),
  );
  assertStringIncludes(r.stderr, NODES3.map((n) => `${n}: upgrade completed\n`).join(""));
  for (const a of NODES3) {
    const st = lifeOf(node(a));
    assertEquals(node(a).version.tag, "v1.14.0");
    assertEquals(st.boots, 2);
    assertEquals(st.requests.map((x) => x.method), [
      "ImageService.Pull",
      "LifecycleService.Upgrade",
      "Reboot",
    ]);
    const pull = st.requests[0].req as {
      imageRef: string;
      containerd: { driver: number; namespace: number };
    };
    assertEquals([pull.imageRef, pull.containerd.driver, pull.containerd.namespace], [IMAGE, 1, 1]);
    const lines = linesOf(r.stderr, a);
    assertEquals(lines.slice(0, 3), [
      "waiting for actor ID",
      `actor ID: ${st.actors[0]}`,
      "sequence: reboot action: START",
    ]);
    assertEquals(lines.slice(-2), ["events check condition met", "post check passed"]);
  }
  // The installer's progress, as the plain reporter prints it for a node alone.
  const one = await lifecycleSetup(dir.path, ["10.5.0.9"]);
  await using _1 = one.emu;
  const s = await runFast(["upgrade", "-i", IMAGE, "--drain=false", "--talosconfig", one.cfg]);
  assertEquals(s.code, 0, s.stderr);
  assert(
    s.stderr.startsWith(
      `10.5.0.9: pulled image ${IMAGE}\n` +
        `10.5.0.9: validating installer image ${IMAGE}\n` +
        "10.5.0.9: installing to /dev/sda\n" +
        "10.5.0.9: upgrade successful\n" +
        "10.5.0.9: Exit code: 0\n" +
        "10.5.0.9: upgrade completed\n" +
        '"10.5.0.9": waiting for actor ID\n',
    ),
    s.stderr,
  );
});

Deno.test("upgrade: a node that comes back on the old version fails the command, named", async () => {
  await using dir = await tempDir();
  const { emu, cfg, node } = await lifecycleSetup(dir.path, NODES3, {
    knobs: { "10.5.0.3": { bootsOldVersion: true } },
  });
  await using _ = emu;
  const r = await runFast(["upgrade", "-i", IMAGE, "--drain=false", "--talosconfig", cfg]);
  assertEquals(r.code, 1);
  assertEquals(
    linesOf(r.stderr, "10.5.0.3").at(-1),
    "post check failed: the node is back with Talos v1.13.9, expected v1.14.0",
  );
  assertEquals(lifeOf(node("10.5.0.3")).boots, 2);
  for (const a of ["10.5.0.2", "10.5.0.4"]) {
    assertEquals(linesOf(r.stderr, a).at(-1), "post check passed");
    assertEquals(node(a).version.tag, "v1.14.0");
  }
});

Deno.test("upgrade: a node that never comes back times out, named with its last state", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await lifecycleSetup(dir.path, NODES3, {
    knobs: { "10.5.0.4": { neverReturns: true } },
  });
  await using _ = emu;
  const r = await runFast([
    "upgrade",
    "-i",
    IMAGE,
    "--drain=false",
    "--timeout",
    LOST_NODE_TIMEOUT,
    "--talosconfig",
    cfg,
  ]);
  assertEquals(r.code, 1);
  const lost = linesOf(r.stderr, "10.5.0.4");
  const m = new RegExp(
    `^timed out after ${LOST_NODE_TIMEOUT} waiting for the node to reboot into v1\\.14\\.0 and ` +
      "become ready; last seen: (.+), then unreachable " +
      "\\(rpc error: code = Unavailable desc = .+\\)$",
  ).exec(lost.at(-1)!);
  assert(m, lost.at(-1));
  // The last event shown before the node went away, not a retry.
  const shown = lost.filter((l) => l !== "unavailable, retrying..." && !l.endsWith(" completed"));
  assertEquals(m[1], shown.at(-2));
  for (const a of ["10.5.0.2", "10.5.0.3"]) {
    assertEquals(linesOf(r.stderr, a).at(-1), "post check passed");
  }
});

Deno.test("upgrade: a dropped event stream is dialled again; one node, exit 0", async () => {
  await using dir = await tempDir();
  const { emu, cfg, node } = await lifecycleSetup(dir.path, ["10.5.0.2"], {
    knobs: { "10.5.0.2": { dropEventsAfter: 10 } },
  });
  await using _ = emu;
  const r = await runFast(["upgrade", "-i", IMAGE, "--drain=false", "--talosconfig", cfg]);
  assertEquals(r.code, 0, r.stderr);
  const all = linesOf(r.stderr, "10.5.0.2");
  // Retries in a row are one line each in a pipe; the drop adds one more spell of them.
  const lines = all.filter((l, i) => l !== "unavailable, retrying..." || all[i - 1] !== l);
  assertEquals(lines.filter((l) => l === "unavailable, retrying...").length, 2, r.stderr);
  const events = lines.filter((l) => l !== "unavailable, retrying..." && !l.endsWith(" completed"));
  assertEquals(new Set(events).size, events.length, "no event shown twice");
  assertEquals(node("10.5.0.2").version.tag, "v1.14.0");
});

Deno.test("upgrade: apid refusing calls just after the boot is retried, not a failure", async () => {
  for (const method of ["Version", "Read"]) {
    await using dir = await tempDir();
    const { emu, cfg, node } = await lifecycleSetup(dir.path, ["10.5.0.2"], {
      knobs: { "10.5.0.2": { refuseAfterBoot: { method, times: 3 } } },
    });
    await using _ = emu;
    const r = await runFast(["upgrade", "-i", IMAGE, "--drain=false", "--talosconfig", cfg]);
    assertEquals(r.code, 0, `${method}: ${r.stderr}`);
    assertEquals(node("10.5.0.2").faults.refuse?.times, 0, `${method}: every refusal was met`);
    const lines = linesOf(r.stderr, "10.5.0.2");
    const met = lines.indexOf("events check condition met");
    const after = method === "Version" ? lines.slice(met) : lines;
    assert(after.includes("unavailable, retrying..."), `${method}: ${r.stderr}`);
    assertEquals(lines.at(-1), "post check passed");
  }
});

Deno.test("upgrade: an installer that fails stops before any reboot", async () => {
  await using dir = await tempDir();
  const { emu, cfg, node } = await lifecycleSetup(dir.path, NODES3, {
    knobs: { "10.5.0.3": { installerExitCode: 7 } },
  });
  await using _ = emu;
  const r = await runFast(["upgrade", "-i", IMAGE, "--drain=false", "--talosconfig", cfg]);
  assertEquals(r.code, 1);
  assertStringIncludes(
    r.stderr,
    "10.5.0.2: upgrade completed\n" +
      "10.5.0.3: upgrade failed with exit code 7 (installation error)\n" +
      "10.5.0.4: upgrade completed\n",
  );
  assert(
    r.stderr.endsWith("error during upgrade: node 10.5.0.3: upgrade failed with exit code 7\n"),
  );
  for (const a of NODES3) assert(!lifeOf(node(a)).requests.some((x) => x.method === "Reboot"));
});

Deno.test("upgrade --no-reboot: installed, not rebooted; --namespace picks the containerd", async () => {
  await using dir = await tempDir();
  const { emu, cfg, node } = await lifecycleSetup(dir.path, ["10.5.0.2"]);
  await using _ = emu;
  const r = await runFast([
    "upgrade",
    "-i",
    IMAGE,
    "--no-reboot",
    "--namespace",
    "inmem",
    "--talosconfig",
    cfg,
  ]);
  assertEquals(r.code, 0, r.stderr);
  const st = lifeOf(node("10.5.0.2"));
  assertEquals(st.requests.map((x) => x.method), ["ImageService.Pull", "LifecycleService.Upgrade"]);
  const c =
    (st.requests[1].req as { containerd: { driver: number; namespace: number } }).containerd;
  assertEquals([c.driver, c.namespace], [0, 1]);
  assertEquals([st.installed, node("10.5.0.2").version.tag], ["v1.14.0", "v1.13.9"]);

  const bad = await runFast(["upgrade", "--namespace", "k8s", "--talosconfig", cfg]);
  assertEquals(bad.code, 1);
  assertEquals(bad.stderr, 'unsupported namespace "k8s"\n');
  const mode = await runFast(["upgrade", "--reboot-mode", "sideways", "--talosconfig", cfg]);
  assertEquals(mode.code, 1);
  assertStringIncludes(
    mode.stderr,
    'invalid argument "sideways" for "-m, --reboot-mode" flag: must be one of [default force powercycle]\n',
  );
});

Deno.test("upgrade: older nodes fall back to MachineService.Upgrade, which reboots them itself", async () => {
  await using dir = await tempDir();
  const { emu, cfg, node } = await lifecycleSetup(dir.path, ["10.5.0.2", "10.5.0.3"], {
    version: "v1.12.4",
  });
  await using _ = emu;
  const r = await runFast([
    "upgrade",
    "-i",
    IMAGE,
    "-m",
    "powercycle",
    "--talosconfig",
    cfg,
  ]);
  assertEquals(r.code, 0, r.stderr);
  assert(
    r.stderr.startsWith("New upgrade API is not available, falling back to legacy\nWARNING: "),
    r.stderr,
  );
  for (const a of ["10.5.0.2", "10.5.0.3"]) {
    const st = lifeOf(node(a));
    assertEquals(st.requests.map((x) => x.method), ["Upgrade"]);
    const req = st.requests[0].req;
    assertEquals([req.image, req.rebootMode, req.stage, req.force], [IMAGE, 1, false, false]);
    assertEquals(node(a).version.tag, "v1.14.0");
    const lines = linesOf(r.stderr, a);
    assertEquals(lines[2], "sequence: upgrade action: START");
    assertEquals(lines.at(-1), "post check passed");
  }
});

Deno.test("upgrade: a deprecated flag is noted each time it is set, in command-line order", async () => {
  await using dir = await tempDir();
  const note = (f: string) =>
    `Flag --${f} has been deprecated, legacy flag for MachineService.Upgrade fallback, to be removed in Talos 1.18\n`;
  const r = await runFast(["upgrade", "-s", "-f", "--stage", "--talosconfig", `${dir.path}/none`]);
  assertEquals(r.code, 1);
  assert(r.stderr.startsWith(note("stage") + note("force") + note("stage")), r.stderr);
  assertEquals(r.stderr.split("\n").filter((l) => l.includes("deprecated")).length, 3);
  // As cobra: a command line that does not parse gets its error alone.
  const bad = await runFast(["upgrade", "-s", "--timeout", "x"]);
  assertEquals(bad.code, 1);
  assert(bad.stderr.startsWith('invalid argument "x" for "--timeout" flag'), bad.stderr);
});

Deno.test("upgrade --legacy: forced fallback; deprecated flags warn; force is no legacy reboot mode", async () => {
  await using dir = await tempDir();
  const { emu, cfg, node } = await lifecycleSetup(dir.path, ["10.5.0.2"]);
  await using _ = emu;
  const r = await runFast([
    "upgrade",
    "--legacy",
    "-i",
    IMAGE,
    "--stage",
    "--drain=false",
    "--wait=false",
    "--talosconfig",
    cfg,
  ], { now: new Date("2026-01-02T03:04:05.678Z") });
  assertEquals(r.code, 0, r.stderr);
  assertEquals(
    r.stderr,
    "Flag --stage has been deprecated, legacy flag for MachineService.Upgrade fallback, to be removed in Talos 1.18\n" +
      "WARNING: Forcing use of legacy upgrade method. This flag is deprecated and will be removed in Talos 1.18.\n",
  );
  assertEquals(
    r.stdout,
    "NODE       ACK                        STARTED\n" +
      "10.5.0.2   Upgrade request received   2026-01-02 03:04:05.678 +0000 UTC   \n",
  );
  assertEquals(lifeOf(node("10.5.0.2")).requests[0].req.stage, true);
  await until(() => lifeOf(node("10.5.0.2")).boots === 2, "the staged upgrade's reboot");

  const force = await runFast(["upgrade", "--legacy", "-m", "force", "--talosconfig", cfg]);
  assertEquals(force.code, 1);
  assert(force.stderr.endsWith("invalid reboot mode: force\n"), force.stderr);
  const unknown = await runFast(["upgrade", "--insecure", "--talosconfig", cfg]);
  assertEquals(unknown.code, 1);
  assert(unknown.stderr.startsWith("unknown flag: --insecure\n"), unknown.stderr);
});

Deno.test("upgrade --legacy --wait=false: a refused node is named in the error", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await lifecycleSetup(dir.path, ["10.5.0.2"], { roles: ["os:operator"] });
  await using _ = emu;
  const r = await runFast([
    "upgrade",
    "--legacy",
    "--drain=false",
    "--wait=false",
    "--talosconfig",
    cfg,
  ]);
  assertEquals(r.code, 1);
  assertEquals(r.stdout, "NODE   ACK   STARTED\n");
  assert(
    r.stderr.endsWith(
      "error from node 10.5.0.2: error performing upgrade: rpc error: code = PermissionDenied desc = not authorized\n",
    ),
    r.stderr,
  );
});

Deno.test("upgrade on a terminal: layer progress and the tracker block are redrawn", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await lifecycleSetup(dir.path, ["10.5.0.2"]);
  await using _ = emu;
  const r = await runFast(["upgrade", "-i", IMAGE, "--drain=false", "--talosconfig", cfg], {
    stderrIsTTY: true,
  });
  assertEquals(r.code, 0, r.stderr);
  assertStringIncludes(r.stderr, "10.5.0.2:\n  downloading layer 2.0 MiB/4.0 MiB (50.0%)\n");
  assertStringIncludes(r.stderr, "\x1b[A\x1b[K");
  assert(
    r.stderr.endsWith("watching nodes: [10.5.0.2]\n    * 10.5.0.2: post check passed\n"),
    r.stderr.slice(-200),
  );
});

Deno.test("upgrade --wait=false --drain=false: installs, reboots without waiting; failures say so", async () => {
  await using dir = await tempDir();
  const { emu, cfg, node } = await lifecycleSetup(dir.path, ["10.5.0.2"]);
  await using _ = emu;
  const r = await runFast([
    "upgrade",
    "-i",
    IMAGE,
    "--wait=false",
    "--drain=false",
    "--talosconfig",
    cfg,
  ]);
  assertEquals(r.code, 0, r.stderr);
  assertEquals(lifeOf(node("10.5.0.2")).requests.map((x) => x.method), [
    "ImageService.Pull",
    "LifecycleService.Upgrade",
    "Reboot",
  ]);
  assert(!r.stderr.includes('"10.5.0.2"'), "no tracking without --wait");
  await until(() => node("10.5.0.2").version.tag === "v1.14.0", "the node to boot the new version");

  const op = await emu.talosconfig(dir.path, { nodes: ["10.5.0.2"], roles: ["os:operator"] });
  const denied = await runFast([
    "upgrade",
    "-i",
    IMAGE,
    "--wait=false",
    "--drain=false",
    "--talosconfig",
    op,
  ]);
  assertEquals(denied.code, 1);
  assert(
    denied.stderr.endsWith(
      "error during upgrade: error from node 10.5.0.2: rpc error: code = PermissionDenied desc = not authorized\n",
    ),
    denied.stderr,
  );
});
