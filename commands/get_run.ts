// The body of `get`: check the nodes' versions, resolve the type on the first node, then read
// (Get or List, node after node) or watch (one stream per node, events printed as they come).

import type { RunContext } from "./spec.ts";
import type { Resource } from "../gen/cosi/resource_pb.ts";
import { EventType, type WatchResponse } from "../gen/cosi/state_pb.ts";
import { openSession, type Session, throwJoined, toRpcError, UserError } from "./kit.ts";
import { clientVersionCheck } from "./version_check.ts";
import { listDefinitions, resolveKind, type ResourceDefinition } from "./resources/kind.ts";
import { type EventName, newWriter, type ResourceWriter } from "./resources/output.ts";
import {
  ExponentialBackoff,
  resumeRequest,
  resumingWatch,
  type WatchInit,
} from "./resources/watch.ts";
import { goQuote } from "../gofmt/mod.ts";

const errText = (e: unknown) => (e instanceof UserError ? e.message : toRpcError(e).message);

export async function runGet(ctx: RunContext): Promise<void> {
  const [word, id = ""] = ctx.args;
  const session = await openSession(ctx);
  await clientVersionCheck(session, ctx.deps);
  const out = ctx.deps.io.stdout;
  const writer = newWriter(ctx.flags.output as string, (t) => out.write(t));
  if (session.nodes.length === 0) return;

  const first = session.forNode(session.nodes[0]);
  let defs: ResourceDefinition[];
  try {
    defs = await listDefinitions(first.client, first.options);
  } catch (e) {
    throw new UserError(errText(e));
  }
  const rd = resolveKind(defs, word);
  const namespace = (ctx.flags.namespace as string) || rd.defaultNamespace;
  try {
    if (ctx.flags.watch === true) await watch(ctx, session, writer, rd, namespace, id);
    else await list(session, writer, rd, namespace, id);
  } finally {
    await writer.flush();
  }
}

async function list(
  session: Session,
  writer: ResourceWriter,
  rd: ResourceDefinition,
  namespace: string,
  id: string,
): Promise<void> {
  writer.writeHeader(rd, false);
  const errors: Error[] = [];
  for (const node of session.nodes) {
    let t;
    try {
      t = session.forNode(node);
    } catch (e) {
      errors.push(new Error(`error building client for node ${node}: ${errText(e)}`));
      continue;
    }
    const items: Resource[] = [];
    try {
      if (id === "") {
        for await (const m of t.client.cosi.list({ namespace, type: rd.type }, t.options)) {
          if (m.resource) items.push(m.resource);
        }
      } else {
        const reply = await t.client.cosi.get({ namespace, type: rd.type, id }, t.options);
        if (reply.resource) items.push(reply.resource);
      }
    } catch (e) {
      const what = id === "" ? "listing resources" : "getting resource";
      errors.push(new Error(`error ${what} on node ${node}: ${errText(e)}`));
      continue;
    }
    for (const r of items) {
      try {
        await writer.writeResource(node, r, "created");
      } catch (e) {
        errors.push(e as Error);
      }
    }
  }
  await writer.flush();
  throwJoined(errors);
}

type Item =
  | { node: string; kind: "event"; type: EventType; resource?: Resource; error?: string }
  | { node: string; kind: "error"; error: string };

const EVENT_NAMES: Partial<Record<EventType, EventName>> = {
  [EventType.CREATED]: "created",
  [EventType.UPDATED]: "updated",
  [EventType.DESTROYED]: "destroyed",
};

async function watch(
  ctx: RunContext,
  session: Session,
  writer: ResourceWriter,
  rd: ResourceDefinition,
  namespace: string,
  id: string,
): Promise<void> {
  writer.writeHeader(rd, true);
  const signal = ctx.deps.signal;
  // Our own signal for the streams, so that they end with the command, whatever ends it.
  const streams = new AbortController();
  const stop = () => streams.abort(signal.reason);
  signal.addEventListener("abort", stop, { once: true });
  const queue: Item[] = [];
  let wake: (() => void) | undefined;
  const push = (it: Item) => {
    queue.push(it);
    wake?.();
  };
  const req: WatchInit = id === ""
    ? { namespace, type: rd.type, options: { bootstrapContents: true }, apiVersion: 1 }
    : { namespace, type: rd.type, id, options: {}, apiVersion: 1 };
  const where = `namespace ${goQuote(namespace)} type ${goQuote(rd.type)}`;

  try {
    await openStreams();
  } catch (e) {
    streams.abort();
    signal.removeEventListener("abort", stop);
    throw e;
  }
  async function openStreams() {
    for (const node of session.nodes) {
      let stream: AsyncIterator<WatchResponse>;
      let open: (r: WatchInit) => AsyncIterator<WatchResponse>;
      try {
        const t = session.forNode(node);
        const options = { ...t.options, signal: streams.signal };
        open = (r) => t.client.cosi.watch(r, options)[Symbol.asyncIterator]();
        stream = open(req);
        await stream.next(); // the empty reply: the watch is set up
      } catch (e) {
        if (e instanceof UserError) {
          throw new UserError(`error building client for node ${node}: ${e.message}`);
        }
        if (signal.aborted) return;
        throw new UserError(`error setting up watch on node ${node}: ${errText(e)}`);
      }
      // As the COSI client: its retry clock starts with the watch.
      const backoff = new ExponentialBackoff(
        () => ctx.deps.now().getTime(),
        () => new DataView(ctx.deps.random(4).buffer).getUint32(0) / 2 ** 32,
      );
      const replies = resumingWatch(
        stream,
        (bookmark) => open(resumeRequest(req, bookmark)),
        backoff,
        streams.signal,
      );
      (async () => {
        try {
          for await (const reply of replies) {
            for (const ev of reply.event) {
              push({
                node,
                kind: "event",
                type: ev.eventType,
                resource: ev.resource,
                error: ev.error,
              });
            }
          }
        } catch (e) {
          push({ node, kind: "error", error: `${where}: ${errText(e)}` });
        }
      })();
    }
  }

  let bootstrapped = id !== "";
  const onAbort = () => wake?.();
  signal.addEventListener("abort", onAbort);
  try {
    for (;;) {
      if (signal.aborted) return;
      const it = queue.shift();
      if (!it) {
        await new Promise<void>((r) => wake = r);
        wake = undefined;
        continue;
      }
      if (it.kind === "error") {
        if (signal.aborted) return;
        throw new UserError(`error watching resource: ${it.error}`);
      }
      if (it.type === EventType.ERRORED) {
        throw new UserError(`error watching resource: ${it.error ?? ""}`);
      }
      if (it.type === EventType.BOOTSTRAPPED) {
        bootstrapped = true;
        await writer.flush();
        continue;
      }
      const name = EVENT_NAMES[it.type];
      if (!it.resource || !name) continue;
      await writer.writeResource(it.node, it.resource, name);
      if (bootstrapped) await writer.flush();
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    signal.removeEventListener("abort", stop);
    streams.abort();
  }
}
