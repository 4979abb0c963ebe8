// `talosctl config contexts` (alias get-contexts): list the contexts as a table.
//
// The default table is talosctl's, byte for byte (scripts read it). Certificate expiry is added
// without touching it: `-o wide` appends an EXPIRES column, and when some context's certificate
// has expired or expires within 30 days one line on stderr says so.

import { UserError } from "../../errors.ts";
import { type CommandSpec, str } from "../spec.ts";
import { open } from "./common.ts";
import { tabwrite } from "../../gofmt/text.ts";
import { goCompareStrings } from "../../gofmt/sort.ts";

export const spec: CommandSpec = {
  flags: [
    {
      name: "output",
      short: "o",
      kind: "string",
      default: "table",
      usage: "output format: table (talosctl's columns) or wide (adds the certificate expiry)",
    },
  ],
  async run(ctx) {
    const format = str(ctx, "output");
    if (format !== "table" && format !== "wide") {
      throw new UserError(`unknown output format: ${JSON.stringify(format)} (use table or wide)`);
    }
    const { cfg } = await open(ctx);
    const { expiresCell, needsRenewal } = await import("./expiry.ts");
    const now = ctx.deps.now();
    const wide = format === "wide";
    const rows = [["CURRENT", "NAME", "ENDPOINTS", "NODES", ...(wide ? ["EXPIRES"] : [])]];
    const due: string[] = [];
    for (const name of Object.keys(cfg.contexts).sort(goCompareStrings)) {
      const c = cfg.contexts[name];
      const nodes = c.nodes ?? [];
      rows.push([
        name === cfg.context ? "*" : "",
        name,
        c.endpoints.join(","),
        nodes.length > 3 ? nodes.slice(0, 3).join(",") + "..." : nodes.join(","),
        ...(wide ? [expiresCell(c, now)] : []),
      ]);
      if (needsRenewal(c, now)) due.push(name);
    }
    // One text through the tabwriter, as talosctl: a tab or newline in a name splits cells there.
    await ctx.deps.io.stdout.write(tabwrite(rows.map((r) => r.join("\t") + "\n").join("")));
    if (due.length > 0) {
      const list = due.map((n) => JSON.stringify(n)).join(", ");
      await ctx.deps.io.stderr.write(
        `warning: client certificates expired or expiring within 30 days: ${list} ` +
          `(see \`talosctl config contexts -o wide\`; renew with \`talosctl config renew --context NAME\`)\n`,
      );
    }
  },
};
