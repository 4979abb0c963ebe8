// `talosctl bootstrap [--recover-from FILE [--recover-skip-hash-check]]`: start etcd on one
// control plane node, optionally from a snapshot uploaded first.

import { bool, type CommandSpec, noArgs, str } from "./spec.ts";
import { globalFlags } from "./global.ts";

export const spec: CommandSpec = {
  long: `Starts the etcd cluster on the one control plane node given. Until then, etcd on every
control plane node waits to join peers; run this once, on one node of a new cluster, and the
other control plane nodes join once Kubernetes is up on it. Not for clusters built with
"init" nodes.

With --recover-from, etcd starts from a snapshot (e.g. one saved by 'talosctl etcd snapshot')
instead of empty.`,
  args: noArgs,
  persistentFlags: globalFlags,
  flags: [
    { name: "recover-from", kind: "string", usage: "start etcd from this snapshot file" },
    {
      name: "recover-skip-hash-check",
      kind: "bool",
      usage: "restore a snapshot without its integrity hash (e.g. a copied data directory)",
    },
  ],
  async run(ctx) {
    const { openSession, errorText, UserError } = await import("./kit.ts");
    const { goQuote } = await import("../gofmt/mod.ts");
    const session = await openSession(ctx);
    const node = session.single("bootstrap");
    const { client, options } = session.forNode(node);
    const recoverFrom = str(ctx, "recover-from");
    if (recoverFrom !== "") {
      const { resolvePath } = await import("./files.ts");
      const { snapshotStatusFile, StatusError } = await import("../etcd/status.ts");
      const path = resolvePath(ctx.deps, recoverFrom);
      let st;
      try {
        st = snapshotStatusFile(path);
      } catch (e) {
        if (e instanceof StatusError) {
          throw new UserError(e.message.replaceAll(path, recoverFrom));
        }
        throw e;
      }
      await ctx.deps.io.stdout.write(
        `recovering from snapshot ${goQuote(recoverFrom)}: hash ${
          st.hash.toString(16).padStart(8, "0")
        }, revision ${st.revision}, total keys ${st.totalKey}, total size ${st.totalSize}\n`,
      );
      let file: Deno.FsFile;
      try {
        file = await Deno.open(path);
      } catch (e) {
        throw new UserError(`error opening snapshot file: open ${recoverFrom}: ${errorText(e)}`);
      }
      try {
        await client.machine.etcdRecover(chunksOf(file), options);
      } catch (e) {
        throw new UserError(`error uploading snapshot: ${errorText(e)}`);
      } finally {
        try {
          file.close();
        } catch { /* closed by the stream */ }
      }
    }
    try {
      await client.machine.bootstrap({
        recoverEtcd: recoverFrom !== "",
        recoverSkipHashCheck: bool(ctx, "recover-skip-hash-check"),
      }, options);
    } catch (e) {
      throw new UserError(`error executing bootstrap: ${errorText(e)}`);
    }
  },
};

/** The file as a stream of Data messages (talosctl sends 4 KiB reads). */
async function* chunksOf(file: Deno.FsFile): AsyncGenerator<{ bytes: Uint8Array }> {
  for (;;) {
    const buf = new Uint8Array(4096);
    const n = await file.read(buf);
    if (n === null) return;
    yield { bytes: buf.subarray(0, n) };
  }
}
