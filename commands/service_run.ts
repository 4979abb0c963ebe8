// The body of `service`: list, status of one service, or start/stop/restart, one call per node.

import type { RunContext } from "./spec.ts";
import type { ServiceInfo } from "../gen/machine/machine_pb.ts";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { Metadata } from "../gen/common/common_pb.ts";
import {
  goDurationSeconds,
  goQuote,
  type NodeTarget,
  openSession,
  type Session,
  tabwrite,
  throwJoined,
  UserError,
} from "./kit.ts";

function health(s: ServiceInfo): string {
  if (s.health?.unknown) return "?";
  return s.health?.healthy ? "OK" : "Fail";
}

function since(ctx: RunContext, ts: Parameters<typeof timestampDate>[0] | undefined): string {
  if (!ts) return goDurationSeconds(ctx.deps.now().getTime());
  return goDurationSeconds(ctx.deps.now().getTime() - timestampDate(ts).getTime());
}

/** One call per node, as talosctl's multiplexer: each reply message handled as it arrives. */
function eachNode<E extends { metadata?: Metadata }>(
  session: Session,
  call: (t: NodeTarget) => Promise<{ messages: E[] }>,
  onMessage: (node: string, m: E) => void,
): Promise<Error[]> {
  return session.unary(call, (node, messages) => {
    for (const msg of messages) onMessage(node, msg);
  });
}

export async function runService(ctx: RunContext): Promise<void> {
  const [id = "", action = "status"] = ctx.args;
  const session = await openSession(ctx);
  const out = ctx.deps.io.stdout;
  if (action === "status" && id === "") {
    let text = "NODE\tSERVICE\tSTATE\tHEALTH\tLAST CHANGE\tLAST EVENT\n";
    const errors = await eachNode(
      session,
      ({ client, options }) => client.machine.serviceList({}, options),
      (node, msg) => {
        for (const s of msg.services) {
          const last = s.events?.events.at(-1);
          const changed = last ? since(ctx, last.ts) : "";
          text += `${node}\t${s.id}\t${s.state}\t${health(s)}\t${changed} ago\t${
            last?.msg ?? "<none>"
          }\n`;
        }
      },
    );
    await out.write(tabwrite(text));
    return throwJoined(errors);
  }
  if (action === "status") {
    let text = "";
    let found = false;
    const errors = await eachNode(
      session,
      ({ client, options }) => client.machine.serviceList({}, options),
      (node, msg) => {
        for (const s of msg.services.filter((x) => x.id === id)) {
          found = true;
          text += `NODE\t${node}\nID\t${s.id}\nSTATE\t${s.state}\nHEALTH\t${health(s)}\n`;
          if (s.health?.lastMessage) text += `LAST HEALTH MESSAGE\t${s.health.lastMessage}\n`;
          let label = "EVENTS";
          for (const e of [...(s.events?.events ?? [])].reverse()) {
            text += `${label}\t[${e.state}]: ${e.msg} (${since(ctx, e.ts)} ago)\n`;
            label = "";
          }
        }
      },
    );
    await out.write(tabwrite(text));
    if (!found && errors.length === 0) {
      throw new UserError(`service ${goQuote(id)} is not registered on any nodes`);
    }
    return throwJoined(errors);
  }
  type ActionReply = { messages: { metadata?: Metadata; resp: string }[] };
  const calls: Record<string, (t: NodeTarget) => Promise<ActionReply>> = {
    start: ({ client, options }) => client.machine.serviceStart({ id }, options),
    stop: ({ client, options }) => client.machine.serviceStop({ id }, options),
    restart: ({ client, options }) => client.machine.serviceRestart({ id }, options),
  };
  if (!Object.hasOwn(calls, action)) {
    throw new UserError(`unsupported service action: ${goQuote(action)}`);
  }
  let text = "NODE\tRESPONSE\n";
  const errors = await eachNode(
    session,
    calls[action],
    (node, msg) => text += `${node}\t${msg.resp}\n`,
  );
  await out.write(tabwrite(text));
  throwJoined(errors);
}
