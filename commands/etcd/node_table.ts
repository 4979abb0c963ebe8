// The output loop talosctl's `etcd members` and `etcd status` share: one unary call per node, a
// table row per reply message in arrival order, the table flushed after 500 ms without a reply,
// and the nodes' errors joined at the end.

import type { RunContext } from "../spec.ts";
import type { Session } from "../../rpc/mod.ts";
import type { WithMetadata } from "../../rpc/fanout.ts";

export async function nodeTable<M extends WithMetadata>(
  ctx: RunContext,
  header: string[],
  call: (target: ReturnType<Session["forNode"]>) => Promise<{ messages: M[] }>,
  rows: (node: string, message: M) => string[][],
): Promise<void> {
  const { openSession } = await import("../../rpc/mod.ts");
  const { unaryNodes } = await import("../../rpc/unary.ts");
  const { IdleFlushTable, throwJoined } = await import("../../rpc/render.ts");
  const session = await openSession(ctx);
  const out = ctx.deps.io.stdout;
  const table = new IdleFlushTable((t) => out.write(t));
  const line = (cells: string[]) => table.add(cells.join("\t") + "\n");
  line(header);
  const errors = await unaryNodes(session.nodes, async (node) => {
    try {
      return await call(session.forNode(node));
    } finally {
      table.touch();
    }
  }, (node, messages) => {
    for (const msg of messages) rows(node, msg).forEach(line);
  });
  await table.flush();
  throwJoined(errors);
}
