// netip.Addr / netip.Prefix values for the checks that compare or print them: Go's canonical
// String() forms (RFC 5952 IPv6, "::ffff:a.b.c.d" for IPv4-mapped), masking and containment.

import { parseAddr, type ParsedAddr } from "./netip.ts";
import { ipv6Text } from "../../gofmt/ip.ts";

export interface Prefix {
  addr: ParsedAddr;
  bits: number;
}

/** netip.Addr.String. */
export function addrString(a: ParsedAddr): string {
  const b = a.bytes;
  if (b.length === 4) return b.join(".");
  const zone = a.zone !== "" ? `%${a.zone}` : "";
  if (b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff) {
    return `::ffff:${b.slice(12).join(".")}${zone}`;
  }
  return ipv6Text(b) + zone;
}

/** Parses "addr/bits" already known to be valid (decoding checked it); null otherwise. */
export function parsePrefix(s: string): Prefix | null {
  const slash = s.lastIndexOf("/");
  if (slash < 0) return null;
  const a = parseAddr(s.slice(0, slash));
  if ("error" in a || !/^\d+$/.test(s.slice(slash + 1))) return null;
  return { addr: a, bits: Number(s.slice(slash + 1)) };
}

export const prefixString = (p: Prefix) => `${addrString(p.addr)}/${p.bits}`;

/** netip.Prefix.Masked. */
export function masked(p: Prefix): Prefix {
  const bytes = p.addr.bytes.map((x, i) => {
    const keep = Math.max(0, Math.min(8, p.bits - 8 * i));
    return x & ((0xff << (8 - keep)) & 0xff);
  });
  return { addr: { bytes, zone: "" }, bits: p.bits };
}

export const samePrefix = (a: Prefix, b: Prefix) =>
  a.bits === b.bits && a.addr.bytes.join(",") === b.addr.bytes.join(",");

/** netip.Prefix.Contains(addr). */
export function contains(p: Prefix, a: ParsedAddr): boolean {
  if (p.addr.bytes.length !== a.bytes.length || a.zone !== "") return false;
  return samePrefix(masked(p), masked({ addr: a, bits: p.bits }));
}
