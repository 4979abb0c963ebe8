// The COSI State service (`/cosi.resource.State/*`) over each node's resource store, with
// Talos's access policy in front of it (read verbs only, registered types only, sensitive types
// for os:admin only, registered namespaces only) and the COSI runtime's Get/List/Watch
// semantics: NotFound texts, the empty "watch ready" reply, bootstrap contents followed by
// BOOTSTRAPPED, tail events, and single-resource watches.

import { Code, ConnectError } from "@connectrpc/connect";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { State } from "../../gen/cosi/state_pb.ts";
import { EventType } from "../../gen/cosi/state_pb.ts";
import { LabelTerm_Operation } from "../../gen/cosi/resource_pb.ts";
import { goQuote } from "../../gofmt/mod.ts";
import type { Emulator, NodeCall } from "./server.ts";
import type { SimNode } from "./node.ts";
import {
  getResource,
  listResources,
  MACHINE_CONFIG_TYPE,
  type ResourceEvent,
  resourceStore,
  type SimResource,
} from "./resources.ts";
import { machineConfigProto, META_NAMESPACE, NAMESPACE_TYPE, RD_TYPE } from "./cosi_types.ts";
import { emitDocument, scalar } from "../../goyaml/mod.ts";
import { seedNode } from "./cosi_seed.ts";

// deno-lint-ignore no-explicit-any
type Init = any;

/** Talos keeps 1024 events per resource type with a gap of 4: tails are capped at this. */
const TAIL_MAX = 1020;
const GO_ZERO_TIME = new Date(Date.UTC(1, 0, 1));
GO_ZERO_TIME.setUTCFullYear(1);

function denied(msg: string): ConnectError {
  return new ConnectError(msg, Code.PermissionDenied);
}

/** Talos's filter on every State call (internal/app/resources AccessPolicy). */
function checkAccess(call: NodeCall, ns: string, type: string): void {
  const rd = getResource(call.node, META_NAMESPACE, RD_TYPE, type.toLowerCase());
  if (!rd) throw denied(`resource type ${goQuote(type)} is not supported`);
  if (/^sensitivity: sensitive$/m.test(rd.spec) && !call.roles.includes("os:admin")) {
    throw denied("not authorized");
  }
  if (!getResource(call.node, META_NAMESPACE, NAMESPACE_TYPE, ns)) {
    throw denied(`namespace ${goQuote(ns)} is not supported`);
  }
}

/** The resource as the State API sends it (metadata + yaml_spec/proto_spec). */
export function resourceMessage(r: SimResource): Init {
  let yamlSpec = r.spec, protoSpec = r.protoSpec ?? new Uint8Array();
  if (r.type === MACHINE_CONFIG_TYPE) {
    // The store keeps the config text; Talos marshals the spec as one YAML string.
    yamlSpec = emitDocument(scalar(r.spec), { flavor: "v4" });
    protoSpec = machineConfigProto(r.spec);
  }
  return {
    metadata: {
      namespace: r.namespace,
      type: r.type,
      id: r.id,
      version: String(r.version),
      owner: r.owner,
      phase: r.phase,
      created: timestampFromDate(r.created),
      updated: timestampFromDate(r.updated),
      finalizers: [...r.finalizers],
      labels: { ...r.labels },
      annotations: { ...r.annotations },
    },
    spec: { protoSpec, yamlSpec },
  };
}

/** A tombstone (no spec, version "undefined"), as BOOTSTRAPPED and missing-resource events carry. */
function tombstone(ns: string, type: string, id: string): Init {
  return {
    metadata: {
      namespace: ns,
      type,
      id,
      version: "undefined",
      owner: "",
      phase: "running",
      created: timestampFromDate(GO_ZERO_TIME),
      updated: timestampFromDate(GO_ZERO_TIME),
      finalizers: [],
      labels: {},
      annotations: {},
    },
    spec: {},
  };
}

function notFound(ns: string, type: string, id: string): ConnectError {
  return new ConnectError(`resource ${type}(${ns}/${id}@undefined) doesn't exist`, Code.NotFound);
}

type Query = { labelQuery?: Init[]; idQuery?: Init };

function termMatches(labels: Record<string, string>, term: Init): boolean {
  const has = Object.hasOwn(labels, term.key);
  const v = labels[term.key];
  const want: string[] = term.value ?? [];
  let ok: boolean;
  switch (term.op as LabelTerm_Operation) {
    case LabelTerm_Operation.EXISTS:
      ok = has;
      break;
    case LabelTerm_Operation.NOT_EXISTS:
      ok = !has;
      break;
    case LabelTerm_Operation.EQUAL:
      ok = has && v === want[0];
      break;
    case LabelTerm_Operation.IN:
      ok = has && want.includes(v);
      break;
    case LabelTerm_Operation.LT:
      ok = has && v < want[0];
      break;
    case LabelTerm_Operation.LTE:
      ok = has && v <= want[0];
      break;
    case LabelTerm_Operation.LT_NUMERIC:
      ok = has && Number(v) < Number(want[0]);
      break;
    case LabelTerm_Operation.LTE_NUMERIC:
      ok = has && Number(v) <= Number(want[0]);
      break;
    default:
      throw new ConnectError(`unsupported label query operator: ${term.op}`, Code.Unknown);
  }
  return term.invert ? !ok : ok;
}

function matcher(q: Query | undefined): (r: SimResource) => boolean {
  const re = q?.idQuery?.regexp ? new RegExp(q.idQuery.regexp) : undefined;
  const queries: Init[] = q?.labelQuery ?? [];
  return (r) =>
    (!re || re.test(r.id)) &&
    queries.every((lq) => (lq.terms ?? []).every((t: Init) => termMatches(r.labels, t)));
}

function eventMessage(e: ResourceEvent): Init {
  const eventType = e.type === "created"
    ? EventType.CREATED
    : e.type === "updated"
    ? EventType.UPDATED
    : EventType.DESTROYED;
  return {
    eventType,
    resource: resourceMessage(e.resource),
    ...(e.type === "updated" ? { old: resourceMessage(e.old) } : {}),
  };
}

/** Bookmarks: an 8-byte tag plus a position, as the in-memory state encodes them. */
const BOOKMARK_TAG = [0x65, 0x6d, 0x75, 0x6c, 0x61, 0x74, 0x6f, 0x72];
function bookmark(pos: number): Uint8Array {
  const b = new Uint8Array(16);
  b.set(BOOKMARK_TAG);
  new DataView(b.buffer).setBigInt64(8, BigInt(pos));
  return b;
}

/** The position a bookmark of ours names, or undefined for anything else. */
function bookmarkPos(b: Uint8Array): number | undefined {
  if (b.length !== 16 || BOOKMARK_TAG.some((x, i) => b[i] !== x)) return undefined;
  return Number(new DataView(b.buffer, b.byteOffset).getBigInt64(8));
}

async function* watch(req: Init, call: NodeCall): AsyncGenerator<Init> {
  const { node } = call;
  const ns: string = req.namespace, type: string = req.type;
  const opts = req.options ?? {};
  const single = req.id !== undefined;
  if (single) {
    if (opts.bootstrapContents) {
      throw new ConnectError(
        "bootstrap contents is not implemented for resource watch",
        Code.Unimplemented,
      );
    }
    if ((opts.labelQuery ?? []).length > 0) {
      throw new ConnectError(
        "label query is not implemented for resource watch",
        Code.Unimplemented,
      );
    }
  }
  const match = single ? (r: SimResource) => r.id === req.id : matcher(opts);
  checkAccess(call, ns, type);
  const store = resourceStore(node);
  // Resuming after a bookmark: the kept changes after it, then live ones (as inmem's state).
  let from: number | undefined;
  if (opts.startFromBookmark !== undefined) {
    if (opts.bootstrapContents) {
      throw new ConnectError(
        "cannot use BootstrapContents with TailEvents and StartFromBookmark options",
        Code.Unknown,
      );
    }
    const pos = bookmarkPos(opts.startFromBookmark);
    const oldest = store.published - store.history.length;
    if (
      pos === undefined || pos < (single ? 0 : -1) || pos >= store.published || pos + 1 < oldest
    ) {
      throw new ConnectError("invalid watch bookmark", Code.FailedPrecondition);
    }
    from = pos + 1;
  }
  const tail = Math.min(opts.tailEvents ?? 0, TAIL_MAX);
  if (!single && opts.bootstrapContents && tail > 0) {
    throw new ConnectError(
      "cannot use BootstrapContents with TailEvents and StartFromBookmark options",
      Code.Unknown,
    );
  }

  const ours = (e: ResourceEvent) =>
    e.resource.namespace === ns && e.resource.type === type && match(e.resource);
  const queue: Init[][] = [];
  let wake: (() => void) | undefined;
  // Every change carries its bookmark (its position), as Talos sends them.
  const watcher = (e: ResourceEvent) => {
    if (!ours(e)) return;
    queue.push([{ ...eventMessage(e), bookmark: bookmark(store.published - 1) }]);
    wake?.();
  };
  if (from !== undefined) {
    const oldest = store.published - store.history.length;
    store.history.forEach((e, i) => {
      if (oldest + i >= from && ours(e)) {
        queue.push([{ ...eventMessage(e), bookmark: bookmark(oldest + i) }]);
      }
    });
  }
  // Everything up to here is synchronous, so the snapshot below and the subscription agree.
  store.watchers.add(watcher);
  const onAbort = () => wake?.();
  call.signal.addEventListener("abort", onAbort);
  try {
    yield {}; // the watch is ready
    const first: Init[] = [];
    // (after a bookmark, the replayed changes are queued already)
    if (from === undefined && tail > 0) {
      const oldest = store.published - store.history.length;
      const past = store.history.map((e, i) => ({ e, pos: oldest + i })).filter(({ e }) =>
        e.resource.namespace === ns && e.resource.type === type &&
        (!single || e.resource.id === req.id)
      );
      for (const { e, pos } of past.slice(-tail)) {
        if (ours(e)) first.push({ ...eventMessage(e), bookmark: bookmark(pos) });
      }
    } else if (from === undefined && single) {
      const cur = getResource(node, ns, type, req.id);
      first.push(
        cur
          ? { eventType: EventType.CREATED, resource: resourceMessage(cur) }
          : { eventType: EventType.DESTROYED, resource: tombstone(ns, type, req.id) },
      );
    } else if (from === undefined && opts.bootstrapContents) {
      for (const r of listResources(node, ns, type).filter(match)) {
        first.push({ eventType: EventType.CREATED, resource: resourceMessage(r) });
      }
      if ((req.apiVersion ?? 0) >= 1) {
        first.push({
          eventType: EventType.BOOTSTRAPPED,
          resource: tombstone(ns, type, ""),
          bookmark: bookmark(store.published - 1),
        });
      }
    }
    if (opts.aggregated && first.length > 0) yield { event: first };
    else for (const ev of first) yield { event: [ev] };
    while (!call.signal.aborted) {
      if (queue.length === 0) {
        await new Promise<void>((r) => wake = r);
        wake = undefined;
        continue;
      }
      yield { event: queue.shift() };
    }
  } finally {
    store.watchers.delete(watcher);
    call.signal.removeEventListener("abort", onAbort);
  }
}

/** Registers the State service and seeds every node with its starting resources. */
export function registerCosiHandlers(emu: Emulator, opts: { maintenance?: boolean } = {}): void {
  const peers = [...emu.nodes.values()];
  for (const node of peers) seedNode(node, { maintenance: opts.maintenance, peers });

  const S = State.method;
  emu.handle(S.get, (req, call) => {
    checkAccess(call, req.namespace, req.type);
    const r = getResource(call.node, req.namespace, req.type, req.id);
    if (!r) throw notFound(req.namespace, req.type, req.id);
    return { resource: resourceMessage(r) };
  });
  emu.handle(S.list, async function* (req, call) {
    checkAccess(call, req.namespace, req.type);
    const match = matcher(req.options);
    for (const r of listResources(call.node, req.namespace, req.type)) {
      if (match(r)) yield { resource: resourceMessage(r) };
    }
  });
  emu.handle(S.watch, watch);
  const readOnly = () => {
    throw denied("write access is not allowed");
  };
  for (const m of [S.create, S.update, S.destroy, S.teardown, S.teardownAndDestroy]) {
    emu.handle(m, readOnly);
  }
}

/** The nodes' stores hold what seedNode put there; exported for tests that add their own. */
export { seedNode };
export type { SimNode };
