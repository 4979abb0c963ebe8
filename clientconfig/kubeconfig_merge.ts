// Merging a downloaded kubeconfig into an existing one, with the semantics of
// siderolabs/go-kubeconfig (the library talosctl uses), quirks included:
//
// - a cluster, user or context whose name exists with DIFFERENT content is a conflict; the
//   handler decides: overwrite in place, or rename to the first free `name-1`, `name-2`, ...;
// - user names get the cluster renames applied as substring replacements, and context names
//   the user renames (Talos names both `admin@<cluster>`);
// - a context's conflict check looks its name up among the CLUSTERS (upstream's quirk): it is
//   reported as a cluster conflict and renamed against cluster names; an existing context of the
//   same name is otherwise replaced silently. Seen in v0.1.0 and v0.1.1 (whose go.mod matches
//   the go.sum hash Talos records); a later revision of merge.go checks the contexts instead
//   (prompting "context"), and whether the pinned v0.1.2 has it could not be established;
// - renames are reported as `renamed cluster "a" -> "a-1"` (also `auth info`, `context`),
//   names quoted as Go's %q does.

import { entriesEqual, type JsonObject, type Kubeconfig } from "./kubeconfig.ts";
import { goQuote } from "../gofmt/mod.ts";

/** Component names as shown in conflict prompts. */
export type Component = "cluster" | "auth" | "context";
export type Decision = "overwrite" | "rename";

export interface MergeOptions {
  /** Called for each conflicting entry, in order: clusters, users, contexts. */
  onConflict: (component: Component, name: string) => Promise<Decision>;
  /** Receives the rename report lines (talosctl prints them on stdout). */
  report: (line: string) => Promise<void>;
  /** Name to give the merged context, instead of the downloaded one. */
  forceContextName?: string;
  /** Make the merged context the current one. */
  activateContext: boolean;
}

function renameAmong(taken: Map<string, unknown>, name: string): string {
  let candidate = name;
  for (let i = 1; taken.has(candidate); i++) candidate = `${name}-${i}`;
  return candidate;
}

function applyRenames(name: string, renames: Map<string, string>): string {
  let out = name;
  for (const [from, to] of renames) out = out.replaceAll(from, to);
  return out;
}

/** Merges `incoming` into `target` in place. */
export async function mergeKubeconfig(
  target: Kubeconfig,
  incoming: Kubeconfig,
  opts: MergeOptions,
): Promise<void> {
  const clusterNames = new Map<string, string>();
  const authNames = new Map<string, string>();
  const contextNames = new Map<string, string>();

  for (const [name, cluster] of incoming.clusters) {
    let merged = name;
    const old = target.clusters.get(merged);
    if (old !== undefined && !entriesEqual(old, cluster)) {
      if (await opts.onConflict("cluster", name) === "rename") {
        merged = renameAmong(target.clusters, merged);
      }
    }
    clusterNames.set(name, merged);
  }

  for (const [name, auth] of incoming.authInfos) {
    let merged = applyRenames(name, clusterNames);
    const old = target.authInfos.get(merged);
    if (old !== undefined && !entriesEqual(old, auth)) {
      if (await opts.onConflict("auth", name) === "rename") {
        merged = renameAmong(target.authInfos, merged);
      }
    }
    authNames.set(name, merged);
  }

  for (const name of incoming.contexts.keys()) {
    let merged = applyRenames(name, authNames);
    if (opts.forceContextName) merged = opts.forceContextName;
    // Upstream looks the context name up among the clusters; a cluster never equals a context.
    if (target.clusters.has(merged)) {
      if (await opts.onConflict("cluster", name) === "rename") {
        merged = renameAmong(target.clusters, merged);
      }
    }
    contextNames.set(name, merged);
  }

  for (const [name, cluster] of incoming.clusters) {
    const to = clusterNames.get(name)!;
    if (to !== name) await opts.report(`renamed cluster ${goQuote(name)} -> ${goQuote(to)}`);
    target.clusters.set(to, cluster);
  }
  for (const [name, auth] of incoming.authInfos) {
    const to = authNames.get(name)!;
    if (to !== name) await opts.report(`renamed auth info ${goQuote(name)} -> ${goQuote(to)}`);
    target.authInfos.set(to, auth);
  }
  for (const [name, context] of incoming.contexts) {
    const to = contextNames.get(name)!;
    if (to !== name) await opts.report(`renamed context ${goQuote(name)} -> ${goQuote(to)}`);
    const copy: JsonObject = {
      ...context,
      // References to entries missing from the incoming file map to "" (as upstream).
      cluster: clusterNames.get(String(context.cluster)) ?? "",
      user: authNames.get(String(context.user)) ?? "",
    };
    target.contexts.set(to, copy);
    if (opts.activateContext) target.currentContext = to;
  }
}
