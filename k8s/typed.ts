// What a round trip through the Kubernetes Go API types does to a workload document, for the
// kinds `inject serviceaccount` patches (Pod, Deployment, StatefulSet, DaemonSet, Job, CronJob):
// talosctl converts the document into the typed object and writes it back with client-go's JSON
// serializer, so
// - fields that are not `omitempty`, and structs (never omitted), are written even when absent:
//   `status: {}`, `strategy: {}`, `resources: {}` in every container, `metadata: {}` in templates,
//   the DaemonSet and StatefulSet status counters;
// - nil pointers, empty lists and empty maps are left out; a null creationTimestamp goes;
// - quantities are rewritten in canonical form (quantity.ts);
// - unknown fields are dropped where the object's outer structure (object, metadata, templates)
//   is modelled here;
// - a document that does not fit the type (a list where a struct goes, a bad quantity) is not a
//   workload: null is returned and the document passes through unchanged.
//
// The model covers the outer structure and the fields that carry the rules above; anything
// deeper keeps its content, minus nulls and empty lists.

import type { JsonObject, JsonValue } from "../goyaml/mod.ts";
import { normalizeQuantity, QuantityError } from "./quantity.ts";

type Obj = JsonObject;

class Mismatch extends Error {}

type Type =
  | { k: "struct"; fields: Record<string, Field>; strict?: boolean }
  | { k: "list"; of: Type }
  | { k: "map" }
  | { k: "qmap" }
  | { k: "quantity" }
  | { k: "string" }
  | { k: "int" }
  | { k: "time" }
  | { k: "any" };

interface Field {
  t: Type;
  /** Written when absent (a struct, or a field without omitempty): its zero value. */
  always?: boolean;
}

const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

const f = (t: Type, always = false): Field => ({ t, always });
const struct = (fields: Record<string, Field>, strict = false): Type => ({
  k: "struct",
  fields,
  strict,
});
const list = (of: Type): Type => ({ k: "list", of });
const ANY: Type = { k: "any" };
const STRING: Type = { k: "string" };
const INT: Type = { k: "int" };
const MAP: Type = { k: "map" };
const QMAP: Type = { k: "qmap" };

/** Keys that hold Go maps in the parts of a pod spec not modelled field by field. */
const MAP_KEYS = new Set([
  "labels",
  "annotations",
  "nodeSelector",
  "matchLabels",
  "limits",
  "requests",
  "overhead",
  "volumeAttributes",
]);

const objectMeta = struct({
  name: f(STRING),
  generateName: f(STRING),
  namespace: f(STRING),
  selfLink: f(STRING),
  uid: f(STRING),
  resourceVersion: f(STRING),
  generation: f(INT),
  creationTimestamp: f({ k: "time" }),
  deletionTimestamp: f({ k: "time" }),
  deletionGracePeriodSeconds: f(ANY),
  labels: f(MAP),
  annotations: f(MAP),
  ownerReferences: f(list(ANY)),
  finalizers: f(list(STRING)),
  managedFields: f(list(ANY)),
}, true);

const resources = struct({ limits: f(QMAP), requests: f(QMAP), claims: f(list(ANY)) });

const container = struct({
  name: f(STRING, true),
  image: f(STRING),
  resources: f(resources, true),
  ports: f(list(struct({ containerPort: f(INT, true), name: f(STRING) }))),
  volumeMounts: f(list(struct({ name: f(STRING, true), mountPath: f(STRING, true) }))),
  env: f(list(struct({ name: f(STRING, true), value: f(STRING) }))),
});

const volume = struct({
  name: f(STRING, true),
  emptyDir: f(struct({ sizeLimit: f({ k: "quantity" }) })),
});

const podSpec = struct({
  containers: f(list(container), true),
  initContainers: f(list(container)),
  ephemeralContainers: f(list(ANY)),
  volumes: f(list(volume)),
  nodeSelector: f(MAP),
  overhead: f(QMAP),
  resources: f(struct({ limits: f(QMAP), requests: f(QMAP), claims: f(list(ANY)) })),
});

const podTemplate = struct({ metadata: f(objectMeta, true), spec: f(podSpec, true) }, true);

const emptyStruct = struct({});

const pvc = struct({
  apiVersion: f(STRING),
  kind: f(STRING),
  metadata: f(objectMeta, true),
  spec: f(
    struct({
      resources: f(struct({ limits: f(QMAP), requests: f(QMAP) }), true),
    }),
    true,
  ),
  status: f(emptyStruct, true),
}, true);

const top = (spec: Type, status: Type = emptyStruct): Type =>
  struct({
    apiVersion: f(STRING),
    kind: f(STRING),
    metadata: f(objectMeta, true),
    spec: f(spec, true),
    status: f(status, true),
  }, true);

const counters = (...names: string[]): Type =>
  struct(Object.fromEntries(names.map((n) => [n, f(INT, true)])));

const jobSpec = struct({ template: f(podTemplate, true) });

const KINDS: Record<string, Type> = {
  "v1/Pod": top(podSpec),
  "apps/v1/Deployment": top(
    struct({ template: f(podTemplate, true), strategy: f(emptyStruct, true) }),
  ),
  "apps/v1/DaemonSet": top(
    struct({ template: f(podTemplate, true), updateStrategy: f(emptyStruct, true) }),
    counters(
      "currentNumberScheduled",
      "numberMisscheduled",
      "desiredNumberScheduled",
      "numberReady",
    ),
  ),
  "apps/v1/StatefulSet": top(
    struct({
      template: f(podTemplate, true),
      updateStrategy: f(emptyStruct, true),
      volumeClaimTemplates: f(list(pvc)),
    }),
    counters("replicas", "availableReplicas"),
  ),
  "batch/v1/Job": top(jobSpec),
  "batch/v1/CronJob": top(
    struct({
      schedule: f(STRING, true),
      jobTemplate: f(struct({ metadata: f(objectMeta, true), spec: f(jobSpec, true) }, true), true),
    }),
  ),
};

function zero(t: Type): JsonValue {
  switch (t.k) {
    case "struct":
      return normalize({}, t) ?? {};
    case "list":
      return [];
    case "string":
      return "";
    case "int":
      return 0;
    default:
      return null;
  }
}

/** Required (not `omitempty`) string fields of the pod spec's deeper structs. */
const REQUIRED_STRINGS = new Set([
  "name",
  "key",
  "path",
  "mountPath",
  "devicePath",
  "topologyKey",
  "fieldPath",
  "resource",
  "operator",
  "whenUnsatisfiable",
]);
/** `omitempty` bools that are not pointers: false is not written. */
const PLAIN_BOOLS = new Set([
  "hostNetwork",
  "hostPID",
  "hostIPC",
  "stdin",
  "stdinOnce",
  "tty",
  "readOnly",
  "paused",
]);
/** `omitempty` integers that are not pointers: 0 is not written. */
const PLAIN_INTS = new Set([
  "hostPort",
  "minReadySeconds",
  "initialDelaySeconds",
  "timeoutSeconds",
  "periodSeconds",
  "successThreshold",
  "failureThreshold",
]);

/** True when the Go type leaves a field of this name and value out. */
function omitted(key: string, v: JsonValue): boolean {
  if (v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isObj(v)) return MAP_KEYS.has(key) && Object.keys(v).length === 0;
  if (v === "") return !REQUIRED_STRINGS.has(key);
  if (v === false) return PLAIN_BOOLS.has(key);
  if (v === 0) return PLAIN_INTS.has(key);
  return false;
}

/** Content outside the model, without the fields its Go type would leave out. */
function generic(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(generic);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, child] of Object.entries(v)) {
    const g = generic(child);
    if (!omitted(k, g)) out[k] = g;
  }
  return out;
}

/** The value as its Go type writes it back; undefined when the field is left out. */
function normalize(v: JsonValue, t: Type): JsonValue | undefined {
  switch (t.k) {
    case "any":
      return v === null ? undefined : generic(v);
    case "string":
      if (v === null) return undefined;
      if (typeof v !== "string") throw new Mismatch();
      return v === "" ? undefined : v;
    case "int":
      if (v === null) return undefined;
      if (typeof v !== "number" || !Number.isInteger(v)) throw new Mismatch();
      return v === 0 ? undefined : v;
    case "time":
      // metav1.Time: a null or empty time is the zero time, which is not written.
      if (v === null || v === "") return undefined;
      if (typeof v !== "string") throw new Mismatch();
      return v;
    case "quantity":
      if (v === null) return undefined;
      return normalizeQuantity(v);
    case "map":
    case "qmap": {
      if (v === null) return undefined;
      if (!isObj(v)) throw new Mismatch();
      if (Object.keys(v).length === 0) return undefined;
      if (t.k === "map") return generic(v);
      const out: Obj = {};
      for (const [k, q] of Object.entries(v)) out[k] = normalizeQuantity(q);
      return out;
    }
    case "list": {
      if (v === null) return undefined;
      if (!Array.isArray(v)) throw new Mismatch();
      if (v.length === 0) return undefined;
      return v.map((item) => normalize(item, t.of) ?? zero(t.of));
    }
    case "struct": {
      if (v === null) v = {};
      if (!isObj(v)) throw new Mismatch();
      const out: Obj = {};
      for (const [k, child] of Object.entries(v)) {
        const field = t.fields[k];
        if (!field) {
          if (t.strict) continue;
          const g = generic(child);
          if (!omitted(k, g)) out[k] = g;
          continue;
        }
        const n = normalize(child, field.t);
        if (n !== undefined) out[k] = n;
      }
      for (const [k, field] of Object.entries(t.fields)) {
        if (field.always && !(k in out)) out[k] = zero(field.t);
      }
      return out;
    }
  }
}

/**
 * The document as the Go type of `apiVersionKind` writes it back, or null when it does not fit
 * the type. `apiVersionKind` must be one of the supported workload kinds.
 */
export function typedWorkload(apiVersionKind: string, doc: Obj): Obj | null {
  const t = KINDS[apiVersionKind];
  if (!t) return null;
  try {
    return normalize(doc, t) as Obj;
  } catch (e) {
    if (e instanceof Mismatch || e instanceof QuantityError) return null;
    throw e;
  }
}

/** The workload kinds ("apiVersion/kind") that carry a pod template. */
export const WORKLOAD_KINDS = Object.keys(KINDS);
