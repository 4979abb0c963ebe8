// Checks of the network documents that do not configure a link: BGPInstanceConfig,
// BlackholeRouteConfig, DHCPv4/v6Config, EthernetConfig, HTTP/TCP probes, ResolverConfig,
// RoutingRuleConfig, NetworkRuleConfig and TimeSyncConfig (each kind's own Validate upstream).

import type { Value, ValueMap } from "../schema.ts";
import { formatGoDuration, parseGoDuration } from "../go_format.ts";
import { goQuote } from "../../gofmt/mod.ts";
import type { KindCheck, KindFindings } from "./kinds_block.ts";
import { parseAddr, parsePrefixError } from "./netip.ts";
import {
  addrString,
  contains,
  masked,
  parsePrefix,
  type Prefix,
  prefixString,
  samePrefix,
} from "./netfmt.ts";
import { isIP } from "./net.ts";
import { arr, asMap, findings, has, map, num, str } from "./values.ts";

/** A time.Duration field in nanoseconds (0 when unset). */
function ns(v: Value | undefined): bigint {
  if (typeof v === "number") return BigInt(Math.trunc(v));
  if (typeof v !== "string" || v === "") return 0n;
  return parseGoDuration(v) ?? 0n;
}

const overlap = (a: Prefix, b: Prefix) =>
  a.addr.bytes.length === b.addr.bytes.length && (contains(a, b.addr) || contains(b, a.addr));

function bgpImportRoutes(instance: string, routes: Value[]): string[] {
  const errs: string[] = [];
  const sources = new Set<string>();
  const selectors: { prefix: Prefix; route: number }[] = [];
  routes.forEach((route, i) => {
    const source = str(route, "bgpInstance");
    if (source === "") errs.push(`importRoutes[${i}]: bgpInstance must be specified`);
    else if (source === instance) {
      errs.push(
        `importRoutes[${i}]: cannot import from the same BGP instance ${goQuote(instance)}`,
      );
    }
    const texts = arr(route, "prefixes").map((p) => String(p ?? ""));
    if (texts.length === 0) {
      errs.push(`importRoutes[${i}]: at least one prefix must be specified`);
    }
    const parsed = texts.map(parsePrefix);
    parsed.forEach((p, j) => {
      if (!p) return void errs.push(`importRoutes[${i}].prefixes[${j}]: invalid prefix`);
      if (!samePrefix(p, masked(p))) {
        errs.push(`importRoutes[${i}].prefixes[${j}]: prefix ${prefixString(p)} must be masked`);
      }
      for (let k = 0; k < j; k++) {
        const other = parsed[k];
        if (other && overlap(other, p)) {
          errs.push(
            `importRoutes[${i}].prefixes[${j}]: prefix ${prefixString(p)} overlaps prefixes[${k}] ${
              prefixString(other)
            }`,
          );
        }
      }
    });
    if (source !== "") {
      if (sources.has(source)) {
        errs.push(`importRoutes[${i}]: duplicate source BGP instance ${goQuote(source)}`);
      }
      sources.add(source);
    }
    for (const p of parsed) {
      if (!p || !samePrefix(p, masked(p))) continue;
      for (const s of selectors) {
        if (s.route !== i && overlap(s.prefix, p)) {
          errs.push(
            `importRoutes[${i}]: prefix ${
              prefixString(p)
            } overlaps importRoutes[${s.route}] prefix ${prefixString(s.prefix)}`,
          );
        }
      }
      selectors.push({ prefix: p, route: i });
    }
  });
  return errs;
}

function bgp(d: ValueMap): KindFindings {
  const errs: string[] = [];
  const warnings: string[] = [];
  const name = str(d, "name");
  if (name === "") errs.push("name must be specified");
  if (num(d, "localASN") === 0) errs.push("localASN must be specified");
  const rid = str(d, "routerID");
  const ridAddr = rid === "" ? null : parseAddr(rid);
  if (ridAddr && !("error" in ridAddr) && ridAddr.bytes.length !== 4) {
    errs.push("routerID must be an IPv4 address");
  }
  const neighbors = arr(d, "neighbors");
  if (neighbors.length === 0) warnings.push("BGPInstanceConfig has no neighbors configured");
  const seen = new Set<string>();
  const vrf = str(d, "vrf");
  neighbors.forEach((n, i) => {
    const addrText = str(n, "address");
    const addr = addrText === "" ? null : parseAddr(addrText);
    const link = str(n, "link");
    const hasAddr = addr !== null && !("error" in addr);
    let key: string | null = null;
    if (hasAddr === (link !== "")) {
      errs.push(`neighbor[${i}]: exactly one of address or link must be set`);
    } else {key = hasAddr
        ? addrString(addr as Exclude<typeof addr, null | { error: string }>)
        : link;}
    if (ns(asMap(n)?.holdTime) < 0n) errs.push(`neighbor[${i}]: holdTime must not be negative`);
    const bfd = map(n, "bfd");
    if (bfd) {
      if (vrf !== "") {
        errs.push(`neighbor[${i}]: bfd is not supported for VRF-bound BGP instances`);
      }
      if (ns(bfd.transmitInterval) < 0n) {
        errs.push(`neighbor[${i}]: bfd.transmitInterval must not be negative`);
      }
      if (ns(bfd.receiveInterval) < 0n) {
        errs.push(`neighbor[${i}]: bfd.receiveInterval must not be negative`);
      }
    }
    if (key === null) return;
    if (seen.has(key)) errs.push(`neighbor[${i}]: duplicate neighbor ${goQuote(key)}`);
    seen.add(key);
  });
  errs.push(...bgpImportRoutes(name, arr(d, "importRoutes")));
  return findings(errs, warnings);
}

function dhcp(d: ValueMap): KindFindings {
  const errs: string[] = [];
  if (str(d, "name") === "") errs.push("name must be specified");
  const duid = str(d, "clientIdentifier").toLowerCase() === "duid";
  const raw = str(d, "duidRaw").replaceAll(":", "") !== "";
  if (raw && !duid) errs.push("duidRaw can only be set if clientIdentifier is 'duid'");
  if (duid && !raw) errs.push("duidRaw must be set if clientIdentifier is 'duid'");
  return findings(errs);
}

function probeCommon(d: ValueMap): string[] {
  const errs: string[] = [];
  const interval = ns(d.interval);
  if (interval < 0n) errs.push(`probe interval cannot be negative: ${formatGoDuration(interval)}`);
  const ft = num(d, "failureThreshold");
  if (ft < 0) errs.push(`probe failure threshold cannot be negative: ${ft}`);
  return errs;
}

function httpProbe(d: ValueMap): KindFindings {
  const errs: string[] = [];
  if (str(d, "name") === "") errs.push("probe name is required");
  const raw = str(d, "url");
  if (raw === "") errs.push("HTTP probe URL is required");
  else {
    const m = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/.exec(raw);
    const scheme = m ? m[1].toLowerCase() : "";
    const rest = m ? m[2] : raw;
    if (scheme !== "http" && scheme !== "https") {
      errs.push(`HTTP probe URL scheme must be http or https, got ${goQuote(scheme)}`);
    } else if (!rest.startsWith("//") || hostname(rest.slice(2)) === "") {
      errs.push("HTTP probe URL must be an absolute http or https URL with a non-empty host");
    }
  }
  const timeout = ns(d.timeout);
  if (timeout < 0n) {
    errs.push(`HTTP probe timeout cannot be negative: ${formatGoDuration(timeout)}`);
  }
  errs.push(...probeCommon(d));
  return findings(errs);
}

/** url.URL.Hostname of an authority (userinfo, port and IPv6 brackets removed). */
function hostname(authorityAndPath: string): string {
  let host = authorityAndPath.split(/[/?#]/)[0];
  host = host.slice(host.lastIndexOf("@") + 1);
  if (host.startsWith("[")) return host.slice(1, Math.max(1, host.indexOf("]")));
  const colon = host.lastIndexOf(":");
  return colon < 0 ? host : host.slice(0, colon);
}

function tcpProbe(d: ValueMap): KindFindings {
  const errs: string[] = [];
  if (str(d, "name") === "") errs.push("probe name is required");
  if (str(d, "endpoint") === "") errs.push("TCP probe endpoint is required");
  const timeout = ns(d.timeout);
  if (timeout < 0n) errs.push(`TCP probe timeout cannot be negative: ${formatGoDuration(timeout)}`);
  errs.push(...probeCommon(d));
  return findings(errs);
}

const ENCRYPTED_DNS_WARNING =
  "all configured nameservers use encrypted DNS (DoT or DoH): validating certificates requires a correct system clock, " +
  "so boot may stall when NTP servers are configured by hostname; consider keeping at least one plain-DNS fallback " +
  "or configuring NTP servers by IP address";

function resolver(d: ValueMap): KindFindings {
  const errs: string[] = [];
  const hostDNS = map(d, "hostDNS");
  if (hostDNS && Object.values(hostDNS).some((v) => v !== null && v !== undefined)) {
    if (hostDNS.enabled !== true) {
      if (hostDNS.forwardKubeDNSToHost === true) {
        errs.push("hostDNS.forwardKubeDNSToHost cannot be enabled when hostDNS.enabled is false");
      }
      if (hostDNS.resolveMemberNames === true) {
        errs.push("hostDNS.resolveMemberNames cannot be enabled when hostDNS.enabled is false");
      }
    }
  }
  const servers = arr(d, "nameservers");
  let encrypted = 0;
  servers.forEach((server, i) => {
    const protocol = str(server, "protocol").toLowerCase();
    const tls = str(server, "tlsServerName");
    if (protocol === "dot" || protocol === "doh") {
      encrypted++;
      if (tls === "") {
        errs.push(
          `tlsServerName must be set when protocol is ${
            protocol === "dot" ? "DoT" : "DoH"
          }: entry ${i}`,
        );
      }
    } else if (protocol === "" || protocol === "do53") {
      if (tls !== "") errs.push(`tlsServerName must be empty when protocol is Do53: entry ${i}`);
    } else errs.push(`unsupported DNS protocol: entry ${i}`);
    if (str(server, "address") === "") {
      errs.push(`nameserver address must be a valid IP: entry ${i}`);
    }
  });
  const warnings = encrypted > 0 && encrypted === servers.length ? [ENCRYPTED_DNS_WARNING] : [];
  return findings(errs, warnings);
}

const RESERVED_PRIORITIES = [0, 32500, 32766, 32767];

function routingRule(d: ValueMap): KindFindings {
  const errs: string[] = [];
  const name = str(d, "name");
  if (name === "") errs.push("name must be specified");
  let priority = 0;
  if (!/^\d+$/.test(name)) {
    errs.push(
      `invalid name: must be priority parsable unsigned integer: strconv.ParseUint: parsing ${
        goQuote(name)
      }: invalid syntax`,
    );
  } else if (BigInt(name) > 0xffffffffn) {
    priority = 0xffffffff;
    errs.push(
      `invalid name: must be priority parsable unsigned integer: strconv.ParseUint: parsing ${
        goQuote(name)
      }: value out of range`,
    );
  } else priority = Number(name);
  if (RESERVED_PRIORITIES.includes(priority)) {
    errs.push(
      `priority must be between 1 and 32765 (excluding reserved priorities [${
        RESERVED_PRIORITIES.join(" ")
      }])`,
    );
  }
  const table = str(d, "table").toLowerCase();
  const action = str(d, "action").toLowerCase();
  if ((table === "" || table === "unspec") && ["", "unspec", "unicast"].includes(action)) {
    errs.push("either table or a non-unicast action must be specified");
  }
  if (num(d, "fwMask") !== 0 && num(d, "fwMark") === 0) {
    errs.push("fwMask requires fwMark to be set");
  }
  return findings(errs);
}

function portRanges(texts: string[]): string | null {
  const ranges = texts.map((t) => {
    const [lo, hi] = t.includes("-") ? t.split("-") : [t, t];
    return { lo: Number(lo), hi: Number(hi) };
  }).sort((a, b) => a.lo - b.lo);
  const show = (r: { lo: number; hi: number }) => `${r.lo}-${r.hi}`;
  for (let i = 0; i < ranges.length; i++) {
    const r = ranges[i];
    if (r.lo > r.hi) return `invalid port range: ${show(r)}`;
    if (i > 0 && r.lo <= ranges[i - 1].hi) {
      return `invalid port range: ${show(r)}, overlaps with ${show(ranges[i - 1])}`;
    }
  }
  return null;
}

function ruleConfig(d: ValueMap): KindFindings {
  if (str(d, "name") === "") return findings(["name is required"]);
  const ports = arr(map(d, "portSelector"), "ports").map((p) => String(p ?? ""));
  if (ports.length === 0) return findings(["portSelector.ports is required"]);
  const e = portRanges(ports);
  if (e) return findings([e]);
  for (const rule of arr(d, "ingress")) {
    if (str(rule, "subnet") === "") return findings(["invalid subnet: invalid Prefix"]);
  }
  return findings([]);
}

function timeSync(d: ValueMap): KindFindings {
  const errs: string[] = [];
  if (ns(d.bootTimeout) < 0n) errs.push("bootTimeout cannot be negative");
  const ntp = map(d, "ntp");
  if (ntp && has(d, "ptp")) errs.push("only one of ntp or ptp configuration can be specified");
  if (ntp?.useNTS === true) {
    for (const s of arr(ntp, "servers").map((x) => String(x ?? ""))) {
      if (isIP(s)) errs.push(`NTS requires hostnames, not IP addresses: ${goQuote(s)}`);
    }
  }
  return findings(errs);
}

export const NETWORK_EXTRA_CHECKS: Record<string, KindCheck> = {
  BGPInstanceConfig: bgp,
  BlackholeRouteConfig: (d) => {
    const errs: string[] = [];
    const name = str(d, "name");
    if (name === "") errs.push("name must be specified");
    const e = parsePrefixError(name);
    if (e) errs.push(`name must be a valid address prefix: ${e}`);
    return findings(errs);
  },
  DHCPv4Config: dhcp,
  DHCPv6Config: dhcp,
  EthernetConfig: (d) => findings(str(d, "name") === "" ? ["name is required"] : []),
  HTTPProbeConfig: httpProbe,
  TCPProbeConfig: tcpProbe,
  ResolverConfig: resolver,
  RoutingRuleConfig: routingRule,
  NetworkRuleConfig: ruleConfig,
  TimeSyncConfig: timeSync,
};
