// Reading one file out of a .tar.gz archive, as the node sends it for `kubeconfig` (and `copy`).
//
// The node closes the gzip stream but never the tar writer: the archive ends right after the
// last file's data, with neither block padding nor the two zero end-of-archive blocks. Like Go's
// archive/tar, this reader treats a clean end of input between entries as the end of the archive.

import { errorMessage } from "../errors.ts";

const BLOCK = 512;

/** Why an archive could not be read; the message is shown to the user as is. */
export class ArchiveError extends Error {
  override name = "ArchiveError";
}

export interface TarEntry {
  name: string;
  /** The tar type flag: "0" (or "\0") regular file, "5" directory, "2" symlink, ... */
  type: string;
  mode: number;
  size: number;
  data: Uint8Array;
}

/** Gunzips `bytes` (all members), failing on corrupt or truncated input. */
export async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  if (bytes.length < 10 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    const why = bytes.length === 0
      ? "EOF"
      : bytes.length < 10
      ? "unexpected EOF"
      : "gzip: invalid header";
    throw new ArchiveError(`error initializing gzip: ${why}`);
  }
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(
    new DecompressionStream("gzip"),
  );
  try {
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (err) {
    const why = errorMessage(err);
    // Deno reports a truncated stream as a checksum mismatch; the two cannot be told apart here.
    throw new ArchiveError(
      why.includes("checksum") ? "gzip: truncated archive or invalid checksum" : `gzip: ${why}`,
    );
  }
}

function cstring(b: Uint8Array): string {
  const nul = b.indexOf(0);
  return new TextDecoder().decode(nul < 0 ? b : b.subarray(0, nul));
}

/** A numeric header field: octal text, or base-256 when the high bit of the first byte is set. */
function numeric(b: Uint8Array, what: string): number {
  if (b.length > 0 && (b[0] & 0x80) !== 0) {
    let v = b[0] & 0x7f;
    for (const x of b.subarray(1)) v = v * 256 + x;
    return v;
  }
  const text = cstring(b).trim();
  if (text === "") return 0;
  if (!/^[0-7]+$/.test(text)) throw new ArchiveError(`archive/tar: invalid ${what} field`);
  return parseInt(text, 8);
}

function checksumOk(h: Uint8Array): boolean {
  const stored = numeric(h.subarray(148, 156), "checksum");
  let unsigned = 0;
  let signed = 0;
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
  const text = new TextDecoder().decode(data);
  let rest = text;
  while (rest.length > 0) {
    const sp = rest.indexOf(" ");
    const len = parseInt(rest.slice(0, sp), 10);
    if (sp < 0 || !(len > sp)) throw new ArchiveError("archive/tar: invalid PAX record");
    const record = rest.slice(sp + 1, len - 1);
    const eq = record.indexOf("=");
    if (eq < 0) throw new ArchiveError("archive/tar: invalid PAX record");
    out.set(record.slice(0, eq), record.slice(eq + 1));
    rest = rest.slice(len);
  }
  return out;
}

/**
 * Lists the entries of an uncompressed tar stream. End of input at an entry boundary (or an
 * all-zero block) ends the archive; end of input inside a header or inside file data is an error.
 */
export function readTar(tar: Uint8Array): TarEntry[] {
  const entries: TarEntry[] = [];
  let off = 0;
  let longName: string | undefined;
  let pax = new Map<string, string>();
  while (off < tar.length) {
    if (tar.length - off < BLOCK) throw new ArchiveError("unexpected EOF");
    const h = tar.subarray(off, off + BLOCK);
    if (h.every((x) => x === 0)) break;
    if (!checksumOk(h)) throw new ArchiveError("archive/tar: invalid header");
    const type = String.fromCharCode(h[156]);
    let size = numeric(h.subarray(124, 136), "size");
    if (pax.has("size")) size = Number(pax.get("size"));
    const start = off + BLOCK;
    if (tar.length < start + size) throw new ArchiveError("unexpected EOF");
    const data = tar.subarray(start, start + size);
    off = start + Math.ceil(size / BLOCK) * BLOCK;
    if (type === "x") {
      pax = paxRecords(data);
      continue;
    }
    if (type === "g") continue;
    if (type === "L") {
      longName = cstring(data);
      continue;
    }
    const magic = cstring(h.subarray(257, 263));
    const prefix = magic === "ustar" ? cstring(h.subarray(345, 500)) : "";
    let name = cstring(h.subarray(0, 100));
    if (prefix !== "") name = `${prefix}/${name}`;
    name = pax.get("path") ?? longName ?? name;
    entries.push({ name, type, mode: numeric(h.subarray(100, 108), "mode"), size, data });
    longName = undefined;
    pax = new Map();
  }
  return entries;
}

/**
 * Cleans an archive path as talosctl does before comparing names: "." and ".." resolved, a
 * relative path never climbs above the root, an absolute path stays absolute; "" stays "".
 */
export function cleanEntryPath(p: string): string {
  if (p === "") return "";
  const parts: string[] = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") parts.pop();
    else parts.push(seg);
  }
  const joined = parts.join("/");
  if (p.startsWith("/")) return "/" + joined;
  return joined === "" ? "." : joined;
}

/** Extracts the regular file `name` from a .tar.gz archive. */
export async function extractFileFromTarGz(name: string, archive: Uint8Array): Promise<Uint8Array> {
  const entries = readTar(await gunzip(archive));
  for (const e of entries) {
    const p = cleanEntryPath(e.name);
    if (p === "") throw new ArchiveError("empty tar header path");
    if (p !== name) continue;
    if (e.type === "5" || e.type === "2") throw new ArchiveError(`${name} is not a file`);
    return e.data;
  }
  throw new ArchiveError(`couldn't find file ${name} in the archive`);
}
