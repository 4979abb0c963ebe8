// Address, CIDR and URL checks with the acceptance rules of Go's net, net/netip and net/url
// packages (as far as machine-config validation depends on them).

import { parsePrefixError } from "./netip.ts";

function ipv4(s: string): boolean {
  const parts = s.split(".");
  return parts.length === 4 &&
    parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255 && !(p.length > 1 && p[0] === "0"));
}

function ipv6(s: string): boolean {
  if (s.includes("%")) return false;
  let head = s;
  let v4tail = 0;
  const lastColon = s.lastIndexOf(":");
  if (lastColon >= 0 && s.slice(lastColon + 1).includes(".")) {
    if (!ipv4(s.slice(lastColon + 1))) return false;
    head = s.slice(0, lastColon + 1) + "0";
    v4tail = 1;
  }
  const dbl = head.split("::");
  if (dbl.length > 2) return false;
  const groups = (x: string) => (x === "" ? [] : x.split(":"));
  const all = dbl.flatMap(groups);
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  const count = all.length + v4tail;
  return dbl.length === 2 ? count <= 7 : count === 8;
}

/** Go's net.ParseIP succeeds. */
export function isIP(s: string): boolean {
  return ipv4(s) || (s.includes(":") && ipv6(s));
}

/** Go's net.ParseCIDR; returns an error text or null. */
export function cidrError(s: string): string | null {
  const i = s.indexOf("/");
  if (i < 0) return `invalid CIDR address: ${s}`;
  const ip = s.slice(0, i), bits = s.slice(i + 1);
  const max = ipv4(ip) ? 32 : ip.includes(":") && ipv6(ip) ? 128 : -1;
  if (
    max < 0 || !/^\d+$/.test(bits) || Number(bits) > max || (bits.length > 1 && bits[0] === "0")
  ) {
    return `invalid CIDR address: ${s}`;
  }
  return null;
}

/** Go's netip.ParsePrefix succeeds. */
export function isPrefix(s: string): boolean {
  return parsePrefixError(s) === null;
}

/** siderolabs/net ParseSubnetOrAddress succeeds (a prefix or a bare address). */
export function isSubnetOrAddress(s: string): boolean {
  return isPrefix(s) || isIP(s);
}

/** IP with or without a prefix length (upstream's validateIPOrCIDR); error text or null. */
export function ipOrCidrError(s: string): string | null {
  if (s.includes("/")) return cidrError(s);
  return isIP(s) ? null : `failed to parse IP address ${JSON.stringify(s)}`;
}

export interface ParsedURL {
  scheme: string;
  host: string; // host[:port]
  hostname: string;
  port: string;
  path: string;
}

/** A small version of Go's url.Parse for absolute and scheme-less URLs. */
export function parseURL(s: string): ParsedURL | string {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$/.exec(s);
  let scheme = "", rest = s;
  if (m) {
    scheme = m[1].toLowerCase();
    rest = m[2];
  } else if (/^[^/]*:/.test(s)) {
    return `parse ${JSON.stringify(s)}: first path segment in URL cannot contain colon`;
  }
  let host = "", path = rest;
  if (rest.startsWith("//")) {
    const end = rest.slice(2).search(/[/?#]/);
    host = end < 0 ? rest.slice(2) : rest.slice(2, 2 + end);
    path = end < 0 ? "" : rest.slice(2 + end).replace(/[?#].*$/, "");
    const at = host.lastIndexOf("@");
    if (at >= 0) host = host.slice(at + 1);
  } else if (scheme !== "") {
    path = "";
  }
  let hostname = host, port = "";
  const v6 = /^\[([^\]]*)\](?::(.*))?$/.exec(host);
  if (v6) {
    hostname = v6[1];
    port = v6[2] ?? "";
  } else if (host.includes(":")) {
    const c = host.lastIndexOf(":");
    hostname = host.slice(0, c);
    port = host.slice(c + 1);
    if (!/^\d*$/.test(port)) {
      return `parse ${JSON.stringify(s)}: invalid port ${JSON.stringify(":" + port)} after host`;
    }
  }
  return { scheme, host, hostname, port, path };
}

/** siderolabs/net ValidateEndpointURI; error text or null. */
export function endpointURIError(ep: string): string | null {
  const u = parseURL(ep);
  if (typeof u === "string") return u;
  if ((u.host.match(/:/g) ?? []).length > 2 && !(u.host.includes("[") && u.host.includes("]"))) {
    return "IPv6 addresses MUST be enclosed by square brackets";
  }
  if (u.hostname === "") return "hostname must not be blank";
  if (u.port !== "") {
    const n = Number(u.port);
    if (!/^\d+$/.test(u.port) || n < 1 || n > 65535) {
      return `port number must be between 1 and 65535: ${u.port}`;
    }
  }
  return null;
}
