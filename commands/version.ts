import { TALOS_VERSION, VERSION } from "./version_info.ts";
import { bool, type CommandSpec, lazy, noArgs } from "./spec.ts";
import { globalFlags } from "./global.ts";
import { insecureFlags } from "./api_flags.ts";

/** The client's version block (version.WriteLongVersionFromExisting of this program). */
export function clientBlock(): string {
  const arch = Deno.build.arch === "x86_64"
    ? "amd64"
    : Deno.build.arch === "aarch64"
    ? "arm64"
    : Deno.build.arch;
  return [
    `\tTag:         ${TALOS_VERSION}`,
    `\tSHA:         talosctl-deno v${VERSION}`,
    `\tBuilt:       `,
    `\tGo version:  deno ${Deno.version.deno} (v8 ${Deno.version.v8})`,
    `\tOS/Arch:     ${Deno.build.os}/${arch}`,
    "",
  ].join("\n");
}

export const spec: CommandSpec = {
  args: noArgs,
  persistentFlags: globalFlags,
  flags: [
    {
      name: "client",
      kind: "bool",
      usage: "show only the client's version, without contacting nodes",
    },
    { name: "short", kind: "bool", usage: "show the client version as one short line" },
    ...insecureFlags,
    { name: "json", kind: "bool", usage: "print each node's reply as JSON", hidden: true },
  ],
  async run(ctx) {
    const out = ctx.deps.io.stdout;
    const json = bool(ctx, "json");
    if (!json) {
      await out.write("Client:\n");
      await out.write(bool(ctx, "short") ? `Talos ${TALOS_VERSION}\n` : clientBlock());
      if (bool(ctx, "client")) return;
      await out.write("Server:\n");
    }
    const { serverVersions } = await lazy<typeof import("./version_server.ts")>(
      import.meta.url,
      "./version_server.ts",
    );
    await serverVersions(ctx, json);
  },
};
