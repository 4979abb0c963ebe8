// `talosctl gen`: offline generation of configs, secrets and PKI material.

import type { CommandEntry, CommandSpec } from "../spec.ts";

const entries: CommandEntry[] = [
  {
    name: "ca",
    short: "Generates a self-signed X.509 certificate authority",
    load: async () => (await import("./ca.ts")).spec,
  },
  {
    name: "crt",
    short: "Generates an X.509 Ed25519 certificate",
    load: async () => (await import("./crt.ts")).spec,
  },
  {
    name: "config",
    short: "Generates a set of configuration files for Talos cluster",
    load: async () => (await import("./config.ts")).spec,
  },
  {
    name: "csr",
    short: "Generates a CSR using an Ed25519 private key",
    load: async () => (await import("./csr.ts")).spec,
  },
  {
    name: "key",
    short: "Generates an Ed25519 private key",
    load: async () => (await import("./key.ts")).spec,
  },
  {
    name: "keypair",
    short: "Generates an X.509 Ed25519 key pair",
    load: async () => (await import("./keypair.ts")).spec,
  },
  {
    name: "secrets",
    short: "Generates a secrets bundle file which can later be used to generate a config",
    load: async () => (await import("./secrets.ts")).spec,
  },
];

export const spec: CommandSpec = {
  use: "gen",
  short: "Generate machine configs, secrets bundles, keys and certificates",
  persistentFlags: [
    { name: "force", short: "f", kind: "bool", usage: "will overwrite existing files" },
  ],
  subcommands: entries,
};
