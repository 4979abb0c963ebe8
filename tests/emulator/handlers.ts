// Default per-node behaviour of the RPCs the CLI's core commands use, following machined.

import { Code, ConnectError } from "@connectrpc/connect";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { MachineService } from "../../gen/machine/machine_pb.ts";
import type { Emulator, NodeCall } from "./server.ts";
import type { SimNode } from "./node.ts";
import { etcdSnapshotOfSize } from "./etcd_snapshot.ts";

const enc = new TextEncoder();

/** Splits bytes into messages of at most 1024 bytes, as machined streams files. */
export function* chunks(data: Uint8Array, size = 1024): Generator<Uint8Array> {
  for (let off = 0; off < data.length; off += size) yield data.subarray(off, off + size);
}

/** A deterministic snapshot body of `size` bytes, produced 1 KiB at a time. */
export function* patternChunks(size: number, chunk = 1024): Generator<Uint8Array> {
  const block = new Uint8Array(chunk);
  for (let i = 0; i < chunk; i++) block[i] = (i * 31 + 7) & 0xff;
  for (let off = 0; off < size; off += chunk) {
    yield off + chunk <= size ? block : block.subarray(0, size - off);
  }
}

const generated = new WeakMap<{ size: number }, Uint8Array>();

/**
 * The body for a `{ size }` snapshot: a valid etcd snapshot of exactly that size when one can
 * exist (size - 32 a whole number of 4 KiB pages), generated once; otherwise pattern bytes.
 */
function sizedSnapshot(snap: { size: number }): Generator<Uint8Array> {
  let bytes = generated.get(snap);
  if (!bytes) {
    bytes = etcdSnapshotOfSize(snap.size)?.bytes;
    if (!bytes) return patternChunks(snap.size);
    generated.set(snap, bytes);
  }
  return chunks(bytes);
}

function controlPlaneOnly(node: SimNode, api: string): void {
  if (!node.controlPlane) {
    throw new ConnectError(`${api} is only available on control plane nodes`, Code.Unimplemented);
  }
}

/** Waits for appended data while following; ends when the call is cancelled. */
async function* follow(call: NodeCall, kind: string, key: string): AsyncGenerator<string> {
  const pending: string[] = [];
  let wake: (() => void) | undefined;
  const sub = (k: string, id: string, text: string) => {
    if (k === kind && id === key) {
      pending.push(text);
      wake?.();
    }
  };
  call.node.followers.add(sub);
  const onAbort = () => wake?.();
  call.signal.addEventListener("abort", onAbort);
  try {
    while (!call.signal.aborted) {
      if (pending.length === 0) {
        await new Promise<void>((r) => wake = r);
        continue;
      }
      yield pending.shift()!;
    }
  } finally {
    call.node.followers.delete(sub);
    call.signal.removeEventListener("abort", onAbort);
  }
}

function service(call: NodeCall, id: string) {
  const s = call.node.services.find((x) => x.id === id);
  if (!s) throw new ConnectError(`service ${JSON.stringify(id)} not found`, Code.Unknown);
  return s;
}

function transition(call: NodeCall, id: string, state: string, msg: string): void {
  const s = service(call, id);
  s.state = state;
  s.events.push({ msg, state, ts: new Date() });
}

/** Registers the default handlers on an emulator. */
export function registerDefaults(emu: Emulator): void {
  const M = MachineService.method;
  emu.handle(M.version, (_req, { node }) => ({
    messages: [{ version: node.version, platform: node.platform, features: { rbac: node.rbac } }],
  }));
  emu.handle(M.hostname, (_req, { node }) => ({ messages: [{ hostname: node.hostname }] }));
  emu.handle(M.serviceList, (_req, { node }) => ({
    messages: [{
      services: node.services.map((s) => ({
        id: s.id,
        state: s.state,
        events: {
          events: s.events.map((e) => ({
            msg: e.msg,
            state: e.state,
            ts: timestampFromDate(e.ts),
          })),
        },
        health: {
          unknown: s.health.unknown,
          healthy: s.health.healthy,
          lastMessage: s.health.lastMessage,
          ...(s.health.lastChange ? { lastChange: timestampFromDate(s.health.lastChange) } : {}),
        },
      })),
    }],
  }));
  emu.handle(M.serviceStart, (req, call) => {
    transition(call, req.id, "Running", "Service started");
    return { messages: [{ resp: `Service ${JSON.stringify(req.id)} started` }] };
  });
  emu.handle(M.serviceStop, (req, call) => {
    transition(call, req.id, "Finished", "Service finished successfully");
    return { messages: [{ resp: `Service ${JSON.stringify(req.id)} stopped` }] };
  });
  emu.handle(M.serviceRestart, (req, call) => {
    transition(call, req.id, "Running", "Service restarted");
    return { messages: [{ resp: `Service ${JSON.stringify(req.id)} restarted` }] };
  });

  emu.handle(M.logs, async function* (req, call) {
    const key = req.namespace === "system" || req.id === "kubelet" ? req.id : `k8s.io:${req.id}`;
    const text = call.node.logs.get(key);
    if (text === undefined) {
      throw new ConnectError(`log "${req.id}" was not registered`, Code.Unknown);
    }
    let lines = text.split(/(?<=\n)/).filter((l) => l !== "");
    if (req.tailLines >= 0) lines = req.tailLines === 0 ? [] : lines.slice(-req.tailLines);
    for (const c of chunks(enc.encode(lines.join("")))) yield { bytes: c };
    if (req.follow) {
      for await (const t of follow(call, "log", key)) {
        for (const c of chunks(enc.encode(t))) yield { bytes: c };
      }
    }
  });

  emu.handle(M.dmesg, async function* (req, call) {
    if (!req.tail) { for (const r of [...call.node.dmesg]) yield { bytes: enc.encode(r) }; }
    if (req.follow) {
      for await (const r of follow(call, "dmesg", "")) yield { bytes: enc.encode(r) };
    }
  });

  emu.handle(M.etcdMemberList, (_req, call) => {
    controlPlaneOnly(call.node, "member list");
    return { messages: [{ members: call.emulator.etcdMembers }] };
  });
  emu.handle(M.etcdStatus, (_req, call) => {
    controlPlaneOnly(call.node, "etcd status");
    const e = call.node.etcd!;
    return { messages: [{ memberStatus: { ...e.status, memberId: e.memberId } }] };
  });
  emu.handle(M.etcdSnapshot, async function* (_req, call) {
    controlPlaneOnly(call.node, "etcd snapshot");
    const snap = call.node.etcd!.snapshot;
    const it = snap instanceof Uint8Array ? chunks(snap) : sizedSnapshot(snap);
    for (const c of it) yield { bytes: c };
  });
}
