// A server-side apply manager with an inventory, as go-kubernetes' ssa.Manager over fluxcd's
// ResourceManager: objects are stamped with the inventory's owning-inventory annotation,
// compared with a dry-run apply (created / configured with a diff / unchanged; the inventory
// policy decides whether an object owned elsewhere may be taken over), applied in stages (CRDs,
// Namespaces, ClusterRoles first and waited for, then classes, then the custom-stage kinds, then
// the rest; an immutable-field refusal recreates the object when forced), recorded in the
// inventory, and objects the inventory lists but the manifests no longer do are pruned.

import { isNotFound, K8sApiError, type K8sClient, type K8sObject } from "./client.ts";
import { Inventory } from "./inventory.ts";
import {
  manifestDiff,
  type ObjMeta,
  objMeta,
  pathWithGV,
  sameMeta,
  semanticEqual,
  subject,
} from "./objects.ts";
import { NoKindMatchError, resourcePath, type RestMapper } from "./restmapper.ts";
import { isRetryable } from "./client.ts";
import { retryConstant, unwrapRetry } from "./retry.ts";
import { compareForApply, getObject, stageOf, waitForSet } from "./ssa_wait.ts";
import { sleep } from "../wait/mod.ts";

export const INVENTORY_ANNOTATION = "config.k8s.io/owning-inventory";

export type InventoryPolicy = "MustMatch" | "AdoptIfNoInventory" | "AdoptAll";
export type Action = "created" | "configured" | "unchanged" | "deleted" | "skipped" | "unknown";
export type DiffAction = "created" | "configured" | "unchanged" | "Pruned";

export interface Change {
  meta: ObjMeta;
  groupVersion: string;
  subject: string;
  action: Action;
  diff: string;
}

export interface DiffResult {
  action: DiffAction;
  diff: string;
  meta: ObjMeta;
  subject: string;
}

/** The policy named by a flag value; throws upstream's refusal otherwise. */
export function parseInventoryPolicy(s: string): InventoryPolicy {
  if (s === "MustMatch" || s === "AdoptIfNoInventory" || s === "AdoptAll") return s;
  throw new Error(
    `invalid inventory policy ${
      JSON.stringify(s)
    }: must be one of MustMatch, AdoptIfNoInventory, or AdoptAll`,
  );
}

export interface ManagerOptions {
  fieldManager: string;
  inventoryNamespace: string;
  inventoryName: string;
  /** Overrides every poll and retry interval (tests); upstream's own otherwise. */
  intervalMs?: number;
  signal?: AbortSignal;
}

export interface ApplyOptions {
  policy: InventoryPolicy;
  force: boolean;
  noPrune: boolean;
  /** Timeout of the waits between stages (0: a minute). */
  waitTimeoutMs: number;
  /** "Kind" or "Kind.group": applied in a stage of their own before the rest. */
  customStageKinds: Set<string>;
}

function checkPolicy(invId: string, obj: K8sObject, policy: InventoryPolicy): void {
  const annotations = obj.metadata?.annotations ?? {};
  const found = Object.hasOwn(annotations, INVENTORY_ANNOTATION);
  const value = found ? annotations[INVENTORY_ANNOTATION] : "";
  const status = value === invId ? "Match" : found ? "NoMatch" : "Empty";
  if (status === "Match") return;
  if (status === "Empty" && policy !== "MustMatch") return;
  if (status === "NoMatch" && policy === "AdoptAll") return;
  throw new Error(
    `inventory policy prevented actuation (status: ${status}, policy: ${policy})`,
  );
}

const policyFailure = (obj: K8sObject, e: Error) =>
  new Error(`inventory policy check failure for object ${pathWithGV(obj)}, ${e.message}`);

/** fluxcd's immutability test: Conflict or Invalid answers, or texts that say so. */
function isImmutable(e: unknown): boolean {
  if (e instanceof K8sApiError && (e.status === 409 || e.status === 422)) return true;
  const msg = e instanceof Error ? e.message : String(e);
  return /is\simmutable/.test(msg) || /immutable\sfield/.test(msg);
}

/** fluxcd's DryRunErr text. */
function dryRunError(e: unknown, obj: K8sObject): Error {
  const sub = subject(objMeta(obj));
  const err = e as Error;
  if (isNotFound(e)) {
    return new Error(
      obj.metadata?.namespace
        ? `${sub} not found: ${err.message}`
        : `${sub} namespace not specified: ${err.message}`,
    );
  }
  const reason = e instanceof K8sApiError && e.reason ? ` (${e.reason})` : "";
  return Object.assign(new Error(`${sub} dry-run failed${reason}: ${err.message}`), { cause: e });
}

function hasDrifted(live: K8sObject | undefined, dry: K8sObject): boolean {
  if (!dry.metadata?.resourceVersion || !live) return true;
  if (!semanticEqual(dry.metadata?.labels, live.metadata?.labels)) return true;
  if (!semanticEqual(dry.metadata?.annotations, live.metadata?.annotations)) return true;
  const strip = (o: K8sObject) => {
    const { metadata: _m, status: _s, ...rest } = o;
    return rest;
  };
  return !semanticEqual(strip(dry), strip(live));
}

const withoutManagedFields = (o: K8sObject) => {
  const c = structuredClone(o);
  if (c.metadata) delete c.metadata.managedFields;
  return c;
};

/** fluxcd's SanitizeUnstructuredData: a Secret's values never reach a configured diff. */
function maskSecretData(before: K8sObject, after: K8sObject): void {
  const a = before.data, b = after.data;
  for (const k of Object.keys(a ?? {})) {
    if (b && Object.hasOwn(b, k)) {
      if (a[k] !== b[k]) {
        a[k] = "*** (before)";
        b[k] = "*** (after)";
        continue;
      }
      b[k] = "***";
    }
    a[k] = "***";
  }
  for (const k of Object.keys(b ?? {})) if (!a || !Object.hasOwn(a, k)) b[k] = "***";
}

export class SsaManager {
  constructor(
    readonly client: K8sClient,
    readonly mapper: RestMapper,
    readonly o: ManagerOptions,
  ) {}

  #interval(dflt: number): number {
    return this.o.intervalMs ?? dflt;
  }

  inventory(): Promise<Inventory> {
    return Inventory.load(
      this.client,
      this.o.inventoryNamespace,
      this.o.inventoryName,
      this.o.signal,
    );
  }

  async #path(obj: K8sObject): Promise<string> {
    const [group, version] = String(obj.apiVersion).includes("/")
      ? String(obj.apiVersion).split("/")
      : ["", String(obj.apiVersion)];
    const m = await this.mapper.mapping(group, String(obj.kind), version);
    return resourcePath(m, obj.metadata?.namespace ?? "", obj.metadata?.name);
  }

  async #get(obj: K8sObject): Promise<K8sObject | undefined> {
    try {
      return await this.client.get(await this.#path(obj), { signal: this.o.signal });
    } catch {
      return undefined;
    }
  }

  /** PATCH application/apply-patch+yaml, ownership forced; `dryRun` stores nothing. */
  async #apply(obj: K8sObject, dryRun: boolean): Promise<K8sObject> {
    return await this.client.request("PATCH", await this.#path(obj), {
      query: {
        fieldManager: this.o.fieldManager,
        force: "true",
        dryRun: dryRun ? "All" : undefined,
      },
      contentType: "application/apply-patch+yaml",
      body: obj,
      signal: this.o.signal,
    });
  }

  /** Stamps the inventory annotation on every object. */
  #prepare(objects: K8sObject[], invId: string): void {
    for (const obj of objects) {
      obj.metadata ??= {};
      const annotations = obj.metadata.annotations ??= {};
      const cur = annotations[INVENTORY_ANNOTATION];
      if (cur !== undefined && cur !== invId) {
        throw new Error(`object ${pathWithGV(obj)} already has an inventory annotation`);
      }
      annotations[INVENTORY_ANNOTATION] = invId;
    }
  }

  /** fluxcd's ResourceManager.Diff for one object. */
  async #resourceDiff(obj: K8sObject, force: boolean) {
    const live = await this.#get(obj);
    let dry: K8sObject;
    try {
      dry = await this.#apply(structuredClone(obj), true);
    } catch (e) {
      if (force && isImmutable(e)) return { action: "created" as const, live, dry: undefined };
      throw Object.assign(dryRunError(e, obj), { inner: e });
    }
    if (!dry.metadata?.resourceVersion) return { action: "created" as const, live, dry };
    if (hasDrifted(live, dry)) {
      const a = withoutManagedFields(live!), b = withoutManagedFields(dry);
      if (String(b.kind).toLowerCase() === "secret" && b.apiVersion === "v1") maskSecretData(a, b);
      return { action: "configured" as const, live: a, dry: b };
    }
    return { action: "unchanged" as const, live, dry };
  }

  /** go-kubernetes' Manager.diff: the action and the diff text of one object. */
  async #diff(obj: K8sObject, force: boolean, policy: InventoryPolicy, invId: string) {
    let r;
    try {
      r = await retryConstant({
        timeoutMs: 30_000,
        intervalMs: this.#interval(5000),
        retryable: isRetryable,
        signal: this.o.signal,
      }, () => this.#resourceDiff(obj, force));
    } catch (e) {
      const inner = (unwrapRetry(e) as { inner?: unknown }).inner;
      const missing = isNotFound(inner) || inner instanceof NoKindMatchError ||
        (e as Error).message.includes("not found");
      if (!missing) {
        throw new Error(
          `apply dry run failed for ${subject(objMeta(obj))}: ${(e as Error).message}`,
        );
      }
      r = { action: "created" as const, live: undefined, dry: undefined };
    }
    let diff = "";
    if (r.action === "created") diff = manifestDiff(undefined, obj);
    if (r.action === "configured") {
      diff = manifestDiff(r.live, r.dry);
      try {
        checkPolicy(invId, r.live!, policy);
      } catch (e) {
        throw policyFailure(obj, e as Error);
      }
    }
    return { action: r.action, diff };
  }

  /** The changes an apply would make, without making them (pruned objects first). */
  async diff(
    objects: K8sObject[],
    o: { policy: InventoryPolicy; noPrune: boolean; force: boolean },
  ): Promise<DiffResult[]> {
    const inv = await this.inventory();
    this.#prepare(objects, inv.id);
    const out: DiffResult[] = [];
    if (!o.noPrune) {
      for (const m of pruneCandidates(inv.contents, objects)) {
        let live: K8sObject;
        try {
          live = await getObject(this.client, this.mapper, m, this.o.signal);
        } catch (e) {
          if (isNotFound(e) || e instanceof NoKindMatchError) continue;
          throw new Error(`failed to get object ${subject(m)}, ${(e as Error).message}`);
        }
        try {
          checkPolicy(inv.id, live, o.policy);
        } catch (e) {
          throw policyFailure(live, e as Error);
        }
        out.push({
          action: "Pruned",
          diff: manifestDiff(withoutManagedFields(live), undefined),
          meta: objMeta(live),
          subject: subject(objMeta(live)),
        });
      }
    }
    for (const obj of objects) {
      const r = await this.#diff(obj, o.force, o.policy, inv.id);
      out.push({
        action: r.action,
        diff: r.diff,
        meta: objMeta(obj),
        subject: subject(objMeta(obj)),
      });
    }
    return out;
  }

  /** fluxcd's ApplyAll over one stage: dry-run every object, then apply the drifted ones. */
  async #applyAll(objects: K8sObject[], force: boolean): Promise<Change[]> {
    const sorted = [...objects].sort(compareForApply);
    const changes: Change[] = [];
    const toApply: K8sObject[] = [];
    for (const obj of sorted) {
      let live = await this.#get(obj);
      let dry: K8sObject;
      try {
        dry = await this.#apply(structuredClone(obj), true);
      } catch (e) {
        if (!live || !(force && isImmutable(e))) throw dryRunError(e, obj);
        await this.#recreate(obj);
        live = undefined;
        try {
          dry = await this.#apply(structuredClone(obj), true);
        } catch (e) {
          throw dryRunError(e, obj);
        }
      }
      const m = objMeta(dry);
      const entry = (action: Action): Change => ({
        meta: m,
        groupVersion: String(dry.apiVersion ?? obj.apiVersion),
        subject: subject(m),
        action,
        diff: "",
      });
      if (hasDrifted(live, dry)) {
        toApply.push(obj);
        changes.push(entry(dry.metadata?.resourceVersion ? "configured" : "created"));
      } else changes.push(entry("unchanged"));
    }
    for (const obj of toApply) {
      try {
        await this.#apply(structuredClone(obj), false);
      } catch (e) {
        throw new Error(`${subject(objMeta(obj))} apply failed: ${(e as Error).message}`);
      }
    }
    return changes;
  }

  /** Deletes an object whose immutable fields changed and waits until it is gone. */
  async #recreate(obj: K8sObject): Promise<void> {
    const path = await this.#path(obj);
    try {
      await this.client.request("DELETE", path, {
        body: { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Background" },
        signal: this.o.signal,
      });
    } catch (e) {
      if (!isNotFound(e)) {
        throw new Error(
          `${subject(objMeta(obj))} immutable field detected, failed to delete object: ${
            (e as Error).message
          }`,
        );
      }
    }
    for (;;) {
      try {
        await this.client.get(path, { signal: this.o.signal });
      } catch (e) {
        if (isNotFound(e)) return;
        throw new Error(
          `${
            subject(objMeta(obj))
          } immutable field detected, failed to wait for object to be deleted: ${
            (e as Error).message
          }`,
        );
      }
      await sleep(this.#interval(2000), this.o.signal);
    }
  }

  /** fluxcd's ApplyAllStaged. */
  async #applyStaged(objects: K8sObject[], o: ApplyOptions, out: Change[]): Promise<void> {
    const stages: K8sObject[][] = [[], [], [], []];
    for (const obj of objects) stages[stageOf(obj, o.customStageKinds)].push(obj);
    const add = (cs: Change[]) => {
      for (const c of cs) if (!out.some((x) => x.subject === c.subject)) out.push(c);
    };
    for (const [i, stage] of stages.entries()) {
      if (stage.length === 0 && i < 3) continue;
      const cs = await this.#applyAll(stage, o.force);
      add(cs);
      if (i < 2) {
        await waitForSet(this.client, this.mapper, cs.map((c) => c.meta), {
          intervalMs: this.#interval(2000),
          timeoutMs: o.waitTimeoutMs || 60_000,
        });
      }
    }
  }

  /** Applies the objects, records them in the inventory and prunes what it no longer lists. */
  async apply(objects: K8sObject[], o: ApplyOptions): Promise<Change[]> {
    let inv: Inventory;
    try {
      inv = await this.inventory();
    } catch (e) {
      throw new Error(`failed to get inventory, ${(e as Error).message}`);
    }
    try {
      this.#prepare(objects, inv.id);
    } catch (e) {
      throw new Error(`failed to prepare objects for apply, ${(e as Error).message}`);
    }
    const diffs: { meta: ObjMeta; diff: string }[] = [];
    for (const obj of objects) {
      try {
        const r = await this.#diff(obj, o.force, o.policy, inv.id);
        diffs.push({ meta: objMeta(obj), diff: r.diff });
      } catch (e) {
        throw new Error(`failed to diff object ${pathWithGV(obj)}, ${(e as Error).message}`);
      }
    }
    if (objects.some((x) => objMeta(x).kind === "CustomResourceDefinition")) this.mapper.reset();
    const entries: Change[] = [];
    let applyErr: Error | undefined;
    try {
      await retryConstant({
        timeoutMs: 180_000,
        intervalMs: this.#interval(10_000),
        retryable: isRetryable,
        signal: this.o.signal,
      }, () => this.#applyStaged(objects, o, entries));
    } catch (e) {
      applyErr = e as Error;
    }
    const changes: Change[] = [];
    const errors: Error[] = applyErr ? [applyErr] : [];
    for (const e of entries) {
      const d = diffs.find((x) => sameMeta(x.meta, e.meta)) ??
        (e.meta.namespace === ""
          ? diffs.find((x) =>
            x.meta.group === e.meta.group && x.meta.kind === e.meta.kind &&
            x.meta.name === e.meta.name
          )
          : undefined);
      if (!d && e.meta.namespace !== "") {
        errors.push(
          new Error(`resourceManager returned "${e.action}" for unexpected object ${e.subject}`),
        );
      }
      changes.push({ ...e, diff: d?.diff ?? "" });
      if (!inv.has(e.meta)) inv.contents.push(e.meta);
    }
    try {
      await inv.write();
    } catch (e) {
      errors.push(e as Error);
    }
    if (errors.length > 0) throw new Error(errors.map((e) => e.message).join("\n"));
    if (o.noPrune) return changes;
    const pruneErrors: Error[] = [];
    for (const m of pruneCandidates(inv.contents, objects)) {
      let live: K8sObject;
      try {
        live = await getObject(this.client, this.mapper, m, this.o.signal);
      } catch (e) {
        if (isNotFound(e)) {
          inv.contents = inv.contents.filter((c) => !sameMeta(c, m));
          continue;
        }
        throw new Error(`failed to get object ${subject(m)}, ${(e as Error).message}`);
      }
      try {
        checkPolicy(inv.id, live, o.policy);
      } catch (e) {
        throw policyFailure(live, e as Error);
      }
      try {
        await this.client.request("DELETE", await this.#path(live), {
          body: { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Background" },
          signal: this.o.signal,
        });
      } catch (e) {
        if (!isNotFound(e)) {
          pruneErrors.push(new Error(`${subject(m)} delete failed: ${(e as Error).message}`));
          continue;
        }
      }
      inv.contents = inv.contents.filter((c) => !sameMeta(c, m));
      changes.push({
        meta: objMeta(live),
        groupVersion: String(live.apiVersion),
        subject: subject(objMeta(live)),
        action: "deleted",
        diff: manifestDiff(withoutManagedFields(live), undefined),
      });
    }
    try {
      await inv.write();
    } catch (e) {
      pruneErrors.push(e as Error);
    }
    if (pruneErrors.length > 0) throw new Error(pruneErrors.map((e) => e.message).join("\n"));
    return changes;
  }

  /** go-kubernetes' Manager.Wait: waitForSet inside a retry of the same timeout. */
  async wait(set: ObjMeta[], o: { intervalMs: number; timeoutMs: number; failFast: boolean }) {
    await retryConstant({
      timeoutMs: o.timeoutMs,
      intervalMs: o.intervalMs,
      retryable: isRetryable,
      signal: this.o.signal,
    }, () => waitForSet(this.client, this.mapper, set, { ...o, signal: this.o.signal }));
  }
}

/** Inventory entries the objects no longer list (a cluster-scoped entry ignores namespaces). */
function pruneCandidates(inventory: ObjMeta[], objects: K8sObject[]): ObjMeta[] {
  return inventory.filter((ref) =>
    !objects.some((obj) => {
      const m = objMeta(obj);
      return m.kind === ref.kind && m.group === ref.group && m.name === ref.name &&
        (m.namespace === ref.namespace || ref.namespace === "");
    })
  );
}
