// Go's net/netip parsers (ParseAddr, ParsePrefix, ParseAddrPort) with their acceptance rules and
// their error texts, as current Go releases word them. Upstream's decoders (netip.Addr/Prefix/
// AddrPort UnmarshalText) and validators surface these texts to the user unchanged.

import { goQuote as quote } from "../../gofmt/mod.ts";

/** A parsed address: 4 or 16 bytes, plus the IPv6 zone ("" when none). */
export interface ParsedAddr {
  bytes: number[];
  zone: string;
}

export type AddrResult = ParsedAddr | { error: string };

function addrError(input: string, msg: string, at = ""): { error: string } {
  const where = at !== "" ? ` (at ${quote(at)})` : "";
  return { error: `ParseAddr(${quote(input)}): ${msg}${where}` };
}

/** Dotted-quad fields of input[off:end]; errors name the whole input. */
function ipv4Fields(input: string, off: number, end: number): number[] | { error: string } {
  const s = input.slice(off, end);
  const fields: number[] = [];
  let val = 0, digits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c >= "0" && c <= "9") {
      if (digits === 1 && val === 0) {
        return addrError(input, "IPv4 field has octet with leading zero");
      }
      val = val * 10 + (c.charCodeAt(0) - 48);
      digits++;
      if (val > 255) return addrError(input, "IPv4 field has value >255");
    } else if (c === ".") {
      if (i === 0 || i === s.length - 1 || s[i - 1] === ".") {
        return addrError(input, "IPv4 field must have at least one digit", s.slice(i));
      }
      if (fields.length === 3) return addrError(input, "IPv4 address too long");
      fields.push(val);
      val = 0;
      digits = 0;
    } else {
      return addrError(input, "unexpected character", s.slice(i));
    }
  }
  if (fields.length < 3) return addrError(input, "IPv4 address too short");
  fields.push(val);
  return fields;
}

const hexVal = (c: string): number => {
  if (c >= "0" && c <= "9") return c.charCodeAt(0) - 48;
  if (c >= "a" && c <= "f") return c.charCodeAt(0) - 87;
  if (c >= "A" && c <= "F") return c.charCodeAt(0) - 55;
  return -1;
};

function parseIPv6(input: string): AddrResult {
  let s = input;
  let zone = "";
  const pct = s.indexOf("%");
  if (pct >= 0) {
    zone = s.slice(pct + 1);
    s = s.slice(0, pct);
    if (zone === "") return addrError(input, "zone must be a non-empty string");
  }
  const ip = new Array<number>(16).fill(0);
  let ellipsis = -1;
  if (s.length >= 2 && s[0] === ":" && s[1] === ":") {
    ellipsis = 0;
    s = s.slice(2);
    if (s === "") return { bytes: ip, zone };
  }
  let i = 0;
  while (i < 16) {
    let off = 0;
    let acc = 0;
    for (; off < s.length; off++) {
      const h = hexVal(s[off]);
      if (h < 0) break;
      acc = acc * 16 + h;
      if (off > 3) return addrError(input, "each group must have 4 or less digits", s);
      if (acc > 0xffff) return addrError(input, "IPv6 field has value >=2^16", s);
    }
    if (off === 0) {
      return addrError(input, "each colon-separated field must have at least one digit", s);
    }
    if (off < s.length && s[off] === ".") {
      if (ellipsis < 0 && i !== 12) {
        return addrError(
          input,
          "embedded IPv4 address must replace the final 2 fields of the address",
          s,
        );
      }
      if (i + 4 > 16) {
        return addrError(
          input,
          "too many hex fields to fit an embedded IPv4 at the end of the address",
          s,
        );
      }
      const end = zone.length > 0 ? input.length - zone.length - 1 : input.length;
      const v4 = ipv4Fields(input, end - s.length, end);
      if (!Array.isArray(v4)) return v4;
      ip.splice(i, 4, ...v4);
      s = "";
      i += 4;
      break;
    }
    ip[i] = acc >> 8;
    ip[i + 1] = acc & 0xff;
    i += 2;
    s = s.slice(off);
    if (s === "") break;
    if (s[0] !== ":") return addrError(input, "unexpected character, want colon", s);
    if (s.length === 1) return addrError(input, "colon must be followed by more characters", s);
    s = s.slice(1);
    if (s[0] === ":") {
      if (ellipsis >= 0) return addrError(input, "multiple :: in address", s);
      ellipsis = i;
      s = s.slice(1);
      if (s === "") break;
    }
  }
  if (s !== "") return addrError(input, "trailing garbage after address", s);
  if (i < 16) {
    if (ellipsis < 0) return addrError(input, "address string too short");
    const n = 16 - i;
    for (let j = i - 1; j >= ellipsis; j--) ip[j + n] = ip[j];
    ip.fill(0, ellipsis, ellipsis + n);
  } else if (ellipsis >= 0) {
    return addrError(input, "the :: must expand to at least one field of zeros");
  }
  return { bytes: ip, zone };
}

/** netip.ParseAddr. */
export function parseAddr(s: string): AddrResult {
  for (const c of s) {
    if (c === ".") {
      const f = ipv4Fields(s, 0, s.length);
      return Array.isArray(f) ? { bytes: f, zone: "" } : f;
    }
    if (c === ":") return parseIPv6(s);
    if (c === "%") return addrError(s, "missing IPv6 address");
  }
  return addrError(s, "unable to parse IP");
}

/** netip.ParseAddr's error text for s, or null when it parses. */
export function parseAddrError(s: string): string | null {
  const r = parseAddr(s);
  return "error" in r ? r.error : null;
}

/** netip.ParsePrefix's error text for s, or null when it parses. */
export function parsePrefixError(s: string): string | null {
  const fail = (msg: string) => `netip.ParsePrefix(${quote(s)}): ${msg}`;
  const slash = s.lastIndexOf("/");
  if (slash < 0) return fail("no '/'");
  const ip = parseAddr(s.slice(0, slash));
  if ("error" in ip) return fail(ip.error);
  const v6 = ip.bytes.length === 16;
  if (v6 && ip.zone !== "") return fail("IPv6 zones cannot be present in a prefix");
  const bits = s.slice(slash + 1);
  const badBits = fail(`bad bits after slash: ${quote(bits)}`);
  if (bits.length > 1 && !(bits[0] >= "1" && bits[0] <= "9")) return badBits;
  // strconv.Atoi: optional sign, then decimal digits that fit in an int64
  if (!/^[-+]?[0-9]+$/.test(bits) || BigInt(bits) > 2n ** 63n - 1n || BigInt(bits) < -(2n ** 63n)) {
    return badBits;
  }
  const n = Number(bits);
  if (n < 0 || n > (v6 ? 128 : 32)) return fail("prefix length out of range");
  return null;
}

/** netip.ParseAddrPort's error text for s, or null when it parses. */
export function parseAddrPortError(s: string): string | null {
  const colon = s.lastIndexOf(":");
  if (colon < 0) return "not an ip:port";
  let ip = s.slice(0, colon);
  const port = s.slice(colon + 1);
  if (ip === "") return "no IP";
  if (port === "") return "no port";
  let bracketed = false;
  if (ip[0] === "[") {
    if (ip.length < 2 || ip[ip.length - 1] !== "]") return "missing ]";
    ip = ip.slice(1, -1);
    bracketed = true;
  }
  if (!/^[0-9]+$/.test(port) || Number(port) > 65535) {
    return `invalid port ${quote(port)} parsing ${quote(s)}`;
  }
  const a = parseAddr(ip);
  if ("error" in a) return a.error;
  if (bracketed && a.bytes.length === 4) {
    return `invalid ip:port ${quote(s)}, square brackets can only be used with IPv6 addresses`;
  }
  if (!bracketed && a.bytes.length === 16) {
    return `invalid ip:port ${quote(s)}, IPv6 addresses must be surrounded by square brackets`;
  }
  return null;
}
