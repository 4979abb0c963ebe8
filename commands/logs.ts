// `talosctl logs <service name>`: a service's (or, with -k, a container's) log from every node.

import { bool, type CommandSpec, exactArgs, int } from "./spec.ts";
import { globalFlags } from "./global.ts";
import { insecureFlags } from "./api_flags.ts";

export const spec: CommandSpec = {
  use: "<service name>",
  args: exactArgs(1),
  async complete(ctx) {
    const { containerIds, logIds, merged, serviceIds, tooMany } = await import(
      "./complete_node.ts"
    );
    if (ctx.args.length !== 0) return tooMany();
    if (ctx.flags.kubernetes === true) {
      return { items: await containerIds(ctx, true), directive: 4 };
    }
    return {
      items: merged(await serviceIds(ctx), await containerIds(ctx, false), await logIds(ctx)),
      directive: 4,
    };
  },
  persistentFlags: globalFlags,
  flags: [
    {
      name: "kubernetes",
      short: "k",
      kind: "bool",
      usage: "look the name up among Kubernetes containers (containerd namespace k8s.io)",
    },
    { name: "follow", short: "f", kind: "bool", usage: "keep streaming new log lines" },
    {
      name: "tail",
      kind: "int",
      bits: 32,
      default: -1,
      usage: "how many of the last lines to show; -1 shows the whole log",
    },
    { name: "use-cri", kind: "bool", usage: "read container logs through CRI", hidden: true },
    ...insecureFlags,
  ],
  async run(ctx) {
    const { openSession, throwJoined } = await import("./kit.ts");
    const { ContainerDriver } = await import("../gen/common/common_pb.ts");
    const session = await openSession(ctx);
    const k8s = bool(ctx, "kubernetes");
    const req = {
      namespace: k8s ? "k8s.io" : "system",
      driver: k8s ? ContainerDriver.CRI : ContainerDriver.CONTAINERD,
      id: ctx.args[0],
      follow: bool(ctx, "follow"),
      tailLines: int(ctx, "tail"),
    };
    const out = ctx.deps.io.stdout;
    const enc = new TextEncoder();
    // Chunks are not line-aligned: keep each node's partial line until its newline arrives.
    const pending = new Map<string, Uint8Array>();
    const emit = (node: string, line: Uint8Array) => {
      const prefix = enc.encode(`${node}: `);
      const buf = new Uint8Array(prefix.length + line.length + 1);
      buf.set(prefix);
      buf.set(line, prefix.length);
      buf[buf.length - 1] = 10;
      return out.write(buf);
    };
    const errors = await session.stream(
      ({ client, options }) => client.machine.logs(req, options),
      async (node, m) => {
        const prev = pending.get(node);
        let buf = prev ? concat(prev, m.bytes) : m.bytes;
        for (let nl = buf.indexOf(10); nl >= 0; nl = buf.indexOf(10)) {
          await emit(node, buf.subarray(0, nl));
          buf = buf.subarray(nl + 1);
        }
        pending.set(node, buf.slice());
      },
    );
    for (const node of [...pending.keys()].sort()) {
      const rest = pending.get(node)!;
      if (rest.length > 0) await emit(node, rest);
    }
    throwJoined(errors);
  },
};

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
