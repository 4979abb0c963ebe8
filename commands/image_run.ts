// The bodies of `image list|pull|remove`: the ImageService of Talos 1.13+, falling back to the
// older MachineService ImageList/ImagePull when a node answers Unimplemented, as talosctl does.

import type { RunContext } from "./spec.ts";
import type { Session } from "./kit.ts";
import { PullProgress } from "./image_progress.ts";

interface Instance {
  /** common.ContainerDriver: CONTAINERD 0, CRI 1. */
  driver: number;
  /** common.ContainerdNamespace: NS_SYSTEM 1, NS_CRI 2. */
  namespace: number;
}

async function unsupported(ns: string): Promise<Error> {
  const { goQuote, UserError } = await import("./kit.ts");
  return new UserError(`unsupported namespace ${goQuote(ns)}`);
}

async function instance(ctx: RunContext): Promise<Instance> {
  const ns = ctx.flags.namespace as string;
  if (ns === "cri") return { driver: 1, namespace: 2 };
  if (ns === "system") return { driver: 1, namespace: 1 };
  if (ns === "inmem") return { driver: 0, namespace: 1 };
  throw await unsupported(ns);
}

async function legacyNamespace(ctx: RunContext): Promise<number> {
  const ns = ctx.flags.namespace as string;
  if (ns === "cri") return 2;
  if (ns === "system") return 1;
  throw await unsupported(ns);
}

async function unimplemented(errors: Error[]): Promise<boolean> {
  const { errorCode } = await import("./kit.ts");
  const { Code } = await import("@connectrpc/connect");
  return errors.some((e) => errorCode(e.cause) === Code.Unimplemented);
}

/** helpers.FormatLabels: key=value pairs sorted by key, comma-separated. */
function formatLabels(labels: Record<string, string>): string {
  return Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(",");
}

/** time.Time.Format(time.RFC3339) of a UTC time. */
function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, "Z");
}

export async function imageList(ctx: RunContext): Promise<void> {
  const kit = await import("./kit.ts");
  const { timestampDate } = await import("@bufbuild/protobuf/wkt");
  const session = await kit.openSession(ctx);
  const containerd = await instance(ctx);
  let text = "";
  const errors = await session.stream(
    ({ client, options }) => client.image.list({ containerd }, options),
    (node, m) => {
      if (text === "") text = "NODE\tIMAGE\tDIGEST\tSIZE\tLABELS\tCREATED\n";
      const created = m.createdAt ? timestampDate(m.createdAt) : new Date(0);
      text += `${node}\t${m.name}\t${m.digest}\t${kit.humanizeBytes(BigInt.asUintN(64, m.size))}\t${
        formatLabels(m.labels)
      }\t${rfc3339(created)}\n`;
    },
  );
  if (await unimplemented(errors)) return await imageListLegacy(ctx, session);
  await ctx.deps.io.stdout.write(kit.tabwrite(text));
  kit.throwJoined(errors);
}

async function imageListLegacy(ctx: RunContext, session: Session): Promise<void> {
  const kit = await import("./kit.ts");
  const { timestampDate } = await import("@bufbuild/protobuf/wkt");
  const namespace = await legacyNamespace(ctx);
  let text = "NODE\tIMAGE\tDIGEST\tSIZE\tCREATED\n";
  const errors = await session.stream(
    ({ client, options }) => client.machine.imageList({ namespace }, options),
    (node, m) => {
      const created = m.createdAt ? timestampDate(m.createdAt) : new Date(0);
      text += `${node}\t${m.name}\t${m.digest}\t${kit.humanizeBytes(BigInt.asUintN(64, m.size))}\t${
        rfc3339(created)
      }\n`;
    },
  );
  await ctx.deps.io.stdout.write(kit.tabwrite(text));
  kit.throwJoined(errors);
}

export async function imagePull(ctx: RunContext): Promise<void> {
  const kit = await import("./kit.ts");
  const session = await kit.openSession(ctx);
  const containerd = await instance(ctx);
  const imageRef = ctx.args[0];
  const progress = new PullProgress(ctx.deps.io.stderr, ctx.deps.io.stdout.isTTY, ctx.deps.env);
  const finished: [string, string][] = [];
  const errors = await session.stream(
    ({ client, options }) => client.image.pull({ containerd, imageRef }, options),
    async (node, m) => {
      const r = m.response;
      if (r.case === "pullProgress") {
        await progress.update(node, r.value.layerId, r.value.progress);
      } else if (r.case === "name") {
        finished.push([node, r.value]);
      }
    },
  );
  if (await unimplemented(errors)) return await imagePullLegacy(ctx, session, imageRef);
  if (finished.length > 0) {
    await progress.done(finished.map(([node, name]) => `${node}: pulled image ${name}\n`).join(""));
  }
  kit.throwJoined(errors);
}

async function imagePullLegacy(ctx: RunContext, session: Session, ref: string): Promise<void> {
  const kit = await import("./kit.ts");
  const namespace = await legacyNamespace(ctx);
  const errors = await session.unary(
    ({ client, options }) => client.machine.imagePull({ namespace, reference: ref }, options),
    () => {},
    "error pulling image on node",
  );
  kit.throwJoined(errors);
}

export async function imageRemove(ctx: RunContext): Promise<void> {
  const kit = await import("./kit.ts");
  const session = await kit.openSession(ctx);
  const containerd = await instance(ctx);
  const imageRef = ctx.args[0];
  const errors = await session.unary(async ({ client, options }) => {
    await client.image.remove({ containerd, imageRef }, options);
    return { messages: [] };
  }, () => {});
  kit.throwJoined(errors);
}
