// Checks of the legacy document's network devices (.machine.network.interfaces): interface vs.
// selector, bonds and bridges sharing links, bond and wireguard options, VLANs, addressing, VIPs
// and routes.

import type { ValueMap } from "../schema.ts";
import { cidrError, ipOrCidrError, isIP } from "./net.ts";
import { arr, bool, type Findings, map, num, str } from "./values.ts";
import { legacyBondErrors, legacyWireguardErrors } from "./v1alpha1_bond.ts";

function checkDevice(d: ValueMap, secondary: Map<string, string>, f: Findings): void {
  if (bool(d, "ignore") === true) return;
  const iface = str(d, "interface");
  const sel = map(d, "deviceSelector");
  const pair = "[networking.os.device.interface], [networking.os.device.deviceSelector]";
  if (iface === "" && !sel) f.errors.push(`${pair}: required either config section to be set`);
  else if (iface !== "" && sel) f.errors.push(`${pair}: config sections are mutually exclusive`);
  if (sel && Object.keys(sel).length === 0) {
    f.errors.push(
      "[networking.os.device.deviceSelector]: config section should contain at least one field",
    );
  }
  const bond = map(d, "bond");
  if (bond) f.errors.push(...legacyBondErrors(bond));
  const wg = map(d, "wireguard");
  if (wg) f.errors.push(...legacyWireguardErrors(wg));
  for (const vlan of arr(d, "vlans")) {
    const id = num(vlan, "vlanId");
    const addrs = arr(vlan, "addresses").map(String);
    if (addrs.length && str(vlan, "cidr") !== "") {
      f.errors.push(
        `[networking.os.device.vlan] ${iface}.${id}: vlan can't have both .cidr and .addresses set`,
      );
    }
    if (str(vlan, "cidr") !== "") {
      const e = ipOrCidrError(str(vlan, "cidr"));
      if (e) f.errors.push(`[networking.os.device.vlan.CIDR] ${iface}.${id}: ${e}`);
    }
    for (const a of addrs) {
      const e = ipOrCidrError(a);
      if (e) f.errors.push(`[networking.os.device.vlan.addresses] ${iface}.${id}: ${e}`);
    }
  }
  // addressing
  const q = JSON.stringify(iface);
  const addrs = arr(d, "addresses").map(String);
  if (secondary.has(iface)) {
    if (bool(d, "dhcp") === true || str(d, "cidr") !== "" || addrs.length || map(d, "vip")) {
      f.errors.push(
        `[networking.os.device] ${q}: bonded/bridged interface shouldn't have any addressing methods configured`,
      );
    }
  }
  if (addrs.length && str(d, "cidr") !== "") {
    f.errors.push(
      `[networking.os.device] ${q}: interface can't have both .cidr and .addresses set`,
    );
  }
  if (str(d, "cidr") !== "") {
    const e = ipOrCidrError(str(d, "cidr"));
    if (e) f.errors.push(`[networking.os.device.CIDR] ${q}: ${e}`);
    f.warnings.push(
      `${q}: machine.network.interface.cidr is deprecated, please use machine.network.interface.addresses`,
    );
  }
  for (const a of addrs) {
    const e = ipOrCidrError(a);
    if (e) f.errors.push(`[networking.os.device.addresses] ${q}: ${e}`);
  }
  const vip = map(d, "vip");
  if (vip && !isIP(str(vip, "ip"))) {
    f.errors.push(
      `[networking.os.device.vip] failed to parse ${JSON.stringify(str(vip, "ip"))} as IP address`,
    );
  }
  // routes
  arr(d, "routes").forEach((r, i) => {
    const at = `networking.os.device.route[${i}]`;
    const network = str(r, "network"), gw = str(r, "gateway"), src = str(r, "source");
    if (network !== "" && cidrError(network)) {
      f.errors.push(`[${at}.network] ${JSON.stringify(network)}: invalid network address`);
    }
    if (gw !== "" && !isIP(gw)) {
      f.errors.push(`[${at}.gateway] ${JSON.stringify(gw)}: invalid network address`);
    }
    if (gw === "" && network === "") {
      f.errors.push(`[${at}]: either network or gateway should be set`);
    }
    if (src !== "" && !isIP(src)) {
      f.errors.push(`[${at}.source] ${JSON.stringify(src)}: invalid network address`);
    }
  });
}

export function validateNetwork(network: ValueMap, f: Findings): void {
  const secondary = new Map<string, string>();
  const devices = arr(network, "interfaces").filter((d): d is ValueMap =>
    d !== null && typeof d === "object" && !Array.isArray(d)
  );
  for (const d of devices) {
    const iface = str(d, "interface");
    const bond = map(d, "bond"), bridge = map(d, "bridge");
    if (bond && bridge) {
      f.errors.push(
        `interface has both bridge and bond sections set ${
          JSON.stringify(iface)
        }: config sections are mutually exclusive`,
      );
    }
    let mine: string[] = [];
    if (bond) {
      mine = arr(bond, "interfaces").map(String);
      if (mine.length && arr(bond, "deviceSelectors").length) {
        f.errors.push(
          `interface ${
            JSON.stringify(iface)
          } has both interfaces and selectors set: config sections are mutually exclusive`,
        );
      }
    }
    if (bridge) mine = arr(bridge, "interfaces").map(String);
    for (const m of mine) {
      const other = secondary.get(m);
      if (other !== undefined && other !== iface) {
        f.errors.push(
          `interface ${JSON.stringify(m)} is declared as part of two separate links: ${
            JSON.stringify(other)
          } and ${JSON.stringify(iface)}`,
        );
      }
      secondary.set(m, iface);
    }
  }
  for (const d of devices) checkDevice(d, secondary, f);
}
