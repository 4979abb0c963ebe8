// Resource types as a node defines them: its ResourceDefinitions (namespace `meta`), read over
// COSI, and the lookup talosctl does with a word from the command line (the definition's id or
// any of its aliases, case-insensitively; the default namespace when none was given).

import { fromBinary } from "@bufbuild/protobuf";
import {
  ResourceDefinitionSpec_Sensitivity,
  ResourceDefinitionSpecSchema,
} from "../../gen/cosi/meta_pb.ts";
import type { Resource } from "../../gen/cosi/resource_pb.ts";
import type { TalosClient } from "../../rpc/client.ts";
import type { CallOptions } from "@connectrpc/connect";
import { Code } from "@connectrpc/connect";
import { rpcErrorText } from "../../rpc/errors.ts";
import { UserError } from "../../errors.ts";
import { goQuote } from "../../gofmt/mod.ts";
import { decodeYaml } from "./yaml_values.ts";
import type { GoMap } from "../../gofmt/json.ts";

export const META_NAMESPACE = "meta";
export const RD_TYPE = "ResourceDefinitions.meta.cosi.dev";
export const MACHINE_CONFIG_TYPE = "MachineConfigs.config.talos.dev";

export interface PrintColumn {
  name: string;
  jsonPath: string;
}

export interface ResourceDefinition {
  /** The definition's id: the lower-cased type. */
  id: string;
  type: string;
  displayType: string;
  defaultNamespace: string;
  aliases: string[];
  allAliases: string[];
  printColumns: PrintColumn[];
  sensitive: boolean;
}

/** Decodes a ResourceDefinition resource (proto_spec when present, else yaml_spec). */
export function definitionOf(r: Resource): ResourceDefinition {
  const id = r.metadata?.id ?? "";
  const proto = r.spec?.protoSpec;
  if (proto && proto.length > 0) {
    const s = fromBinary(ResourceDefinitionSpecSchema, proto);
    return {
      id,
      type: s.resourceType,
      displayType: s.displayType,
      defaultNamespace: s.defaultNamespace,
      aliases: s.aliases,
      allAliases: s.allAliases,
      printColumns: s.printColumns.map((c) => ({ name: c.name, jsonPath: c.jsonPath })),
      sensitive: s.sensitivity === ResourceDefinitionSpec_Sensitivity.SENSITIVE,
    };
  }
  const y = (decodeYaml(r.spec?.yamlSpec ?? "") ?? {}) as GoMap;
  const strs = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
  return {
    id,
    type: String(y.type ?? ""),
    displayType: String(y.displayType ?? ""),
    defaultNamespace: String(y.defaultNamespace ?? ""),
    aliases: strs(y.aliases),
    allAliases: strs(y.allAliases),
    printColumns: (Array.isArray(y.printColumns) ? y.printColumns : []).map((c) => {
      const m = c as GoMap;
      return { name: String(m.name ?? ""), jsonPath: String(m.jsonPath ?? "") };
    }),
    sensitive: y.sensitivity === "sensitive",
  };
}

/** Every resource definition of the node. */
export async function listDefinitions(
  client: TalosClient,
  options: CallOptions,
): Promise<ResourceDefinition[]> {
  const out: ResourceDefinition[] = [];
  for await (const m of client.cosi.list({ namespace: META_NAMESPACE, type: RD_TYPE }, options)) {
    if (m.resource) out.push(definitionOf(m.resource));
  }
  return out;
}

/** Levenshtein distance, case-insensitive (cobra's suggestion measure). */
function distance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  const d = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return d[b.length];
}

/** Names close to `word` (typos, prefixes), best first, for a "did you mean" hint. */
export function suggestions(defs: ResourceDefinition[], word: string): string[] {
  const best: [name: string, score: number][] = [];
  for (const rd of defs) {
    let pick: [string, number] | undefined;
    for (const name of [rd.id, ...rd.allAliases]) {
      const d = distance(word, name);
      const prefix = word.length >= 2 && name.toLowerCase().startsWith(word.toLowerCase());
      if (d > 2 && !prefix) continue;
      const score = prefix ? Math.min(d, 1) : d;
      if (!pick || score < pick[1] || (score === pick[1] && name.length < pick[0].length)) {
        pick = [name, score];
      }
    }
    if (pick) best.push(pick);
  }
  return best.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 3).map(([n]) => n);
}

/**
 * client.ResolveResourceKind: the definition named by `word` (id or alias, any case). Errors as
 * upstream builds them (gRPC statuses made client-side), plus our hint on a following line.
 */
export function resolveKind(defs: ResourceDefinition[], word: string): ResourceDefinition {
  const lower = word.toLowerCase();
  const matched = defs.filter((rd) =>
    rd.id.toLowerCase() === lower || rd.allAliases.some((a) => a.toLowerCase() === lower)
  );
  if (matched.length === 1) return matched[0];
  if (matched.length > 1) {
    throw new UserError(rpcErrorText(
      Code.InvalidArgument,
      `resource type ${goQuote(word)} is ambiguous: [${matched.map((m) => m.id).join(" ")}]`,
    ));
  }
  const hint = suggestions(defs, word);
  const more = hint.length > 0
    ? `\n\nDid you mean this?\n${
      hint.map((h) => `\t${h}`).join("\n")
    }\n(see all types with 'talosctl get rd')`
    : "";
  throw new UserError(
    rpcErrorText(Code.NotFound, `resource ${goQuote(word)} is not registered`) + more,
  );
}
