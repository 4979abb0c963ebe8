// The body of `events`: one Events stream per node; every decoded event is written at once as
// two tab-aligned lines (node, ID, type / actor, source, message), the header going out with
// the first event, as talosctl's tabwriter flushed after each event prints them.

import type { RunContext } from "../spec.ts";
import { errorText, NodeError, openSession, tabwrite, throwJoined } from "../kit.ts";
import { type DecodedEvent, decodeEvent, goBool, machineStage, phaseAction } from "./events.ts";
import { sequenceAction, serviceAction, taskAction } from "./events.ts";

export interface EventsOptions {
  tailEvents: number;
  tailSeconds: number;
  tailId: string;
  withActorId: string;
}

/** The SOURCE and MESSAGE columns of an event, as talosctl words them per event type. */
export function eventColumns(e: DecodedEvent): string[] {
  const p = e.payload;
  switch (p.kind) {
    case "sequence":
      return [
        p.msg.sequence,
        p.msg.error ? `error: ${p.msg.error.message}` : sequenceAction(p.msg.action),
      ];
    case "phase":
      return [p.msg.phase, phaseAction(p.msg.action)];
    case "task":
      return [p.msg.task, taskAction(p.msg.action)];
    case "service":
      return [p.msg.service, `${serviceAction(p.msg.action)}: ${p.msg.message}`];
    case "configLoadError":
    case "configValidationError":
      return ["error", p.msg.error];
    case "address":
      return [p.msg.hostname, `ADDRESSES: ${p.msg.addresses.join(",")}`];
    case "machineStatus": {
      const names = (p.msg.status?.unmetConditions ?? []).map((c) => c.name);
      return [
        machineStage(p.msg.stage),
        `ready: ${goBool(p.msg.status?.ready)}, unmet conditions: [${names.join(" ")}]`,
      ];
    }
    case "restart":
      // talosctl has no case for it: Go's fmt then reports the two missing arguments.
      return [];
  }
}

const MISSING = "%!s(MISSING)";

export async function runEvents(ctx: RunContext, req: EventsOptions): Promise<void> {
  const session = await openSession(ctx);
  const out = ctx.deps.io.stdout;
  let header = "NODE\tID\tEVENT\tACTOR\tSOURCE\tMESSAGE\n";
  const errors: Error[] = [];
  const streamErrors = await session.stream(
    ({ client, options }) => client.machine.events(req, options),
    async (node, m) => {
      let e: DecodedEvent | undefined;
      try {
        e = decodeEvent(m);
      } catch (err) {
        errors.push(new NodeError(node, new Error(errorText(err))));
        return;
      }
      if (!e) return;
      const [source = MISSING, message = MISSING] = eventColumns(e);
      const text = `${header}${node}\t${e.id}\t${e.typeUrl}\n${e.actorId}\t${source}\t${message}\n`;
      header = "";
      await out.write(tabwrite(text));
    },
  );
  throwJoined([...errors, ...streamErrors]);
}
