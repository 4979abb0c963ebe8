// How `get` prints resources, as talosctl's output package does: a table (NODE, NAMESPACE,
// TYPE, ID, VERSION and the definition's print columns; a leading event column when watching),
// YAML documents (`node:` line, then metadata and spec), indented JSON objects, or the results
// of a JSONPath template over that JSON object.

import type { Resource } from "../../gen/cosi/resource_pb.ts";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { emitDocument, mapping, scalar, sequence, type YamlNode } from "../../goyaml/mod.ts";
import { goJson, type GoMap, type GoValue } from "../../gofmt/json.ts";
import { INVALID, isCollection, type JPValue, JSONPath, printable } from "./jsonpath.ts";
import { tabwrite } from "../../gofmt/text.ts";
import { goQuote } from "../../gofmt/mod.ts";
import { UserError } from "../../errors.ts";
import { decodeYaml, yamlNodeOf } from "./yaml_values.ts";
import { MACHINE_CONFIG_TYPE, type ResourceDefinition } from "./kind.ts";

/** Watch event kinds as the writers name them. */
export type EventName = "created" | "updated" | "destroyed";

export interface ResourceWriter {
  writeHeader(rd: ResourceDefinition, withEvents: boolean): void;
  writeResource(node: string, r: Resource, event: EventName): Promise<void>;
  flush(): Promise<void>;
}

type Sink = (text: string) => Promise<void>;

/** output.NewWriter: the writer for `-o`, or talosctl's error for an unknown format. */
export function newWriter(format: string, write: Sink): ResourceWriter {
  if (format === "table") return new TableWriter(write);
  if (format === "yaml") return new YamlWriter(write);
  if (format === "json") return new JsonWriter(write);
  if (format.startsWith("jsonpath=")) {
    let jp: JSONPath;
    try {
      jp = new JSONPath(format.slice("jsonpath=".length));
    } catch (e) {
      throw new UserError(`error parsing jsonpath: ${(e as Error).message}`);
    }
    return new JsonPathWriter(write, jp);
  }
  throw new UserError(`output format ${goQuote(format)} is not supported`);
}

/** Go's time.Format(time.RFC3339) in UTC. */
function rfc3339(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${p(d.getUTCFullYear(), 4)}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}T${
    p(d.getUTCHours())
  }:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}Z`;
}

const plain = (s: string) => scalar(s, "plain");

/** Go's zero time.Time (January 1, year 1, UTC). */
const GO_ZERO_TIME = new Date(Date.UTC(2000, 0, 1));
GO_ZERO_TIME.setUTCFullYear(1);

function sortedMap(m: Record<string, string>): [string, YamlNode][] {
  return Object.keys(m).sort().map((k) => [k, plain(m[k])]);
}

/** The metadata as the COSI runtime marshals it (every value a plain, untagged scalar). */
export function metadataNode(r: Resource): YamlNode {
  const md = r.metadata!;
  const time = (t: typeof md.created) => rfc3339(t ? timestampDate(t) : GO_ZERO_TIME);
  const entries: [string, YamlNode][] = [
    ["namespace", plain(md.namespace)],
    ["type", plain(md.type)],
    ["id", plain(md.id)],
    ["version", plain(md.version)],
    ["owner", plain(md.owner)],
    ["phase", plain(md.phase)],
    ["created", plain(time(md.created))],
    ["updated", plain(time(md.updated))],
  ];
  const entry = (k: string, v: YamlNode): [string, YamlNode] => [k, v];
  if (Object.keys(md.labels).length > 0) {
    entries.push(entry("labels", mapping(sortedMap(md.labels))));
  }
  if (Object.keys(md.annotations).length > 0) {
    entries.push(entry("annotations", mapping(sortedMap(md.annotations))));
  }
  if (md.finalizers.length > 0) {
    entries.push(entry("finalizers", sequence(md.finalizers.map(plain))));
  }
  return mapping(entries);
}

function yamlSpecOf(r: Resource): string {
  const text = r.spec?.yamlSpec ?? "";
  if (text === "") throw new UserError("YAML spec is not specified");
  return text;
}

/** resource.MarshalYAML: `metadata:` and `spec:` (the spec re-encoded from yaml_spec). */
export function resourceDocument(r: Resource): string {
  const text = yamlSpecOf(r);
  const md = r.metadata!;
  // Talos releases that wrote the machine config as a document (not as a string) are told by
  // the missing annotation; their spec is printed as the string it is.
  const spec = md.type === MACHINE_CONFIG_TYPE && Object.keys(md.annotations).length === 0
    ? scalar(text)
    : yamlNodeOf(text);
  return emitDocument(mapping([["metadata", metadataNode(r)], ["spec", spec]]), { flavor: "v4" });
}

/** The JSON writer's object: the YAML document decoded, plus `node` (and `event`). */
function jsonData(node: string, r: Resource, event: EventName | undefined): GoMap {
  const data = decodeYaml(resourceDocument(r), { timestamps: true }) as GoMap;
  data.node = node;
  if (event !== undefined) data.event = event;
  return data;
}

class TableWriter implements ResourceWriter {
  #buf = "";
  #withEvents = false;
  #displayType = "";
  #columns: JSONPath[] = [];
  constructor(private readonly write: Sink) {}

  writeHeader(rd: ResourceDefinition, withEvents: boolean): void {
    this.#withEvents = withEvents;
    this.#displayType = rd.displayType;
    const fields = ["NODE", ...(withEvents ? ["*"] : []), "NAMESPACE", "TYPE", "ID", "VERSION"];
    for (const c of rd.printColumns) {
      fields.push(c.name.toUpperCase());
      try {
        this.#columns.push(new JSONPath(c.jsonPath).allowMissingKeys(true));
      } catch (e) {
        throw new UserError(
          `error parsing column ${goQuote(c.name)} jsonpath: ${(e as Error).message}`,
        );
      }
    }
    this.#buf += fields.join("\t") + "\n";
  }

  writeResource(node: string, r: Resource, event: EventName): Promise<void> {
    const md = r.metadata!;
    const values = [md.namespace, this.#displayType, md.id, md.version];
    if (this.#withEvents) {
      values.unshift(event === "created" ? "+" : event === "destroyed" ? "-" : " ");
    }
    const spec = decodeYaml(yamlSpecOf(r), { timestamps: true });
    for (const col of this.#columns) {
      try {
        values.push(col.execute(spec));
      } catch (e) {
        throw new UserError((e as Error).message);
      }
    }
    this.#buf += [node, ...values].join("\t") + "\n";
    return Promise.resolve();
  }

  async flush(): Promise<void> {
    const text = this.#buf;
    this.#buf = "";
    if (text !== "") await this.write(tabwrite(text));
  }
}

class YamlWriter implements ResourceWriter {
  #dashes = false;
  #withEvents = false;
  constructor(private readonly write: Sink) {}

  writeHeader(_rd: ResourceDefinition, withEvents: boolean): void {
    this.#withEvents = withEvents;
  }

  async writeResource(node: string, r: Resource, event: EventName): Promise<void> {
    const doc = resourceDocument(r);
    let text = this.#dashes ? "---\n" : "";
    this.#dashes = true;
    text += `node: ${node}\n`;
    if (this.#withEvents) text += `event: ${event}\n`;
    await this.write(text + doc);
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }
}

class JsonWriter implements ResourceWriter {
  #withEvents = false;
  constructor(private readonly write: Sink) {}

  writeHeader(_rd: ResourceDefinition, withEvents: boolean): void {
    this.#withEvents = withEvents;
  }

  async writeResource(node: string, r: Resource, event: EventName): Promise<void> {
    const data = jsonData(node, r, this.#withEvents ? event : undefined);
    await this.write(goJson(data, "    ") + "\n");
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }
}

/** talosctl's printResult: lists and maps as indented JSON, anything else as Go prints it. */
function resultText(v: JPValue): string {
  if (isCollection(v)) return goJson(v as GoValue, "    ");
  if (v === null) return "<nil>";
  return printable(v === undefined ? INVALID : v);
}

class JsonPathWriter implements ResourceWriter {
  #withEvents = false;
  constructor(private readonly write: Sink, private readonly jp: JSONPath) {}

  writeHeader(_rd: ResourceDefinition, withEvents: boolean): void {
    this.#withEvents = withEvents;
  }

  async writeResource(node: string, r: Resource, event: EventName): Promise<void> {
    const data = jsonData(node, r, this.#withEvents ? event : undefined);
    let groups: JPValue[][];
    try {
      groups = this.jp.findResults(data);
    } catch (e) {
      throw new UserError(`error finding result for jsonpath: ${(e as Error).message}`);
    }
    let text = "";
    for (const g of groups) for (const v of g) text += resultText(v) + "\n";
    if (text !== "") await this.write(text);
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }
}
