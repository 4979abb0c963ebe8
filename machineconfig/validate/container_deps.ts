// Whole-config rules over ContainerConfig documents and resolvers (upstream's container-level
// validation): dependsOn.containers must name configured containers and form no cycle; encrypted
// DNS protocols need host DNS.

import type { ConfigDocument, ValueMap } from "../schema.ts";
import { arr, map, str } from "./values.ts";

/** Errors of the containers' dependency graph: unknown dependencies, then cycles. */
export function containerDependencyErrors(docs: ConfigDocument[]): string[] {
  const containers = docs.filter((d) => d.kind === "ContainerConfig");
  if (containers.length === 0) return [];
  const names = new Set(containers.map((d) => str(d.data, "name")));
  const edges = new Map<string, string[]>();
  const errs: string[] = [];
  for (const c of containers) {
    const name = str(c.data, "name");
    const deps = arr(map(c.data, "dependsOn"), "containers").map(String);
    for (const dep of deps) {
      if (!names.has(dep)) {
        errs.push(
          `container ${JSON.stringify(name)} depends on container ${
            JSON.stringify(dep)
          }, which is not configured`,
        );
      }
    }
    edges.set(name, deps);
  }
  const cycles = findCycles([...names].sort(), edges, names);
  if (cycles.length > 0) errs.push(`container dependsOn cycle detected: ${cycles.join(", ")}`);
  return errs;
}

/** Depth-first walk from each name in order; a cycle reads "a -> b -> a". Sorted, unique. */
function findCycles(order: string[], edges: Map<string, string[]>, names: Set<string>): string[] {
  const done = new Set<string>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[] = [];
  const visit = (n: string): void => {
    if (done.has(n)) return;
    if (onStack.has(n)) {
      const i = stack.indexOf(n);
      if (i >= 0) cycles.push([...stack.slice(i), n].join(" -> "));
      return;
    }
    onStack.add(n);
    stack.push(n);
    for (const dep of edges.get(n) ?? []) if (names.has(dep)) visit(dep);
    stack.pop();
    onStack.delete(n);
    done.add(n);
  };
  for (const n of order) visit(n);
  return [...new Set(cycles)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The first ResolverConfig uses a protocol other than plain DNS (Do53) for some nameserver. */
export function usesEncryptedDNS(docs: ConfigDocument[]): boolean {
  const resolver: ValueMap | undefined = docs.find((d) => d.kind === "ResolverConfig")?.data;
  return arr(resolver, "nameservers").some((ns) => {
    const p = str(ns, "protocol");
    return p !== "" && p.toLowerCase() !== "do53";
  });
}
