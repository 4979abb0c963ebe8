// `talosctl debug-tool` (hidden): helpers for debugging Talos itself.

import { type CommandEntry, type CommandSpec, loadSpec } from "../spec.ts";

const entries: CommandEntry[] = [
  {
    name: "air-gapped",
    short: "Serve a test manifest over HTTPS and run HTTP(S) proxies for an air-gapped test bed",
    load: () => loadSpec(import.meta.url, "./air_gapped.ts"),
  },
];

export const spec: CommandSpec = {
  subcommands: entries,
};
