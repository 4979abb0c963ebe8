// reboot, shutdown, reset and rollback against the emulator over mutual TLS: the action on
// every node, the tracker following each node's events until its end state, the progress
// output on a pipe and on a terminal, and the faults (a node that never returns, a dropped event
// stream, a sequence error, Ctrl-C, denied roles).

import { assert, assertEquals, assertMatch, assertStringIncludes } from "./assert.ts";
import { tempDir } from "./harness.ts";
import { lifeOf, simNode, startEmulator } from "./emulator/mod.ts";
import {
  assertRebootLines,
  bootLines,
  lifecycleSetup,
  linesOf,
  LOST_NODE_TIMEOUT,
  NODES3,
  phaseLines,
  runFast,
  stopAllLines,
  until,
} from "./lifecycle_fixture.ts";

/** The tracker's lines about retrying (the node away, a stream closed to dial it again). */
const retryLine = (l: string) => l === "unavailable, retrying..." || / completed$/.test(l);

const ids = (n: { services: { id: string }[] }) => n.services.map((s) => s.id);

Deno.test("reboot: one node, followed until it booted again and is ready; plain lines", async () => {
  await using dir = await tempDir();
  const { emu, cfg, node } = await lifecycleSetup(dir.path, ["10.5.0.2"]);
  await using _ = emu;
  const bootBefore = lifeOf(node("10.5.0.2")).bootId;
  const r = await runFast(["reboot", "--talosconfig", cfg]);
  assertEquals(r.code, 0, r.stderr);
  assertEquals(r.stdout, "");
  const st = lifeOf(node("10.5.0.2"));
  assert(st.bootId !== bootBefore);
  assertEquals(st.requests.map((x) => [x.method, x.req.mode]), [["Reboot", 0]]);
  // Every line is one of the node's; what they say is the reboot as machined tells it.
  const lines = linesOf(r.stderr, "10.5.0.2");
  assertEquals(r.stderr, lines.map((l) => `"10.5.0.2": ${l}\n`).join(""));
  assertRebootLines(lines, st.actors[0], ids(node("10.5.0.2")));
  // As talosctl: the reboot sequence and stopAllServices close the stream, which is dialled again.
  assertEquals(lines.slice(2, 4), [
    "sequence: reboot action: START",
    "error: reboot sequence completed",
  ]);
  assert(!r.stderr.includes("\x1b"), "no control sequences in a pipe");
});

Deno.test("reboot: three nodes at once, each followed to the end; -m powercycle is sent", async () => {
  await using dir = await tempDir();
  const { emu, cfg, node } = await lifecycleSetup(dir.path, NODES3);
  await using _ = emu;
  const r = await runFast(["reboot", "-m", "POWERCYCLE", "--talosconfig", cfg]);
  assertEquals(r.code, 0, r.stderr);
  for (const a of NODES3) {
    const st = lifeOf(node(a));
    assertEquals(st.boots, 2);
    assertEquals(st.requests.map((x) => [x.method, x.req.mode]), [["Reboot", 1]]);
    assertRebootLines(linesOf(r.stderr, a), st.actors[0], ids(node(a)));
  }
});

Deno.test("reboot: flag errors and --wait=false", async () => {
  await using dir = await tempDir();
  const { emu, cfg, node } = await lifecycleSetup(dir.path, ["10.5.0.2"]);
  await using _ = emu;
  const bad = await runFast(["reboot", "-m", "gentle", "--talosconfig", cfg]);
  assertEquals(bad.code, 1);
  assert(
    bad.stderr.startsWith(
      'invalid argument "gentle" for "-m, --mode" flag: must be one of [default force powercycle]\n',
    ),
    bad.stderr,
  );
  const args = await runFast(["reboot", "now", "--talosconfig", cfg]);
  assertEquals(args.code, 1);
  assertStringIncludes(args.stderr, 'unknown command "now" for "talosctl reboot"');

  const r = await runFast(["reboot", "--wait=false", "-m", "force", "--talosconfig", cfg]);
  assertEquals(r.code, 0, r.stderr);
  assertEquals(r.stdout + r.stderr, "");
  assertEquals(lifeOf(node("10.5.0.2")).requests.map((x) => x.req.mode), [2]);
  await until(() => lifeOf(node("10.5.0.2")).boots === 2, "the node to reboot");
});

Deno.test("reboot on a terminal: a block redrawn in place, coloured only when stdout is a terminal", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await lifecycleSetup(dir.path, ["10.5.0.2", "10.5.0.3"]);
  await using _ = emu;
  const final = "watching nodes: [10.5.0.2 10.5.0.3]\n" +
    "    * 10.5.0.2: post check passed\n    * 10.5.0.3: post check passed";
  const r = await runFast(["reboot", "--talosconfig", cfg], { stderrIsTTY: true });
  assertEquals(r.code, 0, r.stderr);
  assert(r.stderr.endsWith(final + "\n"), r.stderr.slice(-300));
  assertStringIncludes(r.stderr, "\x1b[A\x1b[K");
  assertMatch(r.stderr, /^[◰◳◲◱] watching nodes: \[10\.5\.0\.(2|3)\]\n/);
  assert(!r.stderr.includes('"10.5.0.2": '), "no plain lines on a terminal");
  assert(!r.stderr.includes("\x1b[3"), "no colours when stdout is not a terminal");

  const c = await runFast(["reboot", "--talosconfig", cfg], {
    stderrIsTTY: true,
    stdoutIsTTY: true,
  });
  assertEquals(c.code, 0, c.stderr);
  assert(c.stderr.endsWith(`\x1b[32m${final}\x1b[0m\n`), c.stderr.slice(-300));
  assertStringIncludes(c.stderr, "\x1b[33m");

  const plain = await runFast(["reboot", "--progress", "plain", "--talosconfig", cfg], {
    stderrIsTTY: true,
    stdoutIsTTY: true,
  });
  assertEquals(plain.code, 0, plain.stderr);
  assert(!plain.stderr.includes("\x1b"), "--progress plain: no control sequences");
  // As talosctl: on a terminal the tracker still shows the block, --progress plain only stops
  // it being redrawn: each new state of the block is printed whole.
  assert(plain.stderr.endsWith(final + "\n"), plain.stderr.slice(-300));
  assert(plain.stderr.startsWith("watching nodes: ["), plain.stderr.slice(0, 100));
  assert(!plain.stderr.includes('"10.5.0.3": '), "no per-node lines on a terminal");
});

Deno.test("reboot: a node that never comes back fails the command, naming it and its last state", async () => {
  await using dir = await tempDir();
  const { emu, cfg, node } = await lifecycleSetup(dir.path, NODES3, {
    knobs: { "10.5.0.3": { neverReturns: true } },
  });
  await using _ = emu;
  const r = await runFast(["reboot", "--timeout", LOST_NODE_TIMEOUT, "--talosconfig", cfg]);
  assertEquals(r.code, 1);
  for (const a of ["10.5.0.2", "10.5.0.4"]) {
    assertEquals(linesOf(r.stderr, a).at(-1), "post check passed");
    assertEquals(lifeOf(node(a)).boots, 2);
  }
  const lost = linesOf(r.stderr, "10.5.0.3");
  const last = lost.at(-1)!;
  const m = new RegExp(
    `^timed out after ${LOST_NODE_TIMEOUT} waiting for the node to reboot and become ready; ` +
      "last seen: (.+), then unreachable \\(rpc error: code = Unavailable desc = .+\\)$",
  ).exec(last);
  assert(m, last);
  // The last state named is the last event shown, not a retry.
  assertEquals(m[1], lost.filter((l) => !retryLine(l)).at(-2));
  assertMatch(m[1], /^(task|phase): /);
  assert(r.stderr.endsWith(`"10.5.0.3": ${last}\n`));
});

Deno.test("reboot: an event stream dropped midway is dialled again and resumes where it stopped", async () => {
  await using dir = await tempDir();
  const { emu, cfg, node } = await lifecycleSetup(dir.path, ["10.5.0.2", "10.5.0.3"], {
    knobs: { "10.5.0.3": { dropEventsAfter: 6 } },
  });
  await using _ = emu;
  const r = await runFast(["reboot", "--talosconfig", cfg]);
  assertEquals(r.code, 0, r.stderr);
  const st = lifeOf(node("10.5.0.3"));
  const lines = linesOf(r.stderr, "10.5.0.3");
  // The drop (of the stream dialled after the reboot sequence started) shows as one more
  // retry before stopAllServices; no event is lost or shown twice.
  const first = lines.indexOf("unavailable, retrying...");
  assert(first > lines.indexOf("error: reboot sequence completed"), r.stderr);
  assert(first < lines.indexOf("error: stopAllServices task completed"), r.stderr);
  assertRebootLines(lines.filter((_, i) => i !== first), st.actors[0], ids(node("10.5.0.3")));
  const streams = emu.calls.filter((c) =>
    c.path === "/machine.MachineService/Events" && c.node === "10.5.0.3"
  );
  assert(streams.length >= 3, `${streams.length} Events streams`);
});

Deno.test("reboot: a failed sequence ends the wait with the sequence's error", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await lifecycleSetup(dir.path, ["10.5.0.2"], {
    knobs: { "10.5.0.2": { failAtPhase: "dbus" } },
  });
  await using _ = emu;
  const r = await runFast(["reboot", "--talosconfig", cfg]);
  assertEquals(r.code, 1);
  // As talosctl: the error line, then the set of errors the event loop met.
  assertEquals(linesOf(r.stderr, "10.5.0.2").slice(-3), [
    "sequence: reboot action: STOP error: [code: failed to run phase dbus: simulated failure message: FATAL]",
    "error: sequence error: failed to run phase dbus: simulated failure",
    "2 error(s) occurred:",
  ]);
  assert(
    r.stderr.endsWith(
      '"10.5.0.2": 2 error(s) occurred:\n\treboot sequence completed\n' +
        "\tsequence error: failed to run phase dbus: simulated failure\n",
    ),
    r.stderr,
  );
});

Deno.test("reboot: Ctrl-C stops waiting and says what each node was last seen doing", async () => {
  await using dir = await tempDir();
  const { emu, cfg, node } = await lifecycleSetup(dir.path, ["10.5.0.2", "10.5.0.3"], {
    knobs: { "10.5.0.2": { neverReturns: true }, "10.5.0.3": { neverReturns: true } },
  });
  await using _ = emu;
  const ctl = new AbortController();
  const pending = runFast(["reboot", "--talosconfig", cfg], { signal: ctl.signal });
  await until(
    () => node("10.5.0.2").faults.down === true && node("10.5.0.3").faults.down === true,
    "both nodes to go down",
  );
  ctl.abort();
  const r = await pending;
  assertEquals(r.code, 1);
  for (const a of ["10.5.0.2", "10.5.0.3"]) {
    const lines = linesOf(r.stderr, a);
    const m =
      /^interrupted while waiting for the node to reboot and become ready; last seen: (.+?)(, then unreachable \(.+\))?$/
        .exec(lines.at(-1)!);
    assert(m, lines.at(-1));
    // The state named is the last one the node showed before it went away.
    assertEquals(m[1], lines.filter((l) => !retryLine(l)).at(-2));
  }
});

Deno.test("reboot --debug: the kernel log of a node that failed is printed at the end", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await lifecycleSetup(dir.path, ["10.5.0.3"], {
    knobs: { "10.5.0.3": { neverReturns: true, stepMs: 3 } },
  });
  await using _ = emu;
  const r = await runFast([
    "reboot",
    "--debug",
    "--wait=false",
    "--timeout",
    LOST_NODE_TIMEOUT,
    "--talosconfig",
    cfg,
  ]);
  assertEquals(r.code, 1);
  assert(
    r.stderr.endsWith(
      'console logs for nodes ["10.5.0.3"]:\n' +
        "10.5.0.3: kern:   emerg: [boot 1]: reboot: Restarting system\n",
    ),
    r.stderr.slice(-400),
  );
});

Deno.test("reboot: roles — a reader is refused, an operator (no boot ID access) still waits", async () => {
  await using dir = await tempDir();
  const { emu, cfg, node } = await lifecycleSetup(dir.path, ["10.5.0.2"], { roles: ["os:reader"] });
  await using _ = emu;
  const r = await runFast(["reboot", "--talosconfig", cfg]);
  assertEquals(r.code, 1);
  assertEquals(linesOf(r.stderr, "10.5.0.2"), [
    "waiting for actor ID",
    "rpc error: code = PermissionDenied desc = not authorized",
  ]);
  assertEquals(lifeOf(node("10.5.0.2")).boots, 1);

  const op = await emu.talosconfig(dir.path, { nodes: ["10.5.0.2"], roles: ["os:operator"] });
  const o = await runFast(["reboot", "--talosconfig", op]);
  assertEquals(o.code, 0, o.stderr);
  assertEquals(linesOf(o.stderr, "10.5.0.2").at(-1), "post check passed");
  assertEquals(lifeOf(node("10.5.0.2")).boots, 2);
});

Deno.test("reboot: a node that cannot be reached before the action fails the version check", async () => {
  await using dir = await tempDir();
  const { emu, cfg, node } = await lifecycleSetup(dir.path, ["10.5.0.2", "10.5.0.3"]);
  await using _ = emu;
  node("10.5.0.3").faults.down = true;
  const r = await runFast(["reboot", "--talosconfig", cfg]);
  assertEquals(r.code, 1);
  assertMatch(
    r.stderr,
    /^10\.5\.0\.3: error getting server version: rpc error: code = Unavailable desc = .*connection refused"\n$/,
  );
  assertEquals(lifeOf(node("10.5.0.2")).requests, []);
});

Deno.test("reboot: an older node gets the version skew warning", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await lifecycleSetup(dir.path, ["10.5.0.2"], { version: "v1.12.4" });
  await using _ = emu;
  const r = await runFast(["reboot", "--wait=false", "--talosconfig", cfg]);
  assertEquals(r.code, 0);
  assertEquals(
    r.stderr,
    "WARNING: 10.5.0.2: server version 1.12.4 is older than client version 1.13.9\n",
  );
});

Deno.test("shutdown: waits for stopAllServices on every node; --force skips the drain", async () => {
  await using dir = await tempDir();
  const { emu, cfg, node } = await lifecycleSetup(dir.path, NODES3);
  await using _ = emu;
  const r = await runFast(["shutdown", "--force", "--talosconfig", cfg]);
  assertEquals(r.code, 0, r.stderr);
  for (const a of NODES3) {
    const st = lifeOf(node(a));
    assertEquals(st.requests.map((x) => [x.method, x.req.force]), [["Shutdown", true]]);
    assertEquals(linesOf(r.stderr, a), [
      "waiting for actor ID",
      `actor ID: ${st.actors[0]}`,
      "sequence: shutdown action: START",
      ...phaseLines("storeShutdown", "storeShutdownEmergency"),
      ...phaseLines("cleanup", "stopAllPods"),
      ...phaseLines("dbus", "stopDBus"),
      ...stopAllLines(false).slice(0, -4),
      "phase: stopEverything action: START",
      "events check condition met",
    ]);
  }
});

Deno.test("shutdown --wait=false: just the call; errors name the node", async () => {
  await using dir = await tempDir();
  const { emu, cfg, node } = await lifecycleSetup(dir.path, ["10.5.0.2"], { roles: ["os:reader"] });
  await using _ = emu;
  const r = await runFast(["shutdown", "--wait=false", "--talosconfig", cfg]);
  assertEquals(r.code, 1);
  assertEquals(
    r.stderr,
    "error executing shutdown on node 10.5.0.2: rpc error: code = PermissionDenied desc = not authorized\n",
  );
  const admin = await emu.talosconfig(dir.path, { nodes: ["10.5.0.2"] });
  const ok = await runFast(["shutdown", "--wait=false", "--talosconfig", admin]);
  assertEquals(ok.code, 0);
  assertEquals(ok.stdout + ok.stderr, "");
  await until(() => node("10.5.0.2").faults.down === true, "the node to power off");
});

Deno.test("reset: the request carries the flags; waits for stopAllServices", async () => {
  await using dir = await tempDir();
  const { emu, cfg, node } = await lifecycleSetup(dir.path, ["10.5.0.2", "10.5.0.3"]);
  await using _ = emu;
  const r = await runFast([
    "reset",
    "--graceful=false",
    "--wipe-mode",
    "user-disks",
    "--user-disks-to-wipe",
    "/dev/sdb,/dev/sdc",
    "--talosconfig",
    cfg,
  ]);
  assertEquals(r.code, 0, r.stderr);
  for (const a of ["10.5.0.2", "10.5.0.3"]) {
    const req = lifeOf(node(a)).requests[0].req;
    assertEquals(
      [req.graceful, req.reboot, req.mode, req.userDisksToWipe, req.systemPartitionsToWipe],
      [false, false, 2, ["/dev/sdb", "/dev/sdc"], []],
    );
    const lines = linesOf(r.stderr, a);
    assertEquals(lines.slice(2, 4), [
      "sequence: reset action: START",
      ...phaseLines("cleanup", "stopAllPods").slice(0, 1),
    ]);
    assertEquals(lines.at(-1), "events check condition met");
  }
  const bad = await runFast(["reset", "--wipe-mode", "everything", "--talosconfig", cfg]);
  assertEquals(bad.code, 1);
  assert(
    bad.stderr.startsWith(
      'invalid argument "everything" for "--wipe-mode" flag: possible options are: all, system-disk, user-disks\n',
    ),
    bad.stderr,
  );
});

Deno.test("reset --reboot keeping STATE: waits until the node booted again", async () => {
  await using dir = await tempDir();
  const { emu, cfg, node } = await lifecycleSetup(dir.path, ["10.5.0.2"]);
  await using _ = emu;
  const r = await runFast([
    "reset",
    "--reboot",
    "--system-labels-to-wipe",
    "EPHEMERAL",
    "--talosconfig",
    cfg,
  ]);
  assertEquals(r.code, 0, r.stderr);
  const st = lifeOf(node("10.5.0.2"));
  assertEquals(st.requests[0].req.systemPartitionsToWipe, [
    { $typeName: "machine.ResetPartitionSpec", label: "EPHEMERAL", wipe: true },
  ]);
  assertEquals(st.boots, 2);
  // Between the two, the node may be seen away while it reboots.
  const lines = linesOf(r.stderr, "10.5.0.2").filter((l) => l !== "unavailable, retrying...");
  assertEquals(lines.slice(-2), ["events check condition met", "post check passed"]);
});

Deno.test("reset --reboot wiping STATE: done when the node answers in maintenance mode", async () => {
  await using dir = await tempDir();
  // The node's maintenance API: a second emulator without client certificates.
  // It answers only once the reset left the node there.
  const unconfigured = simNode("127.0.0.1");
  unconfigured.faults.down = true;
  const maintenance = await startEmulator({ nodes: [unconfigured], maintenance: true });
  await using _m = maintenance;
  const address = `127.0.0.1:${maintenance.port}`;
  const { emu, cfg, node } = await lifecycleSetup(dir.path, [address], {
    knobs: { [address]: { onMaintenance: () => unconfigured.faults.down = false } },
  });
  await using _ = emu;
  const r = await runFast(["reset", "--reboot", "--talosconfig", cfg]);
  assertEquals(r.code, 0, r.stderr);
  assert(lifeOf(node(address)).maintenance);
  assertEquals(
    linesOf(r.stderr, address).filter((l) => l !== "unavailable, retrying...").slice(-2),
    ["events check condition met", "post check passed"],
  );
  assert(maintenance.calls.some((c) => c.path === "/storage.StorageService/Disks"));
});

Deno.test("reset --reboot: a node that never comes back times out, named", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await lifecycleSetup(dir.path, ["10.5.0.3"], {
    knobs: { "10.5.0.3": { neverReturns: true } },
  });
  await using _ = emu;
  const r = await runFast([
    "reset",
    "--reboot",
    "--system-labels-to-wipe",
    "EPHEMERAL",
    "--timeout",
    LOST_NODE_TIMEOUT,
    "--talosconfig",
    cfg,
  ]);
  assertEquals(r.code, 1);
  assertMatch(
    linesOf(r.stderr, "10.5.0.3").at(-1)!,
    new RegExp(
      `^timed out after ${LOST_NODE_TIMEOUT} waiting for the node to reset and come back; ` +
        "last seen: events check condition met, then unreachable \\(.+\\)$",
    ),
  );
});

Deno.test("rollback: the call on every node; nothing to roll back to is that node's error", async () => {
  await using dir = await tempDir();
  const { emu, cfg, node } = await lifecycleSetup(dir.path, ["10.5.0.2", "10.5.0.3"]);
  await using _ = emu;
  lifeOf(node("10.5.0.2")).previous = "v1.12.4";
  const r = await runFast(["rollback", "--talosconfig", cfg]);
  assertEquals(r.code, 1);
  assertEquals(r.stdout, "");
  assertEquals(
    r.stderr,
    "error executing rollback on node 10.5.0.3: rpc error: code = Unknown desc = cannot rollback to previous installation: no previous installation found\n",
  );
  await until(() => lifeOf(node("10.5.0.2")).boots === 2, "the node to reboot");
  assertEquals(node("10.5.0.2").version.tag, "v1.12.4");
});

Deno.test("boot lines helper matches a worker's services", () => {
  // Guards the fixture: workers have no etcd/trustd, so their boot shows fewer services.
  const w = simNode("10.5.0.9", { controlPlane: false });
  assertEquals(bootLines(ids(w)).filter((l) => l.startsWith("service:")).length, 5);
});

Deno.test("shutdown on three nodes: one whose sequence fails is named, the others finish", async () => {
  await using dir = await tempDir();
  const { emu, cfg, node } = await lifecycleSetup(dir.path, NODES3, {
    knobs: { "10.5.0.4": { failAtPhase: "drain" } },
  });
  await using _ = emu;
  const r = await runFast(["shutdown", "--talosconfig", cfg]);
  assertEquals(r.code, 1);
  for (const a of ["10.5.0.2", "10.5.0.3"]) {
    assertEquals(linesOf(r.stderr, a).at(-1), "events check condition met");
    await until(() => node(a).faults.down === true, `${a} to power off`);
  }
  assertEquals(
    linesOf(r.stderr, "10.5.0.4").slice(-2),
    ["error: sequence error: failed to run phase drain: simulated failure", "1 error(s) occurred:"],
  );
  assertStringIncludes(
    r.stderr,
    '"10.5.0.4": 1 error(s) occurred:\n\tsequence error: failed to run phase drain: simulated failure\n',
  );
  assert(!node("10.5.0.4").faults.down, "the failed node stays up");
});
