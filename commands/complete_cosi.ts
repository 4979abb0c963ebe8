// Completion candidates read from the nodes' COSI state: resource types and resource IDs for
// `get`, and node names for `--nodes` (the cluster members a random endpoint knows). As talosctl,
// a problem is reported on stderr and ends the completion with ShellCompDirectiveError.

import type { Completion, RunContext } from "./spec.ts";
import { compError, ERROR, NO_FILE_COMP, session } from "./complete_node.ts";

const failed: Completion = { items: [], directive: ERROR };

async function errText(e: unknown): Promise<string> {
  const { toRpcError, UserError } = await import("./kit.ts");
  return e instanceof UserError ? e.message : toRpcError(e).message;
}

/** The client for the first node, as talosctl's BuildClientFirstNode (definitions read there). */
async function firstNode(ctx: RunContext) {
  // `get` builds its completion client without the command's flags: never maintenance mode.
  const s = await session(ctx, { insecure: false });
  if (!s) return undefined;
  try {
    return s.forNode(s.nodes[0]);
  } catch (e) {
    await compError(ctx, `error building client: ${await errText(e)}`);
    return undefined;
  }
}

/** Resource definition IDs, each after its aliases when `withAliases` (something typed). */
export async function resourceTypes(ctx: RunContext, withAliases: boolean): Promise<Completion> {
  const t = await firstNode(ctx);
  if (!t) return failed;
  const { listDefinitions } = await import("./resources/kind.ts");
  let defs;
  try {
    defs = await listDefinitions(t.client, t.options);
  } catch (e) {
    await compError(ctx, `error listing resource definitions: ${await errText(e)}`);
    return failed;
  }
  const items = defs.flatMap((rd) => (withAliases ? [...rd.aliases, rd.id] : [rd.id]));
  return { items, directive: NO_FILE_COMP };
}

/** IDs of the resources of `word`'s type (in --namespace, else the type's default namespace). */
export async function resourceIds(
  ctx: RunContext,
  word: string,
  namespace: string,
): Promise<Completion> {
  const t = await firstNode(ctx);
  if (!t) return failed;
  const { listDefinitions, resolveKind } = await import("./resources/kind.ts");
  let rd;
  try {
    rd = resolveKind(await listDefinitions(t.client, t.options), word);
  } catch (e) {
    // our "did you mean" hint follows a blank line; talosctl reports the status alone
    const text = (await errText(e)).split("\n\n")[0];
    await compError(ctx, `error resolving resource kind: ${text}`);
    return failed;
  }
  const items: string[] = [];
  try {
    const req = { namespace: namespace || rd.defaultNamespace, type: rd.type };
    for await (const m of t.client.cosi.list(req, t.options)) {
      if (m.resource?.metadata) items.push(m.resource.metadata.id);
    }
  } catch (e) {
    await compError(ctx, `error listing resources: ${await errText(e)}`);
    return failed;
  }
  return { items, directive: NO_FILE_COMP };
}

/**
 * Hostnames and addresses of the cluster members, read from whichever endpoint answers (no node
 * metadata): talosctl's completion of `--nodes`, which works before any node is chosen.
 */
export async function clusterNodes(ctx: RunContext): Promise<Completion> {
  // as talosctl: a placeholder node, so that the context needs no nodes of its own
  const placeholder = { ...ctx, global: { ...ctx.global, nodes: ["fake-node"] } };
  const s = await session(placeholder, { insecure: false });
  if (!s) return failed;
  let client;
  try {
    client = s.client;
  } catch (e) {
    await compError(ctx, `error building client: ${await errText(e)}`);
    return failed;
  }
  const { cosiList } = await import("./clustercheck/cosi.ts");
  let members;
  try {
    const t = { node: "", client, options: client.callOptions() };
    members = await cosiList(t, ctx.deps.signal, "cluster", "Members.cluster.talos.dev");
  } catch (e) {
    await compError(ctx, `error listing cluster members: ${await errText(e)}`);
    return failed;
  }
  const items: string[] = [];
  for (const m of members) {
    if (typeof m.spec.hostname === "string" && m.spec.hostname !== "") items.push(m.spec.hostname);
    for (const a of m.spec.addresses ?? []) items.push(String(a));
  }
  return { items, directive: NO_FILE_COMP };
}
