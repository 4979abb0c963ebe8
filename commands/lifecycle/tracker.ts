// The action tracker behind `--wait` of reboot, shutdown, reset and upgrade: for every node at
// once it opens the node's Events stream, reads the boot ID, runs the action (which returns the
// actor ID of the sequence it started), then follows the events until the node reached the goal:
//
// - "ready" (reboot, upgrade): the node booted again (its boot ID changed) and reports
//   MachineStatus RUNNING and ready; for an upgrade it also runs the expected version;
// - "stopped" (shutdown, reset): the node ran its stopAllServices task; after `reset --reboot`
//   it must also come back (in maintenance mode, or with a new boot ID).
//
// A stream that drops (the node rebooting, a proxy restarting) is dialled again every retry
// interval; so is one the tracker closes itself, as talosctl does, once the reboot sequence or
// the stopAllServices task shows the node is about to go ("error: ... completed"). Within the
// same boot it resumes after the last event seen (talosctl would skip what came meanwhile), in a
// new boot it replays the boot's events. Progress goes to stderr in talosctl's words: one
// `"<node>": <state>` line per update when stderr is not a terminal, else a status block,
// redrawn in place unless --progress=plain.

import { Code } from "@connectrpc/connect";
import type { Event, EventsRequest } from "../../gen/machine/machine_pb.ts";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { EventsRequestSchema } from "../../gen/machine/machine_pb.ts";
import { MachineStatusEvent_MachineStage } from "../../gen/machine/machine_pb.ts";
import type { Deps } from "../deps.ts";
import type { NodeTarget, Session } from "../session.ts";
import { errorCode, errorText, goDuration, goQuote } from "../kit.ts";
import { type DecodedEvent, decodeEvent, goBool, machineStage, phaseAction } from "./events.ts";
import { sequenceAction, talosCode, taskAction } from "./events.ts";
import type { Reporter, Status, Update } from "./reporter.ts";
import { compareSemver, parseTolerant } from "../semver.ts";
import { sleepOrThrow } from "../../wait/mod.ts";

export const BOOT_ID_PATH = "/proc/sys/kernel/random/boot_id";
const UNAUTHORIZED = "(unauthorized)";

export type Goal =
  | { kind: "ready"; expectVersion?: string }
  | { kind: "stopped"; thenBack?: boolean };

export interface TrackerOptions {
  session: Session;
  deps: Deps;
  goal: Goal;
  /** Runs the action on one node; returns the actor ID of the sequence it started. */
  action: (t: NodeTarget, signal: AbortSignal) => Promise<string>;
  reporter: Reporter;
  timeoutMs: number;
  /** Pause between two attempts to reach a node (talosctl: 1 s). */
  retryMs: number;
  /** Collect each node's kernel log and print it for the nodes that fail. */
  debug: boolean;
  /**
   * For `reset --reboot`: resolves when the node answers in maintenance mode (the reset wiped
   * its configuration), rejects otherwise.
   */
  maintenanceProbe?: (node: string, signal: AbortSignal) => Promise<void>;
}

/** Why waiting stopped early. */
class Stop extends Error {
  constructor(readonly why: "timeout" | "interrupted") {
    super(why);
  }
}

/** A failure that ends the tracking of a node, with the text to show. */
class NodeFailed extends Error {}

/** Errors talosctl's tracker retries: the node or the stream went away. */
function retryable(err: unknown): boolean {
  if (err instanceof EndOfStream) return true;
  const code = errorCode(err);
  return code === Code.Unavailable || code === Code.Canceled;
}

class EndOfStream extends Error {
  constructor() {
    super("EOF");
  }
}

/** One node's view: its last update, and the last state that was not a retry. */
interface NodeView {
  update: Update;
  lastState: string;
  unreachable?: string;
}

/**
 * Runs the action on every node of the session and follows it. Resolves with the nodes that did
 * not reach the goal (empty: all did).
 */
export async function track(opts: TrackerOptions): Promise<string[]> {
  const { session, deps, reporter } = opts;
  const nodes = session.nodes;
  const views = new Map<string, NodeView>();
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new Stop("timeout")), opts.timeoutMs);
  const onInterrupt = () => deadline.abort(new Stop("interrupted"));
  if (deps.signal.aborted) onInterrupt();
  deps.signal.addEventListener("abort", onInterrupt, { once: true });

  // Output: plain lines as updates arrive, or a block redrawn every 100 ms.
  const stderr = deps.io.stderr;
  let writes: Promise<void> = Promise.resolve();
  const block = (): Update => {
    const names = [...views.keys()].sort();
    const lines = [`watching nodes: [${names.join(" ")}]`];
    let status: Status = "succeeded";
    for (const n of names) {
      const u = views.get(n)!.update;
      lines.push(`    * ${n}: ${u.message}`);
      if (u.status === "error") status = "error";
      else if (u.status === "running" && status !== "error") status = "running";
    }
    return { message: lines.join("\n"), status };
  };
  // As talosctl: whether stderr is a terminal decides between the block and per-node lines;
  // --progress only decides whether the block is redrawn in place or printed plain.
  const redraw = deps.io.stderr.isTTY;
  let drawn = false;
  const ticker = redraw ? setInterval(() => reporter.report(block()), 100) : undefined;

  const update = (node: string, message: string, status: Status, transient = false) => {
    const prev = views.get(node);
    const view: NodeView = prev ?? { update: { message, status }, lastState: "" };
    view.update = { message, status };
    if (!transient) {
      view.lastState = message;
      view.unreachable = undefined;
    }
    views.set(node, view);
    // The block appears with the first update, then follows the ticker.
    if (redraw && !drawn) {
      drawn = true;
      reporter.report(block());
    }
    // In a pipe every update is a line of its own, repeated ones too (a retry is news).
    if (!redraw) {
      writes = writes.then(() => stderr.write(`${goQuote(node)}: ${message}\n`));
    }
  };

  const dmesg = new Map<string, string>();
  const dmesgDone: Promise<void>[] = [];
  const failed: string[] = [];

  await Promise.all(nodes.map(async (node) => {
    const nodeCtl = new AbortController();
    const signal = AbortSignal.any([deadline.signal, nodeCtl.signal]);
    let t: NodeTarget | undefined;
    try {
      t = session.forNode(node);
      if (opts.debug) dmesgDone.push(followDmesg(t, node, signal, opts.retryMs, dmesg));
      await new NodeTracker(opts, t, signal, update, views).run();
    } catch (e) {
      failed.push(node);
      const view = views.get(node);
      let message: string;
      if (
        e instanceof Stop || (deadline.signal.aborted && deadline.signal.reason instanceof Stop)
      ) {
        const why = e instanceof Stop ? e.why : (deadline.signal.reason as Stop).why;
        const last = view?.lastState ? `last seen: ${view.lastState}` : "nothing seen yet";
        const gone = view?.unreachable ? `, then unreachable (${view.unreachable})` : "";
        message = why === "timeout"
          ? `timed out after ${goDuration(opts.timeoutMs)} waiting for ${
            goalText(opts.goal)
          }; ${last}${gone}`
          : `interrupted while waiting for ${goalText(opts.goal)}; ${last}${gone}`;
      } else {
        message = e instanceof NodeFailed ? e.message : errorText(e);
      }
      update(node, message, "error");
    } finally {
      // Leaves the other nodes' calls alone; ends this node's kernel log stream later.
      if (!opts.debug) nodeCtl.abort();
      else deadline.signal.addEventListener("abort", () => nodeCtl.abort(), { once: true });
    }
  }));

  clearTimeout(timer);
  deps.signal.removeEventListener("abort", onInterrupt);
  if (!deadline.signal.aborted) deadline.abort(new Stop("interrupted"));
  await Promise.all(dmesgDone);
  if (ticker !== undefined) clearInterval(ticker);
  if (redraw) await reporter.report(block());
  await reporter.flush();
  await writes;

  if (opts.debug && failed.length > 0) {
    failed.sort();
    let text = `console logs for nodes [${failed.map(goQuote).join(" ")}]:\n`;
    for (const n of failed) text += dmesg.get(n) ?? "";
    await stderr.write(text);
  }
  return failed;
}

/** A stream error as Go's error text shows it. */
function streamErrorText(e: unknown): string {
  return e instanceof EndOfStream ? "EOF" : errorText(e);
}

/**
 * The events after which talosctl's tracker stops reading and dials again (its "expected"
 * errors): the reboot sequence and the stopAllServices task. A failed reboot sequence is not
 * one of them here: it ends the wait with its error at once instead of waiting out --timeout.
 */
function completedStep(ev: DecodedEvent): string | undefined {
  const p = ev.payload;
  if (p.kind === "sequence" && p.msg.sequence === "reboot" && !p.msg.error?.message) {
    return "reboot sequence completed";
  }
  if (p.kind === "task" && p.msg.task === "stopAllServices") {
    return "stopAllServices task completed";
  }
  return undefined;
}

function goalText(goal: Goal): string {
  if (goal.kind === "stopped") {
    return goal.thenBack ? "the node to reset and come back" : "the node to stop all services";
  }
  return goal.expectVersion
    ? `the node to reboot into ${goal.expectVersion} and become ready`
    : "the node to reboot and become ready";
}

/** The kernel log of a node while waiting (dmesg --follow --tail), dialled again on drops. */
async function followDmesg(
  t: NodeTarget,
  node: string,
  signal: AbortSignal,
  retryMs: number,
  into: Map<string, string>,
): Promise<void> {
  const dec = new TextDecoder();
  const limit = 1 << 20;
  while (!signal.aborted) {
    try {
      for await (
        const m of t.client.machine.dmesg({ follow: true, tail: true }, { ...t.options, signal })
      ) {
        let text = (into.get(node) ?? "") + `${node}: ${dec.decode(m.bytes)}`;
        if (text.length > limit) text = text.slice(text.length - limit);
        into.set(node, text);
      }
    } catch (e) {
      if (signal.aborted || !retryable(e)) return;
    }
    try {
      await sleepOrThrow(retryMs, signal);
    } catch {
      return;
    }
  }
}

type EventsInit = MessageInitShape<typeof EventsRequestSchema>;

class NodeTracker {
  readonly node: string;
  /** Boot ID before the action; UNAUTHORIZED when the caller may not read it. */
  bootBefore?: string;
  /** Events with this actor ID are shown (the action's, then "" after a reboot). */
  actor = "";
  /** ID of the last event received, to resume a stream in the same boot. */
  lastId = "";
  /** The action was started. */
  acted = false;
  /** The node went away at least once since the action. */
  wentAway = false;
  it?: AsyncIterator<Event>;
  /** Cancels the open Events stream alone (to dial it again). */
  streamCtl?: AbortController;
  /**
   * Every distinct error the event loop met, retried ones included: talosctl's retry loop
   * reports this set ("N error(s) occurred:") when an error ends it.
   */
  eventErrors: string[] = [];

  constructor(
    readonly opts: TrackerOptions,
    readonly t: NodeTarget,
    readonly signal: AbortSignal,
    readonly report: (node: string, message: string, status: Status, transient?: boolean) => void,
    readonly views: Map<string, NodeView>,
  ) {
    this.node = t.node;
  }

  get callOptions() {
    return { ...this.t.options, signal: this.signal };
  }

  update(message: string, status: Status = "running") {
    this.report(this.node, message, status);
  }

  /** A state that is only a step of retrying: shown, but not what the node was "last seen" doing. */
  transient(message: string) {
    this.report(this.node, message, "error", true);
  }

  noteEventError(text: string) {
    if (!this.eventErrors.includes(text)) this.eventErrors.push(text);
  }

  /** An error that ends the event loop: shown as `error: ...`, then the loop's error set. */
  failEvents(text: string): never {
    this.update(`error: ${text}`, "error");
    this.noteEventError(text);
    throw new NodeFailed(
      `${this.eventErrors.length} error(s) occurred:` +
        this.eventErrors.map((e) => `\n\t${e}`).join(""),
    );
  }

  /** Options of one Events stream: ends with the node's signal or when closed on purpose. */
  streamOptions() {
    this.streamCtl?.abort();
    this.streamCtl = new AbortController();
    return { ...this.t.options, signal: AbortSignal.any([this.signal, this.streamCtl.signal]) };
  }

  /** Rethrows our own cancellation as Stop; other errors as they are. */
  check(err: unknown): never {
    if (this.signal.aborted) {
      const r = this.signal.reason;
      throw r instanceof Stop ? r : new Stop("interrupted");
    }
    throw err;
  }

  async run(): Promise<void> {
    const goal = this.opts.goal;
    // The stream is open (its first, empty event received) before the action starts, so that
    // no event of the action can be missed.
    await this.dial({ tailEvents: 0 }, true);
    this.update("waiting for actor ID");
    if (goal.kind === "ready" || goal.thenBack) this.bootBefore = await this.readBootId();
    let actor: string;
    try {
      actor = await this.opts.action(this.t, this.signal);
    } catch (e) {
      this.check(e);
    }
    this.actor = actor;
    this.acted = true;
    this.update(`actor ID: ${actor}`);
    for (;;) {
      if (await this.follow()) break;
      await this.redial();
    }
    if (goal.kind === "stopped" && goal.thenBack) await this.waitBackAfterReset();
  }

  /** Opens the Events stream and waits for its first (empty) event. */
  async dial(req: EventsInit, first = false): Promise<void> {
    try {
      const stream = this.t.client.machine.events(req, this.streamOptions());
      const it = stream[Symbol.asyncIterator]();
      const hello = await it.next();
      if (hello.done) throw new EndOfStream();
      if (first) this.lastId = hello.value.id;
      this.it = it;
    } catch (e) {
      this.dialFailed(e);
      await this.redial();
    }
  }

  /** A failed dial: retried when the node went away, else the end of the event loop. */
  dialFailed(e: unknown): void {
    if (this.signal.aborted) this.check(e);
    const text = `error while watching events: ${streamErrorText(e)}`;
    if (!retryable(e)) this.failEvents(text);
    this.markAway(e, text);
  }

  markAway(err: unknown, text?: string) {
    if (this.acted) this.wentAway = true;
    if (text !== undefined) this.noteEventError(text);
    this.transient("unavailable, retrying...");
    const view = this.views.get(this.node);
    if (view) view.unreachable = streamErrorText(err);
  }

  /** Closes the open stream on purpose, to dial it again. */
  closeStream(): void {
    this.streamCtl?.abort();
    this.streamCtl = undefined;
    this.it = undefined;
  }

  /** Dials again until a stream is open, choosing where it starts. */
  async redial(): Promise<void> {
    for (;;) {
      try {
        await sleepOrThrow(this.opts.retryMs, this.signal);
      } catch (e) {
        this.check(e);
      }
      try {
        let req: EventsInit;
        if (!this.acted) {
          req = { tailEvents: 0 };
        } else if (await this.bootChanged()) {
          // A new boot: its events from the start, none of them the action's.
          req = { tailEvents: -1 };
          this.actor = "";
        } else {
          req = this.lastId !== "" ? { tailId: this.lastId } : { tailEvents: -1 };
        }
        const stream = this.t.client.machine.events(req, this.streamOptions());
        const it = stream[Symbol.asyncIterator]();
        const hello = await it.next();
        if (hello.done) throw new EndOfStream();
        if (!this.acted) this.lastId = hello.value.id;
        this.it = it;
        return;
      } catch (e) {
        this.dialFailed(e);
      }
    }
  }

  /** True when the node runs another boot than before the action (as far as we can tell). */
  async bootChanged(): Promise<boolean> {
    if (this.bootBefore === undefined) return false;
    if (this.bootBefore === UNAUTHORIZED) return this.wentAway;
    return (await this.readBootId()) !== this.bootBefore;
  }

  async readBootId(): Promise<string> {
    const dec = new TextDecoder();
    let text = "";
    try {
      for await (
        const m of this.t.client.machine.read({ path: BOOT_ID_PATH }, this.callOptions)
      ) {
        text += dec.decode(m.bytes, { stream: true });
      }
    } catch (e) {
      if (!this.signal.aborted && errorCode(e) === Code.PermissionDenied) return UNAUTHORIZED;
      this.check(e);
    }
    return text.trim();
  }

  /**
   * Reads the open stream. Resolves true when the goal's event came, false when the stream
   * dropped (to be dialled again); throws when the node failed.
   */
  async follow(): Promise<boolean> {
    const it = this.it!;
    for (;;) {
      let r: IteratorResult<Event>;
      try {
        r = await it.next();
        if (r.done) throw new EndOfStream();
      } catch (e) {
        if (this.signal.aborted) this.check(e);
        if (!retryable(e)) this.failEvents(streamErrorText(e));
        this.markAway(e, streamErrorText(e));
        return false;
      }
      this.lastId = r.value.id;
      let ev: DecodedEvent | undefined;
      try {
        ev = decodeEvent(r.value);
      } catch (e) {
        this.failEvents(errorText(e));
      }
      if (!ev) continue;
      if (await this.reached(ev)) return true;
      if (ev.actorId !== this.actor) continue;
      this.show(ev);
      // As talosctl: the reboot sequence and the stopAllServices task mean the node is about to
      // go away; the stream is closed (shown as an error that is retried) and dialled again.
      const step = completedStep(ev);
      if (step) {
        this.transient(`error: ${step}`);
        this.noteEventError(step);
        this.closeStream();
        return false;
      }
    }
  }

  /** Whether `ev` completes the goal (checking the boot ID and version where needed). */
  async reached(ev: DecodedEvent): Promise<boolean> {
    const goal = this.opts.goal;
    const p = ev.payload;
    if (goal.kind === "stopped") {
      if (p.kind !== "task" || p.msg.task !== "stopAllServices") return false;
      this.update("events check condition met", goal.thenBack ? "running" : "succeeded");
      return true;
    }
    if (p.kind !== "machineStatus") return false;
    if (p.msg.stage !== MachineStatusEvent_MachineStage.RUNNING || !p.msg.status?.ready) {
      return false;
    }
    // Ready, but in which boot? Before the action the node was ready too.
    if (this.bootBefore === UNAUTHORIZED) {
      if (!this.wentAway) return false;
    } else if (this.bootBefore !== undefined) {
      if (await this.retrying(() => this.readBootId()) === this.bootBefore) return false;
    }
    this.update("events check condition met");
    if (goal.expectVersion) await this.checkVersion(goal.expectVersion);
    this.update("post check passed", "succeeded");
    return true;
  }

  async checkVersion(expected: string): Promise<void> {
    const tag = await this.retrying(async () => {
      const r = await this.t.client.machine.version({}, this.callOptions);
      return r.messages[0]?.version?.tag ?? "";
    });
    let same: boolean;
    try {
      same = compareSemver(parseTolerant(tag), parseTolerant(expected)) === 0;
    } catch {
      same = tag === expected;
    }
    if (!same) {
      throw new NodeFailed(
        `post check failed: the node is back with Talos ${tag}, expected ${expected}`,
      );
    }
  }

  /**
   * A call made once the node is back: apid may still refuse for a moment (as on a real node
   * just booted), so retryable errors are retried until the call answers or time runs out.
   */
  async retrying<T>(call: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        return await call();
      } catch (e) {
        if (e instanceof Stop || this.signal.aborted || !retryable(e)) this.check(e);
        this.markAway(e);
      }
      try {
        await sleepOrThrow(this.opts.retryMs, this.signal);
      } catch (e) {
        this.check(e);
      }
    }
  }

  /** Shows an event of the action in talosctl's words; throws on a sequence error. */
  show(ev: DecodedEvent): void {
    const p = ev.payload;
    switch (p.kind) {
      case "phase":
        this.update(`phase: ${p.msg.phase} action: ${phaseAction(p.msg.action)}`);
        break;
      case "task":
        this.update(`task: ${p.msg.task} action: ${taskAction(p.msg.action)}`);
        break;
      case "sequence": {
        const err = p.msg.error?.message
          ? ` error: [code: ${p.msg.error.message} message: ${talosCode(p.msg.error.code)}]`
          : "";
        this.update(`sequence: ${p.msg.sequence} action: ${sequenceAction(p.msg.action)}${err}`);
        if (err) this.failEvents(`sequence error: ${p.msg.error!.message}`);
        break;
      }
      case "machineStatus": {
        const unmet = (p.msg.status?.unmetConditions ?? []).map((c) =>
          `name:${JSON.stringify(c.name)} reason:${JSON.stringify(c.reason)}`
        );
        this.update(
          `stage: ${machineStage(p.msg.stage)} ready: ${goBool(p.msg.status?.ready)} unmetCond: [${
            unmet.join(" ")
          }]`,
        );
        break;
      }
      case "service":
        this.update(
          `service: ${p.msg.service} message: ${p.msg.message} healthy: ${
            goBool(p.msg.health?.healthy)
          }`,
        );
        break;
    }
  }

  /**
   * After `reset --reboot`: the node answers in maintenance mode, or booted again. Both are
   * tried side by side, so that a maintenance dial that hangs does not hide a reboot.
   */
  async waitBackAfterReset(): Promise<void> {
    const probe = this.opts.maintenanceProbe;
    const done = new AbortController();
    const signal = AbortSignal.any([this.signal, done.signal]);
    const viaMaintenance = async (): Promise<void> => {
      if (!probe) return await new Promise(() => {});
      for (;;) {
        await sleepOrThrow(this.opts.retryMs, signal);
        try {
          return await probe(this.node, signal);
        } catch (e) {
          if (signal.aborted) throw e;
        }
      }
    };
    const viaBootId = async (): Promise<void> => {
      for (;;) {
        await sleepOrThrow(this.opts.retryMs, signal);
        try {
          if (this.bootBefore === UNAUTHORIZED || await this.bootChanged()) return;
        } catch (e) {
          if (signal.aborted || !retryable(e)) throw e;
          this.markAway(e);
        }
      }
    };
    try {
      await Promise.race([viaMaintenance(), viaBootId()]);
    } catch (e) {
      this.check(e);
    } finally {
      done.abort();
    }
    this.update("post check passed", "succeeded");
  }
}

export type { EventsRequest };
