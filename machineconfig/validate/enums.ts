// Enum-typed and other text-decoded fields of the machine-config documents: the names each Go
// type's UnmarshalText accepts (enumer-generated: exact or lower-cased name) and the errors it
// returns, so that strict decoding rejects what upstream's decoder rejects, with the same text.
// Also the legacy bond option parsers (nethelpers.*ByName) the v1alpha1 checks use.

import { parseAddrError, parseAddrPortError, parsePrefixError } from "./netip.ts";
import { parseBlockSize } from "./goparse.ts";

const ROUTING_TABLES = [
  "unspec",
  ...Array.from({ length: 252 }, (_, i) => String(i + 1)),
  "default",
  "main",
  "local",
];

/** Go type name -> accepted names (facts from upstream's enumer tables). */
export const ENUM_NAMES: Record<string, string[]> = {
  BondMode: [
    "balance-rr",
    "active-backup",
    "balance-xor",
    "broadcast",
    "802.3ad",
    "balance-tlb",
    "balance-alb",
  ],
  BondXmitHashPolicy: ["layer2", "layer3+4", "layer2+3", "encap2+3", "encap3+4"],
  ARPValidate: ["none", "active", "backup", "all", "filter", "filter-active", "filter-backup"],
  ARPAllTargets: ["any", "all"],
  LACPRate: ["slow", "fast"],
  ADSelect: ["stable", "bandwidth", "count"],
  ADLACPActive: ["off", "on"],
  PrimaryReselect: ["always", "better", "failure"],
  ClientIdentifier: ["none", "mac", "duid"],
  DefaultAction: ["accept", "block"],
  WOLMode: ["phy", "unicast", "multicast", "broadcast", "magic", "magicsecure", "filter"],
  AutoHostnameKind: ["off", "talos-addr", "stable"],
  DNSProtocol: ["Do53", "DoT", "DoH"],
  RoutingTable: ROUTING_TABLES,
  RoutingRuleAction: ["unspec", "unicast", "blackhole", "unreachable", "prohibit"],
  Protocol: ["icmp", "tcp", "udp", "icmpv6"],
  VLANProtocol: ["802.1q", "802.1ad"],
  AddressSortAlgorithm: ["v1", "v2"],
  EncryptionProviderType: ["none", "luks2"],
  FilesystemType: ["none", "xfs", "vfat", "ext4", "iso9660", "swapi", "virtiofs", "btrfs"],
  VolumeType: ["partition", "disk", "tmpfs", "directory", "symlink", "overlay", "external"],
  LVMLogicalVolumeType: ["linear", "raid1", "raid0", "raid10"],
  MDLevel: ["raid1"],
  MDMetadata: ["1.0", "1.2"],
};

/** enumer's `<T>String(s)`: null when s (or its lower-case form) is a name, else the error. */
export function enumError(type: string, s: string): string | null {
  const lower = s.toLowerCase();
  const names = ENUM_NAMES[type];
  if (names.some((n) => n === s || n.toLowerCase() === lower)) return null;
  return `${s} does not belong to ${type} values`;
}

/** FailOverMAC.UnmarshalText: a name, or the legacy number 0..2. */
function failOverMACError(s: string): string | null {
  if (["", "none", "active", "follow"].includes(s)) return null;
  if (/^[-+]?[0-9]+$/.test(s) && Number(s) >= 0 && Number(s) <= 2) return null;
  return `invalid fail_over_mac value ${s}`;
}

function hexByteError(c: string): string {
  const cp = c.charCodeAt(0);
  const u = `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
  const printable = cp > 0x20 && cp !== 0x7f && !(cp >= 0x80 && cp < 0xa0);
  return `encoding/hex: invalid byte: ${printable ? `${u} '${c}'` : u}`;
}

/** nethelpers.HardwareAddr.UnmarshalText: hex digits, colons ignored. */
export function hardwareAddrError(s: string): string | null {
  const hex = s.replaceAll(":", "");
  const ok = (c: string) => /^[0-9a-fA-F]$/.test(c);
  let j = 1;
  for (; j < hex.length; j += 2) {
    if (!ok(hex[j - 1])) return hexByteError(hex[j - 1]);
    if (!ok(hex[j])) return hexByteError(hex[j]);
  }
  if (hex.length % 2 === 1) {
    if (!ok(hex[j - 1])) return hexByteError(hex[j - 1]);
    return "encoding/hex: odd length hex string";
  }
  return null;
}

/** network.PortRange.UnmarshalYAML: a port number or "lo-hi". */
function portRangeError(s: string): string | null {
  if (/^[0-9]+$/.test(s) && Number(s) <= 65535) return null;
  const dash = s.indexOf("-");
  const ok = (p: string) => /^[0-9]+$/.test(p) && Number(p) <= 65535;
  if (dash < 0 || !ok(s.slice(0, dash)) || !ok(s.slice(dash + 1))) {
    return `invalid port range: ${JSON.stringify(s)}`;
  }
  return null;
}

const sizeError = (percent: boolean) => (s: string) => {
  const r = parseBlockSize(s, percent);
  return "error" in r ? r.error : null;
};

const enumOf = (type: string) => (s: string) => enumError(type, s);

export type TextCheck = (text: string) => string | null;

/**
 * `struct.key` -> the check its Go type's UnmarshalText (or scalar UnmarshalYAML) applies to a
 * non-empty value; list fields apply it to each item.
 */
export const TEXT_FIELDS: Record<string, TextCheck> = {
  "block.EncryptionSpec.provider": enumOf("EncryptionProviderType"),
  "block.ExternalVolumeConfigV1Alpha1.filesystemType": enumOf("FilesystemType"),
  "block.FilesystemSpec.type": enumOf("FilesystemType"),
  "block.UserVolumeConfigV1Alpha1.volumeType": enumOf("VolumeType"),
  "block.ProvisioningSpec.minSize": sizeError(false),
  "block.ProvisioningSpec.maxSize": sizeError(true),
  "block.XFSSpec.minAllocationGroupSize": sizeError(false),
  "storage.LVMLogicalVolumeProvisioningSpec.minSize": sizeError(false),
  "storage.LVMLogicalVolumeProvisioningSpec.maxSize": sizeError(true),
  "storage.LVMLogicalVolumeConfigV1Alpha1.type": enumOf("LVMLogicalVolumeType"),
  "storage.RAIDArrayConfigV1Alpha1.level": enumOf("MDLevel"),
  "storage.RAIDArrayConfigV1Alpha1.metadata": enumOf("MDMetadata"),
  "network.BondConfigV1Alpha1.bondMode": enumOf("BondMode"),
  "network.BondConfigV1Alpha1.xmitHashPolicy": enumOf("BondXmitHashPolicy"),
  "network.BondConfigV1Alpha1.arpValidate": enumOf("ARPValidate"),
  "network.BondConfigV1Alpha1.arpAllTargets": enumOf("ARPAllTargets"),
  "network.BondConfigV1Alpha1.lacpRate": enumOf("LACPRate"),
  "network.BondConfigV1Alpha1.failOverMac": failOverMACError,
  "network.BondConfigV1Alpha1.adSelect": enumOf("ADSelect"),
  "network.BondConfigV1Alpha1.adLACPActive": enumOf("ADLACPActive"),
  "network.BondConfigV1Alpha1.primaryReselect": enumOf("PrimaryReselect"),
  "network.BondConfigV1Alpha1.hardwareAddr": hardwareAddrError,
  "network.BridgeConfigV1Alpha1.hardwareAddr": hardwareAddrError,
  "network.DummyLinkConfigV1Alpha1.hardwareAddr": hardwareAddrError,
  "network.VRFConfigV1Alpha1.hardwareAddr": hardwareAddrError,
  "network.DHCPv4ConfigV1Alpha1.duidRaw": hardwareAddrError,
  "network.DHCPv6ConfigV1Alpha1.duidRaw": hardwareAddrError,
  "network.DHCPv4ConfigV1Alpha1.clientIdentifier": enumOf("ClientIdentifier"),
  "network.DHCPv6ConfigV1Alpha1.clientIdentifier": enumOf("ClientIdentifier"),
  "network.DefaultActionConfigV1Alpha1.ingress": enumOf("DefaultAction"),
  "network.EthernetConfigV1Alpha1.wakeOnLan": enumOf("WOLMode"),
  "network.HostnameConfigV1Alpha1.auto": enumOf("AutoHostnameKind"),
  "network.KubespanEndpointsConfigV1Alpha1.extraAnnouncedEndpoints": parseAddrPortError,
  "network.NameserverConfig.protocol": enumOf("DNSProtocol"),
  "network.RouteConfig.table": enumOf("RoutingTable"),
  "network.RoutingRuleConfigV1Alpha1.table": enumOf("RoutingTable"),
  "network.RoutingRuleConfigV1Alpha1.action": enumOf("RoutingRuleAction"),
  "network.RulePortSelector.ports": portRangeError,
  "network.RulePortSelector.protocol": enumOf("Protocol"),
  "network.VLANConfigV1Alpha1.vlanMode": enumOf("VLANProtocol"),
  "network.VRFConfigV1Alpha1.table": enumOf("RoutingTable"),
  "network.WireguardPeer.endpoint": parseAddrPortError,
};

/** Checks of the netip codecs (netip.Addr / netip.Prefix UnmarshalText). */
export const CODEC_CHECKS: Record<string, TextCheck> = {
  addr: parseAddrError,
  prefix: parsePrefixError,
};

/** The legacy bond options (v1alpha1 Bond) parsed by nethelpers' *ByName helpers. */
export const LEGACY_BOND_OPTIONS: [key: string, names: string[], error: string][] = [
  ["mode", ENUM_NAMES.BondMode, "invalid bond type"],
  ["xmitHashPolicy", ENUM_NAMES.BondXmitHashPolicy, "invalid xmit hash policy"],
  ["lacpRate", ENUM_NAMES.LACPRate, "invalid lacp rate"],
  ["arpValidate", ENUM_NAMES.ARPValidate, "invalid arp_validate mode"],
  ["arpAllTargets", ENUM_NAMES.ARPAllTargets, "invalid arp_all_targets mode"],
  ["primaryReselect", ENUM_NAMES.PrimaryReselect, "invalid primary_reselect mode"],
  ["failOverMac", ["none", "active", "follow"], "invalid fail_over_mac value"],
  ["adSelect", ENUM_NAMES.ADSelect, "invalid ad_select mode"],
];
