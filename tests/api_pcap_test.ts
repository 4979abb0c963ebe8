// `pcap` against the emulator over mutual TLS: raw pcap files that tcpdump reads, decoded
// output in gopacket's format, BPF filters compiled by tcpdump, --duration, errors, and a
// streaming capture whose memory use does not grow with its size.

import { assert, assertEquals, assertStringIncludes } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import { captureLog, netState, simNode, startEmulator } from "./emulator/mod.ts";
import { arpRequest, ping4, rawUdp4, stamped, tcp4, udp4 } from "./emulator/packets.ts";
import { haveTcpdump, tcpdump } from "./tcpdump.ts";
import { concat } from "../pki/der.ts";
import { mainTs, spawnEmulator, timeProcess } from "../bench/emulator_process.ts";

const T0 = 1_717_243_200_000_000n; // 2024-06-01T12:00:00Z in µs

function frames() {
  return [
    tcp4("10.5.0.1", 41234, "10.5.0.2", 80, { mss: 1460 }),
    udp4("10.5.0.1", 41000, "10.5.0.2", 9999, new Uint8Array(12)),
    ping4("10.5.0.1", "10.5.0.2", 7, 1),
    arpRequest("10.5.0.1", "10.5.0.2"),
  ];
}

async function setup(dir: string, roles = ["os:operator"], finite = true) {
  const emu = await startEmulator({ nodes: [simNode("10.5.0.2"), simNode("10.5.0.3")] });
  const st = netState(emu.nodes.get("10.5.0.2")!);
  st.interfaces.set("eth0", { link: "ether", finite, packets: stamped(frames(), T0) });
  st.interfaces.set("kubespan", {
    link: "none",
    finite,
    packets: stamped([rawUdp4("10.244.0.1", 51820, "10.244.1.1", 51820, 32)], T0),
  });
  const cfg = await emu.talosconfig(dir, { roles, nodes: ["10.5.0.2"] });
  return { emu, cfg };
}

/** The pcap file the emulator streams: header, then one record per frame. */
function expectedPcap(list: Uint8Array[], linkType = 1): Uint8Array {
  const parts = [new Uint8Array(24)];
  const h = new DataView(parts[0].buffer);
  h.setUint32(0, 0xa1b2c3d4, true);
  h.setUint16(4, 2, true);
  h.setUint16(6, 4, true);
  h.setUint32(16, 4096, true);
  h.setUint32(20, linkType, true);
  list.forEach((f, i) => {
    const r = new Uint8Array(16 + f.length);
    const v = new DataView(r.buffer);
    v.setUint32(0, Number(T0 / 1_000_000n), true);
    v.setUint32(4, i * 1000 + 1, true);
    v.setUint32(8, f.length, true);
    v.setUint32(12, f.length, true);
    r.set(f, 16);
    parts.push(r);
  });
  return concat(parts);
}

Deno.test("pcap -o FILE / -o -: the node's pcap stream byte for byte; tcpdump reads it", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const file = `${dir.path}/eth0.pcap`;
  const r = await run(["pcap", "-o", file, "--talosconfig", cfg]);
  assertEquals([r.code, r.stdout, r.stderr], [0, "", ""]);
  assertEquals(await Deno.readFile(file), expectedPcap(frames()));
  const out = await run(["tcpdump", "-i", "eth0", "--output", "-", "--talosconfig", cfg]);
  assertEquals(out.code, 0);
  assertEquals(out.stdoutBytes, expectedPcap(frames()));
  assertEquals(captureLog(emu).map((c) => [c.interface, c.promiscuous, c.bpfFilter.length]), [
    ["eth0", false, 0],
    ["eth0", false, 0],
  ]);
  if (!(await haveTcpdump())) return;
  const td = await tcpdump(["-r", file, "-n", "-tt"]);
  assertStringIncludes(td.stderr, "link-type EN10MB (Ethernet), snapshot length 4096");
  assertEquals(td.stdout.trimEnd().split("\n"), [
    "1717243200.000001 IP 10.5.0.1.41234 > 10.5.0.2.80: Flags [S], seq 1, win 64240, options [mss 1460], length 0",
    "1717243200.001001 IP 10.5.0.1.41000 > 10.5.0.2.9999: UDP, length 12",
    "1717243200.002001 IP 10.5.0.1 > 10.5.0.2: ICMP echo request, id 7, seq 1, length 64",
    "1717243200.003001 ARP, Request who-has 10.5.0.2 tell 10.5.0.1, length 46",
  ]);
  const raw = `${dir.path}/ks.pcap`;
  const ks = await run([
    "pcap",
    "-i",
    "kubespan",
    "-o",
    raw,
    "--promiscuous",
    "--talosconfig",
    cfg,
  ]);
  assertEquals(ks.code, 0);
  assertEquals(captureLog(emu).at(-1)!.promiscuous, true);
  const tk = await tcpdump(["-r", raw, "-n", "-tt"]);
  assertStringIncludes(tk.stderr, "link-type RAW (Raw IP)");
  assertEquals(
    tk.stdout,
    "1717243200.000001 IP 10.244.0.1.51820 > 10.244.1.1.51820: UDP, length 32\n",
  );
});

Deno.test("pcap --bpf-filter: a program compiled by tcpdump -dd is applied on the node", async () => {
  if (!(await haveTcpdump())) return;
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const prog = (await tcpdump(["-dd", "-y", "EN10MB", "tcp or arp"])).stdout;
  const r = await run(["pcap", "--bpf-filter", prog, "-o", "-", "--talosconfig", cfg]);
  assertEquals([r.code, r.stderr], [0, ""]);
  const f = frames();
  assertEquals(r.stdoutBytes.length, expectedPcap([f[0], f[3]]).length);
  assertEquals(captureLog(emu)[0].bpfFilter.length, prog.trim().split("\n").length);
  const file = `${dir.path}/f.pcap`;
  await Deno.writeFile(file, r.stdoutBytes);
  const td = await tcpdump(["-r", file, "-n"]);
  assertEquals(td.stdout.trimEnd().split("\n").length, 2);
});

Deno.test("pcap: BPF text is checked as talosctl's Sscanf does", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const cases: [string, string][] = [
    [
      "{ 0x28, 0, 0, 0x0000000c },\n{ 0x15, 0, 1 0x00000800 },",
      'error parsing bpf instruction "{ 0x15, 0, 1 0x00000800 },": input does not match format',
    ],
    ["{ 0x28, 0, 0,", 'error parsing bpf instruction "{ 0x28, 0, 0,": unexpected EOF'],
    [
      "{ 0x28, x, 0, 0x0 },",
      'error parsing bpf instruction "{ 0x28, x, 0, 0x0 },": expected integer',
    ],
    [" { 0x6, 0, 0, 0x0 },\n x", 'error parsing bpf instruction " x": input does not match format'],
  ];
  for (const [text, err] of cases) {
    const r = await run(["pcap", "--bpf-filter", text, "--talosconfig", cfg]);
    assertEquals([r.code, r.stdout, r.stderr], [1, "", err + "\n"]);
  }
  assertEquals(captureLog(emu).length, 0);
});

Deno.test("pcap: packets decoded as gopacket prints them", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const r = await run(["pcap", "--talosconfig", cfg]);
  assertEquals([r.code, r.stderr], [0, ""]);
  const eth = (payload: number, type = "IPv4", dst = "52:54:00:ab:cd:ef") =>
    `- Layer 1 (14 bytes) = Ethernet\t{Contents=[..14..] Payload=[..${payload}..] SrcMAC=52:54:00:12:34:56 DstMAC=${dst} EthernetType=${type} Length=0}`;
  const ip = (payload: number, len: number, proto: string, sum: number) =>
    `- Layer 2 (20 bytes) = IPv4\t{Contents=[..20..] Payload=[..${payload}..] Version=4 IHL=5 TOS=0 Length=${len} Id=1 Flags=DF FragOffset=0 TTL=64 Protocol=${proto} Checksum=${sum} SrcIP=10.5.0.1 DstIP=10.5.0.2 Options=[] Padding=[]}`;
  assertEquals(
    r.stdout,
    [
      "PACKET: 58 bytes, wire length 58 cap length 58 @ 2024-06-01 12:00:00.000001 +0000 UTC",
      eth(44),
      ip(24, 44, "TCP", 9919),
      "- Layer 3 (24 bytes) = TCP\t{Contents=[..24..] Payload=[] SrcPort=41234 DstPort=80(http) Seq=1 Ack=0 DataOffset=6 FIN=false SYN=true RST=false PSH=false ACK=false URG=false ECE=false CWR=false NS=false Window=64240 Checksum=59333 Urgent=0 Options=[TCPOption(MSS:1460 0x05b4)] Padding=[] Multipath=false}",
      "",
      "PACKET: 54 bytes, wire length 54 cap length 54 @ 2024-06-01 12:00:00.001001 +0000 UTC",
      eth(40),
      ip(20, 40, "UDP", 9912),
      "- Layer 3 (08 bytes) = UDP\t{Contents=[..8..] Payload=[..12..] SrcPort=41000 DstPort=9999(distinct) Length=20 Checksum=9346}",
      "- Layer 4 (12 bytes) = Payload\t12 byte(s)",
      "",
      "PACKET: 98 bytes, wire length 98 cap length 98 @ 2024-06-01 12:00:00.002001 +0000 UTC",
      eth(84),
      ip(64, 84, "ICMPv4", 9884),
      "- Layer 3 (08 bytes) = ICMPv4\t{Contents=[..8..] Payload=[..56..] TypeCode=EchoRequest Checksum=229 Id=7 Seq=1}",
      "- Layer 4 (56 bytes) = Payload\t56 byte(s)",
      "",
      "PACKET: 60 bytes, wire length 60 cap length 60 @ 2024-06-01 12:00:00.003001 +0000 UTC",
      eth(46, "ARP", "ff:ff:ff:ff:ff:ff"),
      "- Layer 2 (28 bytes) = ARP\t{Contents=[..28..] Payload=[..18..] AddrType=Ethernet Protocol=IPv4 HwAddressSize=6 ProtAddressSize=4 Operation=1 SourceHwAddress=[..6..] SourceProtAddress=[10, 5, 0, 1] DstHwAddress=[..6..] DstProtAddress=[10, 5, 0, 2]}",
      "- Layer 3 (18 bytes) = Payload\t18 byte(s)",
      "",
      "",
    ].join("\n"),
  );
  const ks = await run(["pcap", "-i", "kubespan", "--talosconfig", cfg]);
  assertEquals(
    ks.stdout.split("\n").slice(0, 3),
    [
      "PACKET: 60 bytes, wire length 60 cap length 60 @ 2024-06-01 12:00:00.000001 +0000 UTC",
      "- Layer 1 (20 bytes) = IPv4\t{Contents=[..20..] Payload=[..40..] Version=4 IHL=5 TOS=0 Length=60 Id=1 Flags=DF FragOffset=0 TTL=64 Protocol=UDP Checksum=9159 SrcIP=10.244.0.1 DstIP=10.244.1.1 Options=[] Padding=[]}",
      "- Layer 2 (08 bytes) = UDP\t{Contents=[..8..] Payload=[..32..] SrcPort=51820 DstPort=51820 Length=40 Checksum=21467}",
    ],
  );
});

Deno.test("pcap --duration: a live capture ends at the deadline, as talosctl reports it", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path, ["os:operator"], false);
  await using _ = emu;
  const t0 = performance.now();
  const r = await run(["pcap", "-i", "kubespan", "--duration", "1500ms", "--talosconfig", cfg]);
  const ms = performance.now() - t0;
  assertEquals([r.code, r.stderr], [0, ""]);
  assert(ms >= 1450, `ended after ${ms} ms`);
  assertEquals(
    r.stdout.split("\n").slice(-2),
    [
      "packet capture error: rpc error: code = DeadlineExceeded desc = context deadline exceeded",
      "",
    ],
  );
  const file = `${dir.path}/live.pcap`;
  const o = await run(["pcap", "--duration", "1500ms", "-o", file, "--talosconfig", cfg]);
  assertEquals([o.code, o.stdout, o.stderr], [0, "", ""]);
  assertEquals(await Deno.readFile(file), expectedPcap(frames()));
  // Ctrl-C: the raw copy fails as talosctl's does; the decoded view just stops.
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 1500);
  const c = await run(["pcap", "-o", file, "--talosconfig", cfg], { signal: ac.signal });
  assertEquals([c.code, c.stderr], [1, "rpc error: code = Canceled desc = context canceled\n"]);
});

Deno.test("pcap: one node only; unknown interface; operators only; node down", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const two = await run(["pcap", "--talosconfig", cfg, "-n", "10.5.0.2,10.5.0.3"]);
  assertEquals(two.stderr.split("\n")[0], 'command "pcap" requires exactly one node (got 2)');
  const missing = await run(["pcap", "-i", "eth9", "--talosconfig", cfg]);
  assertEquals(
    [missing.code, missing.stdout, missing.stderr],
    [
      1,
      "",
      'error opening pcap reader: rpc error: code = NotFound desc = interface "eth9" not found\n',
    ],
  );
  const raw = await run(["pcap", "-i", "eth9", "-o", "-", "--talosconfig", cfg]);
  assertEquals(raw.stderr, 'rpc error: code = NotFound desc = interface "eth9" not found\n');
  const snap = await run(["pcap", "-s", "100", "-o", "-", "--talosconfig", cfg]);
  assertEquals(
    snap.stderr,
    "Flag --snaplen has been deprecated, support of snap length is removed\n",
  );
  const dirOut = await run(["pcap", "-o", `${dir.path}/no/such/x.pcap`, "--talosconfig", cfg]);
  assertEquals(dirOut.stderr, `open ${dir.path}/no/such/x.pcap: no such file or directory\n`);

  await Deno.mkdir(`${dir.path}/r`);
  const reader = await emu.talosconfig(`${dir.path}/r`, {
    roles: ["os:reader"],
    nodes: ["10.5.0.2"],
  });
  const denied = await run(["pcap", "-o", "-", "--talosconfig", reader]);
  assertEquals(denied.stderr, "rpc error: code = PermissionDenied desc = not authorized\n");
  emu.nodes.get("10.5.0.3")!.faults.down = true;
  const down = await run(["pcap", "--talosconfig", cfg, "-n", "10.5.0.3"]);
  assertEquals(
    down.stderr,
    'error opening pcap reader: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 10.5.0.3:50000: connect: connection refused"\n',
  );
});

Deno.test({
  name: "pcap -o: memory stays flat whatever the capture size (separate processes)",
  sanitizeResources: false,
  async fn() {
    const MIB = 1024 * 1024;
    const peak = async (bytes: number) => {
      const emu = await spawnEmulator(["--pcap-bytes", String(bytes)]);
      try {
        const out = `${emu.dir}/big.pcap`;
        const r = await timeProcess([mainTs, "pcap", "-o", out, "--talosconfig", emu.talosconfig]);
        assertEquals([r.code, r.stderr], [0, ""]);
        const size = (await Deno.stat(out)).size;
        assert(size >= bytes, `capture has ${size} bytes`);
        return r.peakRss;
      } finally {
        await emu.stop();
      }
    };
    // Holding the capture would add at least 22 MiB between the two runs.
    const small = await peak(2 * MIB);
    const big = await peak(24 * MIB);
    if (small === 0) return; // no /proc here
    assert(big - small < 16 * MIB, `peak RSS ${big / MIB} MiB at 24 MiB vs ${small / MIB} at 2`);
  },
});
