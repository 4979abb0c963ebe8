// `talosctl config info`: the current context's nodes, endpoints, roles and certificate expiry.

import { UserError } from "../../errors.ts";
import { goQuote } from "../../gofmt/quote.ts";
import { type CommandSpec, noArgs, str } from "../spec.ts";
import { contextData, open, requireContext } from "./common.ts";

export const spec: CommandSpec = {
  args: noArgs,
  flags: [
    {
      name: "output",
      short: "o",
      kind: "string",
      default: "text",
      usage: "output format: text, json or yaml",
    },
  ],
  async run(ctx) {
    const { cfg } = await open(ctx);
    requireContext(cfg, "");
    const { configInfo, infoJson, infoText, infoYaml } = await import("./info_data.ts");
    const format = str(ctx, "output");
    if (!["text", "json", "yaml"].includes(format)) {
      throw new UserError(`unknown output format: ${goQuote(format)}`);
    }
    const info = await configInfo(cfg.context, contextData(cfg, ctx), ctx.deps.now());
    const out = format === "text"
      ? infoText(info)
      : format === "json"
      ? infoJson(info)
      : await infoYaml(info);
    await ctx.deps.io.stdout.write(out);
    // Upstream's output stays as it is; a certificate that has expired or expires within 30 days
    // gets one line on stderr naming the renewal command.
    const { expiryNotice } = await import("./expiry.ts");
    const name = ctx.global.context !== "" ? ctx.global.context : cfg.context;
    await ctx.deps.io.stderr.write(
      expiryNotice(name, contextData(cfg, ctx), ctx.deps.now(), ctx.global),
    );
  },
};
