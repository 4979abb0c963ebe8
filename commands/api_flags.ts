// Flags shared by API commands.

import type { FlagSpec } from "./spec.ts";

/** talosctl's InsecureFlags: maintenance-mode access without a client certificate. */
export const insecureFlags: FlagSpec[] = [
  {
    name: "insecure",
    short: "i",
    kind: "bool",
    usage: "connect to the maintenance API: encrypted, but no client certificate",
  },
  {
    name: "cert-fingerprint",
    kind: "strings",
    usage: "server certificate fingerprints to accept with --insecure (not checked yet)",
  },
];
