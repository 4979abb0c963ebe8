// A simulated node's COSI resources: the store the State service (Get/List/Watch) reads and
// other handlers (ApplyConfiguration, Upgrade, ...) change. Specs are kept as YAML text, the
// form Talos sends in `yaml_spec`. Every change bumps the version and wakes watchers.

import { parse } from "yaml";
import { emitDocument, scalar, TALOS_YAML } from "../../goyaml/mod.ts";
import type { SimNode } from "./node.ts";

export interface SimResource {
  namespace: string;
  type: string;
  id: string;
  /** Incremented on every update, starting at 1. */
  version: number;
  phase: "running" | "tearingDown";
  owner: string;
  created: Date;
  updated: Date;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  finalizers: string[];
  /** The spec as YAML text. */
  spec: string;
}

export type ResourceEvent =
  | { type: "created"; resource: SimResource }
  | { type: "updated"; resource: SimResource; old: SimResource }
  | { type: "destroyed"; resource: SimResource };

export type ResourceWatcher = (e: ResourceEvent) => void;

/** The store of one node, created on first use. */
export interface ResourceStore {
  items: Map<string, SimResource>;
  watchers: Set<ResourceWatcher>;
}

const stores = new WeakMap<SimNode, ResourceStore>();

export function resourceStore(node: SimNode): ResourceStore {
  let s = stores.get(node);
  if (!s) {
    s = { items: new Map(), watchers: new Set() };
    stores.set(node, s);
  }
  return s;
}

const key = (ns: string, type: string, id: string) => `${ns}\u0000${type}\u0000${id}`;

export function getResource(
  node: SimNode,
  ns: string,
  type: string,
  id: string,
): SimResource | undefined {
  return resourceStore(node).items.get(key(ns, type, id));
}

/** Resources of a type in a namespace, sorted by id (as COSI lists them). */
export function listResources(node: SimNode, ns: string, type: string): SimResource[] {
  return [...resourceStore(node).items.values()]
    .filter((r) => r.namespace === ns && r.type === type)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Creates or updates a resource (spec as YAML text) and notifies watchers. */
export function putResource(
  node: SimNode,
  ns: string,
  type: string,
  id: string,
  spec: string,
  meta: Partial<Pick<SimResource, "owner" | "labels" | "annotations" | "phase">> = {},
  now = new Date(),
): SimResource {
  const store = resourceStore(node);
  const k = key(ns, type, id);
  const old = store.items.get(k);
  const r: SimResource = {
    namespace: ns,
    type,
    id,
    version: (old?.version ?? 0) + 1,
    phase: meta.phase ?? old?.phase ?? "running",
    owner: meta.owner ?? old?.owner ?? "",
    created: old?.created ?? now,
    updated: now,
    labels: meta.labels ?? old?.labels ?? {},
    annotations: meta.annotations ?? old?.annotations ?? {},
    finalizers: old?.finalizers ?? [],
    spec,
  };
  store.items.set(k, r);
  const e: ResourceEvent = old
    ? { type: "updated", resource: r, old }
    : { type: "created", resource: r };
  for (const w of store.watchers) w(e);
  return r;
}

export function deleteResource(node: SimNode, ns: string, type: string, id: string): boolean {
  const store = resourceStore(node);
  const k = key(ns, type, id);
  const r = store.items.get(k);
  if (!r) return false;
  store.items.delete(k);
  for (const w of store.watchers) w({ type: "destroyed", resource: r });
  return true;
}

export const MACHINE_CONFIG_TYPE = "MachineConfigs.config.talos.dev";

/** Talos marks MachineConfig resources whose spec is the config text as one YAML string. */
export const YAML_SPEC_ANNOTATION = "talos.dev/yaml-spec";

/**
 * The node's machine config (the bytes as they were applied), or undefined before one was.
 * `id`: "v1alpha1" is the active config, "persistent" the one saved for the next boot.
 */
export function machineConfigOf(node: SimNode, id = "v1alpha1"): string | undefined {
  const r = getResource(node, "config", MACHINE_CONFIG_TYPE, id);
  if (!r) return undefined;
  const text = parse(r.spec);
  return typeof text === "string" ? text : r.spec;
}

/**
 * Replaces the node's machine config (the MachineConfig resource `id`, by default the active
 * one). As Talos does, the spec on the wire is the config text as a single YAML string (a
 * literal block), and the resource carries the `talos.dev/yaml-spec` annotation.
 */
export function setMachineConfig(
  node: SimNode,
  yaml: string,
  now = new Date(),
  id = "v1alpha1",
): void {
  const spec = emitDocument(scalar(yaml), TALOS_YAML);
  putResource(node, "config", MACHINE_CONFIG_TYPE, id, spec, {
    annotations: { [YAML_SPEC_ANNOTATION]: "1" },
  }, now);
}
