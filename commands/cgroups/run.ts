// The body of `cgroups`: the schema, then from the node its processes (PIDs to names), the
// block device links (major:minor to names), the /sys/fs/cgroup copy (the tree) and the CRI
// containers (pod UIDs and container IDs to names), then the table.

import type { RunContext } from "../spec.ts";
import { bool, str } from "../spec.ts";
import { errorText, openSession, tabwrite, type TalosClient, UserError } from "../kit.ts";
import type { CallOptions } from "@connectrpc/connect";
import { resolvePath } from "../files.ts";
import { goFields, goPathBase } from "../../gofmt/path.ts";
import { PRESET_NAMES, PRESETS } from "./presets.ts";
import type { Column } from "./presets.ts";
import { printNode, Schema } from "./printer.ts";
import { type CgNode, treeFromEntries } from "./tree.ts";
import { tarEntries } from "../../archive/tar.ts";
import { gunzipStream } from "../../archive/gzip.ts";
import { copyBytes } from "../files/copy_run.ts";

async function loadSchema(ctx: RunContext): Promise<Column[]> {
  const file = str(ctx, "schema-file");
  const preset = str(ctx, "preset");
  if (file !== "") {
    let text: string;
    try {
      text = await Deno.readTextFile(resolvePath(ctx.deps, file));
    } catch (e) {
      const { goOsReason } = await import("../files/extract.ts");
      throw new UserError(`error opening schema file: open ${file}: ${goOsReason(e)}`);
    }
    const { parseYaml } = await import("../../goyaml/parse.ts");
    const docs = parseYaml(text);
    const doc = docs[0];
    if (!doc) throw new UserError("error decoding schema file: EOF");
    if (doc.errors.length > 0) {
      throw new UserError(`error decoding schema file: yaml: ${doc.errors[0].message}`);
    }
    const data = doc.toJS() as { columns?: unknown } | null;
    const cols = data?.columns ?? [];
    if (!Array.isArray(cols) || typeof data !== "object") {
      throw new UserError("error decoding schema file: 'columns' must be a list of columns");
    }
    return cols.map((c, i) => {
      const col = (c ?? {}) as { name?: unknown; template?: unknown };
      const ok = (v: unknown) => v === undefined || v === null || typeof v !== "object";
      if (!ok(col.name) || !ok(col.template)) {
        throw new UserError(
          `error decoding schema file: column ${i + 1}: 'name' and 'template' must be strings`,
        );
      }
      return { name: String(col.name ?? ""), template: String(col.template ?? "") };
    });
  }
  if (preset !== "") {
    if (!PRESETS[preset]) {
      throw new UserError(`invalid preset name: ${preset} (valid [${PRESET_NAMES.join(" ")}])`);
    }
    return PRESETS[preset];
  }
  throw new UserError("either schema file or preset must be specified");
}

async function warn(ctx: RunContext, text: string): Promise<void> {
  await ctx.deps.io.stderr.write(`WARNING: ${text}\n`);
}

async function processNames(ctx: RunContext, client: TalosClient, options: CallOptions) {
  const names = new Map<string, string>();
  let reply;
  try {
    reply = await client.machine.processes({}, options);
  } catch (e) {
    await warn(ctx, `error getting processes: ${errorText(e)}`);
    return names;
  }
  for (const p of reply.messages[0]?.processes ?? []) {
    let name = p.executable || p.command;
    if (name === "") name = goFields(p.args)[0] ?? "";
    names.set(String(p.pid), goPathBase(name));
  }
  return names;
}

async function deviceNames(ctx: RunContext, client: TalosClient, options: CallOptions) {
  const names = new Map<string, string>();
  let reader;
  try {
    reader = await gunzipStream(copyBytes(client, options, "/sys/dev/block"), (e) => {
      throw e;
    });
  } catch (e) {
    // talosctl: a Copy call that never started is "error copying devices", a stream that
    // failed before the gzip header "error reading devices".
    const err = e as Error & { dial?: boolean };
    await warn(
      ctx,
      `${err.dial ? "error copying devices" : "error reading devices"}: ${err.message}`,
    );
    return names;
  }
  try {
    for await (const e of tarEntries(reader)) {
      if (e.type !== "2") continue;
      const link = e.linkname.replace(/\/+$/, "");
      names.set(e.name, link.slice(link.lastIndexOf("/") + 1));
    }
  } catch { /* as talosctl: the links read so far */ }
  await reader.cancel().catch(() => {});
  return names;
}

async function cgroupNames(ctx: RunContext, client: TalosClient, options: CallOptions) {
  const names = new Map<string, string>();
  const { ContainerDriver } = await import("../../gen/common/common_pb.ts");
  let reply;
  try {
    reply = await client.machine.containers(
      { namespace: "k8s.io", driver: ContainerDriver.CRI },
      options,
    );
  } catch (e) {
    await warn(ctx, `error getting containers: ${errorText(e)}`);
    return names;
  }
  for (const c of reply.messages[0]?.containers ?? []) {
    if (c.uid !== "" && c.podId !== "") names.set("pod" + c.uid, c.podId);
    if (c.internalId !== "") names.set(c.internalId, c.podId === c.name ? "sandbox" : c.name);
  }
  return names;
}

async function readTree(client: TalosClient, options: CallOptions): Promise<CgNode> {
  let reader;
  try {
    reader = await gunzipStream(copyBytes(client, options, "/sys/fs/cgroup"), (e) => {
      const err = e as Error & { dial?: boolean };
      if (err.dial) throw new UserError(`error copying: ${err.message}`);
      throw new UserError(`error reading cgroups: ${err.message}`);
    });
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(
      `error reading cgroups: ${(e as Error).message.replace(/^error initializing gzip: /, "")}`,
    );
  }
  try {
    return await treeFromEntries(tarEntries(reader));
  } catch (e) {
    throw new UserError(`error reading cgroups: ${(e as Error).message}`);
  } finally {
    await reader.cancel().catch(() => {});
  }
}

export async function runCgroups(ctx: RunContext): Promise<void> {
  // cobra checks its mutually exclusive flag group before the command runs: before the
  // talosconfig is read or the number of nodes counted.
  if (ctx.changed.has("schema-file") && ctx.changed.has("preset")) {
    throw new UserError(
      "if any flags in the group [schema-file preset] are set none of the others can be; [preset schema-file] were all set",
    );
  }
  const session = await openSession(ctx);
  const node = session.single("cgroups");
  const { client, options } = session.forNode(node);
  const columns = await loadSchema(ctx);
  let schema: Schema;
  try {
    schema = new Schema(columns);
  } catch (e) {
    throw new UserError(`error compiling schema: ${(e as Error).message}`);
  }
  const procs = await processNames(ctx, client, options);
  const devices = await deviceNames(ctx, client, options);
  const tree = await readTree(client, options);
  if (!bool(ctx, "skip-cri-resolve")) tree.resolveNames(await cgroupNames(ctx, client, options));
  tree.walk((n) => {
    n.CgroupProcsResolved = n.CgroupProcs.map((pid) => procs.get(pid.String()) ?? pid.String());
    for (const [dev, stat] of [...n.IOStat]) {
      const name = devices.get(dev);
      if (name !== undefined) {
        n.IOStat.delete(dev);
        n.IOStat.set(name, stat);
      }
    }
  });
  const rows: string[] = [`NAME\t${schema.headerLine()}\n`];
  try {
    printNode(rows, ".", schema, tree, null, 0, [], false, true);
  } catch (e) {
    // As talosctl: the rows before the failing one are printed, then the error.
    await ctx.deps.io.stdout.write(tabwrite(rows.join("")));
    throw new UserError((e as Error).message);
  }
  await ctx.deps.io.stdout.write(tabwrite(rows.join("")));
}
