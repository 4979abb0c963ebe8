// The one tar writer, beside the reader (tar.ts): Go archive/tar's USTAR headers, a name too
// long for USTAR's prefix/name split carried by a PAX "path" record, as talosctl's image-cache
// layer is built: headers, then each file's bytes streamed, its padding, and the end blocks.

const BLOCK = 512;
const dec = new TextDecoder();
const enc = new TextEncoder();

function putString(b: Uint8Array, off: number, len: number, s: string): void {
  b.set(enc.encode(s).subarray(0, len), off);
}

function putOctal(b: Uint8Array, off: number, len: number, n: number): void {
  putString(b, off, len, n.toString(8).padStart(len - 1, "0"));
}

/** Go's splitUSTARPath: a name longer than 100 bytes split at a slash into prefix/name. */
function splitUSTAR(name: string): [string, string] | undefined {
  const bytes = enc.encode(name);
  if (bytes.length <= 100) return ["", name];
  if (bytes.length > 256) return undefined;
  let i = Math.min(bytes.length - 1, 155);
  while (i > 0 && bytes[i] !== 0x2f) i--;
  for (; i > 0; i--) {
    if (bytes[i] !== 0x2f) continue;
    const prefix = dec.decode(bytes.subarray(0, i));
    const rest = dec.decode(bytes.subarray(i + 1));
    if (enc.encode(rest).length <= 100 && enc.encode(rest).length > 0 && i <= 155) {
      return [prefix, rest];
    }
  }
  return undefined;
}

function header(name: string, mode: number, size: number, type: string, ustar = true): Uint8Array {
  const b = new Uint8Array(BLOCK);
  let prefix = "";
  let short = name;
  if (ustar) {
    const split = splitUSTAR(name);
    if (split) [prefix, short] = split;
  }
  putString(b, 0, 100, short);
  putOctal(b, 100, 8, mode);
  putOctal(b, 108, 8, 0);
  putOctal(b, 116, 8, 0);
  putOctal(b, 124, 12, size);
  putOctal(b, 136, 12, 0);
  b[156] = type.charCodeAt(0);
  putString(b, 257, 6, "ustar\0");
  putString(b, 263, 2, "00");
  putString(b, 345, 155, prefix);
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const x of b) sum += x;
  putString(b, 148, 7, sum.toString(8).padStart(6, "0"));
  b[154] = 0;
  b[155] = 0x20;
  return b;
}

/** The header block(s) of an entry: PAX "path" record first when the name does not fit USTAR. */
export function tarHeader(name: string, mode: number, size: number, dir: boolean): Uint8Array {
  const type = dir ? "5" : "0";
  if (splitUSTAR(name)) return header(name, mode, size, type);
  // a PAX extended header carrying the full path
  let rec = ` path=${name}\n`;
  let len = enc.encode(rec).length;
  let n = len + String(len).length;
  if (String(n).length !== String(len).length) n = len + String(n).length;
  rec = `${n}${rec}`;
  len = enc.encode(rec).length;
  const slash = name.lastIndexOf("/");
  const paxName = `${name.slice(0, slash + 1)}PaxHeaders.0/${name.slice(slash + 1)}`.slice(0, 100);
  const pax = header(paxName, 0, len, "x");
  const body = new Uint8Array(Math.ceil(len / BLOCK) * BLOCK);
  body.set(enc.encode(rec));
  const main = header(name.slice(0, 100), mode, size, type, false);
  const out = new Uint8Array(pax.length + body.length + main.length);
  out.set(pax);
  out.set(body, pax.length);
  out.set(main, pax.length + body.length);
  return out;
}

/** Zero padding after a body of `size` bytes. */
export function tarPadding(size: number): Uint8Array {
  return new Uint8Array((BLOCK - (size % BLOCK)) % BLOCK);
}

/** The end of an archive: two zero blocks. */
export const TAR_END = new Uint8Array(BLOCK * 2);
