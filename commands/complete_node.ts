// Completion candidates read from the node (cobra ValidArgsFunctions of talosctl): paths under
// the directory being typed (the first node's `list`), service IDs, container IDs, pods with a
// network namespace, talosconfig context names. Problems go to stderr as cobra.CompError
// writes them ("[Debug] [Error] ...", no newline) and leave the candidates empty.

import { type Completion, lazy, type RunContext } from "./spec.ts";

export const NO_FILE_COMP = 4;
export const ERROR = 1;
/** talosctl gives up (no candidates) past this many entries. */
const PATH_LIMIT = 500;

/** cobra.CompError: the message on stderr, prefixed, without a newline. */
export async function compError(ctx: Pick<RunContext, "deps">, text: string): Promise<void> {
  await ctx.deps.io.stderr.write(`[Debug] [Error] ${text}`);
}

/** The client factory of a completion, or undefined after reporting why it cannot be built. */
export async function session(ctx: RunContext, opts: { insecure?: boolean } = {}) {
  const { openSession } = await import("./kit.ts");
  try {
    return await openSession(ctx, { warnExpiry: false, dialTimeoutMs: 5000, ...opts });
  } catch (e) {
    await compError(ctx, `error creating client factory: ${(e as Error).message}`);
    return undefined;
  }
}

/** Entries of the directory holding `input` on the first node that start with `input`. */
export async function nodePaths(
  ctx: RunContext,
  input: string,
  dirsOnly = false,
): Promise<Completion> {
  let dir = input === "" ? "/" : input;
  if (dir !== "/" && !dir.endsWith("/")) dir = dir.slice(0, dir.lastIndexOf("/")) + "/";
  const s = await session(ctx);
  if (!s || s.nodes.length === 0) return { items: [], directive: NO_FILE_COMP };
  const paths = new Set<string>();
  try {
    const { client, options } = s.forNode(s.nodes[0]);
    for await (const m of client.machine.list({ root: dir }, options)) {
      if (m.error !== "" || m.relativeName === ".") continue;
      if (paths.size > PATH_LIMIT) return { items: [], directive: NO_FILE_COMP };
      const full = dir + m.relativeName + (m.isDir ? "/" : "");
      if (full.startsWith(input) && (!dirsOnly || m.isDir)) paths.add(full);
    }
  } catch (e) {
    await compError(ctx, `error listing path: ${(e as Error).message}`);
  }
  return { items: [...paths].sort(), directive: NO_FILE_COMP };
}

/** Service IDs of every node. */
export async function serviceIds(ctx: RunContext): Promise<string[]> {
  const s = await session(ctx);
  if (!s) return [];
  const ids: string[] = [];
  const errors = await s.unary(
    ({ client, options }) => client.machine.serviceList({}, options),
    (_node, messages) => {
      for (const m of messages) for (const svc of m.services) ids.push(svc.id);
    },
  );
  for (const e of errors) await compError(ctx, e.message);
  return ids;
}

/** Running container IDs of every node (k8s.io over CRI with -k, else system containerd). */
export async function containerIds(ctx: RunContext, kubernetes: boolean): Promise<string[]> {
  const s = await session(ctx);
  if (!s) return [];
  const ids: string[] = [];
  const req = kubernetes ? { namespace: "k8s.io", driver: 1 } : { namespace: "system", driver: 0 };
  const errors = await s.unary(
    ({ client, options }) => client.machine.containers(req, options),
    (_node, messages) => {
      for (const m of messages) {
        for (const c of m.containers) {
          if (c.pid === 0) continue;
          if (kubernetes && c.id === c.podId) continue;
          ids.push(c.id);
        }
      }
    },
  );
  for (const e of errors) await compError(ctx, e.message);
  return ids;
}

/** IDs of the logs every node keeps (LogsContainers). */
export async function logIds(ctx: RunContext): Promise<string[]> {
  const s = await session(ctx);
  if (!s) return [];
  const ids: string[] = [];
  const errors = await s.unary(
    async ({ client, options }) => await client.machine.logsContainers({}, options),
    (_node, messages) => {
      for (const m of messages) ids.push(...m.ids);
    },
  );
  for (const e of errors) await compError(ctx, e.message);
  return ids;
}

/** Pods ("namespace/pod") with their own network namespace, of every node (`netstat`). */
export async function podIds(ctx: RunContext): Promise<Completion> {
  const s = await session(ctx);
  if (!s) return { items: [], directive: ERROR | NO_FILE_COMP };
  const { podNetNs } = await lazy<typeof import("./netstat_run.ts")>(
    import.meta.url,
    "./netstat_run.ts",
  );
  let pods;
  try {
    pods = await podNetNs(s);
  } catch (e) {
    await compError(ctx, `error getting pod network namespaces: ${(e as Error).message}`);
    return { items: [], directive: ERROR | NO_FILE_COMP };
  }
  return { items: [...pods.values()].flatMap((m) => [...m.values()]), directive: NO_FILE_COMP };
}

/** Context names of the talosconfig, sorted (`--context`, `config context`, `config remove`). */
export async function contextNames(ctx: RunContext): Promise<Completion> {
  const { openTalosconfig } = await lazy<typeof import("../clientconfig/talosconfig.ts")>(
    import.meta.url,
    "../clientconfig/talosconfig.ts",
  );
  let names: string[];
  try {
    const opened = await openTalosconfig(ctx.deps, ctx.global);
    names = Object.keys(opened.cfg.contexts ?? {});
  } catch (e) {
    await compError(ctx, `error reading config: ${(e as Error).message}`);
    return { items: [], directive: ERROR };
  }
  return { items: merged(names), directive: NO_FILE_COMP };
}

/** slices.Sort + slices.Compact. */
export function merged(...lists: string[][]): string[] {
  const all = lists.flat().sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return all.filter((s, i) => i === 0 || s !== all[i - 1]);
}

/** One argument only: the rest is an error (talosctl's common ValidArgsFunction prologue). */
export function tooMany(): Completion {
  return { items: [], directive: ERROR | NO_FILE_COMP };
}
