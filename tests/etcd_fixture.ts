// Shared setup of the etcd command tests: two control-plane nodes (etcd members 0x1111 and
// 0x2222) and a worker, and a talosconfig naming `nodes`.

import { simNode, startEmulator } from "./emulator/mod.ts";

export async function etcdSetup(dir: string, roles = ["os:admin"], nodes = ["10.5.0.2"]) {
  const emu = await startEmulator({
    nodes: [
      simNode("10.5.0.2", { hostname: "cp-1" }),
      simNode("10.5.0.3", { hostname: "cp-2" }),
      simNode("10.5.0.4", { hostname: "w-1", controlPlane: false }),
    ],
  });
  emu.nodes.get("10.5.0.2")!.etcd!.memberId = 0x1111n;
  emu.nodes.get("10.5.0.3")!.etcd!.memberId = 0x2222n;
  emu.etcdMembers[0].id = 0x1111n;
  emu.etcdMembers[1].id = 0x2222n;
  const cfg = await emu.talosconfig(dir, { roles, nodes });
  return { emu, cfg };
}
