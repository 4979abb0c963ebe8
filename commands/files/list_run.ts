// The body of `list`: one List stream per node; short output prints names as they arrive
// (one node) or a NODE/NAME table, -l a table with mode, owner, size, time and SELinux label.

import type { RunContext } from "../spec.ts";
import { bool, int, list } from "../spec.ts";
import { openSession, tabwrite, throwJoined, UserError } from "../kit.ts";
import { fileModeString, humanizeBytes, humanizeTime, lsTimestamp } from "../../gofmt/mod.ts";
import { ListRequest_Type } from "../../gen/machine/machine_pb.ts";

/** talosctl's -t letters: find(1)'s and FileMode.String's. */
function parseTypes(values: string[]): ListRequest_Type[] {
  const out: ListRequest_Type[] = [];
  for (const v of values) {
    for (const c of v) {
      if (c === "f") out.push(ListRequest_Type.REGULAR);
      else if (c === "d") out.push(ListRequest_Type.DIRECTORY);
      else if (c === "l" || c === "L") out.push(ListRequest_Type.SYMLINK);
      else throw new UserError(`invalid file type: ${c}`);
    }
  }
  return out;
}

/** The SELinux label: the security.selinux attribute without NULs and newlines at its ends. */
function selinuxLabel(xattrs: { name: string; data: Uint8Array }[]): string {
  const x = xattrs.find((a) => a.name === "security.selinux");
  if (!x) return "";
  let a = 0, b = x.data.length;
  const trim = (c: number) => c === 0 || c === 10;
  while (a < b && trim(x.data[a])) a++;
  while (b > a && trim(x.data[b - 1])) b--;
  return new TextDecoder().decode(x.data.subarray(a, b));
}

export async function runList(ctx: RunContext): Promise<void> {
  const recurse = bool(ctx, "recurse");
  const depth = int(ctx, "depth");
  if (recurse && depth !== 1) {
    throw new UserError(
      "only one of flags --recurse and --depth can be specified at the same time",
    );
  }
  const session = await openSession(ctx);
  const root = ctx.args[0] ?? "/";
  const types = parseTypes(list(ctx, "type") ?? []);
  const recursionDepth = recurse ? -1 : depth;
  const long = bool(ctx, "long");
  const humanize = bool(ctx, "humanize");
  const req = {
    root,
    recurse: recursionDepth > 1 || recurse,
    recursionDepth,
    types,
    reportXattrs: long,
  };
  const multi = session.nodes.length > 1;
  const out = ctx.deps.io.stdout;
  const now = ctx.deps.now();
  // In-band errors and failed streams in one list, in the order they came (errors.Join).
  const problems: Error[] = [];
  let table = "";
  await session.stream(
    ({ client, options }) => client.machine.list(req, options),
    async (node, info) => {
      if (info.error !== "") {
        problems.push(new Error(`${node}: error reading file ${info.name}: ${info.error}`));
        return;
      }
      if (!long) {
        if (!multi) return await out.write(info.relativeName + "\n");
        if (table === "") table = "NODE\tNAME\n";
        table += `${node}\t${info.relativeName}\n`;
        return;
      }
      if (table === "") table = "NODE\tMODE\tUID\tGID\tSIZE(B)\tLASTMOD\tLABEL\tNAME\n";
      const name = info.link !== "" ? `${info.relativeName} -> ${info.link}` : info.relativeName;
      const size = humanize ? humanizeBytes(BigInt.asUintN(64, info.size)) : String(info.size);
      const t = new Date(Number(info.modified) * 1000);
      const when = humanize ? humanizeTime(t, now) : lsTimestamp(t, now);
      table += `${node}\t${
        fileModeString(info.mode)
      }\t${info.uid}\t${info.gid}\t${size}\t${when}\t${selinuxLabel(info.xattrs)}\t${name}\n`;
    },
    { errors: problems },
  );
  if (table !== "") await out.write(tabwrite(table));
  throwJoined(problems);
}
