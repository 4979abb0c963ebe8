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
    usage:
      "with --insecure, accept only a node whose public key has one of these fingerprints (base64 SHA-256)",
  },
];
