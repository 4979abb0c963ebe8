// The body of `usage`: one DiskUsage stream per node, a SIZE/NAME table (NODE first with
// several nodes) written once every node has answered.

import type { RunContext } from "../spec.ts";
import { bool, int } from "../spec.ts";
import { humanizeBytes, openSession, tabwrite, throwJoined } from "../kit.ts";

export async function runUsage(ctx: RunContext): Promise<void> {
  const session = await openSession(ctx);
  const paths = ctx.args.length > 0 ? ctx.args : ["/"];
  const multi = session.nodes.length > 1;
  const humanize = bool(ctx, "humanize");
  const req = {
    // int32 arithmetic, as talosctl adds it: the largest depth wraps around to "no limit".
    recursionDepth: (int(ctx, "depth") + 1) | 0,
    all: bool(ctx, "all"),
    threshold: BigInt(int(ctx, "threshold")),
    paths,
  };
  const size = (s: bigint) => humanize ? humanizeBytes(BigInt.asUintN(64, s)) : String(s);
  // In-band errors and failed streams in one list, in the order they came (errors.Join).
  const problems: Error[] = [];
  let table = "";
  await session.stream(
    ({ client, options }) => client.machine.diskUsage(req, options),
    (node, info) => {
      if (info.error !== "") {
        problems.push(new Error(`error from node ${node}: ${info.error}`));
        return;
      }
      if (table === "") table = multi ? "NODE\tSIZE\tNAME\n" : "SIZE\tNAME\n";
      table += multi
        ? `${node}\t${size(info.size)}\t${info.relativeName}\n`
        : `${size(info.size)}\t${info.relativeName}\n`;
    },
    { errors: problems },
  );
  if (table !== "") await ctx.deps.io.stdout.write(tabwrite(table));
  throwJoined(problems);
}
