// Runs the emulator as its own process (for benchmarks and manual tries):
//
//   deno run -A tests/emulator/serve.ts --dir DIR [--nodes N] [--snapshot-size BYTES] [--no-alpn]
//                                       [--pcap-bytes BYTES]
//
// Writes DIR/talosconfig (os:admin, nodes 10.5.0.1..N) and prints one JSON line
// {"endpoint": ..., "talosconfig": ..., "nodes": [...]} once listening; stops on SIGTERM or when
// stdin closes.

import { etcdSnapshotOfSize, netState, simNode, startEmulator } from "./mod.ts";
import { bulkTraffic } from "./packets.ts";

function arg(name: string, def: string): string {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Deno.args[i + 1] : def;
}

const dir = arg("--dir", "");
if (!dir) throw new Error("--dir is required");
const n = Number(arg("--nodes", "1"));
const size = Number(arg("--snapshot-size", String(64 * 512 + 32)));
const nodes = Array.from(
  { length: n },
  (_, i) => simNode(`10.5.${(i >> 8) & 255}.${(i & 255) + 1}`),
);
// Generated before listening, so that no client's timing includes it: a real bbolt snapshot
// when `size` allows one (see etcd_snapshot.ts), else pattern bytes.
const snapshot = etcdSnapshotOfSize(size)?.bytes ?? { size };
for (const node of nodes) if (node.etcd) node.etcd.snapshot = snapshot;
// A finite capture on eth0 of about this many bytes, generated as it is streamed.
const pcapBytes = Number(arg("--pcap-bytes", "0"));
if (pcapBytes > 0) {
  for (const node of nodes) {
    netState(node).interfaces.set("eth0", {
      link: "ether",
      finite: true,
      packets: () => bulkTraffic(pcapBytes, 1_717_243_200_000_000n),
    });
  }
}
const emu = await startEmulator({ nodes, alpn: !Deno.args.includes("--no-alpn") });
const talosconfig = await emu.talosconfig(dir, {
  roles: ["os:admin"],
  nodes: [nodes[0].address],
});
// Separate PEM files for clients that do not read talosconfig (the grpc-js baseline).
const extra = await emu.clientCert(["os:admin"]);
await Deno.writeTextFile(`${dir}/ca.pem`, emu.ca.cert);
await Deno.writeTextFile(`${dir}/client.crt`, extra.cert);
await Deno.writeTextFile(`${dir}/client.key`, extra.key, { mode: 0o600 });
console.log(JSON.stringify({
  endpoint: emu.endpoint,
  port: emu.port,
  talosconfig,
  nodes: nodes.map((x) => x.address),
  ca: emu.ca.cert,
}));
const stop = async () => {
  await emu.close();
  Deno.exit(0);
};
Deno.addSignalListener("SIGTERM", stop);
// Ends when the parent closes our stdin.
for await (const _ of Deno.stdin.readable) { /* wait */ }
await stop();
