// `talosctl gen secureboot`: signing material for SecureBoot images — the UKI signing
// certificate and key, the PCR signing key, and the UEFI key database that enrols the UKI
// certificate. Files go to -o/--output (default `_out`), each announced on stderr.

import { type CommandEntry, type CommandSpec, loadSpec } from "../spec.ts";

const entries: CommandEntry[] = [
  {
    name: "database",
    short: "Write signed PK, KEK and db variables enrolling a certificate in UEFI",
    load: () => loadSpec(import.meta.url, "./secureboot_database.ts"),
  },
  {
    name: "pcr",
    short: "Write the RSA key that signs TPM PCR policies",
    load: () => loadSpec(import.meta.url, "./secureboot_keys.ts", "pcr"),
  },
  {
    name: "uki",
    short: "Write the certificate and key that sign boot assets (UKI)",
    load: () => loadSpec(import.meta.url, "./secureboot_keys.ts", "uki"),
  },
];

export const spec: CommandSpec = {
  persistentFlags: [
    {
      name: "output",
      short: "o",
      kind: "string",
      default: "_out",
      usage: "directory the generated files are written to",
    },
  ],
  subcommands: entries,
};
