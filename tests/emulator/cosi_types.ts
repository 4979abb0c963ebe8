// The COSI resource types and namespaces a simulated Talos node registers: facts from upstream's
// resource definitions (type, default namespace, declared aliases, print columns, sensitivity)
// and the namespace registry, plus the alias expansion the COSI runtime performs when a
// definition is registered. Specs are built as Go's YAML encoder (yaml/v4) writes them.

import { create, toBinary } from "@bufbuild/protobuf";
import {
  NamespaceSpecSchema,
  ResourceDefinitionSpec_Sensitivity,
  ResourceDefinitionSpecSchema,
} from "../../gen/cosi/meta_pb.ts";
import {
  emitDocument,
  mapping,
  nullNode,
  scalar,
  sequence,
  type YamlNode,
} from "../../goyaml/mod.ts";

export const META_NAMESPACE = "meta";
export const RD_TYPE = "ResourceDefinitions.meta.cosi.dev";
export const NAMESPACE_TYPE = "Namespaces.meta.cosi.dev";

/** What a resource type declares about itself. */
export interface TypeDecl {
  type: string;
  /** Singular display name (what the runtime derives from the plural type name). */
  displayType: string;
  defaultNamespace: string;
  /** Aliases the type declares; the runtime adds the automatic ones. */
  aliases?: string[];
  printColumns?: { name: string; jsonPath: string }[];
  sensitive?: boolean;
}

/** The definition as the runtime stores it, aliases expanded. */
export interface ResourceDefinition {
  type: string;
  displayType: string;
  defaultNamespace: string;
  aliases: string[];
  allAliases: string[];
  printColumns: { name: string; jsonPath: string }[];
  sensitive: boolean;
}

const col = (name: string, jsonPath: string) => ({ name, jsonPath });

/** The types the emulator serves (upstream's definitions for them). */
export const TYPES: TypeDecl[] = [
  {
    type: RD_TYPE,
    displayType: "ResourceDefinition",
    defaultNamespace: META_NAMESPACE,
    aliases: ["api-resources"],
    printColumns: [col("Aliases", "{.aliases[:]}")],
  },
  {
    type: NAMESPACE_TYPE,
    displayType: "Namespace",
    defaultNamespace: META_NAMESPACE,
    aliases: ["ns"],
  },
  {
    type: "MachineConfigs.config.talos.dev",
    displayType: "MachineConfig",
    defaultNamespace: "config",
    sensitive: true,
  },
  {
    type: "Members.cluster.talos.dev",
    displayType: "Member",
    defaultNamespace: "cluster",
    printColumns: [
      col("Hostname", "{.hostname}"),
      col("Machine Type", "{.machineType}"),
      col("OS", "{.operatingSystem}"),
      col("Addresses", "{.addresses}"),
    ],
  },
  {
    type: "Nodenames.kubernetes.talos.dev",
    displayType: "Nodename",
    defaultNamespace: "k8s",
    printColumns: [col("Nodename", "{.nodename}")],
  },
  {
    type: "HostnameStatuses.net.talos.dev",
    displayType: "HostnameStatus",
    defaultNamespace: "network",
    aliases: ["hostname"],
    printColumns: [col("Hostname", "{.hostname}"), col("Domainname", "{.domainname}")],
  },
  {
    type: "LinkStatuses.net.talos.dev",
    displayType: "LinkStatus",
    defaultNamespace: "network",
    aliases: ["link", "links"],
    printColumns: [
      col("Alias", "{.alias}"),
      col("Type", "{.type}"),
      col("Kind", "{.kind}"),
      col("Hw Addr", "{.hardwareAddr}"),
      col("Oper State", "{.operationalState}"),
      col("Link State", "{.linkState}"),
    ],
  },
  {
    type: "AddressStatuses.net.talos.dev",
    displayType: "AddressStatus",
    defaultNamespace: "network",
    aliases: ["address", "addresses"],
    printColumns: [col("Address", "{.address}"), col("Link", "{.linkName}")],
  },
  {
    type: "RouteStatuses.net.talos.dev",
    displayType: "RouteStatus",
    defaultNamespace: "network",
    aliases: ["route", "routes"],
    printColumns: [
      col("Destination", "{.dst}"),
      col("Gateway", "{.gateway}"),
      col("Link", "{.outLinkName}"),
      col("Metric", "{.priority}"),
    ],
  },
  {
    type: "Services.v1alpha1.talos.dev",
    displayType: "Service",
    defaultNamespace: "runtime",
    aliases: ["svc"],
    printColumns: [
      col("Running", "{.running}"),
      col("Healthy", "{.healthy}"),
      col("Health Unknown", "{.unknown}"),
    ],
  },
  {
    type: "Disks.block.talos.dev",
    displayType: "Disk",
    defaultNamespace: "runtime",
    printColumns: [
      col("Size", "{.pretty_size}"),
      col("Read Only", "{.readonly}"),
      col("Transport", "{.transport}"),
      col("Rotational", "{.rotational}"),
      col("WWID", "{.wwid}"),
      col("Model", "{.model}"),
      col("Serial", "{.serial}"),
    ],
  },
  {
    type: "MachineStatuses.runtime.talos.dev",
    displayType: "MachineStatus",
    defaultNamespace: "runtime",
    printColumns: [col("Stage", "{.stage}"), col("Ready", "{.status.ready}")],
  },
  {
    type: "Versions.runtime.talos.dev",
    displayType: "Version",
    defaultNamespace: "runtime",
    printColumns: [col("Name", "{.name}"), col("Version", "{.version}")],
  },
];

/** Talos's namespaces (name, description), the runtime's `meta` first. */
export const NAMESPACES: [string, string][] = [
  [META_NAMESPACE, "Metadata namespace which contains resource and namespace definitions."],
  ["runtime", "Talos v1alpha1 subsystems glue resources."],
  ["cluster", "Cluster configuration and discovery resources."],
  ["cluster-raw", "Cluster unmerged raw resources."],
  ["config", "Talos node configuration."],
  ["etcd", "etcd resources."],
  ["files", "Files and file-like resources."],
  ["hardware", "Hardware resources."],
  ["k8s", "Kubernetes all node types resources."],
  ["controlplane", "Kubernetes control plane resources."],
  ["kubespan", "KubeSpan resources."],
  ["network", "Networking resources."],
  ["network-config", "Networking configuration resources."],
  ["cri", "CRI Seccomp resources."],
  ["containers", "Talos-managed container resources."],
  ["secrets", "Resources with secret material."],
  ["security", "Security resources."],
  ["perf", "Stats resources."],
  ["storage", "Storage resources."],
];

/** Expands a declaration the way the runtime does when registering it. */
export function define(d: TypeDecl): ResourceDefinition {
  const dot = d.type.indexOf(".");
  const name = d.type.slice(0, dot), suffix = d.type.slice(dot + 1);
  const aliases = [...(d.aliases ?? []), d.displayType.toLowerCase()];
  const allAliases = [name.toLowerCase()];
  const parts = suffix.split(".");
  for (let i = 1; i < parts.length; i++) {
    allAliases.push([name.toLowerCase(), ...parts.slice(0, i)].join("."));
  }
  const upper = [...name].filter((c) => c >= "A" && c <= "Z").join("");
  if (upper.length > 1) {
    aliases.push(upper.toLowerCase());
    if (!upper.endsWith("S")) aliases.push(upper.toLowerCase() + "s");
  }
  allAliases.push(...aliases);
  return {
    type: d.type,
    displayType: d.displayType,
    defaultNamespace: d.defaultNamespace,
    aliases,
    allAliases,
    printColumns: d.printColumns ?? [],
    sensitive: d.sensitive ?? false,
  };
}

/** A JS value as Go's YAML encoder writes the equivalent struct (keys in the given order). */
export function yamlOf(value: unknown): YamlNode {
  if (value === null || value === undefined) return nullNode();
  if (typeof value === "string") return scalar(value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") {
    return scalar(String(value), "plain");
  }
  if (Array.isArray(value)) return sequence(value.map(yamlOf));
  return mapping(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, yamlOf(v)]));
}

/** `yamlOf` as document text (yaml/v4 flavour, as the COSI runtime marshals `yaml_spec`). */
export function yamlText(value: unknown): string {
  return emitDocument(yamlOf(value), { flavor: "v4" });
}

/** yaml_spec and proto_spec of a ResourceDefinition. */
export function definitionSpec(rd: ResourceDefinition): { yaml: string; proto: Uint8Array } {
  const yaml = yamlText({
    type: rd.type,
    displayType: rd.displayType,
    defaultNamespace: rd.defaultNamespace,
    aliases: rd.aliases,
    allAliases: rd.allAliases,
    printColumns: rd.printColumns.map((c) => ({ name: c.name, jsonPath: c.jsonPath })),
    ...(rd.sensitive ? { sensitivity: "sensitive" } : {}),
  });
  const proto = toBinary(
    ResourceDefinitionSpecSchema,
    create(ResourceDefinitionSpecSchema, {
      resourceType: rd.type,
      displayType: rd.displayType,
      defaultNamespace: rd.defaultNamespace,
      aliases: rd.aliases,
      allAliases: rd.allAliases,
      printColumns: rd.printColumns,
      sensitivity: rd.sensitive
        ? ResourceDefinitionSpec_Sensitivity.SENSITIVE
        : ResourceDefinitionSpec_Sensitivity.NON_SENSITIVE,
    }),
  );
  return { yaml, proto };
}

/** yaml_spec and proto_spec of a Namespace. */
export function namespaceSpec(description: string): { yaml: string; proto: Uint8Array } {
  return {
    yaml: yamlText({ description }),
    proto: toBinary(NamespaceSpecSchema, create(NamespaceSpecSchema, { description })),
  };
}

/** proto_spec of a MachineConfig: `MachineConfigSpec{yaml_marshalled = 1}`. */
export function machineConfigProto(config: string): Uint8Array {
  const body = new TextEncoder().encode(config);
  const len: number[] = [];
  let n = body.length;
  do {
    len.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n >>>= 7;
  } while (n > 0);
  const out = new Uint8Array(1 + len.length + body.length);
  out[0] = 0x0a;
  out.set(len, 1);
  out.set(body, 1 + len.length);
  return out;
}
