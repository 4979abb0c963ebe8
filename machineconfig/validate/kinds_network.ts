// Checks of the network documents that configure links and addresses (LinkConfig, BondConfig,
// BridgeConfig, VLANConfig, DummyLinkConfig, WireguardConfig, VethConfig, VRFConfig,
// LinkAliasConfig, Layer2VIPConfig, HCloudVIPConfig) and KubeSpanConfig: each kind's own Validate
// upstream, errors joined as Go's errors.Join joins them.

import type { ValueMap } from "../schema.ts";
import { parseGoDuration } from "../go_format.ts";
import { base64Decode } from "./goparse.ts";
import { isIP, isPrefix, isSubnetOrAddress } from "./net.ts";
import { parseAddrError } from "./netip.ts";
import type { KindCheck, KindFindings } from "./kinds_block.ts";
import { arr, asMap, map, str } from "./values.ts";
import { celError } from "./cel.ts";

const UNSPECIFIED = /^(0\.0\.0\.0|::|(0{1,4}:){7}0{1,4})$/;
const addrOf = (s: string) => s.split("/")[0];

/** CommonLinkConfig.Validate: addresses and routes of a link document. */
export function commonLinkErrors(d: ValueMap | undefined): string[] {
  const errs: string[] = [];
  arr(d, "addresses").forEach((a, i) => {
    const p = str(a, "address");
    if (p === "") errs.push(`address ${i} must be specified`);
    else if (!isPrefix(p)) errs.push(`address ${i} must be a valid IP prefix`);
    else if (UNSPECIFIED.test(addrOf(p))) errs.push(`address ${i} must be a valid IP address`);
  });
  arr(d, "routes").forEach((r, i) => {
    const dst = str(r, "destination"), gw = str(r, "gateway"), src = str(r, "source");
    if (dst !== "" && (!isPrefix(dst) || UNSPECIFIED.test(addrOf(dst)))) {
      errs.push(`route ${i} destination must be a valid IP prefix`);
    }
    if (gw !== "" && (!isIP(gw) || UNSPECIFIED.test(gw))) {
      errs.push(`route ${i} gateway must be a valid IP address`);
    }
    if (src !== "" && (!isIP(src) || UNSPECIFIED.test(src))) {
      errs.push(`route ${i} source must be a valid IP address`);
    }
  });
  return errs;
}

const named = (d: ValueMap): string[] => (str(d, "name") === "" ? ["name must be specified"] : []);

const simpleLink: KindCheck = (d) => ({
  warnings: [],
  errors: [...named(d), ...commonLinkErrors(d)],
});

const PRIMARY_MODES = ["active-backup", "balance-tlb", "balance-alb"];

function bond(d: ValueMap): KindFindings {
  const errs = named(d);
  const warnings: string[] = [];
  const links = arr(d, "links").map(String);
  if (links.length === 0) errs.push("at least one link must be specified");
  const mode = typeof d.bondMode === "string" ? d.bondMode : undefined;
  if (mode === undefined) errs.push("bond mode must be specified");
  else if (mode === "802.3ad") {
    for (const k of ["miimon", "updelay", "downdelay"]) {
      if (d[k] === undefined || d[k] === null) {
        warnings.push(`${k} was not specified for 802.3ad bond`);
      }
    }
  }
  const usesPrimary = mode !== undefined && PRIMARY_MODES.includes(mode);
  if (typeof d.primary === "string") {
    if (d.primary === "") errs.push("primary link name can't be empty");
    else if (!links.includes(d.primary)) {
      errs.push(`primary link ${JSON.stringify(d.primary)} is not in the list of bonded links`);
    }
    if (mode !== undefined && !usesPrimary) {
      errs.push(`primary link is not supported in ${JSON.stringify(mode)} bond mode`);
    }
  } else if (d.primaryReselect !== undefined && d.primaryReselect !== null && usesPrimary) {
    warnings.push("primaryReselect has no effect unless primary is specified");
  }
  errs.push(...commonLinkErrors(d));
  return { warnings, errors: errs };
}

function vlan(d: ValueMap): KindFindings {
  const errs = named(d);
  const id = typeof d.vlanID === "number" ? d.vlanID : 0;
  if (id === 0 || id > 4094) errs.push("vlanID must be specified and between 1 and 4094");
  if (str(d, "parent") === "") errs.push("parent must be specified");
  const mode = d.vlanMode;
  if (typeof mode === "string" && mode !== "802.1q" && mode !== "802.1ad") {
    errs.push("vlanMode must be either '802.1q' or '802.1ad'");
  }
  errs.push(...commonLinkErrors(d));
  return { warnings: [], errors: errs };
}

function wireguardKey(key: string): string | null {
  const r = base64Decode(key);
  if ("error" in r) return r.error;
  return r.length === 32 ? null : "invalid wireguard key length";
}

function wireguard(d: ValueMap): KindFindings {
  const errs = named(d);
  const priv = str(d, "privateKey");
  if (priv === "") errs.push("wireguard private key must be specified");
  else {
    const e = wireguardKey(priv);
    if (e) errs.push(`wireguard private key is invalid: ${e}`);
  }
  const port = typeof d.listenPort === "number" ? d.listenPort : 0;
  if (port < 0 || port > 65535) errs.push("wireguard listen port must be between 0 and 65535");
  arr(d, "peers").forEach((p, i) => {
    const pub = str(p, "publicKey");
    if (pub === "") errs.push(`wireguard peer public key must be specified (peer index ${i})`);
    else {
      const e = wireguardKey(pub);
      if (e) errs.push(`wireguard peer public key is invalid (peer index ${i}): ${e}`);
    }
    const psk = str(p, "presharedKey");
    if (psk !== "") {
      const e = wireguardKey(psk);
      if (e) errs.push(`wireguard peer preshared key is invalid (peer index ${i}): ${e}`);
    }
    const ka = asMap(p)?.persistentKeepaliveInterval;
    const ns = typeof ka === "number" ? BigInt(Math.trunc(ka)) : parseGoDuration(String(ka ?? ""));
    if (ns !== undefined && ns < 0n) {
      errs.push(
        `wireguard peer persistent keepalive interval cannot be negative (peer index ${i})`,
      );
    }
  });
  errs.push(...commonLinkErrors(d));
  return { warnings: [], errors: errs };
}

function vethName(field: string, name: string): string | null {
  if (name === "") return `${field} must be specified`;
  if (new TextEncoder().encode(name).length > 15) return `${field} must not exceed 15 bytes`;
  if (name === "." || name === "..") return `${field} must not be ${JSON.stringify(name)}`;
  if (/[/:]/.test(name)) return `${field} must not contain '/' or ':'`;
  if (/[\s\p{C}]/u.test(name)) {
    return `${field} must not contain whitespace or non-printable characters`;
  }
  return null;
}

function veth(d: ValueMap): KindFindings {
  const errs: string[] = [];
  const name = str(d, "name");
  const peer = map(d, "peer");
  const peerName = str(peer, "name");
  for (const e of [vethName("name", name), vethName("peer name", peerName)]) {
    if (e) errs.push(e);
  }
  if (name !== "" && name === peerName) errs.push("name and peer name must be different");
  errs.push(...commonLinkErrors(d), ...commonLinkErrors(peer));
  return { warnings: [], errors: errs };
}

const RESERVED_TABLES = new Set([
  "",
  "unspec",
  "0",
  "default",
  "253",
  "main",
  "254",
  "local",
  "255",
]);

function vrf(d: ValueMap): KindFindings {
  const errs = named(d);
  const table = d.table === undefined || d.table === null ? "" : String(d.table);
  if (RESERVED_TABLES.has(table)) {
    const shown: Record<string, string> = { "": "unspec", "0": "unspec", "253": "default" };
    const label = shown[table] ?? ({ "254": "main", "255": "local" }[table] ?? table);
    errs.push(`cannot create vrf with reserved table ${label}`);
  }
  errs.push(...commonLinkErrors(d));
  return { warnings: [], errors: errs };
}

function linkAlias(d: ValueMap): KindFindings {
  const errs: string[] = [];
  const name = str(d, "name");
  if (name === "") errs.push("name must be specified");
  else if (name.includes("%")) {
    const i = name.indexOf("%");
    if (name.slice(i + 1) !== "d" || i === 0) {
      errs.push(
        `name ${JSON.stringify(name)} contains an invalid format verb, use %d suffix`,
      );
    }
  }
  const match = str(map(d, "selector"), "match");
  const celErr = match === "" ? null : celError(match, "link");
  if (celErr) errs.push(`link selector is invalid: ${celErr}`);
  if (match === "") errs.push("link selector is required");
  return { warnings: [], errors: errs };
}

function vip(needToken: boolean): KindCheck {
  return (d) => {
    const errs: string[] = [];
    const name = str(d, "name");
    if (name === "") errs.push("name must be specified");
    else {
      const e = parseAddrError(name);
      if (e) errs.push(`name must be a valid IP address: ${e}`);
    }
    if (str(d, "link") === "") errs.push("link must be specified");
    if (needToken && str(d, "apiToken") === "") errs.push("apiToken must be specified");
    return { warnings: [], errors: errs };
  };
}

function kubespan(d: ValueMap): KindFindings {
  const errs: string[] = [];
  if (typeof d.mtu === "number" && d.mtu < 1280) {
    errs.push("kubespan link MTU must be at least 1280");
  }
  for (const c of arr(map(d, "filters"), "endpoints").map(String)) {
    const s = c.replace(/^!/, "");
    if (!isSubnetOrAddress(s)) {
      errs.push(`KubeSpan endpoint filter is not valid: ${JSON.stringify(s)}`);
    }
  }
  return { warnings: [], errors: errs };
}

export const NETWORK_CHECKS: Record<string, KindCheck> = {
  LinkConfig: simpleLink,
  BridgeConfig: simpleLink,
  DummyLinkConfig: simpleLink,
  BondConfig: bond,
  VLANConfig: vlan,
  WireguardConfig: wireguard,
  VethConfig: veth,
  VRFConfig: vrf,
  LinkAliasConfig: linkAlias,
  Layer2VIPConfig: vip(false),
  HCloudVIPConfig: vip(true),
  KubeSpanConfig: kubespan,
};

/** Kinds that configure a link named by their `name` (upstream's NetworkCommonLinkConfig). */
export const LINK_KINDS = [
  "BondConfig",
  "BridgeConfig",
  "DummyLinkConfig",
  "LinkConfig",
  "VethConfig",
  "VLANConfig",
  "VRFConfig",
  "WireguardConfig",
];
