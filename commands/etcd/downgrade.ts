// `talosctl etcd downgrade validate|enable <version>`, `etcd downgrade cancel`: etcd storage
// downgrades, through one control plane node.

import { type CommandEntry, type CommandSpec, exactArgs, loadSpec, noArgs } from "../spec.ts";

const entries: CommandEntry[] = [
  {
    name: "cancel",
    short: "Cancel an etcd storage downgrade in progress",
    load: () => loadSpec(import.meta.url, "./downgrade.ts", "cancel"),
  },
  {
    name: "enable",
    short: "Start downgrading etcd storage to the given MAJOR.MINOR version",
    load: () => loadSpec(import.meta.url, "./downgrade.ts", "enable"),
  },
  {
    name: "validate",
    short: "Check whether etcd storage can be downgraded to the given MAJOR.MINOR version",
    load: () => loadSpec(import.meta.url, "./downgrade.ts", "validate"),
  },
];

export const spec: CommandSpec = { subcommands: entries };

export const validate: CommandSpec = {
  use: "<version>",
  args: exactArgs(1),
  async run(ctx) {
    const { downgrade } = await import("./maintenance_run.ts");
    await downgrade(ctx, "validate");
  },
};

export const enable: CommandSpec = {
  use: "<version>",
  args: exactArgs(1),
  async run(ctx) {
    const { downgrade } = await import("./maintenance_run.ts");
    await downgrade(ctx, "enable");
  },
};

export const cancel: CommandSpec = {
  args: noArgs,
  async run(ctx) {
    const { downgrade } = await import("./maintenance_run.ts");
    await downgrade(ctx, "cancel");
  },
};
