// Builds .tar.gz archives the way a Talos node wraps a file for the Kubeconfig (and Copy)
// streams: one USTAR header per file, and, like the node, optionally no end-of-archive
// trailer (the node closes gzip but never the tar writer).

import { concat } from "../../pki/der.ts";

const BLOCK = 512;

export interface ArchiveFile {
  name: string;
  data: Uint8Array;
  /** Default 0o600. */
  mode?: number;
  /** "0" regular file (default), "5" directory, "2" symlink. */
  type?: string;
  mtime?: Date;
}

function octal(buf: Uint8Array, off: number, len: number, value: number) {
  const text = value.toString(8).padStart(len - 1, "0");
  buf.set(new TextEncoder().encode(text), off);
  buf[off + len - 1] = 0;
}

/** One USTAR header block. */
export function tarHeader(f: ArchiveFile): Uint8Array {
  const h = new Uint8Array(BLOCK);
  const enc = new TextEncoder();
  h.set(enc.encode(f.name).subarray(0, 100), 0);
  octal(h, 100, 8, f.mode ?? 0o600);
  octal(h, 108, 8, 0);
  octal(h, 116, 8, 0);
  octal(h, 124, 12, f.data.length);
  octal(h, 136, 12, Math.floor((f.mtime ?? new Date()).getTime() / 1000));
  h[156] = (f.type ?? "0").charCodeAt(0);
  h.set(enc.encode("ustar\0" + "00"), 257);
  octal(h, 329, 8, 0);
  octal(h, 337, 8, 0);
  h.fill(0x20, 148, 156);
  const sum = h.reduce((a, b) => a + b, 0);
  const chk = enc.encode(sum.toString(8).padStart(6, "0"));
  h.set(chk, 148);
  h[154] = 0;
  h[155] = 0x20;
  return h;
}

/** A tar stream; with `trailer: false` it stops right after the last file's data. */
export function tar(files: ArchiveFile[], opts: { trailer: boolean }): Uint8Array {
  const parts: Uint8Array[] = [];
  files.forEach((f, i) => {
    parts.push(tarHeader(f), f.data);
    const last = i === files.length - 1;
    const pad = (BLOCK - (f.data.length % BLOCK)) % BLOCK;
    if (!last || opts.trailer) parts.push(new Uint8Array(pad));
  });
  if (opts.trailer) parts.push(new Uint8Array(2 * BLOCK));
  return concat(parts);
}

export async function gzip(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as BlobPart]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The archive a node sends for `kubeconfig`: gzip closed, tar left open. */
export function kubeconfigArchive(kubeconfig: string, mtime = new Date()): Promise<Uint8Array> {
  const data = new TextEncoder().encode(kubeconfig);
  return gzip(tar([{ name: "kubeconfig", data, mode: 0o600, mtime }], { trailer: false }));
}
