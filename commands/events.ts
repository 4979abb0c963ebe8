// `talosctl events`: the runtime event stream of every node (sequences, phases, tasks, service
// state, machine status, ...), two lines per event under one header.

import { type CommandSpec, int, str } from "./spec.ts";
import { globalFlags } from "./global.ts";

export const spec: CommandSpec = {
  long: `Streams each node's runtime events as they happen, until interrupted. By default only new
events are shown; --tail, --duration and --since also replay past events.`,
  // No args rule, as talosctl: cobra then accepts (and ignores) any arguments.
  persistentFlags: globalFlags,
  flags: [
    {
      name: "tail",
      kind: "int",
      bits: 32,
      usage: "replay this many past events first (-1: all the node still has; default: none)",
    },
    {
      name: "duration",
      kind: "duration",
      usage: "replay the events of this past interval first (whole seconds; default: none)",
    },
    {
      name: "since",
      kind: "string",
      usage: "replay the events that came after this event ID first (default: none)",
    },
    {
      name: "actor-id",
      kind: "string",
      usage: "only show events caused by this actor ID (default: all)",
    },
  ],
  async run(ctx) {
    const { runEvents } = await import("./lifecycle/events_run.ts");
    await runEvents(ctx, {
      tailEvents: int(ctx, "tail"),
      // int32(d / time.Second): whole seconds, wrapped to 32 bits as Go's conversion does.
      tailSeconds: Math.trunc(int(ctx, "duration") / 1000) | 0,
      tailId: str(ctx, "since"),
      withActorId: str(ctx, "actor-id"),
    });
  },
};
