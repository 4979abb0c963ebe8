// Checks of a legacy network device's bond and wireguard sections
// (.machine.network.interfaces[].bond / .wireguard): option names as nethelpers parses them,
// options that only apply to some bond modes, wireguard keys, peer endpoints and allowed IPs.

import type { ValueMap } from "../schema.ts";
import { base64Decode } from "./goparse.ts";
import { LEGACY_BOND_OPTIONS } from "./enums.ts";
import { cidrError } from "./net.ts";
import { parseAddrError } from "./netip.ts";
import { arr, num, str } from "./values.ts";

/** Errors of a legacy bond section, in upstream's order. */
export function legacyBondErrors(b: ValueMap): string[] {
  const errs: string[] = [];
  for (const [key, names, error] of LEGACY_BOND_OPTIONS) {
    const v = str(b, key);
    if (v !== "" && !names.includes(v)) errs.push(`${error} ${v}`);
  }
  const rawMode = str(b, "mode");
  // an unknown mode reads as the zero value, balance-rr
  const mode = LEGACY_BOND_OPTIONS[0][1].includes(rawMode) ? rawMode : "balance-rr";
  const miimon = num(b, "miimon"), up = num(b, "updelay"), down = num(b, "downdelay");
  if (miimon === 0) {
    if (up !== 0) errs.push("bond.upDelay can't be set if miiMon is zero");
    if (down !== 0) errs.push("bond.downDelay can't be set if miiMon is zero");
  } else {
    if (up % miimon !== 0) errs.push("bond.upDelay should be a multiple of miiMon");
    if (down % miimon !== 0) errs.push("bond.downDelay should be a multiple of miiMon");
  }
  if (arr(b, "arpIPTarget").length > 0) errs.push("bond.arpIPTarget is not supported");
  const lacp = mode === "802.3ad";
  const albTlb = mode === "balance-alb" || mode === "balance-tlb";
  if (str(b, "lacpRate") !== "" && !lacp) {
    errs.push("bond.lacpRate is only available in 802.3ad mode");
  }
  if (str(b, "adActorSystem") !== "") errs.push("bond.adActorSystem is not supported");
  if ((lacp || albTlb) && str(b, "arpValidate") !== "") {
    errs.push(`bond.arpValidate is not available in ${mode} mode`);
  }
  if (!(mode === "active-backup" || albTlb) && str(b, "primary") !== "") {
    errs.push(`bond.primary is not available in ${mode} mode`);
  }
  if ((lacp || albTlb) && num(b, "arpInterval") > 0) {
    errs.push(`bond.arpInterval is not available in ${mode} mode`);
  }
  if (mode !== "balance-rr" && num(b, "packetsPerSlave") > 1) {
    errs.push(`bond.packetsPerSlave is not available in ${mode} mode`);
  }
  if (!albTlb && num(b, "tlbDynamicLb") > 0) {
    errs.push(`bond.tlbDynamicTLB is not available in ${mode} mode`);
  }
  if (!lacp && num(b, "adActorSysPrio") > 0) {
    errs.push("bond.adActorSysPrio is only available in 802.3ad mode");
  }
  if (!lacp && num(b, "adUserPortKey") > 0) {
    errs.push("bond.adUserPortKey is only available in 802.3ad mode");
  }
  return errs;
}

/** Go's net.SplitHostPort succeeds; returns the host, or null. */
function splitHostPort(hp: string): string | null {
  const i = hp.lastIndexOf(":");
  if (i < 0) return null;
  let host: string, j = 0, k = 0;
  if (hp[0] === "[") {
    const end = hp.indexOf("]");
    if (end < 0 || end + 1 !== i) return null;
    host = hp.slice(1, end);
    j = 1;
    k = end + 1;
  } else {
    host = hp.slice(0, i);
    if (host.includes(":")) return null;
  }
  if (hp.slice(j).includes("[") || hp.slice(k).includes("]")) return null;
  return host;
}

/** siderolabs/net AddressContainsPort. */
export function addressContainsPort(addr: string): boolean {
  const host = splitHostPort(addr);
  if (host === null) return false;
  return !host.includes(":") || parseAddrError(host) === null;
}

function wireguardKeyError(key: string): string | null {
  const r = base64Decode(key);
  if ("error" in r) return r.error;
  return r.length === 32 ? null : `wrong key ${JSON.stringify(key)} length: ${r.length}`;
}

/** Errors of a legacy wireguard section, in upstream's order. */
export function legacyWireguardErrors(w: ValueMap): string[] {
  const errs: string[] = [];
  const priv = wireguardKeyError(str(w, "privateKey"));
  if (priv) errs.push(`private key is invalid: ${priv}`);
  for (const peer of arr(w, "peers")) {
    const pub = wireguardKeyError(str(peer, "publicKey"));
    if (pub) errs.push(`public key invalid: ${pub}`);
    const ep = str(peer, "endpoint");
    if (ep !== "" && !addressContainsPort(ep)) {
      errs.push(`peer endpoint ${JSON.stringify(ep)} is invalid`);
    }
    for (const ip of arr(peer, "allowedIPs").map(String)) {
      const e = cidrError(ip);
      if (e) errs.push(`peer allowed IP ${JSON.stringify(ip)} is invalid: ${e}`);
    }
  }
  return errs;
}
