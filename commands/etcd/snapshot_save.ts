// The work of `etcd snapshot`, kept apart so the command's spec stays light to load.

import type { RunContext } from "../spec.ts";
import { UserError } from "../../errors.ts";
import { errorText, humanizeBytes, isDialFailure, openSession, streamBytes } from "../kit.ts";
import { goQuote } from "../../gofmt/mod.ts";
import { writeAll } from "../../io/write.ts";

const FLUSH_AT = 1 << 20;

export async function saveSnapshot(ctx: RunContext): Promise<void> {
  const session = await openSession(ctx);
  const node = session.single("etcd snapshot");
  const { client, options } = session.forNode(node);
  const dbPath = ctx.args[0].startsWith("/") ? ctx.args[0] : `${ctx.deps.cwd}/${ctx.args[0]}`;
  const partPath = dbPath + ".part";
  // Paths in messages as the user gave them, reasons as Go's os errors word them.
  const shown = ctx.args[0], shownPart = shown + ".part";
  const { goOsReason } = await import("../files/extract.ts");
  const err = ctx.deps.io.stderr;
  let file: Deno.FsFile;
  try {
    file = await Deno.open(partPath, { write: true, create: true, truncate: true, mode: 0o600 });
  } catch (e) {
    throw new UserError(`error creating temporary file: open ${shownPart}: ${goOsReason(e)}`);
  }
  let size = 0;
  let done = false;
  try {
    const buf = new Uint8Array(FLUSH_AT + 64 * 1024);
    let used = 0;
    const write = async (bytes: Uint8Array) => {
      try {
        await writeAll(file, bytes);
      } catch (e) {
        throw new Error(`write ${shownPart}: ${goOsReason(e)}`);
      }
    };
    const flush = async () => {
      await write(buf.subarray(0, used));
      used = 0;
    };
    let lastProgress = 0;
    try {
      // As talosctl's ReadStream: the bytes of a message come before its in-band error, and a
      // Canceled or DeadlineExceeded in-band status is a normal end.
      for await (const bytes of streamBytes(client.machine.etcdSnapshot({}, options))) {
        if (used + bytes.length > buf.length) await flush();
        if (bytes.length > buf.length) {
          await write(bytes);
        } else {
          buf.set(bytes, used);
          used += bytes.length;
        }
        size += bytes.length;
        if (used >= FLUSH_AT) await flush();
        if (err.isTTY && Date.now() - lastProgress > 200) {
          lastProgress = Date.now();
          await err.write(`\rreceiving etcd snapshot from ${node}: ${humanizeBytes(size)}   `);
        }
      }
    } catch (e) {
      // A call that could not start is "error reading file" in talosctl, a failed stream
      // "error reading".
      const prefix = isDialFailure(e) ? "error reading file" : "error reading";
      throw new UserError(`${prefix}: ${errorText(e)}`);
    } finally {
      if (err.isTTY && lastProgress > 0) await err.write("\r\x1b[K");
    }
    try {
      await flush();
    } catch (e) {
      throw new UserError(`error reading: ${(e as Error).message}`);
    }
    try {
      await file.sync();
    } catch (e) {
      throw new UserError(`failed to fsync: sync ${shownPart}: ${goOsReason(e)}`);
    }
    // etcd appends a sha256 of the database: a whole snapshot is N*512 + 32 bytes.
    if (size % 512 !== 32) throw new UserError(`sha256 checksum not found (size ${size})`);
    file.close();
    done = true;
    try {
      await Deno.rename(partPath, dbPath);
    } catch (e) {
      throw new UserError(
        `error renaming to final location: rename ${shownPart} ${shown}: ${goOsReason(e)}`,
      );
    }
  } finally {
    if (!done) {
      try {
        file.close();
      } catch { /* already closed */ }
    }
    await Deno.remove(partPath).catch(() => {});
  }
  const out = ctx.deps.io.stdout;
  await out.write(`etcd snapshot saved to ${goQuote(ctx.args[0])} (${size} bytes)\n`);
  // As talosctl, read the saved file back with etcdutl's snapshot status; a failure is the
  // command's error, and the file stays where it is.
  const { snapshotStatusFile, StatusError } = await import("../../etcd/status.ts");
  let st;
  try {
    st = snapshotStatusFile(dbPath);
  } catch (e) {
    if (e instanceof StatusError) throw new UserError(e.message);
    throw e;
  }
  await out.write(
    `snapshot info: hash ${st.hash.toString(16).padStart(8, "0")}, revision ${st.revision}, ` +
      `total keys ${st.totalKey}, total size ${st.totalSize}\n`,
  );
}
