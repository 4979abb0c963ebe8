// Gunzipping a stream of chunks as they come, with Go's compress/gzip error texts as talosctl
// shows them.

import { ArchiveError } from "./tar.ts";

/** The source failed (an RPC error): kept apart from archive problems. */
export class SourceError extends Error {
  override name = "SourceError";
  constructor(readonly original: unknown) {
    super(String((original as Error)?.message ?? original));
  }
}

/** One buffer as a source of chunks. */
export async function* chunksOf(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  if (bytes.length > 0) yield bytes;
}

/**
 * Gunzips the chunks of `source` as they come. Like Go's gzip.NewReader, the header is checked
 * first: an empty or cut stream, or one that is not gzip, fails with `error initializing gzip`
 * (a failing source there with the text `render` gives it). Later errors of `source` itself
 * come out as SourceError.
 */
export async function gunzipStream(
  source: AsyncIterator<Uint8Array>,
  render: (err: unknown) => string = (e) => String((e as Error)?.message ?? e),
): Promise<ReadableStreamDefaultReader<Uint8Array>> {
  const head: Uint8Array[] = [];
  let n = 0;
  let ended = false;
  try {
    while (n < 10) {
      const r = await source.next();
      if (r.done) {
        ended = true;
        break;
      }
      if (r.value.length === 0) continue;
      head.push(r.value);
      n += r.value.length;
    }
  } catch (e) {
    throw new ArchiveError(`error initializing gzip: ${render(e)}`);
  }
  if (n === 0) throw new ArchiveError("error initializing gzip: EOF");
  if (n < 10 && ended) throw new ArchiveError("error initializing gzip: unexpected EOF");
  const first = head[0];
  const b1 = first.length > 1 ? first[1] : head[1][0];
  if (first[0] !== 0x1f || b1 !== 0x8b) {
    throw new ArchiveError("error initializing gzip: gzip: invalid header");
  }
  const src = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = head.shift();
      if (next) return controller.enqueue(next);
      if (ended) return controller.close();
      try {
        const r = await source.next();
        if (r.done) controller.close();
        else controller.enqueue(r.value);
      } catch (e) {
        controller.error(new SourceError(e));
      }
    },
    async cancel() {
      await source.return?.();
    },
  }, { highWaterMark: 0 });
  const out = src.pipeThrough(
    new DecompressionStream("gzip") as unknown as ReadableWritablePair<Uint8Array, Uint8Array>,
  );
  const reader = out.getReader();
  // Decompression errors read as Go's gzip/flate errors; the source's errors pass through.
  return {
    async read() {
      try {
        return await reader.read();
      } catch (e) {
        if (e instanceof SourceError) throw e;
        const msg = String((e as Error)?.message ?? e);
        // Deno reports a cut stream as a checksum mismatch: the two cannot be told apart.
        if (/checksum/i.test(msg)) {
          throw new ArchiveError("gzip: truncated archive or invalid checksum");
        }
        if (/end|eof|truncat/i.test(msg)) throw new ArchiveError("unexpected EOF");
        throw new ArchiveError(`flate: corrupt input (${msg})`);
      }
    },
    cancel: (reason?: unknown) => reader.cancel(reason),
    releaseLock: () => reader.releaseLock(),
    closed: reader.closed,
  } as ReadableStreamDefaultReader<Uint8Array>;
}
