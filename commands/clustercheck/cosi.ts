// Reading COSI resources over the Talos API (State Get/List/Watch) with their YAML specs parsed.

import { Code, ConnectError } from "@connectrpc/connect";
import { parse } from "yaml";
import type { NodeTarget } from "../session.ts";
import type { Resource } from "../../gen/cosi/resource_pb.ts";
import { EventType } from "../../gen/cosi/state_pb.ts";

export interface CosiResource {
  namespace: string;
  type: string;
  id: string;
  version: string;
  phase: string;
  // deno-lint-ignore no-explicit-any
  spec: any;
  specYaml: string;
}

function decode(r: Resource | undefined): CosiResource {
  const md = r?.metadata;
  const specYaml = r?.spec?.yamlSpec ?? "";
  return {
    namespace: md?.namespace ?? "",
    type: md?.type ?? "",
    id: md?.id ?? "",
    version: md?.version ?? "",
    phase: md?.phase ?? "",
    spec: specYaml === "" ? {} : parse(specYaml) ?? {},
    specYaml,
  };
}

const opts = (t: NodeTarget, signal: AbortSignal) => ({ ...t.options, signal });

export async function cosiGet(
  t: NodeTarget,
  signal: AbortSignal,
  namespace: string,
  type: string,
  id: string,
): Promise<CosiResource> {
  const resp = await t.client.cosi.get({ namespace, type, id }, opts(t, signal));
  return decode(resp.resource);
}

export async function cosiList(
  t: NodeTarget,
  signal: AbortSignal,
  namespace: string,
  type: string,
): Promise<CosiResource[]> {
  const out: CosiResource[] = [];
  for await (const m of t.client.cosi.list({ namespace, type }, opts(t, signal))) {
    if (m.resource) out.push(decode(m.resource));
  }
  return out;
}

export const isCode = (e: unknown, code: Code) => e instanceof ConnectError && e.code === code;
export const isNotFound = (e: unknown) => isCode(e, Code.NotFound);

export type WatchEventType = "created" | "updated" | "destroyed" | "bootstrapped" | "errored";

export interface CosiEvent {
  type: WatchEventType;
  resource?: CosiResource;
  error?: string;
}

const EVENT_NAMES: Record<number, WatchEventType> = {
  [EventType.CREATED]: "created",
  [EventType.UPDATED]: "updated",
  [EventType.DESTROYED]: "destroyed",
  [EventType.BOOTSTRAPPED]: "bootstrapped",
  [EventType.ERRORED]: "errored",
};

/**
 * Watches one resource (or a whole type without `id`). The stream is opened before this
 * resolves (the server's first, empty reply says the watch is in place); events follow.
 */
export async function cosiWatch(
  t: NodeTarget,
  signal: AbortSignal,
  namespace: string,
  type: string,
  id?: string,
): Promise<AsyncGenerator<CosiEvent>> {
  const stream = t.client.cosi.watch(
    { namespace, type, ...(id !== undefined ? { id } : {}), apiVersion: 1 },
    opts(t, signal),
  )[Symbol.asyncIterator]();
  const first = await stream.next();
  const pending: CosiEvent[] = [];
  const take = (m: { event: { eventType: EventType; resource?: Resource; error?: string }[] }) => {
    for (const e of m.event) {
      const type = EVENT_NAMES[e.eventType];
      if (!type) continue;
      pending.push({
        type,
        resource: e.resource ? decode(e.resource) : undefined,
        error: e.error,
      });
    }
  };
  if (!first.done) take(first.value);
  return (async function* () {
    try {
      for (;;) {
        while (pending.length > 0) yield pending.shift()!;
        const next = await stream.next();
        if (next.done) return;
        take(next.value);
      }
    } finally {
      await stream.return?.(undefined);
    }
  })();
}
