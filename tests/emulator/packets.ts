// Frames for the emulator's packet captures: Ethernet with ARP, IPv4 (TCP, UDP, ICMP) and
// IPv6 (TCP), checksums computed, so that tcpdump and gopacket read them as real traffic.

import type { SimPacket } from "./net_state.ts";

const MAC_A = [0x52, 0x54, 0x00, 0x12, 0x34, 0x56];
const MAC_B = [0x52, 0x54, 0x00, 0xab, 0xcd, 0xef];

function ip4(s: string): number[] {
  return s.split(".").map(Number);
}

function sum16(b: Uint8Array | number[], initial = 0): number {
  let s = initial;
  for (let i = 0; i < b.length; i += 2) s += (b[i] << 8) | (b[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

const checksum = (b: Uint8Array | number[], initial = 0) => (~sum16(b, initial)) & 0xffff;

function put16(b: Uint8Array, o: number, v: number) {
  b[o] = v >> 8;
  b[o + 1] = v & 0xff;
}

function put32(b: Uint8Array, o: number, v: number) {
  put16(b, o, v >>> 16);
  put16(b, o + 2, v & 0xffff);
}

function ethernet(type: number, body: Uint8Array, reverse = false): Uint8Array {
  const f = new Uint8Array(14 + body.length);
  f.set(reverse ? MAC_A : MAC_B, 0);
  f.set(reverse ? MAC_B : MAC_A, 6);
  put16(f, 12, type);
  f.set(body, 14);
  return f;
}

function ipv4(src: string, dst: string, proto: number, body: Uint8Array, id = 1): Uint8Array {
  const p = new Uint8Array(20 + body.length);
  p[0] = 0x45;
  put16(p, 2, p.length);
  put16(p, 4, id);
  put16(p, 6, 0x4000); // DF
  p[8] = 64;
  p[9] = proto;
  p.set(ip4(src), 12);
  p.set(ip4(dst), 16);
  put16(p, 10, checksum(p.subarray(0, 20)));
  p.set(body, 20);
  return p;
}

function pseudo4(src: string, dst: string, proto: number, len: number): number {
  return sum16([...ip4(src), ...ip4(dst), 0, proto, len >> 8, len & 0xff]);
}

export interface TcpOptions {
  seq?: number;
  ack?: number;
  /** Flag bits: FIN 1, SYN 2, RST 4, PSH 8, ACK 16. */
  flags?: number;
  window?: number;
  mss?: number;
  payload?: Uint8Array;
}

function tcpSegment(sport: number, dport: number, o: TcpOptions): Uint8Array {
  const opts = o.mss !== undefined ? [2, 4, o.mss >> 8, o.mss & 0xff] : [];
  const hl = 20 + opts.length;
  const payload = o.payload ?? new Uint8Array();
  const t = new Uint8Array(hl + payload.length);
  put16(t, 0, sport);
  put16(t, 2, dport);
  put32(t, 4, o.seq ?? 1);
  put32(t, 8, o.ack ?? 0);
  t[12] = (hl / 4) << 4;
  t[13] = o.flags ?? 0x02;
  put16(t, 14, o.window ?? 64240);
  t.set(opts, 20);
  t.set(payload, hl);
  return t;
}

export function tcp4(src: string, sport: number, dst: string, dport: number, o: TcpOptions = {}) {
  const seg = tcpSegment(sport, dport, o);
  put16(seg, 16, checksum(seg, pseudo4(src, dst, 6, seg.length)));
  return ethernet(0x0800, ipv4(src, dst, 6, seg));
}

export function udp4(src: string, sport: number, dst: string, dport: number, payload: Uint8Array) {
  const u = new Uint8Array(8 + payload.length);
  put16(u, 0, sport);
  put16(u, 2, dport);
  put16(u, 4, u.length);
  u.set(payload, 8);
  put16(u, 6, checksum(u, pseudo4(src, dst, 17, u.length)));
  return ethernet(0x0800, ipv4(src, dst, 17, u));
}

export function ping4(src: string, dst: string, id: number, seq: number, size = 56): Uint8Array {
  const m = new Uint8Array(8 + size);
  m[0] = 8;
  put16(m, 4, id);
  put16(m, 6, seq);
  for (let i = 0; i < size; i++) m[8 + i] = i & 0xff;
  put16(m, 2, checksum(m));
  return ethernet(0x0800, ipv4(src, dst, 1, m));
}

/** An ARP request "who has `target`, tell `sender`", padded to the 60-byte minimum frame. */
export function arpRequest(sender: string, target: string): Uint8Array {
  const a = new Uint8Array(46);
  put16(a, 0, 1);
  put16(a, 2, 0x0800);
  a[4] = 6;
  a[5] = 4;
  put16(a, 6, 1);
  a.set(MAC_A, 8);
  a.set(ip4(sender), 14);
  a.set(ip4(target), 24);
  const f = ethernet(0x0806, a);
  f.fill(0xff, 0, 6);
  return f;
}

/** A raw IPv4 packet (no link header), as captured on a WireGuard interface. */
export function rawUdp4(src: string, sport: number, dst: string, dport: number, n: number) {
  return tcpOrUdpRaw(udp4(src, sport, dst, dport, new Uint8Array(n)));
}

function tcpOrUdpRaw(frame: Uint8Array): Uint8Array {
  return frame.subarray(14);
}

/** Packets stamped one millisecond apart from `start` (µs since the epoch). */
export function stamped(frames: Uint8Array[], start: bigint): SimPacket[] {
  return frames.map((data, i) => ({ tsMicros: start + BigInt(i) * 1000n + 1n, data }));
}

/**
 * A lazily generated capture of about `bytes` bytes (TCP segments of 1400-byte payloads),
 * for streaming tests that must not hold the capture in memory.
 */
export function* bulkTraffic(bytes: number, start: bigint): Generator<SimPacket> {
  const payload = new Uint8Array(1400).fill(0x61);
  let sent = 0;
  for (let i = 0; sent < bytes; i++) {
    const data = tcp4("10.5.0.2", 50000, "10.5.0.1", 41234, {
      seq: 1 + i * 1400,
      ack: 1,
      flags: 0x18,
      payload,
    });
    sent += data.length + 16;
    yield { tsMicros: start + BigInt(i), data };
  }
}
