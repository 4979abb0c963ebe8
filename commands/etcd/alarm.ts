// `talosctl etcd alarm list | disarm`: etcd's alarms (NOSPACE, CORRUPT) on each node.

import { type CommandEntry, type CommandSpec, loadSpec, noArgs } from "../spec.ts";

const entries: CommandEntry[] = [
  {
    name: "disarm",
    short: "Clear the etcd alarms of each node and list what was cleared",
    load: () => loadSpec(import.meta.url, "./alarm.ts", "disarm"),
  },
  {
    name: "list",
    short: "List the etcd alarms raised on each node",
    load: () => loadSpec(import.meta.url, "./alarm.ts", "list"),
  },
];

export const spec: CommandSpec = { subcommands: entries };

export const list: CommandSpec = {
  args: noArgs,
  async run(ctx) {
    const { alarmTable } = await import("./maintenance_run.ts");
    await alarmTable(ctx, false);
  },
};

export const disarm: CommandSpec = {
  args: noArgs,
  async run(ctx) {
    const { alarmTable } = await import("./maintenance_run.ts");
    await alarmTable(ctx, true);
  },
};
