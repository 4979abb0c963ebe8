// The body of `copy`: the node's tar.gz stream either written raw to stdout ("-") or unpacked
// into a local directory as it arrives (see extract.ts for what is refused).

import type { RunContext } from "../spec.ts";
import {
  errorText,
  isDialFailure,
  openSession,
  streamBytes,
  type TalosClient,
  UserError,
} from "../kit.ts";
import type { CallOptions } from "@connectrpc/connect";
import { goPathClean, goQuote } from "../../gofmt/mod.ts";
import { resolvePath } from "../files.ts";

/** The Copy stream of `path` as bytes; failures worded as talosctl prints them. */
export async function* copyBytes(
  client: TalosClient,
  options: CallOptions,
  path: string,
): AsyncGenerator<Uint8Array> {
  try {
    yield* streamBytes(client.machine.copy({ rootPath: path }, options));
  } catch (e) {
    const err = new Error(errorText(e));
    (err as { dial?: boolean }).dial = isDialFailure(e);
    throw err;
  }
}

export async function runCopy(ctx: RunContext): Promise<void> {
  const [src, dest] = ctx.args;
  const session = await openSession(ctx);
  const node = session.single("copy");
  const { client, options } = session.forNode(node);
  const out = ctx.deps.io.stdout;
  const bytes = () => copyBytes(client, options, src);

  if (dest === "-") {
    try {
      for await (const b of bytes()) await out.write(b);
    } catch (e) {
      const err = e as Error & { dial?: boolean };
      throw new UserError(err.dial ? `error copying: ${err.message}` : err.message);
    }
    return;
  }

  const shown = goPathClean(dest);
  const abs = resolvePath(ctx.deps, shown);
  let info: Deno.FileInfo | undefined;
  try {
    info = await Deno.stat(abs);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) {
      const { goOsReason } = await import("./extract.ts");
      throw new UserError(`failed to stat local path: stat ${shown}: ${goOsReason(e)}`);
    }
  }
  if (info && !info.isDirectory) {
    throw new UserError(`local path ${goQuote(dest)} should be a directory`);
  }
  if (!info) {
    try {
      await Deno.mkdir(abs, { recursive: true, mode: 0o777 });
    } catch (e) {
      const { goOsReason } = await import("./extract.ts");
      throw new UserError(
        `error creating local path ${goQuote(shown)}: mkdir ${shown}: ${goOsReason(e)}`,
      );
    }
  }

  const { tarEntries, ArchiveError } = await import("../../archive/tar.ts");
  const { gunzipStream } = await import("../../archive/gzip.ts");
  const { Extractor, ExtractError } = await import("./extract.ts");
  const extractor = new Extractor(await Deno.realPath(abs), shown);
  const source = bytes();
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  try {
    reader = await gunzipStream(source, (e) => {
      const err = e as Error & { dial?: boolean };
      if (err.dial) throw new UserError(`error copying: ${err.message}`);
      return err.message;
    });
    const entries = tarEntries(reader);
    for (;;) {
      let next;
      try {
        next = await entries.next();
      } catch (e) {
        if (e instanceof ExtractError) throw e;
        const msg = e instanceof Error ? e.message : String(e);
        throw new UserError(`error reading tar header: ${msg}`);
      }
      if (next.done) break;
      await extractor.entry(next.value);
    }
    // After the archive's end the node may still report files it skipped (unreadable ones) as
    // the stream's error. talosctl stops reading at the end of the archive and never sees it;
    // say it as a warning, without failing the copy.
    try {
      while (!(await reader.read()).done) { /* the gzip trailer */ }
    } catch (e) {
      if (e instanceof Error && e.name === "SourceError") {
        await ctx.deps.io.stderr.write(`warning: ${e.message.trimEnd()}\n`);
      }
    }
  } catch (e) {
    if (e instanceof UserError) throw e;
    if (e instanceof ExtractError || e instanceof ArchiveError) throw new UserError(e.message);
    throw e;
  } finally {
    await reader?.cancel().catch(() => {});
    for (const w of extractor.warnings) await ctx.deps.io.stderr.write(`warning: ${w}\n`);
  }
}
