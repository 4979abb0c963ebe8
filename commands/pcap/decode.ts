// `talosctl pcap` without -o prints each captured packet as gopacket's Packet.String() does:
// a PACKET line (size, wire/capture length, UTC time), then one line per decoded layer with the
// layer's exported fields. Decoded here: Ethernet, ARP, IPv4, IPv6, TCP, UDP, ICMPv4, ICMPv6,
// fragments and payloads; a protocol gopacket knows but we do not decode (DNS, DHCP, VXLAN,
// LLC, IPv6 extension headers, ...) is shown as a payload, an unknown one as gopacket's
// decoding error.

import { TCP_PORTS, UDP_PORTS } from "./iana_ports.ts";
import { ipv6Text } from "../../gofmt/ip.ts";

export interface CaptureInfo {
  /** Seconds and nanoseconds since the epoch (UTC). */
  sec: number;
  nsec: number;
  captureLength: number;
  length: number;
}

interface Layer {
  name: string;
  size: number;
  text: string;
}

class Builder {
  layers: Layer[] = [];
  truncated = false;
  /** The payload of the last layer added: what a decoding failure covers. */
  lastPayload: Uint8Array | undefined;
  add(name: string, contents: Uint8Array | undefined, body: Uint8Array | undefined, text: string) {
    this.layers.push({ name, size: contents?.length ?? 0, text });
    this.lastPayload = body;
  }
}

/** A failure inside a decoder: gopacket adds a DecodeFailure layer over the leftover bytes. */
class DecodeError extends Error {}

// --- value renderings (gopacket's layerString over Go values) ------------------------------

/** A []byte field: up to 4 elements listed, longer ones as [..N..]. */
function bytes(b: Uint8Array | undefined): string {
  if (!b || b.length === 0) return "[]";
  return b.length > 4 ? `[..${b.length}..]` : `[${[...b].join(", ")}]`;
}

function mac(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16).padStart(2, "0")).join(":");
}

/** net.IP.String(): dotted IPv4 (also for IPv4-mapped IPv6), RFC 5952 IPv6. */
export function ipString(b: Uint8Array): string {
  if (b.length === 4) return [...b].join(".");
  if (b.length !== 16) return "?" + [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  const mapped = b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
  if (mapped) return [...b.subarray(12)].join(".");
  return ipv6Text(b);
}

function fields(list: [string, string][]): string {
  return `{${list.map(([k, v]) => `${k}=${v}`).join(" ")}}`;
}

/** Go's %v of a []byte: "[1 2 3]". */
function goBytes(b: Uint8Array | undefined): string {
  return `[${[...(b ?? [])].join(" ")}]`;
}

function hex(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
}

function portTable(packed: string, base?: Map<number, string>): Map<number, string> {
  const m = new Map<number, string>();
  let port = 0;
  for (const line of packed.split("\n")) {
    const sep = line.search(/[:=]/);
    port += parseInt(line.slice(0, sep), 16);
    m.set(port, line[sep] === "=" ? base!.get(port)! : line.slice(sep + 1));
  }
  return m;
}

let tcpNames: Map<number, string> | undefined;
let udpNames: Map<number, string> | undefined;

function tcpPort(p: number): string {
  tcpNames ??= portTable(TCP_PORTS);
  const n = tcpNames.get(p);
  return n === undefined ? String(p) : `${p}(${n})`;
}

function udpPort(p: number): string {
  tcpNames ??= portTable(TCP_PORTS);
  udpNames ??= portTable(UDP_PORTS, tcpNames);
  const n = udpNames.get(p);
  return n === undefined ? String(p) : `${p}(${n})`;
}

const ETHERNET_TYPES: Record<number, string> = {
  0x0800: "IPv4",
  0x0806: "ARP",
  0x86dd: "IPv6",
  0x8100: "Dot1Q",
  0x88a8: "Dot1Q",
  0x880b: "PPP",
  0x8863: "PPPoEDiscovery",
  0x8864: "PPPoESession",
  0x9000: "EthernetCTP",
  0x2000: "CiscoDiscovery",
  0x01a2: "NortelDiscovery",
  0x88cc: "LinkLayerDiscovery",
  0x8847: "MPLSUnicast",
  0x8848: "MPLSMulticast",
  0x888e: "EAPOL",
  0x6558: "TransparentEthernetBridging",
  0x88be: "ERSPAN Type II",
  0x0823: "MDP",
  0xffff: "Raw",
};

const IP_PROTOCOLS: Record<number, string> = {
  0: "IPv6HopByHop",
  1: "ICMPv4",
  2: "IGMP",
  4: "IPv4",
  6: "TCP",
  17: "UDP",
  27: "RUDP",
  41: "IPv6",
  43: "IPv6Routing",
  44: "IPv6Fragment",
  47: "GRE",
  50: "IPSecESP",
  51: "IPSecAH",
  58: "ICMPv6",
  59: "NoNextHeader",
  60: "IPv6Destination",
  89: "OSPF",
  94: "IPv4",
  97: "EtherIP",
  112: "VRRP",
  132: "SCTP",
  136: "UDPLite",
  137: "MPLS",
};

function etherTypeName(t: number): string {
  return t === 0x0001 ? "LLC" : ETHERNET_TYPES[t] ?? "UnknownEthernetType";
}

function ipProtoName(p: number): string {
  return IP_PROTOCOLS[p] ?? "UnknownIPProtocol";
}

const LINK_TYPES: Record<number, string> = {
  0: "Null",
  1: "Ethernet",
  9: "PPP",
  10: "FDDI",
  12: "Raw",
  14: "Raw",
  101: "Raw",
  105: "802.11",
  108: "Loop",
  113: "Linux SLL",
  117: "PFLog",
  127: "RadioTap",
  189: "USB",
};

type Codes = Record<number, string> | null;
const ICMP4: Record<number, [string, Codes]> = {
  0: ["EchoReply", null],
  3: ["DestinationUnreachable", {
    0: "Net",
    1: "Host",
    2: "Protocol",
    3: "Port",
    4: "FragmentationNeeded",
    5: "SourceRoutingFailed",
    6: "NetUnknown",
    7: "HostUnknown",
    8: "SourceIsolated",
    9: "NetAdminProhibited",
    10: "HostAdminProhibited",
    11: "NetTOS",
    12: "HostTOS",
    13: "CommAdminProhibited",
    14: "HostPrecedence",
    15: "PrecedenceCutoff",
  }],
  4: ["SourceQuench", null],
  5: ["Redirect", { 0: "Net", 1: "Host", 2: "TOS+Net", 3: "TOS+Host" }],
  8: ["EchoRequest", null],
  9: ["RouterAdvertisement", null],
  10: ["RouterSolicitation", null],
  11: ["TimeExceeded", { 0: "TTLExceeded", 1: "FragmentReassemblyTimeExceeded" }],
  12: ["ParameterProblem", { 0: "PointerIndicatesError", 1: "MissingOption", 2: "BadLength" }],
  13: ["TimestampRequest", null],
  14: ["TimestampReply", null],
  15: ["InfoRequest", null],
  16: ["InfoReply", null],
  17: ["AddressMaskRequest", null],
  18: ["AddressMaskReply", null],
};
const ICMP6: Record<number, [string, Codes]> = {
  1: ["DestinationUnreachable", {
    0: "NoRouteToDst",
    1: "AdminProhibited",
    2: "BeyondScopeOfSrc",
    3: "AddressUnreachable",
    4: "PortUnreachable",
    5: "SrcAddressFailedPolicy",
    6: "RejectRouteToDst",
  }],
  2: ["PacketTooBig", null],
  3: ["TimeExceeded", { 0: "HopLimitExceeded", 1: "FragmentReassemblyTimeExceeded" }],
  4: ["ParameterProblem", {
    0: "ErroneousHeaderField",
    1: "UnrecognizedNextHeader",
    2: "UnrecognizedIPv6Option",
  }],
  128: ["EchoRequest", null],
  129: ["EchoReply", null],
  133: ["RouterSolicitation", null],
  134: ["RouterAdvertisement", null],
  135: ["NeighborSolicitation", null],
  136: ["NeighborAdvertisement", null],
  137: ["Redirect", null],
};

function typeCode(table: Record<number, [string, Codes]>, t: number, c: number): string {
  const info = table[t];
  if (!info) return `${t}(${c})`;
  const [name, codes] = info;
  if (!codes) return c === 0 ? name : `${name}(Code: ${c})`;
  return codes[c] !== undefined ? `${name}(${codes[c]})` : `${name}(Code: ${c})`;
}

const TCP_OPTIONS: Record<number, string> = {
  0: "EndList",
  1: "NOP",
  2: "MSS",
  3: "WindowScale",
  4: "SACKPermitted",
  5: "SACK",
  6: "Echo",
  7: "EchoReply",
  8: "Timestamps",
  9: "PartialOrderConnectionPermitted",
  10: "PartialOrderServiceProfile",
  11: "CC",
  12: "CCNew",
  13: "CCEcho",
  14: "AltChecksum",
  15: "AltChecksumData",
  30: "MultipathTCP",
};

function tcpOption(kind: number, data: Uint8Array | undefined): string {
  const name = TCP_OPTIONS[kind] ?? `Unknown(${kind})`;
  const h = data && data.length > 0 ? " 0x" + hex(data) : "";
  const v = data ? new DataView(data.buffer, data.byteOffset, data.byteLength) : undefined;
  if (kind === 2 && data && data.length >= 2) return `TCPOption(${name}:${v!.getUint16(0)}${h})`;
  if (kind === 8 && data && data.length === 8) {
    return `TCPOption(${name}:${v!.getUint32(0)}/${v!.getUint32(4)}${h})`;
  }
  return `TCPOption(${name}:${h})`;
}

function list(items: string[]): string {
  return items.length > 4 ? `[..${items.length}..]` : `[${items.join(", ")}]`;
}

// --- decoders -----------------------------------------------------------------------------

type Decoder = (data: Uint8Array, p: Builder) => void;

const be16 = (d: Uint8Array, o: number) => (d[o] << 8) | d[o + 1];
const be32 = (d: Uint8Array, o: number) =>
  ((d[o] << 24) >>> 0) + (d[o + 1] << 16) + (d[o + 2] << 8) + d[o + 3];

/** eagerPacket.NextDecoder: nothing more when the payload is empty. */
function next(payload: Uint8Array | undefined, dec: Decoder, p: Builder): void {
  if (payload && payload.length > 0) dec(payload, p);
}

const payload: Decoder = (data, p) => p.add("Payload", data, undefined, `${data.length} byte(s)`);
const fragment: Decoder = (data, p) => p.add("Fragment", data, undefined, `${data.length} byte(s)`);

function unknown(what: string, n: number): Decoder {
  return () => {
    throw new DecodeError(`Unable to decode ${what} ${n}`);
  };
}

function ethernetNext(t: number): Decoder {
  if (t === 0x0800) return ipv4;
  if (t === 0x86dd) return ipv6;
  if (t === 0x0806) return arp;
  return ETHERNET_TYPES[t] || t === 0x0001 ? payload : unknown("EthernetType", t);
}

function ipNext(proto: number): Decoder {
  switch (proto) {
    case 6:
      return tcp;
    case 17:
      return udp;
    case 1:
      return icmp4;
    case 58:
      return icmp6;
    case 4:
    case 94:
      return ipv4;
    case 41:
      return ipv6;
  }
  return IP_PROTOCOLS[proto] ? payload : unknown("IPProtocol", proto);
}

const ethernet: Decoder = (data, p) => {
  if (data.length < 14) throw new DecodeError("Ethernet packet too small");
  let type = be16(data, 12);
  let length = 0;
  let body = data.subarray(14);
  if (type < 0x0600) {
    length = type;
    type = 0x0001;
    if (body.length < length) p.truncated = true;
    else body = body.subarray(0, length);
  }
  p.add(
    "Ethernet",
    data.subarray(0, 14),
    body,
    fields([
      ["Contents", bytes(data.subarray(0, 14))],
      ["Payload", bytes(body)],
      ["SrcMAC", mac(data.subarray(6, 12))],
      ["DstMAC", mac(data.subarray(0, 6))],
      ["EthernetType", etherTypeName(type)],
      ["Length", String(length)],
    ]),
  );
  next(body, ethernetNext(type), p);
};

const arp: Decoder = (data, p) => {
  if (data.length < 8) {
    p.truncated = true;
    throw new DecodeError(`ARP length ${data.length} too short`);
  }
  const hw = data[4], prot = data[5];
  const len = 8 + 2 * hw + 2 * prot;
  if (data.length < len) {
    p.truncated = true;
    throw new DecodeError(`ARP length ${data.length} too short, ${len} expected`);
  }
  const at = (o: number, n: number) => data.subarray(o, o + n);
  p.add(
    "ARP",
    data.subarray(0, len),
    data.subarray(len),
    fields([
      ["Contents", bytes(data.subarray(0, len))],
      ["Payload", bytes(data.subarray(len))],
      ["AddrType", LINK_TYPES[be16(data, 0)] ?? "UnknownLinkType"],
      ["Protocol", etherTypeName(be16(data, 2))],
      ["HwAddressSize", String(hw)],
      ["ProtAddressSize", String(prot)],
      ["Operation", String(be16(data, 6))],
      ["SourceHwAddress", bytes(at(8, hw))],
      ["SourceProtAddress", bytes(at(8 + hw, prot))],
      ["DstHwAddress", bytes(at(8 + hw + prot, hw))],
      ["DstProtAddress", bytes(at(8 + 2 * hw + prot, prot))],
    ]),
  );
  next(data.subarray(len), payload, p);
};

interface Ip4State {
  contents?: Uint8Array;
  body?: Uint8Array;
  version: number;
  ihl: number;
  tos: number;
  length: number;
  id: number;
  flags: number;
  frag: number;
  ttl: number;
  proto: number;
  checksum: number;
  src?: Uint8Array;
  dst?: Uint8Array;
  options: string[];
  padding?: Uint8Array;
}

function ip4Text(st: Ip4State): string {
  const flags = [[4, "Evil"], [2, "DF"], [1, "MF"]]
    .filter(([bit]) => (st.flags & (bit as number)) !== 0).map(([, n]) => n).join("|");
  return fields([
    ["Contents", bytes(st.contents)],
    ["Payload", bytes(st.body)],
    ["Version", String(st.version)],
    ["IHL", String(st.ihl)],
    ["TOS", String(st.tos)],
    ["Length", String(st.length)],
    ["Id", String(st.id)],
    ["Flags", flags],
    ["FragOffset", String(st.frag)],
    ["TTL", String(st.ttl)],
    ["Protocol", ipProtoName(st.proto)],
    ["Checksum", String(st.checksum)],
    ["SrcIP", st.src ? ipString(st.src) : "<nil>"],
    ["DstIP", st.dst ? ipString(st.dst) : "<nil>"],
    ["Options", list(st.options)],
    ["Padding", bytes(st.padding)],
  ]);
}

/** IPv4 (decodeIPv4 adds the layer even when decoding it failed, half filled). */
const ipv4: Decoder = (data, p) => {
  const st: Ip4State = {
    version: 0,
    ihl: 0,
    tos: 0,
    length: 0,
    id: 0,
    flags: 0,
    frag: 0,
    ttl: 0,
    proto: 0,
    checksum: 0,
    options: [],
  };
  const fail = (m: string, truncated = false): never => {
    if (truncated) p.truncated = true;
    p.add("IPv4", st.contents, st.body, ip4Text(st));
    throw new DecodeError(m);
  };
  if (data.length < 20) fail(`Invalid ip4 header. Length ${data.length} less than 20`, true);
  st.length = be16(data, 2);
  st.ihl = data[0] & 0x0f;
  if (st.length === 0) st.length = data.length;
  if (st.length < 20) fail(`Invalid (too small) IP length (${st.length} < 20)`);
  if (st.ihl < 5) fail(`Invalid (too small) IP header length (${st.ihl} < 5)`);
  if (st.ihl * 4 > st.length) {
    fail(`Invalid IP header length > IP length (${st.ihl} > ${st.length})`);
  }
  if (data.length > st.length) data = data.subarray(0, st.length);
  else if (data.length < st.length) {
    p.truncated = true;
    if (st.ihl * 4 > data.length) fail("Not all IP header bytes available");
  }
  st.contents = data.subarray(0, st.ihl * 4);
  st.body = data.subarray(st.ihl * 4);
  let opts = data.subarray(20, st.ihl * 4);
  while (opts.length > 0) {
    const type = opts[0];
    if (type === 0) {
      st.options.push(`IPv4Option(0:[])`);
      st.padding = opts.subarray(1);
      break;
    }
    if (type === 1) {
      st.options.push(`IPv4Option(1:[])`);
      opts = opts.subarray(1);
      continue;
    }
    if (opts.length < 2) fail(`Invalid ip4 option length. Length ${opts.length} less than 2`, true);
    const olen = opts[1];
    if (opts.length < olen) {
      fail(
        `IP option length exceeds remaining IP header size, option type ${type} length ${olen}`,
        true,
      );
    }
    if (olen <= 2) fail(`Invalid IP option type ${type} length ${olen}. Must be greater than 2`);
    st.options.push(`IPv4Option(${type}:${goBytes(opts.subarray(2, olen))})`);
    opts = opts.subarray(olen);
  }
  const ff = be16(data, 6);
  Object.assign(st, {
    version: data[0] >> 4,
    tos: data[1],
    id: be16(data, 4),
    flags: ff >> 13,
    frag: ff & 0x1fff,
    ttl: data[8],
    proto: data[9],
    checksum: be16(data, 10),
    src: data.subarray(12, 16),
    dst: data.subarray(16, 20),
  });
  p.add("IPv4", st.contents, st.body, ip4Text(st));
  next(st.body, (st.flags & 1) !== 0 || st.frag !== 0 ? fragment : ipNext(st.proto), p);
};

const ipv6: Decoder = (data, p) => {
  const text = (d: Uint8Array | undefined, body: Uint8Array | undefined) =>
    fields([
      ["Contents", bytes(d?.subarray(0, 40))],
      ["Payload", bytes(body)],
      ["Version", String(d ? d[0] >> 4 : 0)],
      ["TrafficClass", String(d ? (be16(d, 0) >> 4) & 0xff : 0)],
      ["FlowLabel", String(d ? be32(d, 0) & 0xfffff : 0)],
      ["Length", String(d ? be16(d, 4) : 0)],
      ["NextHeader", ipProtoName(d ? d[6] : 0)],
      ["HopLimit", String(d ? d[7] : 0)],
      ["SrcIP", d ? ipString(d.subarray(8, 24)) : "<nil>"],
      ["DstIP", d ? ipString(d.subarray(24, 40)) : "<nil>"],
      ["HopByHop", "nil"],
    ]);
  if (data.length < 40) {
    p.truncated = true;
    p.add("IPv6", undefined, undefined, text(undefined, undefined));
    throw new DecodeError(`Invalid ip6 header. Length ${data.length} less than 40`);
  }
  const length = be16(data, 4);
  const nextHeader = data[6];
  let body = data.subarray(40);
  if (nextHeader !== 0 && length === 0) {
    p.add("IPv6", data.subarray(0, 40), body, text(data, body));
    throw new DecodeError(
      `IPv6 length 0, but next header is ${ipProtoName(nextHeader)}, not HopByHop`,
    );
  }
  if (length > body.length) p.truncated = true;
  else body = body.subarray(0, length);
  p.add("IPv6", data.subarray(0, 40), body, text(data, body));
  next(body, ipNext(nextHeader), p);
};

const tcp: Decoder = (data, p) => {
  const short = data.length < 20;
  const at16 = (o: number) => short ? 0 : be16(data, o);
  const at32 = (o: number) => short ? 0 : be32(data, o);
  const f = short ? 0 : data[13];
  const offset = short ? 0 : data[12] >> 4;
  const flag = (bit: number) => String((f & bit) !== 0);
  const st: { contents?: Uint8Array; body?: Uint8Array; pad?: Uint8Array } = {};
  const opts: string[] = [];
  let multipath = false;
  const add = () =>
    p.add(
      "TCP",
      st.contents,
      st.body,
      fields([
        ["Contents", bytes(st.contents)],
        ["Payload", bytes(st.body)],
        ["SrcPort", tcpPort(at16(0))],
        ["DstPort", tcpPort(at16(2))],
        ["Seq", String(at32(4))],
        ["Ack", String(at32(8))],
        ["DataOffset", String(offset)],
        ["FIN", flag(0x01)],
        ["SYN", flag(0x02)],
        ["RST", flag(0x04)],
        ["PSH", flag(0x08)],
        ["ACK", flag(0x10)],
        ["URG", flag(0x20)],
        ["ECE", flag(0x40)],
        ["CWR", flag(0x80)],
        ["NS", String(!short && (data[12] & 0x01) !== 0)],
        ["Window", String(at16(14))],
        ["Checksum", String(at16(16))],
        ["Urgent", String(at16(18))],
        ["Options", list(opts)],
        ["Padding", bytes(st.pad)],
        ["Multipath", String(multipath)],
      ]),
    );
  const fail = (m: string, truncated = false): never => {
    if (truncated) p.truncated = true;
    add();
    throw new DecodeError(m);
  };
  if (short) fail(`Invalid TCP header. Length ${data.length} less than 20`, true);
  if (offset < 5) fail(`Invalid TCP data offset ${offset} < 5`);
  const start = offset * 4;
  if (start > data.length) {
    st.contents = data;
    fail("TCP data offset greater than packet length", true);
  }
  st.contents = data.subarray(0, start);
  st.body = data.subarray(start);
  let rest = data.subarray(20, start);
  while (rest.length > 0) {
    const kind = rest[0];
    if (kind === 0) {
      opts.push(tcpOption(0, undefined));
      st.pad = rest.subarray(1);
      break;
    }
    if (kind === 1) {
      opts.push(tcpOption(1, undefined));
      rest = rest.subarray(1);
      continue;
    }
    if (kind === 30) multipath = true;
    if (rest.length < 2) fail(`Invalid TCP option length. Length ${rest.length} less than 2`, true);
    const len = rest[1];
    if (len < 2) fail(`Invalid TCP option length ${len} < 2`);
    if (len > rest.length) {
      fail(`Invalid TCP option length ${len} exceeds remaining ${rest.length} bytes`, true);
    }
    opts.push(tcpOption(kind, rest.subarray(2, len)));
    rest = rest.subarray(len);
  }
  add();
  // gopacket decodes TCP payloads as plain payload (streams are not datagrams).
  next(st.body, payload, p);
};

const udp: Decoder = (data, p) => {
  const short = data.length < 8;
  const length = short ? 0 : be16(data, 4);
  let body: Uint8Array | undefined;
  const contents = short ? undefined : data.subarray(0, 8);
  let error: string | undefined;
  if (short) {
    p.truncated = true;
    error = `Invalid UDP header. Length ${data.length} less than 8`;
  } else if (length >= 8) {
    let end = length;
    if (end > data.length) {
      p.truncated = true;
      end = data.length;
    }
    body = data.subarray(8, end);
  } else if (length === 0) body = data.subarray(8);
  else error = `UDP packet too small: ${length} bytes`;
  p.add(
    "UDP",
    contents,
    body,
    fields([
      ["Contents", bytes(contents)],
      ["Payload", bytes(body)],
      ["SrcPort", udpPort(short ? 0 : be16(data, 0))],
      ["DstPort", udpPort(short ? 0 : be16(data, 2))],
      ["Length", String(length)],
      ["Checksum", String(short ? 0 : be16(data, 6))],
    ]),
  );
  if (error) throw new DecodeError(error);
  next(body, payload, p);
};

const icmp4: Decoder = (data, p) => {
  if (data.length < 8) {
    p.truncated = true;
    throw new DecodeError("ICMP layer less then 8 bytes for ICMPv4 packet");
  }
  p.add(
    "ICMPv4",
    data.subarray(0, 8),
    data.subarray(8),
    fields([
      ["Contents", bytes(data.subarray(0, 8))],
      ["Payload", bytes(data.subarray(8))],
      ["TypeCode", typeCode(ICMP4, data[0], data[1])],
      ["Checksum", String(be16(data, 2))],
      ["Id", String(be16(data, 4))],
      ["Seq", String(be16(data, 6))],
    ]),
  );
  next(data.subarray(8), payload, p);
};

const icmp6: Decoder = (data, p) => {
  if (data.length < 4) {
    p.truncated = true;
    throw new DecodeError("ICMP layer less then 4 bytes for ICMPv6 packet");
  }
  p.add(
    "ICMPv6",
    data.subarray(0, 4),
    data.subarray(4),
    fields([
      ["Contents", bytes(data.subarray(0, 4))],
      ["Payload", bytes(data.subarray(4))],
      ["TypeCode", typeCode(ICMP6, data[0], data[1])],
      ["Checksum", String(be16(data, 2))],
      ["TypeBytes", "[]"],
    ]),
  );
  next(data.subarray(4), payload, p);
};

const raw: Decoder = (data, p) => {
  const version = data[0] >> 4;
  if (version === 4) return ipv4(data, p);
  if (version === 6) return ipv6(data, p);
  throw new DecodeError(`Invalid IP packet version ${version}`);
};

/** time.Time.String() of a UTC time: "2006-01-02 15:04:05.999999999 +0000 UTC". */
export function goTimeUTC(sec: number, nsec: number): string {
  const d = new Date(sec * 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  let s = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  if (nsec > 0) s += "." + String(nsec).padStart(9, "0").replace(/0+$/, "");
  return s + " +0000 UTC";
}

/** One packet as gopacket's Packet.String() renders it (ends with a newline). */
export function packetString(data: Uint8Array, ci: CaptureInfo, linkType: number): string {
  const p = new Builder();
  const first: Decoder = linkType === 1
    ? ethernet
    : linkType === 101 || linkType === 12 || linkType === 14
    ? raw
    : unknown("LinkType", linkType);
  try {
    first(data, p);
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    // The failure covers what the last layer added left (everything when there is none).
    const rest = p.layers.length === 0 ? data : p.lastPayload;
    p.add("DecodeFailure", rest, undefined, `Packet decoding error: ${e.message}`);
  }
  let s = `PACKET: ${data.length} bytes`;
  if (p.truncated || ci.captureLength < ci.length) s += ", truncated";
  if (ci.length > 0) s += `, wire length ${ci.length} cap length ${ci.captureLength}`;
  if (ci.sec !== 0 || ci.nsec !== 0) s += ` @ ${goTimeUTC(ci.sec, ci.nsec)}`;
  s += "\n";
  p.layers.forEach((l, i) => {
    s += `- Layer ${i + 1} (${String(l.size).padStart(2, "0")} bytes) = ${l.name}\t${l.text}\n`;
  });
  return s;
}
