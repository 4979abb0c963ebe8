// Developer tool: derives the machine-config schema facts (struct names, field order, YAML keys,
// Go types, omitempty/inline/merge tags, document kinds) from an upstream Talos checkout and
// writes them as data to machineconfig/schema_data.ts. Comments and prose are not carried over.
//
//   deno task schema [/path/to/talos]    (rewrites machineconfig/schema_data.ts and formats it)
//   deno run -A tools/extract_schema.ts [/path/to/talos]    (prints the unformatted data)
//
// The output is compact: every struct is a list of [key, type, flags] rows, where type is
// `string|int|uint|float|bool|any|@codec|<struct>|*<type>|[]<type>|map[]<type>` and flags are
// o=omitempty, i=inline, r=merge replace, p=pointer. A 4th column, when present, is the Go
// type name (reflect.Type.String) for error messages. See machineconfig/registry.ts.

const write = Deno.args.includes("--write");
const root = Deno.args.filter((a) => a !== "--write")[0] ?? "/tmp/talos";
const typesDir = `${root}/pkg/machinery/config/types`;

interface RawField {
  name: string;
  goType: string;
  tag: string;
}
interface RawStruct {
  pkg: string;
  name: string;
  fields: RawField[];
}

const structs = new Map<string, RawStruct>(); // "pkg.Name"
const namedTypes = new Map<string, string>(); // "pkg.Name" -> underlying Go type text
const customMarshal = new Set<string>(); // "pkg.Name" with MarshalYAML/MarshalText
const kindConsts = new Map<string, string>(); // "pkg.ConstName" -> kind
const registrations: { pkg: string; kindConst: string; struct: string }[] = [];
const namedDocs = new Map<string, string>(); // "pkg.Struct" -> field returned by Name()

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory && e.name !== "testdata") out.push(...await walk(p));
    else if (
      e.isFile && e.name.endsWith(".go") && !e.name.endsWith("_test.go") &&
      !e.name.includes("generated") && !e.name.endsWith("_doc.go")
    ) out.push(p);
  }
  return out.sort();
}

function parseFile(path: string, text: string) {
  const pkg = /^package (\w+)/m.exec(text)?.[1] ?? "";
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    let m = /^type (\w+) struct \{\s*$/.exec(line);
    if (m) {
      const fields: RawField[] = [];
      for (i++; i < lines.length && lines[i] !== "}"; i++) {
        const l = lines[i].replace(/\s\/\/ .*$/, "").trim();
        if (l === "" || l.startsWith("//")) continue;
        const fm = /^(\*?\w+(?:\.\w+)?)(?:\s+([^`]+?))?\s*(`.*`)?$/.exec(l);
        if (!fm) throw new Error(`cannot parse field in ${path}: ${l}`);
        const [, a, b, tag] = fm;
        if (b === undefined) {
          fields.push({ name: a.replace("*", "").split(".").pop()!, goType: a, tag: tag ?? "" });
        } else fields.push({ name: a, goType: b.trim(), tag: tag ?? "" });
      }
      structs.set(`${pkg}.${m[1]}`, { pkg, name: m[1], fields });
      continue;
    }
    m = /^type (\w+) struct\{\}$/.exec(line);
    if (m) {
      structs.set(`${pkg}.${m[1]}`, { pkg, name: m[1], fields: [] });
      continue;
    }
    m = /^type (\w+) =? ?(.+)$/.exec(line);
    if (m && !m[2].startsWith("interface") && !m[2].startsWith("func")) {
      namedTypes.set(`${pkg}.${m[1]}`, m[2].replace(/^= /, "").trim());
    }
    m = /^func \(\w+ \*?(\w+)\) Marshal(?:YAML|Text)\(\)/.exec(line);
    if (m) customMarshal.add(`${pkg}.${m[1]}`);
    m = /^\s*(\w+)\s*=\s*"(\w+)"$/.exec(line) ?? /^const (\w+) = "(\w+)"$/.exec(line);
    if (m) kindConsts.set(`${pkg}.${m[1]}`, m[2]);
    m = /registry\.Register\((\w+),/.exec(line);
    if (m) {
      for (let j = i; j < i + 12 && j < lines.length; j++) {
        const r = /return &(\w+)\{\}/.exec(lines[j]);
        if (r) {
          registrations.push({ pkg, kindConst: m[1], struct: r[1] });
          break;
        }
      }
    }
    m = /^func \(\w+ \*?(\w+)\) Name\(\) string \{(.*)$/.exec(line);
    if (m) {
      // the body is on the next line, or on this one: `{ return s.MetaName }`
      const body = m[2].trim() !== "" ? m[2].replace(/\}\s*$/, "") : lines[i + 1];
      const r = /return \w+\.(\w+)$/.exec(body.trim());
      if (r) namedDocs.set(`${pkg}.${m[1]}`, r[1]);
    }
  }
}

const packages = new Set<string>();
for (const f of await walk(typesDir)) {
  const text = await Deno.readTextFile(f);
  packages.add(/^package (\w+)/m.exec(text)?.[1] ?? "");
  parseFile(f, text);
}

// External (non-types/) Go types and how they are written.
const external: Record<string, string> = {
  "time.Duration": "@duration",
  "url.URL": "@url",
  "netip.Prefix": "@prefix",
  "netip.Addr": "@addr",
  "x509.PEMEncodedCertificateAndKey": "x509.PEMEncodedCertificateAndKey",
  "x509.PEMEncodedKey": "x509.PEMEncodedKey",
  "x509.PEMEncodedCertificate": "x509.PEMEncodedCertificate",
};
// Local types with their own marshaller and a well-known text form.
const localCodec: Record<string, string> = {
  "v1alpha1.Base64Bytes": "@base64",
  "v1alpha1.Endpoint": "@url",
  "meta.URL": "@url",
  "meta.Prefix": "@prefix",
  "meta.Addr": "@addr",
  "meta.AddrPort": "@text",
  "meta.Unstructured": "any",
  "meta.ArgValue": "any",
};

const used = new Set<string>();
const resolving = new Set<string>();

function tokenize(t: string): string {
  return t.replace(/\s+/g, "");
}

/** Converts a Go type expression (in package pkg) to the compact schema type. */
function convert(goType: string, pkg: string): string {
  const t = tokenize(goType);
  if (t.startsWith("*")) return "*" + convert(t.slice(1), pkg);
  if (t === "[]byte") return "@base64";
  if (t.startsWith("[]")) return "[]" + convert(t.slice(2), pkg);
  if (/^\[\d+\]/.test(t)) return "[]" + convert(t.replace(/^\[\d+\]/, ""), pkg);
  if (t.startsWith("map[")) {
    let depth = 0, i = 3;
    for (; i < t.length; i++) {
      if (t[i] === "[") depth++;
      if (t[i] === "]" && --depth === 0) break;
    }
    return "map[]" + convert(t.slice(i + 1), pkg);
  }
  if (t === "any" || t === "interface{}") return "any";
  if (t === "string") return "string";
  if (t === "bool") return "bool";
  if (/^u?int(8|16|32|64)?$/.test(t)) return t.startsWith("u") ? "uint" : "int";
  if (/^float(32|64)$/.test(t)) return "float";
  const [q, n] = t.includes(".") ? t.split(".") : [pkg, t];
  const full = `${q}.${n}`;
  if (external[full]) {
    if (!external[full].startsWith("@")) used.add(external[full]);
    return external[full];
  }
  if (!packages.has(q)) return "@text"; // enums and other foreign scalars with a text form
  if (localCodec[full]) return localCodec[full];
  if (customMarshal.has(full)) return "@text";
  if (structs.has(full)) {
    used.add(full);
    return full;
  }
  const under = namedTypes.get(full);
  if (under !== undefined && tokenize(under) !== `${q}.${n}` && !resolving.has(full)) {
    resolving.add(full);
    const c = convert(under, q);
    resolving.delete(full);
    return c.startsWith("[]") && listKeys[full] ? `${c}#${listKeys[full]}` : c;
  }
  if (under !== undefined) return "@text";
  console.error(`note: ${full} is not a types/ type; written as text`);
  return "@text";
}

/**
 * The name Go's reflect.Type.String gives a field's type (top-level pointer removed, as go-yaml
 * constructs into the pointed-to value): local types package-qualified, []byte as []uint8,
 * any as interface {}.
 */
function goName(goType: string, pkg: string): string {
  const t = tokenize(goType);
  if (t.startsWith("*")) return "*" + goName(t.slice(1), pkg);
  if (t === "[]byte") return "[]uint8";
  if (t.startsWith("[]")) return "[]" + goName(t.slice(2), pkg);
  const fixed = /^\[(\d+)\]/.exec(t);
  if (fixed) return `[${fixed[1]}]` + goName(t.slice(fixed[0].length), pkg);
  if (t.startsWith("map[")) {
    let depth = 0, i = 3;
    for (; i < t.length; i++) {
      if (t[i] === "[") depth++;
      if (t[i] === "]" && --depth === 0) break;
    }
    return `map[${goName(t.slice(4, i), pkg)}]${goName(t.slice(i + 1), pkg)}`;
  }
  if (t === "any" || t === "interface{}") return "interface {}";
  if (/^(string|bool|byte|rune|u?int(8|16|32|64)?|float(32|64))$/.test(t)) {
    return t === "byte" ? "uint8" : t === "rune" ? "int32" : t;
  }
  return t.includes(".") ? t : `${pkg}.${t}`;
}

// Lists merged item by item by upstream's custom mergers: the key fields.
const listKeys: Record<string, string> = {
  "v1alpha1.NetworkDeviceList": "interface|deviceSelector",
  "v1alpha1.VlanList": "vlanId",
  "v1alpha1.AdmissionPluginConfigList": "name",
  "extensions.ConfigFileList": "mountPath",
};

function fieldRow(f: RawField, pkg: string): string[] | null {
  if (!/^[A-Z]/.test(f.name)) return null;
  const yaml = /yaml:"([^"]*)"/.exec(f.tag)?.[1] ?? "";
  const merge = /merge:"([^"]*)"/.exec(f.tag)?.[1] ?? "";
  const parts = yaml.split(",");
  let key = parts[0];
  if (key === "-") return null;
  const inline = parts.includes("inline");
  if (key === "" && !inline) key = f.name.toLowerCase();
  let type = convert(f.goType, pkg);
  let flags = "";
  if (parts.includes("omitempty")) flags += "o";
  if (inline) flags += "i";
  if (merge === "replace") flags += "r";
  if (type.startsWith("*")) {
    flags += "p";
    type = type.slice(1);
  }
  // 4th column: the Go type name, when it is not the schema type itself
  const go = goName(f.goType, pkg).replace(/^\*/, "");
  return go === type || inline ? [key, type, flags] : [key, type, flags, go];
}

// Start from the registered document kinds and the legacy root document.
const kinds: { kind: string; apiVersion: string; struct: string; nameField?: string }[] = [
  { kind: "v1alpha1", apiVersion: "", struct: "v1alpha1.Config" },
];
for (const r of registrations) {
  const kind = kindConsts.get(`${r.pkg}.${r.kindConst}`) ??
    kindConsts.get([...kindConsts.keys()].find((k) => k.endsWith(`.${r.kindConst}`)) ?? "");
  if (!kind) continue;
  const full = `${r.pkg}.${r.struct}`;
  const nameGo = namedDocs.get(full);
  const nameField = nameGo
    ? fieldRow(structs.get(full)!.fields.find((f) => f.name === nameGo)!, r.pkg)?.[0]
    : undefined;
  kinds.push({ kind, apiVersion: "v1alpha1", struct: full, ...(nameField ? { nameField } : {}) });
}
kinds.sort((a, b) => a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0);

const out: Record<string, string[][]> = {
  "x509.PEMEncodedCertificateAndKey": [["crt", "@base64", ""], ["key", "@base64", ""]],
  "x509.PEMEncodedKey": [["key", "@base64", ""]],
  "x509.PEMEncodedCertificate": [["crt", "@base64", ""]],
};
const queue = kinds.map((k) => k.struct);
const done = new Set<string>();
while (queue.length > 0) {
  const s = queue.shift()!;
  if (done.has(s) || out[s]) continue;
  done.add(s);
  const def = structs.get(s);
  if (!def) throw new Error(`missing struct ${s}`);
  const rows: string[][] = [];
  for (const f of def.fields) {
    used.clear();
    const row = fieldRow(f, def.pkg);
    if (row) rows.push(row);
    for (const u of used) if (!done.has(u)) queue.push(u);
  }
  out[s] = rows;
}

const lines = [
  "// Generated by tools/extract_schema.ts from upstream Talos type definitions (facts only).",
  `// Source: siderolabs/talos pkg/machinery/config/types. Do not edit by hand.`,
  "",
  'import type { DocumentKindDef } from "./schema.ts";',
  "",
  "/** Struct name -> rows of [yaml key, type, flags, Go type name when it differs from type]. */",
  "export const STRUCTS: Record<string, [string, string, string, string?][]> = {",
];
for (const name of Object.keys(out).sort()) {
  lines.push(`  ${JSON.stringify(name)}: [`);
  for (const r of out[name]) lines.push(`    ${JSON.stringify(r)},`);
  lines.push("  ],");
}
lines.push("};", "", "export const KINDS: DocumentKindDef[] = [");
for (const k of kinds) lines.push(`  ${JSON.stringify(k)},`);
lines.push("];", "");
if (write) {
  const dest = new URL("../machineconfig/schema_data.ts", import.meta.url).pathname;
  await Deno.writeTextFile(`${dest}.tmp`, lines.join("\n") + "\n");
  await Deno.rename(`${dest}.tmp`, dest);
  const fmt = await new Deno.Command(Deno.execPath(), { args: ["fmt", "-q", dest] }).output();
  if (!fmt.success) throw new Error(`deno fmt ${dest} failed`);
} else {
  console.log(lines.join("\n"));
}
