// Streaming .tar.gz reading for `copy` and `cgroups`: the node's Data messages are gunzipped and
// split into tar entries as they arrive, each entry's data handed over in pieces, so nothing
// holds more than a chunk or two of the archive. Error texts follow Go's gzip and archive/tar
// as talosctl shows them.

/** An archive problem; the message is shown to the user as is. */
export class ArchiveError extends Error {
  override name = "ArchiveError";
}

/** The source failed (an RPC error): kept apart from archive problems. */
export class SourceError extends Error {
  override name = "SourceError";
  constructor(readonly original: unknown) {
    super(String((original as Error)?.message ?? original));
  }
}

const BLOCK = 512;

/** Reads exact byte counts from a stream of chunks. */
class ByteReader {
  #buf: Uint8Array = new Uint8Array(0);
  #done = false;
  constructor(private readonly reader: ReadableStreamDefaultReader<Uint8Array>) {}

  async #more(): Promise<boolean> {
    if (this.#done) return false;
    const r = await this.reader.read();
    if (r.done) {
      this.#done = true;
      return false;
    }
    if (this.#buf.length === 0) this.#buf = r.value;
    else {
      const b = new Uint8Array(this.#buf.length + r.value.length);
      b.set(this.#buf);
      b.set(r.value, this.#buf.length);
      this.#buf = b;
    }
    return true;
  }

  /** Exactly `n` bytes; null on a clean end before any byte; ArchiveError when cut short. */
  async exact(n: number): Promise<Uint8Array | null> {
    while (this.#buf.length < n) {
      if (!(await this.#more())) {
        if (this.#buf.length === 0) return null;
        throw new ArchiveError("unexpected EOF");
      }
    }
    const out = this.#buf.slice(0, n);
    this.#buf = this.#buf.subarray(n);
    return out;
  }

  /** `n` bytes in the pieces they arrive in. */
  async *pieces(n: number): AsyncGenerator<Uint8Array> {
    let left = n;
    while (left > 0) {
      if (this.#buf.length === 0 && !(await this.#more())) {
        throw new ArchiveError("unexpected EOF");
      }
      const take = Math.min(left, this.#buf.length);
      const piece = this.#buf.subarray(0, take);
      this.#buf = this.#buf.subarray(take);
      left -= take;
      yield piece;
    }
  }

  async skip(n: number): Promise<void> {
    for await (const _ of this.pieces(n)) { /* dropped */ }
  }
}

export interface TarEntry {
  name: string;
  /** The type flag: "0" (or "\0") file, "1" hard link, "2" symlink, "5" directory, ... */
  type: string;
  mode: number;
  size: number;
  linkname: string;
  /** The entry's data, in pieces; read it (or not) before asking for the next entry. */
  data: AsyncIterable<Uint8Array>;
}

function cstring(b: Uint8Array): string {
  const nul = b.indexOf(0);
  return new TextDecoder().decode(nul < 0 ? b : b.subarray(0, nul));
}

const INVALID = "archive/tar: invalid tar header";

function numeric(b: Uint8Array): number {
  if (b.length > 0 && (b[0] & 0x80) !== 0) {
    let v = b[0] & 0x7f;
    for (const x of b.subarray(1)) v = v * 256 + x;
    return v;
  }
  const text = cstring(b).trim();
  if (text === "") return 0;
  if (!/^[0-7]+$/.test(text)) throw new ArchiveError(INVALID);
  return parseInt(text, 8);
}

function checksumOk(h: Uint8Array): boolean {
  const stored = numeric(h.subarray(148, 156));
  let unsigned = 0, signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const c = i >= 148 && i < 156 ? 0x20 : h[i];
    unsigned += c;
    signed += c > 127 ? c - 256 : c;
  }
  return stored === unsigned || stored === signed;
}

function paxRecords(data: Uint8Array): Map<string, string> {
  const out = new Map<string, string>();
  let rest = new TextDecoder().decode(data);
  while (rest.length > 0) {
    const sp = rest.indexOf(" ");
    const len = parseInt(rest.slice(0, sp), 10);
    if (sp < 0 || !(len > sp)) throw new ArchiveError(INVALID);
    const record = rest.slice(sp + 1, len - 1);
    const eq = record.indexOf("=");
    if (eq < 0) throw new ArchiveError(INVALID);
    out.set(record.slice(0, eq), record.slice(eq + 1));
    rest = rest.slice(len);
  }
  return out;
}

async function slurp(it: AsyncIterable<Uint8Array>, limit: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const p of it) {
    n += p.length;
    if (n > limit) throw new ArchiveError(INVALID);
    parts.push(p.slice());
  }
  const out = new Uint8Array(n);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/**
 * The entries of a tar stream. As Go's archive/tar: the end is two zero blocks or a clean end of
 * input between entries; a cut header or data is "unexpected EOF".
 */
export async function* tarEntries(
  reader: ReadableStreamDefaultReader<Uint8Array>,
): AsyncGenerator<TarEntry> {
  const r = new ByteReader(reader);
  let pax = new Map<string, string>();
  let longName: string | undefined;
  let longLink: string | undefined;
  for (;;) {
    const h = await r.exact(BLOCK);
    if (!h) return;
    if (h.every((x) => x === 0)) {
      const h2 = await r.exact(BLOCK);
      if (!h2 || h2.every((x) => x === 0)) return;
      throw new ArchiveError(INVALID);
    }
    if (!checksumOk(h)) throw new ArchiveError(INVALID);
    const type = String.fromCharCode(h[156]);
    let size = numeric(h.subarray(124, 136));
    if (pax.has("size")) size = Number(pax.get("size"));
    const padded = Math.ceil(size / BLOCK) * BLOCK;
    if (type === "x" || type === "g" || type === "L" || type === "K") {
      const data = await slurp(r.pieces(size), 1 << 20);
      await r.skip(padded - size);
      if (type === "x") pax = paxRecords(data);
      if (type === "L") longName = cstring(data);
      if (type === "K") longLink = cstring(data);
      continue;
    }
    const magic = cstring(h.subarray(257, 263));
    const prefix = magic === "ustar" ? cstring(h.subarray(345, 500)) : "";
    let name = cstring(h.subarray(0, 100));
    if (prefix !== "") name = `${prefix}/${name}`;
    name = pax.get("path") ?? longName ?? name;
    const linkname = pax.get("linkpath") ?? longLink ?? cstring(h.subarray(157, 257));
    pax = new Map();
    longName = longLink = undefined;
    // Links, directories and devices carry no data whatever the size field says.
    const hasData = !"123456".includes(type);
    const dataSize = hasData ? size : 0;
    let remaining = hasData ? padded : 0;
    const data = (async function* () {
      for await (const p of r.pieces(dataSize)) {
        remaining -= p.length;
        yield p;
      }
    })();
    yield { name, type, mode: numeric(h.subarray(100, 108)), size, linkname, data };
    // Skip whatever the caller left unread, and the padding.
    await r.skip(remaining);
  }
}

/**
 * Gunzips the chunks of `source` as they come. Like Go's gzip.NewReader, the header is checked
 * first: an empty or cut stream, or one that is not gzip, fails with `error initializing gzip`.
 * Errors of `source` itself come out as SourceError.
 */
export async function gunzipStream(
  source: AsyncIterator<Uint8Array>,
  render: (err: unknown) => string,
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
