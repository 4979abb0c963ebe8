// `talosctl config proxy-url [url]`: show, set or (with "") clear the proxy the current context
// connects through.

import { type CommandSpec, maxArgs } from "../spec.ts";
import { contextData, editCurrentContext, goTrimSpace, open, requireContext } from "./common.ts";

export const spec: CommandSpec = {
  use: "[url]",
  long: `Show, set or clear the proxy URL of the current context.

The URL scheme is socks5, http or https; "direct" connects without any proxy, ignoring the
proxy environment variables too. An empty argument ("") removes the setting. Without an
argument, the current value is printed.`,
  args: maxArgs(1),
  async run(ctx) {
    if (ctx.args.length === 0) {
      const { cfg } = await open(ctx);
      requireContext(cfg, "");
      // talosctl prints this with cobra's Println, which writes to stderr.
      await ctx.deps.io.stderr.write((contextData(cfg, ctx).proxyUrl ?? "") + "\n");
      return;
    }
    const url = goTrimSpace(ctx.args[0]);
    await editCurrentContext(ctx, (c) => {
      if (url !== "") c.proxyUrl = url;
      else delete c.proxyUrl;
    });
  },
};
