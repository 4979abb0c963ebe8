// Flags shared by API commands.

import type { FlagSpec } from "./spec.ts";

/** talosctl's InsecureFlags: maintenance-mode access without a client certificate. */
export const insecureFlags: FlagSpec[] = [
  {
    name: "insecure",
    short: "i",
    kind: "bool",
    usage: "use the insecure (encrypted with no auth) maintenance service",
  },
  {
    name: "cert-fingerprint",
    kind: "strings",
    usage:
      "list of server certificate fingerprints to accept (defaults to no check, only used with --insecure flag)",
  },
];
