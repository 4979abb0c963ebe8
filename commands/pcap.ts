// `talosctl pcap` (alias `tcpdump`): capture packets on one node's interface, printed decoded
// or written as a pcap file (-o FILE, or -o - for stdout).

import { type CommandSpec, noArgs } from "./spec.ts";
import { globalFlags } from "./global.ts";

export const spec: CommandSpec = {
  long:
    "Starts a packet capture on the node and streams the packets back as a pcap file, printed decoded or saved.",
  example: `Print the packets of eth0, decoded:

    talosctl pcap -i eth0

Save them as a pcap file:

    talosctl pcap -i eth0 --output eth0.pcap

Hand the raw capture to tcpdump:

    talosctl pcap -i eth0 -o - | tcpdump -vvv -r -

A filter is given as compiled BPF, which tcpdump produces with -dd. Compile it for the link
type of the interface: EN10MB for Ethernet, RAW for interfaces without link headers (such as
WireGuard, e.g. KubeSpan):

    talosctl pcap -i eth0 --bpf-filter "$(tcpdump -dd -y EN10MB 'tcp and dst port 80')"

    talosctl pcap -i kubespan --bpf-filter "$(tcpdump -dd -y RAW 'port 50000')"

The capture itself travels over the Talos API, so filter out port 50000 to keep from capturing
your own capture.
   `,
  args: noArgs,
  persistentFlags: globalFlags,
  flags: [
    {
      name: "interface",
      short: "i",
      kind: "string",
      default: "eth0",
      usage: "network interface to capture on",
    },
    {
      name: "promiscuous",
      kind: "bool",
      usage: "switch the interface to promiscuous mode while capturing",
    },
    {
      name: "snaplen",
      short: "s",
      kind: "int",
      default: 4096,
      hidden: true,
      deprecated: "support of snap length is removed",
      usage: "no longer used",
    },
    {
      name: "output",
      short: "o",
      kind: "string",
      usage:
        "write the raw pcap data to this file ('-' for stdout) instead of printing decoded packets",
    },
    {
      name: "bpf-filter",
      kind: "string",
      usage: "capture only what this BPF program accepts, in tcpdump -dd format",
    },
    { name: "duration", kind: "duration", usage: "stop capturing after this long" },
  ],
  async run(ctx) {
    const { runPcap } = await import("./pcap/run.ts");
    await runPcap(ctx);
  },
};
