// `talosctl gen`: offline generation of configs, secrets and PKI material.

import type { CommandEntry, CommandSpec } from "../spec.ts";

const entries: CommandEntry[] = [
  {
    name: "ca",
    short: "Create a self-signed X.509 CA certificate and key",
    load: async () => (await import("./ca.ts")).spec,
  },
  {
    name: "crt",
    short: "Sign a CSR with a CA, producing an X.509 certificate",
    load: async () => (await import("./crt.ts")).spec,
  },
  {
    name: "config",
    short: "Write machine configs and a talosconfig for a new cluster",
    load: async () => (await import("./config.ts")).spec,
  },
  {
    name: "csr",
    short: "Create a certificate signing request for a private key",
    load: async () => (await import("./csr.ts")).spec,
  },
  {
    name: "key",
    short: "Write a new Ed25519 private key in PEM form",
    load: async () => (await import("./key.ts")).spec,
  },
  {
    name: "keypair",
    short: "Create a self-signed Ed25519 certificate and its key",
    load: async () => (await import("./keypair.ts")).spec,
  },
  {
    name: "secrets",
    short: "Write a secrets bundle (CAs, keys, tokens) for later config generation",
    load: async () => (await import("./secrets.ts")).spec,
  },
];

export const spec: CommandSpec = {
  persistentFlags: [
    { name: "force", short: "f", kind: "bool", usage: "overwrite files that already exist" },
  ],
  subcommands: entries,
};
