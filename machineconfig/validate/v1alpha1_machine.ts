// Machine-section checks of the legacy document that upstream keeps beside Config.Validate:
// logging destinations, the node address sort algorithm and the (deprecated) base runtime spec
// overrides, which must decode as an OCI runtime spec.

import type { Value, ValueMap } from "../schema.ts";
import { enumError } from "./enums.ts";
import { parseURL } from "./net.ts";
import { arr, map, str } from "./values.ts";

/** LoggingConfig.Validate: one entry per problem, destinations in order. */
export function loggingErrors(logging: ValueMap): string[] {
  const errs: string[] = [];
  for (const dest of arr(logging, "destinations")) {
    const d = dest !== null && typeof dest === "object" && !Array.isArray(dest) ? dest : {};
    const raw = d.endpoint;
    if (typeof raw !== "string") errs.push("empty logging endpoint");
    else {
      const u = parseURL(raw);
      const host = typeof u === "string" ? "" : u.host;
      const scheme = typeof u === "string" ? "" : u.scheme;
      if (host === "") errs.push("empty logging endpoint's host");
      if (scheme !== "tcp" && scheme !== "udp") {
        errs.push(`unexpected logging endpoint scheme ${JSON.stringify(scheme)}`);
      }
    }
    const format = str(d, "format");
    if (format !== "json_lines") errs.push(`unknown logging format ${JSON.stringify(format)}`);
  }
  return errs;
}

/** .machine.features.nodeAddressSortAlgorithm must name an AddressSortAlgorithm. */
export function sortAlgorithmError(machine: ValueMap): string | null {
  const algo = str(map(machine, "features"), "nodeAddressSortAlgorithm");
  if (algo === "") return null;
  const e = enumError("AddressSortAlgorithm", algo);
  return e ? `invalid node address sort algorithm: ${e}` : null;
}

type JSONKind = "string" | "number" | "bool" | "array" | "object";

/** Top-level fields of the OCI runtime spec (opencontainers runtime-spec specs.Spec). */
const SPEC_FIELDS: Record<string, [JSONKind, string]> = {
  ociVersion: ["string", "string"],
  process: ["object", "specs.Process"],
  root: ["object", "specs.Root"],
  hostname: ["string", "string"],
  domainname: ["string", "string"],
  mounts: ["array", "[]specs.Mount"],
  hooks: ["object", "specs.Hooks"],
  annotations: ["object", "map[string]string"],
  linux: ["object", "specs.Linux"],
  solaris: ["object", "specs.Solaris"],
  windows: ["object", "specs.Windows"],
  vm: ["object", "specs.VM"],
  zos: ["object", "specs.ZOS"],
};

function jsonKind(v: Value): JSONKind | null {
  if (v === null) return null;
  if (typeof v === "string") return "string";
  if (typeof v === "number") return "number";
  if (typeof v === "boolean") return "bool";
  return Array.isArray(v) ? "array" : "object";
}

/**
 * The overrides, marshalled to JSON and unmarshalled into specs.Spec, fail on the first field
 * whose JSON type does not fit (unknown fields are ignored). Only the top-level fields are
 * type-checked here.
 */
export function baseRuntimeSpecError(overrides: ValueMap): string | null {
  // json.Marshal sorts map keys; json.Unmarshal matches field names case-insensitively
  for (const key of Object.keys(overrides).sort()) {
    const v = overrides[key];
    const name = Object.keys(SPEC_FIELDS).find((f) => f.toLowerCase() === key.toLowerCase());
    const field = name === undefined ? undefined : SPEC_FIELDS[name];
    const kind = jsonKind(v);
    if (!field || kind === null || kind === field[0]) continue;
    return `failed to unmarshal base runtime spec overrides: json: cannot unmarshal ${kind} into Go struct field Spec.${name} of type ${
      field[1]
    }`;
  }
  return null;
}
