// Completion candidates read from the node (cobra ValidArgsFunctions of talosctl): paths under
// the directory being typed (the first node's `list`), service IDs, container IDs. Problems go
// to stderr as "[Error] ..." and leave the candidates empty, as cobra.CompError does.

import type { Completion, RunContext } from "./spec.ts";

const NO_FILE_COMP = 4;
const ERROR = 1;
/** talosctl gives up (no candidates) past this many entries. */
const PATH_LIMIT = 500;

async function compError(ctx: RunContext, text: string): Promise<void> {
  await ctx.deps.io.stderr.write(`[Error] ${text}\n`);
}

async function session(ctx: RunContext) {
  const { openSession } = await import("./kit.ts");
  try {
    return await openSession(ctx, { warnExpiry: false, dialTimeoutMs: 5000 });
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

/** slices.Sort + slices.Compact. */
export function merged(...lists: string[][]): string[] {
  const all = lists.flat().sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return all.filter((s, i) => i === 0 || s !== all[i - 1]);
}

/** One argument only: the rest is an error (talosctl's common ValidArgsFunction prologue). */
export function tooMany(): Completion {
  return { items: [], directive: ERROR | NO_FILE_COMP };
}
