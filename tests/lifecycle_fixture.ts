// Shared setup of the lifecycle command tests (reboot, shutdown, reset, upgrade, events): an
// emulator with nodes on the client's Talos version, a talosconfig naming them, a fast retry
// interval, and readers for the tracker's per-node progress lines.

import { run, type RunOptions, type RunResult } from "./harness.ts";
import { type LifecycleKnobs, type SimNode, simNode, startEmulator } from "./emulator/mod.ts";
import { TALOS_VERSION } from "../commands/version_info.ts";

export const NODES3 = ["10.5.0.2", "10.5.0.3", "10.5.0.4"];

/** The tracker retries every 20 ms instead of 1 s. */
export const FAST = { TALOSCTL_RETRY_INTERVAL: "20ms" };

export async function lifecycleSetup(
  dir: string,
  addresses: string[],
  opts: {
    version?: string;
    knobs?: Record<string, LifecycleKnobs>;
    roles?: string[];
    node?: (address: string) => SimNode;
  } = {},
) {
  const nodes = addresses.map((a, i) => {
    const n = opts.node?.(a) ?? simNode(a, { controlPlane: i === 0 });
    n.version = { ...n.version, tag: opts.version ?? TALOS_VERSION };
    n.lifecycle = opts.knobs?.[a];
    return n;
  });
  const emu = await startEmulator({ nodes });
  const cfg = await emu.talosconfig(dir, { nodes: addresses, roles: opts.roles });
  return { emu, cfg, node: (a: string) => emu.nodes.get(a)! };
}

/** Runs talosctl with the fast retry interval. */
export function runFast(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  return run(argv, { ...opts, env: { ...FAST, ...opts.env } });
}

/** The progress lines of one node (`"<node>": <state>`), without the prefix. */
export function linesOf(stderr: string, node: string): string[] {
  const prefix = `"${node}": `;
  return stderr.split("\n").filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length));
}

const phase = (name: string, task: string) => [
  `phase: ${name} action: START`,
  `task: ${task} action: START`,
  `task: ${task} action: STOP`,
  `phase: ${name} action: STOP`,
];

/** The events of machined's stop-everything phases, as the tracker shows them. */
export function stopAllLines(kexec: boolean): string[] {
  return [
    ...phase("denyNewServices", "denyNewServices"),
    ...phase("stopServices", "stopServicesEphemeral"),
    ...phase("umount", "unmountPodMounts"),
    ...phase("unmountBind", "unmountSystemDiskBindMounts"),
    ...phase("unmountPromotable", "unmountPromotableSystemPartitions"),
    ...phase("unmountSystem", "unmountEphemeralPartition"),
    ...phase("volumeFinalize", "teardownVolumeLifecycle"),
    ...phase("stopEverything", "stopAllServices"),
    ...(kexec ? phase("kexec", "kexecPrepare") : []),
  ];
}

/** What the tracker shows of a boot: the boot's own events (actor ""), up to ready. */
export function bootLines(services: string[]): string[] {
  const unmet = (names: string[]) =>
    names.map((n) => `name:"${n}" reason:"${n} not ready"`).join(" ");
  return [
    `stage: BOOTING ready: false unmetCond: [${unmet(["time", "network", "services"])}]`,
    "sequence: initialize action: START",
    ...phase("machined", "startMachined"),
    "sequence: initialize action: STOP",
    "sequence: boot action: START",
    "phase: startEverything action: START",
    "task: startAllServices action: START",
    ...services.filter((s) => s !== "machined").map((s) =>
      `service: ${s} message: Health check successful healthy: true`
    ),
    `stage: BOOTING ready: false unmetCond: [${unmet(["services"])}]`,
    "task: startAllServices action: STOP",
    "phase: startEverything action: STOP",
    "sequence: boot action: STOP",
    `stage: RUNNING ready: false unmetCond: [${unmet(["nodeReady"])}]`,
  ];
}

const SEQ_DONE = "error: reboot sequence completed";
const STOP_DONE = "error: stopAllServices task completed";
const AWAY = "unavailable, retrying...";

/**
 * A whole reboot (default mode) as the tracker shows it for one node, when the node is still up
 * each time the tracker dials again: after the reboot sequence starts and after each
 * stopAllServices event the stream is closed (an "error" line) and dialled again.
 */
export function rebootLines(actor: string, services: string[]): string[] {
  const stops = stopAllLines(true).flatMap((l) =>
    l.startsWith("task: stopAllServices ") ? [l, STOP_DONE] : [l]
  );
  return [
    "waiting for actor ID",
    `actor ID: ${actor}`,
    "sequence: reboot action: START",
    SEQ_DONE,
    ...phase("cleanup", "stopAllPods"),
    ...phase("dbus", "stopDBus"),
    ...stops,
    "phase: reboot action: START",
    "task: reboot action: START",
    AWAY,
    ...bootLines(services),
    "events check condition met",
    "post check passed",
  ];
}

/**
 * Checks a node's reboot lines against rebootLines: repeated retries count once, the events
 * after a stopAllServices line may be missing (the node can be gone before the tracker dials
 * again) as long as what is shown is their beginning, and the node may even be back already
 * (no "unavailable" line).
 */
export function assertRebootLines(lines: string[], actor: string, services: string[]): void {
  const got = lines.filter((l, i) => l !== AWAY || lines[i - 1] !== AWAY);
  const want = rebootLines(actor, services);
  const wantCut = want.indexOf(STOP_DONE) + 1;
  const wantBoot = want.indexOf(AWAY) + 1;
  const cut = got.indexOf(STOP_DONE) + 1;
  const boot = got.indexOf(want[wantBoot], cut);
  let middle = got.slice(cut, boot);
  if (middle.at(-1) === AWAY) middle = middle.slice(0, -1);
  const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  if (
    cut === 0 || boot < 0 || !same(got.slice(0, cut), want.slice(0, wantCut)) ||
    wantCut + middle.length >= wantBoot ||
    !same(middle, want.slice(wantCut, wantCut + middle.length)) ||
    !same(got.slice(boot), want.slice(wantBoot))
  ) {
    throw new Error(`reboot lines differ:\n${got.join("\n")}\n--- want ---\n${want.join("\n")}`);
  }
}

export { phase as phaseLines };

/**
 * Waits (polling) until `cond` holds; for synchronising with the emulator, not for timing: the
 * limit (60 s of wall time, however late the polls run on a loaded machine) only turns a hang
 * into a failure.
 */
export async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * --timeout for tests where a node never comes back: the command waits all of it, and within it
 * the other nodes must finish and the lost one reach its last state (a few hundred ms when idle):
 * long enough for a loaded machine, short enough to wait out.
 */
export const LOST_NODE_TIMEOUT = "5s";
