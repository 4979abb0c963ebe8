// A node's life as machined tells it: the runtime event stream (MachineService/Events) and the
// actions that change it. Reboot, Shutdown, Reset, Upgrade (the unary one and the streaming
// LifecycleService one, with ImageService/Pull before it) and Rollback play out as on a real
// node: the sequence's phase and task events under the request's actor ID, the node going away
// (calls fail with Unavailable, open event streams are cut), a new boot ID, the boot's events
// (actor "") up to MachineStatus RUNNING + ready, and the installed version after an upgrade.
// Read of /proc/sys/kernel/random/boot_id answers the current boot ID.
//
// Pacing and faults are the optional `lifecycle` knobs of SimNode (node.ts).

import { type DescMessage, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  MachineService,
  MachineStatusEvent_MachineStage as Stage,
  MachineStatusEventSchema,
  PhaseEvent_Action,
  PhaseEventSchema,
  RebootRequest_Mode,
  ResetRequest_WipeMode,
  SequenceEvent_Action,
  SequenceEventSchema,
  ServiceStateEvent_Action,
  ServiceStateEventSchema,
  TaskEvent_Action,
  TaskEventSchema,
  UpgradeRequest_RebootMode,
} from "../../gen/machine/machine_pb.ts";
import { LifecycleService } from "../../gen/machine/lifecycle_pb.ts";
import { ImageService, ImageServicePullLayerProgress_Status } from "../../gen/machine/image_pb.ts";
import { StorageService } from "../../gen/storage/storage_pb.ts";
import { Code as TalosCode } from "../../gen/common/common_pb.ts";
import type { Emulator, Handler, NodeCall, StreamHandler } from "./server.ts";
import { appendDmesg, type SimNode } from "./node.ts";
import { type MachineStage, putSpec, setMachineStatus, T } from "./cosi_seed.ts";

export const BOOT_ID_PATH = "/proc/sys/kernel/random/boot_id";

/** One entry of a node's runtime event buffer. */
export interface SimEvent {
  /** xid, as machined's event IDs (time-ordered, 20 characters). */
  id: string;
  /** "talos/runtime/machine.<Message>" */
  typeUrl: string;
  value: Uint8Array;
  actorId: string;
  /** Unix time in ms. */
  at: number;
}

/** What the lifecycle handlers keep per node; tests may read it. */
export interface LifeState {
  bootId: string;
  /** Events of the current boot, oldest first. */
  events: SimEvent[];
  /** Incremented on every boot. */
  boots: number;
  stage: Stage;
  ready: boolean;
  /** The version the node boots next (after an install). */
  installed: string;
  /** The version a rollback returns to. */
  previous?: string;
  /** Wiped its STATE partition: answers only in maintenance mode. */
  maintenance: boolean;
  /** Actor IDs handed out, in order. */
  actors: string[];
  /** The lifecycle requests received ("Reboot", "Reset", ...), oldest first. */
  requests: { method: string; req: Record<string, unknown> }[];
  /** Woken on every new event and when the node goes down. */
  listeners: Set<() => void>;
}

const states = new WeakMap<SimNode, LifeState>();

/** The node's lifecycle state, created (with the current boot's history) on first use. */
export function lifeOf(node: SimNode): LifeState {
  let st = states.get(node);
  if (!st) {
    st = {
      bootId: crypto.randomUUID(),
      events: [],
      boots: 1,
      stage: Stage.RUNNING,
      ready: true,
      installed: node.version.tag,
      maintenance: false,
      actors: [],
      requests: [],
      listeners: new Set(),
    };
    states.set(node, st);
    for (const [schema, init] of bootHistory(node)) publishEvent(node, schema, init);
  }
  return st;
}

// --- xid: 4 bytes of Unix seconds, 5 of machine/process, 3 of counter, base32hex ------------

const XID_ALPHABET = "0123456789abcdefghijklmnopqrstuv";
let xidCounter = Math.floor(Math.random() * 0xffffff);
const xidMachine = crypto.getRandomValues(new Uint8Array(5));

export function newXid(atMs = Date.now()): string {
  const b = new Uint8Array(12);
  new DataView(b.buffer).setUint32(0, Math.floor(atMs / 1000));
  b.set(xidMachine, 4);
  xidCounter = (xidCounter + 1) & 0xffffff;
  b[9] = xidCounter >> 16;
  b[10] = (xidCounter >> 8) & 0xff;
  b[11] = xidCounter & 0xff;
  let n = 0n;
  for (const x of b) n = (n << 8n) | BigInt(x);
  n <<= 4n;
  let s = "";
  for (let i = 19; i >= 0; i--) s += XID_ALPHABET[Number((n >> BigInt(i * 5)) & 31n)];
  return s;
}

/** xid.FromString: 20 characters of the alphabet, else "xid: invalid ID". */
function parseXid(s: string): string {
  if (s.length !== 20 || [...s].some((c) => !XID_ALPHABET.includes(c))) {
    throw new Error("xid: invalid ID");
  }
  return s;
}

/** Unix seconds of an xid. */
function xidSeconds(s: string): number {
  let n = 0n;
  for (const c of s) n = (n << 5n) | BigInt(XID_ALPHABET.indexOf(c));
  return Number(n >> 68n);
}

// --- publishing -----------------------------------------------------------------------------

/** Appends an event to the node's buffer and wakes the streams watching it. */
export function publishEvent<D extends DescMessage>(
  node: SimNode,
  schema: D,
  init: MessageInitShape<D>,
  actorId = "",
): SimEvent {
  const st = lifeOf(node);
  const at = Date.now();
  const ev: SimEvent = {
    id: newXid(at),
    typeUrl: `talos/runtime/${schema.typeName}`,
    value: toBinary(schema, create(schema, init)),
    actorId,
    at,
  };
  st.events.push(ev);
  if (st.events.length > 1000) st.events.shift();
  if (schema.typeName === MachineStatusEventSchema.typeName) {
    // Keep the MachineStatus resource (talosctl get machinestatus, health) in step.
    const m = init as { stage?: Stage; status?: { ready?: boolean; unmetConditions?: unknown[] } };
    setMachineStatus(
      node,
      STAGE_NAMES[m.stage ?? Stage.UNKNOWN],
      m.status?.ready ?? false,
      (m.status?.unmetConditions ?? []) as { name: string; reason: string }[],
    );
  }
  wake(st);
  return ev;
}

const STAGE_NAMES: Record<Stage, MachineStage> = {
  [Stage.UNKNOWN]: "unknown",
  [Stage.BOOTING]: "booting",
  [Stage.INSTALLING]: "installing",
  [Stage.MAINTENANCE]: "maintenance",
  [Stage.RUNNING]: "running",
  [Stage.REBOOTING]: "rebooting",
  [Stage.SHUTTING_DOWN]: "shutting down",
  [Stage.RESETTING]: "resetting",
  [Stage.UPGRADING]: "upgrading",
};

function wake(st: LifeState): void {
  const fns = [...st.listeners];
  st.listeners.clear();
  for (const f of fns) f();
}

type Published = [DescMessage, Record<string, unknown>];

const seq = (sequence: string, action: SequenceEvent_Action): Published => [
  SequenceEventSchema,
  { sequence, action },
];
const phase = (name: string, action: PhaseEvent_Action): Published => [
  PhaseEventSchema,
  { phase: name, action },
];
const task = (name: string, action: TaskEvent_Action): Published => [
  TaskEventSchema,
  { task: name, action },
];
const status = (stage: Stage, ready: boolean, unmet: string[] = []): Published => [
  MachineStatusEventSchema,
  {
    stage,
    status: {
      ready,
      unmetConditions: unmet.map((name) => ({ name, reason: `${name} not ready` })),
    },
  },
];

/** The events of a boot, as machined publishes them (no actor). */
function bootHistory(node: SimNode): Published[] {
  const out: Published[] = [
    status(Stage.BOOTING, false, ["time", "network", "services"]),
    seq("initialize", SequenceEvent_Action.START),
    phase("machined", PhaseEvent_Action.START),
    task("startMachined", TaskEvent_Action.START),
    task("startMachined", TaskEvent_Action.STOP),
    phase("machined", PhaseEvent_Action.STOP),
    seq("initialize", SequenceEvent_Action.STOP),
    seq("boot", SequenceEvent_Action.START),
    phase("startEverything", PhaseEvent_Action.START),
    task("startAllServices", TaskEvent_Action.START),
  ];
  for (const s of node.services.filter((x) => x.id !== "machined")) {
    out.push([ServiceStateEventSchema, {
      service: s.id,
      action: ServiceStateEvent_Action.RUNNING,
      message: "Health check successful",
      health: { unknown: false, healthy: true },
    }]);
  }
  out.push(
    status(Stage.BOOTING, false, ["services"]),
    task("startAllServices", TaskEvent_Action.STOP),
    phase("startEverything", PhaseEvent_Action.STOP),
    seq("boot", SequenceEvent_Action.STOP),
    status(Stage.RUNNING, false, ["nodeReady"]),
    status(Stage.RUNNING, true),
  );
  return out;
}

// --- sequences ------------------------------------------------------------------------------

/** Timers of running simulations, cancelled when the emulator closes. */
const running = new WeakMap<Emulator, Set<() => void>>();

function sleep(emu: Emulator, ms: number): Promise<boolean> {
  const set = running.get(emu)!;
  return new Promise((resolve) => {
    const cancel = () => {
      clearTimeout(t);
      resolve(false);
    };
    const t = setTimeout(() => {
      set.delete(cancel);
      resolve(true);
    }, ms);
    set.add(cancel);
  });
}

type Ending = "reboot" | "shutdown";

interface Plan {
  sequence: string;
  stage: Stage;
  phases: [string, string[]][];
  ending: Ending;
  /** After the reboot: "boot" normally, "maintenance" when STATE was wiped. */
  after?: "boot" | "maintenance";
}

/** The phases machined runs to stop everything (stopAllPhaselist). */
function stopAll(kexec: boolean): [string, string[]][] {
  return [
    ["denyNewServices", ["denyNewServices"]],
    ["stopServices", ["stopServicesEphemeral"]],
    ["umount", ["unmountPodMounts"]],
    ["unmountBind", ["unmountSystemDiskBindMounts"]],
    ["unmountPromotable", ["unmountPromotableSystemPartitions"]],
    ["unmountSystem", ["unmountEphemeralPartition"]],
    ["volumeFinalize", ["teardownVolumeLifecycle"]],
    ["stopEverything", ["stopAllServices"]],
    ...(kexec ? [["kexec", ["kexecPrepare"]] as [string, string[]]] : []),
  ];
}

async function play(emu: Emulator, node: SimNode, plan: Plan, actor: string): Promise<void> {
  const st = lifeOf(node);
  const k = node.lifecycle ?? {};
  const step = k.stepMs ?? 1;
  const emit = async (p: Published, a = actor) => {
    publishEvent(node, p[0], p[1] as never, a);
    return await sleep(emu, step);
  };
  st.stage = plan.stage;
  st.ready = false;
  if (!await emit(status(plan.stage, false), "")) return;
  if (!await emit(seq(plan.sequence, SequenceEvent_Action.START))) return;
  for (const [name, tasks] of plan.phases) {
    if (!await emit(phase(name, PhaseEvent_Action.START))) return;
    if (k.failAtPhase === name) {
      publishEvent(node, SequenceEventSchema, {
        sequence: plan.sequence,
        action: SequenceEvent_Action.STOP,
        error: { code: TalosCode.FATAL, message: `failed to run phase ${name}: simulated failure` },
      }, actor);
      st.stage = Stage.RUNNING;
      st.ready = true;
      await emit(status(Stage.RUNNING, true), "");
      return;
    }
    for (const t of tasks) {
      if (!await emit(task(t, TaskEvent_Action.START))) return;
      if (t === "stopAllServices") {
        for (const s of node.services.filter((x) => x.id !== "machined")) {
          publishEvent(node, ServiceStateEventSchema, {
            service: s.id,
            action: ServiceStateEvent_Action.FINISHED,
            message: "Service finished successfully",
            health: { unknown: true },
          });
        }
      }
      if (name === plan.ending) break; // the node is gone before the task ends
      if (!await emit(task(t, TaskEvent_Action.STOP))) return;
    }
    if (name === plan.ending) break;
    if (!await emit(phase(name, PhaseEvent_Action.STOP))) return;
  }
  goDown(node, st);
  if (plan.ending === "shutdown" || k.neverReturns) return;
  if (!await sleep(emu, k.downMs ?? 30)) return;
  if (plan.after === "maintenance") {
    st.maintenance = true;
    k.onMaintenance?.();
    return;
  }
  await boot(emu, node, st);
}

function goDown(node: SimNode, st: LifeState): void {
  appendDmesg(node, `kern:   emerg: [boot ${st.boots}]: reboot: Restarting system\n`);
  node.faults.down = true;
  st.stage = Stage.UNKNOWN;
  st.ready = false;
  wake(st);
}

async function boot(emu: Emulator, node: SimNode, st: LifeState): Promise<void> {
  const k = node.lifecycle ?? {};
  st.bootId = crypto.randomUUID();
  st.boots++;
  st.events = [];
  if (!k.bootsOldVersion) node.version = { ...node.version, tag: st.installed };
  putSpec(node, "runtime", T.version, "version", { version: node.version.tag, name: "Talos" }, {
    owner: "runtime.VersionController",
  });
  appendDmesg(node, `kern:    info: [boot ${st.boots}]: Linux version 6.18.1-talos\n`);
  appendDmesg(
    node,
    `user: warning: [boot ${st.boots}]: [talos] talosctl-emulator ${node.version.tag}\n`,
  );
  node.faults.down = false;
  if (k.refuseAfterBoot) node.faults.refuse = { ...k.refuseAfterBoot };
  st.stage = Stage.BOOTING;
  for (const [schema, init] of bootHistory(node)) {
    publishEvent(node, schema, init as never);
    if (!await sleep(emu, k.stepMs ?? 1)) return;
  }
  st.stage = Stage.RUNNING;
  st.ready = true;
}

function record(node: SimNode, method: string, req: unknown): void {
  lifeOf(node).requests.push({ method, req: req as Record<string, unknown> });
}

function start(emu: Emulator, node: SimNode, plan: Plan, actor: string): void {
  lifeOf(node).actors.push(actor);
  play(emu, node, plan, actor).catch(() => {});
}

function rebootPlan(mode: RebootRequest_Mode): Plan {
  const phases: [string, string[]][] = mode === RebootRequest_Mode.FORCE ? [] : [
    ["cleanup", ["stopAllPods"]],
    ["dbus", ["stopDBus"]],
    ...stopAll(true),
  ];
  return {
    sequence: "reboot",
    stage: Stage.REBOOTING,
    phases: [...phases, ["reboot", ["reboot"]]],
    ending: "reboot",
  };
}

/** The tag of an image reference ("ghcr.io/siderolabs/installer:v1.14.0" -> "v1.14.0"). */
export function imageTag(ref: string): string | undefined {
  const name = ref.split("@")[0];
  const last = name.slice(name.lastIndexOf("/") + 1);
  const i = last.lastIndexOf(":");
  return i < 0 ? undefined : last.slice(i + 1);
}

function versionAtLeast(tag: string, major: number, minor: number): boolean {
  const m = /^v?(\d+)\.(\d+)/.exec(tag);
  if (!m) return true;
  return Number(m[1]) > major || (Number(m[1]) === major && Number(m[2]) >= minor);
}

function unavailable(): ConnectError {
  return new ConnectError("error reading from server: EOF", Code.Unavailable);
}

// --- handlers -------------------------------------------------------------------------------

/** Registers the lifecycle handlers on an emulator. */
export function registerLifecycleHandlers(emu: Emulator): void {
  const M = MachineService.method;
  const timers = new Set<() => void>();
  running.set(emu, timers);
  const close = emu.close.bind(emu);
  emu.close = async () => {
    for (const cancel of [...timers]) cancel();
    await close();
  };

  emu.handle(M.events, async function* (req, call: NodeCall) {
    const node = call.node;
    const st = lifeOf(node);
    // machined first sends an empty event so that the client knows the watch is running.
    yield {
      data: { typeUrl: "", value: new Uint8Array() },
      id: newXid(),
      actorId: req.withActorId,
    };
    let tailId = "";
    if (req.tailId !== "") {
      try {
        tailId = parseXid(req.tailId);
      } catch (e) {
        throw new ConnectError(`error parsing tail_id: ${(e as Error).message}`, Code.Unknown);
      }
    }
    if (tailId !== "" && req.tailEvents !== 0) {
      throw new ConnectError(
        "WithTailID can't be specified at the same time with WithTailEvents or WithTailDuration",
        Code.Unknown,
      );
    }
    if (req.tailSeconds !== 0 && (req.tailEvents !== 0 || tailId !== "")) {
      throw new ConnectError(
        "WithTailDuration can't be specified at the same time with WithTailEvents or WithTailID",
        Code.Unknown,
      );
    }
    const boot = st.boots;
    let buffer = st.events;
    let pos = buffer.length;
    if (req.tailEvents < 0) pos = 0;
    else if (req.tailEvents > 0) pos = Math.max(0, pos - req.tailEvents);
    else if (tailId !== "") {
      const i = buffer.findIndex((e) => e.id > tailId);
      pos = i < 0 ? buffer.length : i;
    } else if (req.tailSeconds !== 0) {
      const since = Date.now() / 1000 - req.tailSeconds;
      const i = buffer.findIndex((e) => xidSeconds(e.id) > since);
      pos = i < 0 ? buffer.length : i;
    }
    let sent = 0;
    let onAbort = () => {};
    call.signal.addEventListener("abort", () => onAbort(), { once: true });
    for (;;) {
      if (call.signal.aborted) return;
      if (st.boots !== boot || node.faults.down) throw unavailable();
      if (buffer !== st.events) {
        // The buffer was trimmed or replaced: continue after the last event sent.
        const last = buffer[pos - 1]?.id ?? "";
        buffer = st.events;
        const i = buffer.findIndex((e) => e.id > last);
        pos = i < 0 ? buffer.length : i;
      }
      if (pos < buffer.length) {
        const e = buffer[pos++];
        if (req.withActorId !== "" && e.actorId !== req.withActorId) continue;
        const drop = node.lifecycle?.dropEventsAfter;
        if (drop !== undefined && sent >= drop) {
          node.lifecycle!.dropEventsAfter = undefined;
          throw unavailable();
        }
        sent++;
        yield { data: { typeUrl: e.typeUrl, value: e.value }, id: e.id, actorId: e.actorId };
        continue;
      }
      await new Promise<void>((resolve) => {
        st.listeners.add(resolve);
        onAbort = resolve;
      });
    }
  } as StreamHandler);

  const previousRead = emu.handlers.get(`/${MachineService.typeName}/Read`) as
    | StreamHandler
    | undefined;
  emu.handle(M.read, async function* (req, call: NodeCall) {
    if (req.path === BOOT_ID_PATH) {
      yield { bytes: new TextEncoder().encode(lifeOf(call.node).bootId + "\n") };
      return;
    }
    if (previousRead) {
      yield* previousRead(req, call);
      return;
    }
    throw new ConnectError(`open ${req.path}: no such file or directory`, Code.Unknown);
  } as StreamHandler);

  emu.handle(M.reboot, (req, call: NodeCall) => {
    record(call.node, "Reboot", req);
    const actor = crypto.randomUUID();
    start(emu, call.node, rebootPlan(req.mode), actor);
    return { messages: [{ actorId: actor }] };
  });

  emu.handle(M.shutdown, (req, call: NodeCall) => {
    record(call.node, "Shutdown", req);
    const actor = crypto.randomUUID();
    start(emu, call.node, {
      sequence: "shutdown",
      stage: Stage.SHUTTING_DOWN,
      phases: [
        ["storeShutdown", ["storeShutdownEmergency"]],
        ...(req.force ? [] : [["drain", ["cordonAndDrainNode"]] as [string, string[]]]),
        ["cleanup", ["stopAllPods"]],
        ["dbus", ["stopDBus"]],
        ...stopAll(false),
        ["shutdown", ["shutdown"]],
      ],
      ending: "shutdown",
    }, actor);
    return { messages: [{ actorId: actor }] };
  });

  emu.handle(M.reset, (req, call: NodeCall) => {
    const node = call.node;
    record(node, "Reset", req);
    const labels = (req.systemPartitionsToWipe as { label: string }[]).map((p) => p.label);
    for (const l of labels) {
      if (!["EPHEMERAL", "STATE", "META"].includes(l)) {
        throw new ConnectError(`failed to find volume with label ${l}`, Code.Unknown);
      }
    }
    const systemDisk = req.mode === ResetRequest_WipeMode.ALL ||
      req.mode === ResetRequest_WipeMode.SYSTEM_DISK;
    const userDisks = req.mode !== ResetRequest_WipeMode.SYSTEM_DISK &&
      req.userDisksToWipe.length > 0;
    const wipesState = systemDisk && (labels.length === 0 || labels.includes("STATE"));
    const cp = node.controlPlane;
    const actor = crypto.randomUUID();
    const p = (name: string, ...tasks: string[]): [string, string[]] => [name, tasks];
    start(emu, node, {
      sequence: "reset",
      stage: Stage.RESETTING,
      phases: [
        ...(req.graceful ? [p("drain", "cordonAndDrainNode"), p("cleanup", "removeAllPods")] : [
          p("cleanup", "stopAllPods"),
        ]),
        p("dbus", "stopDBus"),
        ...(req.graceful && cp ? [p("leave", "leaveEtcd")] : []),
        p("preReset", "sendResetSignal"),
        ...stopAll(labels.length > 0 && !labels.includes("BOOT")),
        p("forceCleanup", "forceCleanup"),
        ...(systemDisk && labels.length === 0 ? [p("reset", "resetSystemDisk")] : []),
        ...(systemDisk && labels.length > 0 ? [p("resetSpec", "resetSystemDiskSpec")] : []),
        ...(userDisks ? [p("resetUserDisks", "resetUserDisks")] : []),
        req.reboot ? p("reboot", "reboot") : p("shutdown", "shutdown"),
      ],
      ending: req.reboot ? "reboot" : "shutdown",
      after: wipesState ? "maintenance" : "boot",
    }, actor);
    return { messages: [{ actorId: actor }] };
  });

  emu.handle(M.upgrade, (req, call: NodeCall) => {
    const node = call.node;
    record(node, "Upgrade", req);
    const st = lifeOf(node);
    if (req.image === "") {
      throw new ConnectError(
        'error validating installer image "": failed to parse reference: ',
        Code.Unknown,
      );
    }
    const tag = imageTag(req.image);
    if (tag && /^v\d/.test(tag)) {
      st.previous = node.version.tag;
      st.installed = tag;
    }
    const actor = crypto.randomUUID();
    const kexec = req.rebootMode === UpgradeRequest_RebootMode.DEFAULT;
    const p = (name: string, ...tasks: string[]): [string, string[]] => [name, tasks];
    const plan: Plan = req.stage
      ? {
        sequence: "stageUpgrade",
        stage: Stage.UPGRADING,
        phases: [p("cleanup", "stopAllPods"), p("dbus", "stopDBus"), ...stopAll(kexec)].concat([
          p("reboot", "reboot"),
        ]),
        ending: "reboot",
      }
      : {
        sequence: "upgrade",
        stage: Stage.UPGRADING,
        phases: [
          p("denyNewServices", "denyNewServices"),
          p("drain", "cordonAndDrainNode"),
          p("cleanup", "stopAllPods"),
          p("dbus", "stopDBus"),
          p("stopServices", "stopServicesEphemeral"),
          p("unmount", "unmountPodMounts"),
          p("unmountBind", "unmountSystemDiskBindMounts"),
          p("unmountPromotable", "unmountPromotableSystemPartitions"),
          p("unmountSystem", "unmountEphemeralPartition"),
          p("volumeFinalize", "teardownVolumeLifecycle"),
          p("upgrade", "upgrade"),
          p("meta", "reloadMeta"),
          ...(kexec ? [p("kexec", "kexecPrepare")] : []),
          p("stopEverything", "stopAllServices"),
          p("reboot", "reboot"),
        ],
        ending: "reboot",
      };
    start(emu, node, plan, actor);
    return { messages: [{ ack: "Upgrade request received", actorId: actor }] };
  });

  emu.handle(M.rollback, (req, call: NodeCall) => {
    record(call.node, "Rollback", req);
    const st = lifeOf(call.node);
    if (!st.previous) {
      throw new ConnectError(
        "cannot rollback to previous installation: no previous installation found",
        Code.Unknown,
      );
    }
    const back = st.previous;
    st.previous = st.installed;
    st.installed = back;
    // machined runs the reboot sequence without an actor ID here.
    play(emu, call.node, rebootPlan(RebootRequest_Mode.DEFAULT), "").catch(() => {});
    return { messages: [{}] };
  });

  const L = LifecycleService.method;
  emu.handle(L.upgrade, async function* (req, call: NodeCall) {
    const node = call.node;
    if (!versionAtLeast(node.version.tag, 1, 13)) {
      throw new ConnectError("unknown service machine.LifecycleService", Code.Unimplemented);
    }
    const st = lifeOf(node);
    record(node, "LifecycleService.Upgrade", req);
    const ref = req.source?.imageName ?? "";
    const progress = (message: string) => ({
      progress: { response: { case: "message", value: message } },
    });
    yield progress(`validating installer image ${ref}\n`);
    yield progress("installing to /dev/sda\n");
    const code = node.lifecycle?.installerExitCode ?? 0;
    if (code === 0) {
      const tag = imageTag(ref);
      if (tag && /^v\d/.test(tag)) {
        st.previous = node.version.tag;
        st.installed = tag;
      }
      yield progress("upgrade successful\n");
    } else {
      yield progress("error: installation failed: simulated installer failure\n");
    }
    yield { progress: { response: { case: "exitCode", value: code } } };
  } as StreamHandler);

  emu.handle(ImageService.method.pull, async function* (req, call: NodeCall) {
    record(call.node, "ImageService.Pull", req);
    const layer = "sha256:8a6b0e5c2a3f1d4e7b9c0a1f2e3d4c5b6a7980f1e2d3c4b5a69788796a5b4c3d";
    const total = 4n * 1024n * 1024n;
    const prog = (status: ImageServicePullLayerProgress_Status, offset: bigint) => ({
      response: {
        case: "pullProgress",
        value: { layerId: layer, progress: { status, offset, total } },
      },
    });
    yield prog(ImageServicePullLayerProgress_Status.DOWNLOADING, 0n);
    yield prog(ImageServicePullLayerProgress_Status.DOWNLOADING, total / 2n);
    yield prog(ImageServicePullLayerProgress_Status.DOWNLOAD_COMPLETE, total);
    yield prog(ImageServicePullLayerProgress_Status.EXTRACT_COMPLETE, total);
    yield { response: { case: "name", value: req.imageRef } };
  } as StreamHandler);

  const disks = `/${StorageService.typeName}/Disks`;
  if (!emu.handlers.has(disks)) {
    emu.handle(StorageService.method.disks, () =>
      ({
        messages: [{
          disks: [{ deviceName: "/dev/sda", size: 10n * 1024n ** 3n, model: "QEMU HARDDISK" }],
        }],
      }) as ReturnType<Handler>);
  }
}
