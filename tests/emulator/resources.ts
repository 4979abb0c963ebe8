// A simulated node's COSI resources: the store the State service (Get/List/Watch) reads and
// other handlers (ApplyConfiguration, Upgrade, ...) change. Specs are kept as YAML text, the
// form Talos sends in `yaml_spec`. Every change bumps the version and wakes watchers.

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
  /** The spec's protobuf encoding (`proto_spec`), where the emulator knows the message. */
  protoSpec?: Uint8Array;
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
  /** Recent changes, oldest first (what `tail_events` watches replay), at most HISTORY_MAX. */
  history: ResourceEvent[];
  /** How many changes were ever published: the position (bookmark) of the next one. */
  published: number;
}

/** How many past events a node keeps (Talos keeps up to 1024 per resource type). */
export const HISTORY_MAX = 4096;

const stores = new WeakMap<SimNode, ResourceStore>();

export function resourceStore(node: SimNode): ResourceStore {
  let s = stores.get(node);
  if (!s) {
    s = { items: new Map(), watchers: new Set(), history: [], published: 0 };
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
  meta: Partial<
    Pick<SimResource, "owner" | "labels" | "annotations" | "phase" | "finalizers" | "protoSpec">
  > = {},
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
    finalizers: meta.finalizers ?? old?.finalizers ?? [],
    spec,
    ...(meta.protoSpec ? { protoSpec: meta.protoSpec } : {}),
  };
  store.items.set(k, r);
  const e: ResourceEvent = old
    ? { type: "updated", resource: r, old }
    : { type: "created", resource: r };
  publish(store, e);
  return r;
}

export function deleteResource(node: SimNode, ns: string, type: string, id: string): boolean {
  const store = resourceStore(node);
  const k = key(ns, type, id);
  const r = store.items.get(k);
  if (!r) return false;
  store.items.delete(k);
  publish(store, { type: "destroyed", resource: r });
  return true;
}

function publish(store: ResourceStore, e: ResourceEvent): void {
  store.published++;
  store.history.push(e);
  if (store.history.length > HISTORY_MAX) {
    store.history.splice(0, store.history.length - HISTORY_MAX);
  }
  for (const w of store.watchers) w(e);
}

export const MACHINE_CONFIG_TYPE = "MachineConfigs.config.talos.dev";

/**
 * The node's machine config (the bytes as they were applied), or undefined before one was.
 * `id`: "v1alpha1" is the active config, "persistent" the one saved for the next boot.
 */
export function machineConfigOf(node: SimNode, id = "v1alpha1"): string | undefined {
  return getResource(node, "config", MACHINE_CONFIG_TYPE, id)?.spec;
}

/**
 * Replaces the node's machine config (the MachineConfig resource `id`, by default the active one,
 * `v1alpha1`). For this type `spec` holds the config text itself; the State service sends it as
 * Talos does, as a YAML string (`yaml_spec: "|\n    version: v1alpha1..."`) with the
 * `talos.dev/yaml-spec` annotation.
 */
export function setMachineConfig(
  node: SimNode,
  yaml: string,
  now = new Date(),
  id = "v1alpha1",
): void {
  putResource(node, "config", MACHINE_CONFIG_TYPE, id, yaml, {
    annotations: { "talos.dev/yaml-spec": "1" },
  }, now);
}
