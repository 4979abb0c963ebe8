// Emulator handlers for netstat (socket tables filtered as machined's netstat does) and packet
// capture (a pcap file streamed in chunks of at most 1 KiB, the client's BPF filter applied,
// the capture running until the client cancels it). Registers the maintenance handlers too.

import { Code, ConnectError } from "@connectrpc/connect";
import { MachineService } from "../../gen/machine/machine_pb.ts";
import type { Emulator, NodeCall } from "./server.ts";
import { netState, type SimPacket, type SimSocket } from "./net_state.ts";
import { type BpfInstruction, runBpf } from "./bpf.ts";
import { registerMaintenanceHandlers } from "./maint_handlers.ts";

const PROTOCOLS = ["tcp", "tcp6", "udp", "udp6", "udplite", "udplite6", "raw", "raw6"];

function unspecified(ip: string): boolean {
  return ip === "0.0.0.0" || ip === "::" || ip === "";
}

interface NetstatReq {
  filter: number;
  feature?: { pid: boolean };
  l4proto?: Record<string, boolean>;
  netns?: { hostnetwork: boolean; netns: string[]; allnetns: boolean };
}

function accepted(s: SimSocket, req: NetstatReq): boolean {
  if (!req.l4proto?.[s.l4proto]) return false;
  const ns = s.netns ?? "";
  const inNs = ns === ""
    ? req.netns?.hostnetwork === true
    : req.netns?.allnetns === true || (req.netns?.netns ?? []).includes(ns);
  if (!inNs) return false;
  const listening = unspecified(s.remoteip) && s.remoteport === 0;
  switch (req.filter) {
    case 0:
      return true;
    case 1:
      return !unspecified(s.remoteip) && s.remoteport !== 0;
    case 2:
      return listening;
  }
  throw new ConnectError(`invalid filter: ${req.filter}`, Code.InvalidArgument);
}

function netstat(req: NetstatReq, call: NodeCall) {
  const sockets = netState(call.node).sockets;
  const records = PROTOCOLS.flatMap((p) =>
    sockets.filter((s) => s.l4proto === p && accepted(s, req))
  ).map((s) => ({
    l4proto: s.l4proto,
    localip: s.localip,
    localport: s.localport,
    remoteip: s.remoteip,
    remoteport: s.remoteport,
    state: s.state,
    txqueue: s.txqueue ?? 0n,
    rxqueue: s.rxqueue ?? 0n,
    tr: s.tr ?? 0,
    timerwhen: s.timerwhen ?? 0n,
    retrnsmt: s.retrnsmt ?? 0n,
    uid: s.uid ?? 0,
    timeout: s.timeout ?? 0n,
    inode: s.inode ?? 0n,
    process: req.feature?.pid && s.process ? s.process : {},
    netns: s.netns ?? "",
  }));
  return { messages: [{ connectrecord: records }] };
}

/** afpacket's default frame size: the snap length machined writes into the file header. */
const SNAP_LEN = 4096;

function fileHeader(linkType: number): Uint8Array {
  const b = new Uint8Array(24);
  const v = new DataView(b.buffer);
  v.setUint32(0, 0xa1b2c3d4, true);
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  v.setUint32(16, SNAP_LEN, true);
  v.setUint32(20, linkType, true);
  return b;
}

function record(p: SimPacket, keep: number): Uint8Array {
  const data = p.data.subarray(0, Math.min(keep, p.data.length, SNAP_LEN));
  const b = new Uint8Array(16 + data.length);
  const v = new DataView(b.buffer);
  v.setUint32(0, Number(p.tsMicros / 1_000_000n), true);
  v.setUint32(4, Number(p.tsMicros % 1_000_000n), true);
  v.setUint32(8, data.length, true);
  v.setUint32(12, p.origLen ?? p.data.length, true);
  b.set(data, 16);
  return b;
}

function* chunked(b: Uint8Array): Generator<Uint8Array> {
  for (let off = 0; off < b.length; off += 1024) yield b.subarray(off, off + 1024);
}

function untilCancelled(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

interface CaptureReq {
  interface: string;
  promiscuous: boolean;
  bpfFilter: BpfInstruction[];
}

async function* packetCapture(req: CaptureReq, call: NodeCall) {
  const st = netState(call.node);
  const iface = st.interfaces.get(req.interface);
  if (!iface) {
    throw new ConnectError(`interface "${req.interface}" not found`, Code.NotFound);
  }
  if (iface.link === "other") {
    throw new ConnectError("unsupported link type unknown", Code.InvalidArgument);
  }
  captureLog(call.emulator).push({ node: call.node.address, ...req });
  yield { bytes: fileHeader(iface.link === "ether" ? 1 : 101) };
  const packets = typeof iface.packets === "function" ? iface.packets() : iface.packets;
  for (const p of packets) {
    if (call.signal.aborted) return;
    const keep = runBpf(req.bpfFilter, p.data, p.origLen ?? p.data.length);
    if (keep === 0) continue;
    for (const c of chunked(record(p, keep))) yield { bytes: c };
  }
  if (iface.finite) return;
  // A live capture: nothing more arrives, the stream stays open until the client cancels.
  await untilCancelled(call.signal);
}

const logs = new WeakMap<Emulator, ({ node: string } & CaptureReq)[]>();

/** Every capture started on `emu`: node, interface, promiscuous flag and filter. */
export function captureLog(emu: Emulator): ({ node: string } & CaptureReq)[] {
  let l = logs.get(emu);
  if (!l) logs.set(emu, l = []);
  return l;
}

export function registerNetHandlers(emu: Emulator): void {
  emu.handle(MachineService.method.netstat, netstat);
  emu.handle(MachineService.method.packetCapture, packetCapture);
  registerMaintenanceHandlers(emu);
}
