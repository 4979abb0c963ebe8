// A node's simulated file tree and the walk machined does over a real one (pkg/archiver's
// Walker on top of Go's filepath.Walk): lexical order, Lstat semantics, a symlink root resolved
// first, the depth rule that always enters the root, and the type filter that skips an entry
// without skipping its subtree. Tests change a node's tree with putFile/removeFile.

import type { SimNode } from "./node.ts";
import { cgroupFiles } from "./cgroups.ts";
import { goPathClean } from "../../gofmt/path.ts";

export interface SimFile {
  type: "file" | "dir" | "symlink" | "socket";
  /** Unix permission bits, setuid/setgid/sticky included (default 0o644, dirs 0o755). */
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: Date;
  /** Content: bytes, or `size` bytes of a deterministic pattern (big files cost nothing). */
  data?: Uint8Array | { size: number };
  /** Symlink target. */
  target?: string;
  /** Size stat reports, when it differs from the content's (e.g. 0 for /proc files). */
  statSize?: number;
  /** Opening fails with this reason (e.g. "permission denied"); for a dir, reading it does. */
  denied?: string;
  xattrs?: { name: string; data: Uint8Array }[];
}

export const FILES_EPOCH = new Date("2024-05-01T10:00:00Z");

const enc = new TextEncoder();

/** A small Talos-like tree for `node`. */
function defaultTree(node: SimNode): Map<string, SimFile> {
  const t = new Map<string, SimFile>();
  const dir = (p: string, mode = 0o755) => t.set(p, { type: "dir", mode, mtime: FILES_EPOCH });
  const file = (p: string, text: string, mode = 0o644) =>
    t.set(p, { type: "file", mode, mtime: FILES_EPOCH, data: enc.encode(text) });
  dir("/");
  dir("/etc");
  file("/etc/hostname", `${node.hostname}\n`);
  file(
    "/etc/os-release",
    `NAME="Talos"\nID=talos\nVERSION_ID=${node.version.tag}\nPRETTY_NAME="Talos (${node.version.tag})"\n`,
  );
  t.set("/etc/localtime", {
    type: "symlink",
    target: "/usr/share/zoneinfo/UTC",
    mtime: FILES_EPOCH,
  });
  dir("/var");
  dir("/var/log");
  file("/var/log/machined.log", node.logs.get("machined") ?? "");
  dir("/var/log/audit", 0o700);
  file("/var/log/audit/audit.log", "type=DAEMON_START msg=audit(1714557600.000:1)\n", 0o600);
  dir("/var/lib");
  dir("/var/lib/kubelet");
  file("/var/lib/kubelet/kubeconfig", "apiVersion: v1\nkind: Config\n", 0o600);
  for (const [p, f] of cgroupFiles(node, FILES_EPOCH)) t.set(p, f);
  return t;
}

/** The node's tree, made on first use. */
export function nodeFiles(node: SimNode): Map<string, SimFile> {
  if (!node.files) node.files = defaultTree(node);
  return node.files;
}

/** Adds or replaces `path` (absolute), creating missing parent directories. */
export function putFile(node: SimNode, path: string, f: SimFile): void {
  const t = nodeFiles(node);
  const parts = path.split("/").filter((x) => x !== "");
  for (let i = 1; i < parts.length; i++) {
    const p = "/" + parts.slice(0, i).join("/");
    if (!t.has(p)) t.set(p, { type: "dir", mode: 0o755, mtime: FILES_EPOCH });
  }
  t.set("/" + parts.join("/"), { mtime: FILES_EPOCH, ...f });
}

/** Removes `path` and everything under it. */
export function removeFile(node: SimNode, path: string): void {
  const t = nodeFiles(node);
  for (const k of [...t.keys()]) if (k === path || k.startsWith(path + "/")) t.delete(k);
}

// --- stat ------------------------------------------------------------------------------------

/** Go's os.FileMode of an entry (type bits plus permissions). */
export function goFileMode(f: SimFile): number {
  let m = (f.mode ?? (f.type === "dir" ? 0o755 : f.type === "symlink" ? 0o777 : 0o644)) & 0o777;
  const unix = f.mode ?? 0;
  if (unix & 0o4000) m |= 1 << 23;
  if (unix & 0o2000) m |= 1 << 22;
  if (unix & 0o1000) m |= 1 << 20;
  if (f.type === "dir") m |= 2 ** 31;
  if (f.type === "symlink") m = (1 << 27) | 0o777;
  if (f.type === "socket") m |= 1 << 24;
  return m >>> 0;
}

export function contentSize(f: SimFile): number {
  if (!f.data) return 0;
  return f.data instanceof Uint8Array ? f.data.length : f.data.size;
}

/** What stat reports as the size. */
export function statSize(f: SimFile): number {
  if (f.statSize !== undefined) return f.statSize;
  if (f.type === "dir") return 4096;
  if (f.type === "symlink") return enc.encode(f.target ?? "").length;
  return contentSize(f);
}

/** The content in chunks of at most 1024 bytes, as machined's chunker sends files. */
export function* contentChunks(f: SimFile): Generator<Uint8Array> {
  const d = f.data;
  if (!d) return;
  if (d instanceof Uint8Array) {
    for (let off = 0; off < d.length; off += 1024) yield d.subarray(off, off + 1024);
    return;
  }
  const block = new Uint8Array(1024);
  for (let i = 0; i < 1024; i++) block[i] = patternByte(i);
  for (let off = 0; off < d.size; off += 1024) {
    yield off + 1024 <= d.size ? block : block.subarray(0, d.size - off);
  }
}

/** The byte at offset `i` of a `{ size }` file's pattern (tests check copies with it). */
export function patternByte(i: number): number {
  return ((i & 1023) * 31 + 7) & 0xff;
}

/** A filesystem error as Go's *PathError prints it. */
export class FsError extends Error {
  constructor(op: string, path: string, reason: string) {
    super(`${op} ${path}: ${reason}`);
  }
}

/** The absolute path `p` names, relative ones taken from "/". */
function clean(p: string): string {
  return goPathClean("/" + p);
}

function dirname(p: string): string {
  const i = p.lastIndexOf("/");
  return i <= 0 ? "/" : p.slice(0, i);
}

export class SimFs {
  constructor(readonly tree: Map<string, SimFile>) {}

  /** Resolves symlinks in the parent directories of `p` (not in its last element). */
  #parents(p: string, op: string, orig: string, depth = 0): string {
    const parts = clean(p).split("/").filter((x) => x !== "");
    let cur = "/";
    for (let i = 0; i < parts.length - 1; i++) {
      const next = cur === "/" ? `/${parts[i]}` : `${cur}/${parts[i]}`;
      const f = this.tree.get(next);
      if (!f) throw new FsError(op, orig, "no such file or directory");
      if (f.type === "symlink") {
        if (depth > 40) throw new FsError(op, orig, "too many levels of symbolic links");
        const t = f.target!.startsWith("/") ? f.target! : `${cur}/${f.target}`;
        cur = this.#resolve(t, op, orig, depth + 1);
      } else if (f.type !== "dir") {
        throw new FsError(op, orig, "not a directory");
      } else cur = next;
    }
    return parts.length === 0 ? "/" : `${cur === "/" ? "" : cur}/${parts[parts.length - 1]}`;
  }

  #resolve(p: string, op: string, orig: string, depth = 0): string {
    const path = this.#parents(p, op, orig, depth);
    const f = this.tree.get(path);
    if (!f) throw new FsError(op, orig, "no such file or directory");
    if (f.type !== "symlink") return path;
    if (depth > 40) throw new FsError(op, orig, "too many levels of symbolic links");
    const t = f.target!.startsWith("/") ? f.target! : `${dirname(path)}/${f.target}`;
    return this.#resolve(t, op, orig, depth + 1);
  }

  lstat(p: string): SimFile {
    const f = this.tree.get(this.#parents(p, "lstat", p));
    if (!f) throw new FsError("lstat", p, "no such file or directory");
    return f;
  }

  stat(p: string): SimFile {
    return this.tree.get(this.#resolve(p, "stat", p))!;
  }

  /** filepath.EvalSymlinks. */
  evalSymlinks(p: string): string {
    return this.#resolve(p, "lstat", p);
  }

  /** Sorted entry names of directory `p` (no symlink resolution: Walk only enters real dirs). */
  readDirNames(p: string): string[] {
    const f = this.tree.get(p);
    if (f?.denied) throw new FsError("open", p, f.denied);
    const prefix = p === "/" ? "/" : p + "/";
    const names: string[] = [];
    for (const k of this.tree.keys()) {
      if (k !== "/" && k.startsWith(prefix) && !k.slice(prefix.length).includes("/")) {
        names.push(k.slice(prefix.length));
      }
    }
    return names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
}

// --- walking ---------------------------------------------------------------------------------

export interface FileItem {
  fullPath: string;
  relPath: string;
  file?: SimFile;
  link?: string;
  error?: string;
}

export interface WalkOptions {
  /** -1: no limit; 0: the root and its entries. */
  maxDepth: number;
  types?: Set<"file" | "dir" | "symlink">;
  skipRoot?: boolean;
}

const slashes = (s: string) => s.split("/").length - 1;

function rel(root: string, path: string): string {
  if (path === root) return ".";
  return path.slice(root === "/" ? 1 : root.length + 1);
}

function join(dir: string, name: string): string {
  return dir === "/" ? `/${name}` : `${dir}/${name}`;
}

/** machined's walk; throws FsError when the root itself cannot be looked at. */
export function* walk(fs: SimFs, rootPath: string, opts: WalkOptions): Generator<FileItem> {
  let root = rootPath;
  const info = fs.lstat(root);
  if (info.type === "symlink") root = fs.evalSymlinks(root);
  const rootInfo = fs.lstat(root);

  // One visit of filepath.Walk's callback: the item to send, or null to send nothing.
  function visit(path: string, f: SimFile | undefined, error?: string): FileItem | null {
    const item: FileItem = { fullPath: path, relPath: "", file: f, error };
    if (path === root && f && f.type !== "dir") {
      item.relPath = path.slice(path.lastIndexOf("/") + 1);
    } else if (!error) item.relPath = rel(root, path);
    if (!error && opts.types && opts.types.size > 0) {
      const t = f!.type === "socket" ? "other" : f!.type;
      if (!opts.types.has(t as "file")) return null;
    }
    if (!error && path === root && opts.skipRoot && f!.type === "dir") return null;
    if (!error && f!.type === "symlink") item.link = f!.target;
    return item;
  }

  const atMaxDepth = (cur: string) =>
    opts.maxDepth >= 0 && cur !== root && slashes(cur) - slashes(root) >= opts.maxDepth;

  function* walkDir(path: string, f: SimFile): Generator<FileItem> {
    if (f.type !== "dir") {
      const it = visit(path, f);
      if (it) yield it;
      return;
    }
    let names: string[] | undefined;
    let err: string | undefined;
    try {
      names = fs.readDirNames(path);
    } catch (e) {
      err = (e as Error).message;
    }
    const it = visit(path, f, err);
    if (it) {
      yield it;
      if (!it.error && atMaxDepth(path)) return;
    }
    if (err || !names) return;
    for (const name of names) {
      const p = join(path, name);
      yield* walkDir(p, fs.tree.get(p)!);
    }
  }

  yield* walkDir(root, rootInfo);
}

// --- tar.gz ----------------------------------------------------------------------------------

const BLOCK = 512;

function octal(buf: Uint8Array, off: number, len: number, value: number): void {
  buf.set(enc.encode(value.toString(8).padStart(len - 1, "0")), off);
  buf[off + len - 1] = 0;
}

function checksum(h: Uint8Array): void {
  h.fill(0x20, 148, 156);
  const sum = h.reduce((a, b) => a + b, 0);
  h.set(enc.encode(sum.toString(8).padStart(6, "0")), 148);
  h[154] = 0;
  h[155] = 0x20;
}

export interface TarHeader {
  name: string;
  /** "0" file, "5" dir, "2" symlink, "1" hard link, ... */
  type: string;
  mode: number;
  size: number;
  mtime: Date;
  uid?: number;
  gid?: number;
  linkname?: string;
}

function ustarBlock(h: TarHeader, name: string, prefix: string, linkname: string, type: string) {
  const b = new Uint8Array(BLOCK);
  b.set(enc.encode(name).subarray(0, 100), 0);
  octal(b, 100, 8, h.mode);
  octal(b, 108, 8, h.uid ?? 0);
  octal(b, 116, 8, h.gid ?? 0);
  octal(b, 124, 12, h.size);
  octal(b, 136, 12, Math.round(h.mtime.getTime() / 1000));
  b[156] = type.charCodeAt(0);
  b.set(enc.encode(linkname).subarray(0, 100), 157);
  b.set(enc.encode("ustar\u000000"), 257);
  octal(b, 329, 8, 0);
  octal(b, 337, 8, 0);
  b.set(enc.encode(prefix).subarray(0, 155), 345);
  checksum(b);
  return b;
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = enc.encode(body).length;
  len += String(len).length;
  if (String(len).length !== String(len - String(len).length).length) len++;
  return `${len}${body}`;
}

/** Header block(s) for one entry: USTAR, split into prefix/name, or a PAX record when long. */
export function tarHeaderBlocks(h: TarHeader): Uint8Array[] {
  const bytes = enc.encode(h.name);
  const link = h.linkname ?? "";
  let name = h.name, prefix = "";
  if (bytes.length > 100) {
    const cut = h.name.lastIndexOf("/", h.name.length - 2);
    const p = cut > 0 ? h.name.slice(0, cut) : "";
    const n = cut > 0 ? h.name.slice(cut + 1) : h.name;
    if (p !== "" && enc.encode(p).length <= 155 && enc.encode(n).length <= 100) {
      name = n;
      prefix = p;
    } else name = "";
  }
  const blocks: Uint8Array[] = [];
  if (name === "" || enc.encode(link).length > 100) {
    let recs = "";
    if (name === "") recs += paxRecord("path", h.name);
    if (enc.encode(link).length > 100) recs += paxRecord("linkpath", link);
    const data = enc.encode(recs);
    blocks.push(
      ustarBlock(
        { ...h, size: data.length, mode: 0o644 },
        "PaxHeaders/" + h.name.slice(0, 80),
        "",
        "",
        "x",
      ),
      pad(data),
    );
    if (name === "") name = h.name.slice(0, 100);
  }
  blocks.push(ustarBlock(h, name, prefix, link.slice(0, 100), h.type));
  return blocks;
}

/** `data` padded to whole blocks. */
export function pad(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.length / BLOCK) * BLOCK);
  out.set(data);
  return out;
}

/** Pipes generated bytes through gzip and re-chunks the output into ≤`chunk`-byte messages. */
export async function* gzipChunks(
  parts: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  chunk = 1024,
): AsyncGenerator<Uint8Array> {
  const cs = new CompressionStream("gzip");
  const writer = cs.writable.getWriter();
  const feeding = (async () => {
    try {
      for await (const p of parts) await writer.write(p as Uint8Array<ArrayBuffer>);
      await writer.close();
    } catch (e) {
      await writer.abort(e).catch(() => {});
      throw e;
    }
  })();
  let pending = new Uint8Array(0);
  for await (const out of cs.readable) {
    let buf = out as Uint8Array;
    if (pending.length > 0) {
      const joined = new Uint8Array(pending.length + buf.length);
      joined.set(pending);
      joined.set(buf, pending.length);
      buf = joined;
      pending = new Uint8Array(0);
    }
    let off = 0;
    while (buf.length - off >= chunk) {
      yield buf.slice(off, off + chunk);
      off += chunk;
    }
    pending = buf.slice(off);
  }
  if (pending.length > 0) yield pending;
  await feeding;
}
