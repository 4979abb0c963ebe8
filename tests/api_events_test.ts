// `events` against the emulator over mutual TLS: talosctl's two-line rendering per event type,
// the history options (--tail, --since, --duration), --actor-id, several nodes, errors, Ctrl-C.

import { assert, assertEquals } from "./assert.ts";
import { fakeDeps, tempDir } from "./harness.ts";
import { main } from "../main.ts";
import { lifeOf, publishEvent } from "./emulator/mod.ts";
import {
  AddressEventSchema,
  ConfigLoadErrorEventSchema,
  MachineStatusEvent_MachineStage,
  MachineStatusEventSchema,
  RestartEventSchema,
  SequenceEventSchema,
  ServiceStateEvent_Action,
  ServiceStateEventSchema,
} from "../gen/machine/machine_pb.ts";
import { FAST, lifecycleSetup, runFast, until } from "./lifecycle_fixture.ts";

/**
 * Runs `events`, calls `publish` once its streams are open, and presses Ctrl-C once stdout has
 * `rows` lines (each event is two, plus the header).
 */
async function eventsUntil(
  argv: string[],
  emu: { calls: { path: string }[] },
  publish: () => void,
  rows: number,
) {
  const ctl = new AbortController();
  const streams = () => emu.calls.filter((c) => c.path === "/machine.MachineService/Events").length;
  const before = streams();
  const { deps, stdout, stderr } = fakeDeps({ signal: ctl.signal, env: FAST });
  const pending = main(["events", ...argv], deps);
  const nodes = argv.includes("-n") ? 1 : 2;
  await until(() => streams() >= before + nodes, "the Events streams");
  publish();
  const dec = new TextDecoder();
  const lines = () => dec.decode(stdout.bytes()).split("\n").length - 1;
  await until(() => lines() >= rows || stderr.bytes().length > 0, `${rows} lines of output`);
  ctl.abort();
  const code = await pending;
  return { code, stdout: dec.decode(stdout.bytes()), stderr: dec.decode(stderr.bytes()) };
}

Deno.test("events: every event type in talosctl's two lines, the header with the first", async () => {
  await using dir = await tempDir();
  const { emu, cfg, node } = await lifecycleSetup(dir.path, ["10.5.0.2"]);
  await using _ = emu;
  const n = node("10.5.0.2");
  lifeOf(n);
  const published: string[] = [];
  const r = await eventsUntil(["-n", "10.5.0.2", "--talosconfig", cfg], emu, () => {
    published.push(
      publishEvent(n, SequenceEventSchema, { sequence: "boot", action: 1 }, "a1").id,
      publishEvent(n, SequenceEventSchema, {
        sequence: "upgrade",
        action: 2,
        error: { code: 0, message: "no space left" },
      }, "a1").id,
      publishEvent(n, ServiceStateEventSchema, {
        service: "etcd",
        action: ServiceStateEvent_Action.RUNNING,
        message: "Health check successful",
      }).id,
      publishEvent(n, ConfigLoadErrorEventSchema, { error: "bad config" }).id,
      publishEvent(n, AddressEventSchema, {
        hostname: "cp-1",
        addresses: ["10.5.0.2", "fd00::2"],
      }).id,
      publishEvent(n, MachineStatusEventSchema, {
        stage: MachineStatusEvent_MachineStage.BOOTING,
        status: { ready: false, unmetConditions: [{ name: "time" }, { name: "network" }] },
      }).id,
      publishEvent(n, RestartEventSchema, { cmd: 1n }).id,
    );
  }, 15);
  assertEquals(r.code, 0, r.stderr);
  const [a, b, c, d, e, f, g] = published;
  assertEquals(
    r.stdout,
    [
      "NODE       ID                     EVENT   ACTOR   SOURCE   MESSAGE",
      `10.5.0.2   ${a}   talos/runtime/machine.SequenceEvent`,
      "a1         boot                   START",
      `10.5.0.2   ${b}   talos/runtime/machine.SequenceEvent`,
      "a1         upgrade                error: no space left",
      `10.5.0.2   ${c}   talos/runtime/machine.ServiceStateEvent`,
      "           etcd                   RUNNING: Health check successful",
      `10.5.0.2   ${d}   talos/runtime/machine.ConfigLoadErrorEvent`,
      "           error                  bad config",
      `10.5.0.2   ${e}   talos/runtime/machine.AddressEvent`,
      "           cp-1                   ADDRESSES: 10.5.0.2,fd00::2",
      `10.5.0.2   ${f}   talos/runtime/machine.MachineStatusEvent`,
      "           BOOTING                ready: false, unmet conditions: [time network]",
      `10.5.0.2   ${g}   talos/runtime/machine.RestartEvent`,
      "           %!s(MISSING)           %!s(MISSING)",
      "",
    ].join("\n"),
  );
});

Deno.test("events --tail, --since, --actor-id: history and filtering, on two nodes", async () => {
  await using dir = await tempDir();
  const { emu, cfg, node } = await lifecycleSetup(dir.path, ["10.5.0.2", "10.5.0.3"]);
  await using _ = emu;
  const history = lifeOf(node("10.5.0.2")).events;
  lifeOf(node("10.5.0.3"));
  const tail = await eventsUntil(["--tail", "2", "--talosconfig", cfg], emu, () => {}, 9);
  assertEquals(tail.code, 0, tail.stderr);
  const rows = tail.stdout.trimEnd().split("\n").slice(1);
  assertEquals(rows.length, 8, tail.stdout);
  for (const node of ["10.5.0.2", "10.5.0.3"]) {
    assertEquals(rows.filter((l) => l.startsWith(node)).length, 2);
  }
  assert(rows.some((l) => l.includes(history.at(-1)!.id)));
  assert(rows.includes("           RUNNING                ready: true, unmet conditions: []"));

  const since = history.at(-3)!.id;
  const s = await eventsUntil(
    ["--since", since, "-n", "10.5.0.2", "--talosconfig", cfg],
    emu,
    () => {},
    5,
  );
  assertEquals(s.code, 0, s.stderr);
  const ids = s.stdout.split("\n").filter((l) => l.startsWith("10.5.0.2")).map((l) =>
    l.split(/\s+/)[1]
  );
  assertEquals(ids, history.slice(-2).map((e) => e.id));

  const actor = await eventsUntil(
    ["--actor-id", "x1", "-n", "10.5.0.2", "--tail", "-1", "--talosconfig", cfg],
    emu,
    () => {
      publishEvent(node("10.5.0.2"), SequenceEventSchema, { sequence: "reboot", action: 1 }, "x1");
      publishEvent(node("10.5.0.2"), SequenceEventSchema, { sequence: "other", action: 1 }, "x2");
    },
    3,
  );
  assertEquals(actor.code, 0, actor.stderr);
  assertEquals(actor.stdout.split("\n").filter((l) => l.startsWith("x1")), [
    "x1         reboot                 START",
  ]);
  assertEquals(actor.stdout.trimEnd().split("\n").length, 3);
});

Deno.test("events --duration replays the recent past", async () => {
  await using dir = await tempDir();
  const { emu, cfg, node } = await lifecycleSetup(dir.path, ["10.5.0.2"]);
  await using _ = emu;
  const n = lifeOf(node("10.5.0.2")).events.length;
  const d = await eventsUntil(
    ["--duration", "1h", "-n", "10.5.0.2", "--talosconfig", cfg],
    emu,
    () => {},
    1 + 2 * n,
  );
  assertEquals(d.code, 0, d.stderr);
  assertEquals(d.stdout.trimEnd().split("\n").length, 1 + 2 * n);
});

Deno.test("events: the node's refusals are errors naming it", async () => {
  await using dir = await tempDir();
  const { emu, cfg, node } = await lifecycleSetup(dir.path, ["10.5.0.2", "10.5.0.3"]);
  await using _ = emu;
  node("10.5.0.3").faults.down = true;
  const bad = await runFast(["events", "--since", "nope", "-n", "10.5.0.2", "--talosconfig", cfg]);
  assertEquals(bad.code, 1);
  assertEquals(
    bad.stderr,
    "error from node 10.5.0.2: rpc error: code = Unknown desc = error parsing tail_id: xid: invalid ID\n",
  );
  // talosctl's events sets no args rule, so cobra lets extra words through: the call is made.
  const extra = await runFast([
    "events",
    "extra",
    "words",
    "--since",
    "nope",
    "-n",
    "10.5.0.2",
    "--talosconfig",
    cfg,
  ]);
  assertEquals([extra.code, extra.stderr], [1, bad.stderr]);
  const both = await runFast([
    "events",
    "--tail",
    "3",
    "--duration",
    "10s",
    "--talosconfig",
    cfg,
  ]);
  assertEquals(both.code, 1);
  const lines = both.stderr.trimEnd().split("\n").sort();
  assertEquals(
    lines[0],
    "error from node 10.5.0.2: rpc error: code = Unknown desc = WithTailDuration can't be specified at the same time with WithTailEvents or WithTailID",
  );
  assert(lines[1].startsWith("error from node 10.5.0.3: rpc error: code = Unavailable desc = "));
  // A duration past int32 seconds is wrapped as Go's int32() conversion, not refused locally.
  const huge = await runFast([
    "events",
    "--duration",
    "1000000h",
    "--tail",
    "1",
    "-n",
    "10.5.0.2",
    "--talosconfig",
    cfg,
  ]);
  assertEquals([huge.code, huge.stderr], [1, lines[0] + "\n"]);
});

Deno.test("events and logs --help: Int32 flags show pflag's type name int32", async () => {
  for (const cmd of ["events", "logs"]) {
    const { code, stdout } = await runFast([cmd, "--help"]);
    assertEquals(code, 0);
    assert(/\n {6}--tail int32 {2,}\S/.test(stdout), stdout);
  }
});
