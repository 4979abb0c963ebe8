// The body of `inspect dependencies`: one node's ControllerRuntimeDependencies rendered as
// talosctl's formatter renders it; with --with-resources each resource type becomes a cluster
// of the live resources (COSI List), edges drawn to each resource.

import type { RunContext } from "./spec.ts";
import type { ControllerDependencyEdge } from "../gen/inspect/inspect_pb.ts";
import type { TalosClient } from "./kit.ts";
import type { CallOptions } from "@connectrpc/connect";
import { DotGraph } from "./dot.ts";
import { goQuote } from "../gofmt/quote.ts";

// inspect.DependencyEdgeType
const OUTPUT_EXCLUSIVE = 0, INPUT_STRONG = 1, INPUT_WEAK = 2, OUTPUT_SHARED = 3;

const RESOURCE_STYLE = { fillcolor: "azure2", shape: "note", style: "filled" };

export async function inspectDependencies(ctx: RunContext): Promise<void> {
  const kit = await import("./kit.ts");
  const session = await kit.openSession(ctx);
  const node = session.single("inspect dependencies");
  const { client, options } = session.forNode(node);
  let reply;
  try {
    reply = await client.inspect.controllerRuntimeDependencies({}, options);
  } catch (e) {
    throw new kit.UserError(
      `error getting controller runtime dependencies: ${kit.errorText(e)}`,
    );
  }
  const { messages, error } = kit.filterMessages(reply.messages);
  if (error) await ctx.deps.io.stderr.write(`WARNING: ${error.message}\n`);
  const edges = messages.flatMap((m) => m.edges);
  const graph = ctx.flags["with-resources"]
    ? await withResources(client, options, edges)
    : typesOnly(edges);
  await ctx.deps.io.stdout.write(graph.toString());
}

function typesOnly(edges: ControllerDependencyEdge[]): DotGraph {
  const g = DotGraph.directed();
  for (const e of edges) {
    g.node(e.controllerName, { shape: "box" });
    g.node(e.resourceType, RESOURCE_STYLE);
  }
  for (const e of edges) {
    const ctrl = g.node(e.controllerName), type = g.node(e.resourceType);
    const label: Record<string, string> = e.resourceId !== "" ? { label: e.resourceId } : {};
    switch (e.edgeType) {
      case OUTPUT_EXCLUSIVE:
        g.edge(ctrl, type, { style: "bold" });
        break;
      case OUTPUT_SHARED:
        g.edge(ctrl, type, { style: "solid" });
        break;
      case INPUT_STRONG:
        g.edge(type, ctrl, { ...label, style: "solid" });
        break;
      case INPUT_WEAK:
        g.edge(type, ctrl, { ...label, style: "dotted" });
        break;
        // INPUT_DESTROY_READY edges are left out, as talosctl does, to keep the graph readable.
    }
  }
  return g;
}

interface LiveResource {
  namespace: string;
  type: string;
  id: string;
  owner: string;
}

export async function withResources(
  client: TalosClient,
  options: CallOptions,
  edges: ControllerDependencyEdge[],
): Promise<DotGraph> {
  const { UserError, errorText } = await import("./kit.ts");
  const resources = new Map<string, LiveResource[]>();
  let definitions: Definition[] | undefined;
  for (const e of edges) {
    if (resources.has(e.resourceType)) continue;
    try {
      definitions ??= await resourceDefinitions(client, options);
    } catch (err) {
      throw new UserError(errorText(err));
    }
    let rd: Definition;
    try {
      rd = resolve(definitions, e.resourceType);
    } catch (err) {
      throw new UserError((err as Error).message);
    }
    const namespace = e.resourceNamespace || rd.defaultNamespace;
    try {
      const items: LiveResource[] = [];
      for await (const r of client.cosi.list({ namespace, type: rd.type }, options)) {
        const md = r.resource?.metadata;
        if (md) items.push({ namespace: md.namespace, type: md.type, id: md.id, owner: md.owner });
      }
      resources.set(e.resourceType, items);
    } catch {
      // As talosctl: a type that cannot be listed is left out.
    }
  }
  const g = DotGraph.directed();
  for (const e of edges) g.node(e.controllerName, { shape: "box" });
  const rid = (r: LiveResource) => `${r.namespace}/${r.type}/${r.id}`;
  // talosctl walks a Go map here (random order); sorting keeps our output stable.
  for (const type of [...resources.keys()].sort()) {
    const cluster = g.subgraph(type, true);
    for (const r of resources.get(type)!) cluster.node(rid(r), RESOURCE_STYLE);
  }
  for (const e of edges) {
    for (const r of resources.get(e.resourceType) ?? []) {
      if (e.resourceId !== "" && r.id !== e.resourceId) continue;
      const output = e.edgeType === OUTPUT_EXCLUSIVE || e.edgeType === OUTPUT_SHARED;
      if (output && e.controllerName !== r.owner) continue;
      const ctrl = g.node(e.controllerName);
      const res = g.subgraph(e.resourceType).node(rid(r));
      if (output) g.edge(ctrl, res, { style: "solid" });
      else if (e.edgeType === INPUT_STRONG) g.edge(res, ctrl, { style: "solid" });
      else if (e.edgeType === INPUT_WEAK) g.edge(res, ctrl, { style: "dotted" });
    }
  }
  return g;
}

interface Definition {
  id: string;
  type: string;
  defaultNamespace: string;
  aliases: string[];
}

async function resourceDefinitions(client: TalosClient, options: CallOptions) {
  const { parse } = await import("yaml");
  const out: Definition[] = [];
  const req = { namespace: "meta", type: "ResourceDefinitions.meta.cosi.dev" };
  for await (const r of client.cosi.list(req, options)) {
    const spec = (parse(r.resource?.spec?.yamlSpec ?? "") ?? {}) as Record<string, unknown>;
    out.push({
      id: r.resource?.metadata?.id ?? "",
      type: String(spec.type ?? r.resource?.metadata?.id ?? ""),
      defaultNamespace: String(spec.defaultNamespace ?? ""),
      aliases: Array.isArray(spec.allAliases) ? spec.allAliases.map(String) : [],
    });
  }
  return out;
}

/** client.ResolveResourceKind: by ID or alias, case-insensitively; exactly one match. */
function resolve(defs: Definition[], type: string): Definition {
  const want = type.toLowerCase();
  const matched = defs.filter((d) =>
    d.id.toLowerCase() === want || d.aliases.some((a) => a.toLowerCase() === want)
  );
  if (matched.length === 1) return matched[0];
  if (matched.length > 1) {
    throw new Error(
      `rpc error: code = InvalidArgument desc = resource type ${goQuote(type)} is ambiguous: [${
        matched.map((d) => d.id).join(" ")
      }]`,
    );
  }
  throw new Error(`rpc error: code = NotFound desc = resource ${goQuote(type)} is not registered`);
}
