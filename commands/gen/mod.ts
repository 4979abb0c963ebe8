// `talosctl gen`: offline generation of configs, secrets and PKI material.

import { type CommandEntry, type CommandSpec, loadSpec } from "../spec.ts";

const entries: CommandEntry[] = [
  {
    name: "ca",
    short: "Create a self-signed X.509 CA certificate and key",
    load: () => loadSpec(import.meta.url, "./ca.ts"),
  },
  {
    name: "crt",
    short: "Sign a CSR with a CA, producing an X.509 certificate",
    load: () => loadSpec(import.meta.url, "./crt.ts"),
  },
  {
    name: "config",
    short: "Write machine configs and a talosconfig for a new cluster",
    load: () => loadSpec(import.meta.url, "./config.ts"),
  },
  {
    name: "csr",
    short: "Create a certificate signing request for a private key",
    load: () => loadSpec(import.meta.url, "./csr.ts"),
  },
  {
    name: "key",
    short: "Write a new Ed25519 private key in PEM form",
    load: () => loadSpec(import.meta.url, "./key.ts"),
  },
  {
    name: "keypair",
    short: "Create a self-signed Ed25519 certificate and its key",
    load: () => loadSpec(import.meta.url, "./keypair.ts"),
  },
  {
    name: "secrets",
    short: "Write a secrets bundle (CAs, keys, tokens) for later config generation",
    load: () => loadSpec(import.meta.url, "./secrets.ts"),
  },
  {
    name: "secureboot",
    short: "Create SecureBoot signing keys, certificates and UEFI key databases",
    load: () => loadSpec(import.meta.url, "./secureboot.ts"),
  },
];

export const spec: CommandSpec = {
  persistentFlags: [
    { name: "force", short: "f", kind: "bool", usage: "overwrite files that already exist" },
  ],
  subcommands: entries,
};
