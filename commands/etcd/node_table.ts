// The output loop talosctl's `etcd members` and `etcd status` share: one unary call per node, a
// table row per reply message in arrival order, the table flushed after 500 ms without a reply,
// and the nodes' errors joined at the end.

import type { RunContext } from "../spec.ts";
import type { NodeTarget, WithMetadata } from "../kit.ts";

export async function nodeTable<M extends WithMetadata>(
  ctx: RunContext,
  header: string[],
  call: (target: NodeTarget) => Promise<{ messages: M[] }>,
  rows: (node: string, message: M) => string[][],
): Promise<void> {
  const { IdleFlushTable, openSession, throwJoined } = await import("../kit.ts");
  const session = await openSession(ctx);
  const out = ctx.deps.io.stdout;
  const table = new IdleFlushTable((t) => out.write(t));
  const line = (cells: string[]) => table.add(cells.join("\t") + "\n");
  line(header);
  const errors = await session.unary(async (target) => {
    try {
      return await call(target);
    } finally {
      table.touch();
    }
  }, (node, messages) => {
    for (const msg of messages) rows(node, msg).forEach(line);
  });
  await table.flush();
  throwJoined(errors);
}
