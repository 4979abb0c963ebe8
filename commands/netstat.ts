// `talosctl netstat [namespace/pod]` (alias `ss`): the sockets of each node's host network, or
// of Kubernetes pods (-k, or one pod named as an argument).

import { type CommandSpec, type FlagSpec, maxArgs } from "./spec.ts";
import { globalFlags } from "./global.ts";

const flag = (name: string, short: string, usage: string): FlagSpec => ({
  name,
  short,
  kind: "bool",
  usage,
});

export const spec: CommandSpec = {
  use: "",
  long: `Lists network sockets and connections, as netstat does on a host.

By default the host network of each node is shown. Give a pod as "namespace/pod" to see that
pod's sockets instead (only pods with their own network namespace qualify), or use --pods to
see the sockets of every pod next to the host's.`,
  args: maxArgs(1),
  async complete(ctx) {
    const { podIds, tooMany } = await import("./complete_node.ts");
    return ctx.args.length > 0 ? tooMany() : await podIds(ctx);
  },
  persistentFlags: globalFlags,
  flags: [
    flag("verbose", "v", "include every transport protocol the node supports"),
    flag("extend", "x", "add the owner's user ID and the socket inode"),
    flag("programs", "p", "add the PID and name of the process owning each socket"),
    flag("timers", "o", "add the state of each socket's timer"),
    flag("listening", "l", "show listening sockets only"),
    flag("all", "a", "show sockets in every state, not just connected ones"),
    flag("pods", "k", "include the sockets of Kubernetes pods"),
    flag("tcp", "t", "show TCP sockets"),
    flag("udp", "u", "show UDP sockets"),
    flag("udplite", "U", "show UDP-Lite sockets"),
    flag("raw", "w", "show raw sockets"),
    flag("ipv4", "4", "show IPv4 sockets only"),
    flag("ipv6", "6", "show IPv6 sockets only"),
  ],
  async run(ctx) {
    const { runNetstat } = await import("./netstat_run.ts");
    await runNetstat(ctx);
  },
};
