// The one tar reader: entries are split out of a stream of chunks as they arrive, each entry's
// data handed over in pieces, so nothing holds more than a chunk or two of the archive. Used
// whole (`kubeconfig`: one file out of a small archive) and streaming (`copy`, `cgroups`, the
// image layers of `image talos-bundle`). The writer is tar_write.ts.
// Error texts are Go's archive/tar, as talosctl shows them.
//
// The node closes the gzip stream but never the tar writer: its archives end right after the
// last file's data, with neither padding nor the two zero end-of-archive blocks. As in Go's
// archive/tar, a clean end of input between entries (or inside the padding) ends the archive.

/** An archive problem; the message is shown to the user as is. */
export class ArchiveError extends Error {
  override name = "ArchiveError";
}

const BLOCK = 512;

/** Go's archive/tar.ErrHeader. */
const INVALID = "archive/tar: invalid tar header";

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

  /** `n` bytes in the pieces they arrive in; ArchiveError when cut short. */
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

  /** Drops up to `n` bytes; false when the input ends first (Go's tryReadFull). */
  async trySkip(n: number): Promise<boolean> {
    let left = n;
    while (left > 0) {
      if (this.#buf.length === 0 && !(await this.#more())) return false;
      const take = Math.min(left, this.#buf.length);
      this.#buf = this.#buf.subarray(take);
      left -= take;
    }
    return true;
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

/** A numeric header field: octal text, or base-256 when the high bit of the first byte is set. */
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

/** PAX extended header records: "<len> key=value\n". */
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

/** The pieces joined; ArchiveError past `limit` bytes. */
export async function collect(
  it: AsyncIterable<Uint8Array>,
  limit = Number.MAX_SAFE_INTEGER,
): Promise<Uint8Array> {
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
    const padding = Math.ceil(size / BLOCK) * BLOCK - size;
    if (type === "x" || type === "g" || type === "L" || type === "K") {
      const data = await collect(r.pieces(size), 1 << 20);
      if (!(await r.trySkip(padding))) return;
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
    let unread = hasData ? size : 0;
    const data = (async function* () {
      for await (const p of r.pieces(unread)) {
        unread -= p.length;
        yield p;
      }
    })();
    yield { name, type, mode: numeric(h.subarray(100, 108)), size, linkname, data };
    // Skip whatever the caller left unread, then the padding.
    await r.skip(unread);
    if (hasData && !(await r.trySkip(padding))) return;
  }
}
