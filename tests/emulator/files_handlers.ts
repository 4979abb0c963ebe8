// The file RPCs of machined over a node's simulated tree (files.ts): List, Read, Copy (a
// gzipped tar in ≤1 KiB messages, unreadable entries reported in the final status) and
// DiskUsage (machined's folder-size pass, quirks included: it answers for the first path only).

import { Code, ConnectError } from "@connectrpc/connect";
import { MachineService } from "../../gen/machine/machine_pb.ts";
import { formatErrors, goPathClean, goQuote } from "../../gofmt/mod.ts";
import type { Emulator } from "./server.ts";
import {
  contentChunks,
  contentSize,
  FILES_EPOCH,
  FsError,
  goFileMode,
  gzipChunks,
  nodeFiles,
  pad,
  SimFs,
  statSize,
  tarHeaderBlocks,
  walk,
} from "./files.ts";

const TYPES = ["file", "dir", "symlink"] as const;

/** machined's root normalisation for List and DiskUsage. */
function normRoot(p: string): string {
  let r = p.startsWith("/") ? p : "/" + p;
  if (r.endsWith("/")) r = r.slice(0, -1);
  return r === "" ? "/" : r;
}

function fsError(e: unknown): ConnectError {
  if (e instanceof FsError) return new ConnectError(e.message, Code.Unknown);
  return ConnectError.from(e);
}

function goDir(p: string): string {
  return goPathClean(p.slice(0, p.lastIndexOf("/") + 1));
}

const slashes = (s: string) => s.split("/").length - 1;
const trimSlashes = (s: string) => s.replace(/\/+$/, "");

export function registerFilesHandlers(emu: Emulator): void {
  const M = MachineService.method;

  emu.handle(M.list, async function* (req, call) {
    const root = normRoot(req.root);
    const fs = new SimFs(nodeFiles(call.node));
    const maxDepth = req.recurse ? (req.recursionDepth === 0 ? -1 : req.recursionDepth) : 0;
    const types = new Set((req.types as number[]).map((t) => TYPES[t]).filter((t) => t));
    const items = walk(fs, root, { maxDepth, types });
    for (;;) {
      let r;
      try {
        r = items.next();
      } catch (e) {
        throw fsError(e);
      }
      if (r.done) return;
      const it = r.value;
      const xattrs = req.reportXattrs ? it.file?.xattrs ?? [] : [];
      if (it.error) {
        yield { name: it.fullPath, relativeName: it.relPath, error: it.error, xattrs };
        continue;
      }
      const f = it.file!;
      yield {
        name: it.fullPath,
        relativeName: it.relPath,
        size: BigInt(statSize(f)),
        mode: goFileMode(f),
        modified: BigInt(Math.floor((f.mtime ?? FILES_EPOCH).getTime() / 1000)),
        isDir: f.type === "dir",
        link: it.link ?? "",
        uid: f.uid ?? 0,
        gid: f.gid ?? 0,
        xattrs,
      };
    }
  });

  emu.handle(M.read, async function* (req, call) {
    const fs = new SimFs(nodeFiles(call.node));
    let f;
    try {
      f = fs.stat(req.path);
    } catch (e) {
      const msg = (e as Error).message;
      const code = msg.endsWith("no such file or directory") ? Code.NotFound : Code.Unknown;
      throw new ConnectError(msg, code);
    }
    if (f.type !== "file") throw new ConnectError("path must be a regular file", Code.Unknown);
    if (f.denied) throw new ConnectError(`open ${req.path}: ${f.denied}`, Code.Unknown);
    for (const c of contentChunks(f)) yield { bytes: c };
  });

  emu.handle(M.copy, async function* (req, call) {
    const path = goPathClean(req.rootPath);
    if (!path.startsWith("/")) {
      throw new ConnectError(`path is not absolute ${path}`, Code.Unknown);
    }
    const fs = new SimFs(nodeFiles(call.node));
    try {
      fs.lstat(path);
      fs.evalSymlinks(path);
    } catch (e) {
      throw fsError(e);
    }
    const skipped: string[] = [];
    function* tarStream(): Generator<Uint8Array> {
      for (const it of walk(fs, path, { maxDepth: -1, skipRoot: true })) {
        if (it.error) {
          skipped.push(`skipping ${goQuote(it.fullPath)}: ${it.error}`);
          continue;
        }
        const f = it.file!;
        if (f.type === "socket") {
          skipped.push(`skipping ${goQuote(it.fullPath)}: archive/tar: sockets not supported`);
          continue;
        }
        if (f.type === "file" && f.denied) {
          skipped.push(`skipping ${goQuote(it.fullPath)}: open ${it.fullPath}: ${f.denied}`);
          continue;
        }
        let size = f.type === "file" ? statSize(f) : 0;
        let withData = f.type === "file";
        if (withData && size === 0) {
          // As machined for /proc files: stat says 0, so read up to 4 KiB to learn the size.
          const n = contentSize(f);
          if (n === 0 || n >= 4096) withData = false;
          else size = n;
        }
        const blocks = tarHeaderBlocks({
          name: it.relPath + (f.type === "dir" ? "/" : ""),
          type: f.type === "dir" ? "5" : f.type === "symlink" ? "2" : "0",
          mode: (f.mode ?? (f.type === "dir" ? 0o755 : f.type === "symlink" ? 0o777 : 0o644)) &
            0o7777,
          size: withData ? size : 0,
          mtime: f.mtime ?? FILES_EPOCH,
          uid: f.uid,
          gid: f.gid,
          linkname: it.link,
        });
        yield* blocks;
        if (!withData) continue;
        let written = 0;
        for (const c of contentChunks(f)) {
          const part = c.subarray(0, Math.max(0, size - written));
          written += part.length;
          yield part;
          if (written >= size) break;
        }
        const rest = (512 - (size % 512)) % 512;
        if (rest > 0) yield new Uint8Array(rest);
      }
      yield pad(new Uint8Array(1024));
    }
    for await (const c of gzipChunks(tarStream())) yield { bytes: c };
    if (skipped.length > 0) throw new ConnectError(formatErrors(skipped), Code.Unknown);
  });

  emu.handle(M.diskUsage, async function* (req, call) {
    const fs = new SimFs(nodeFiles(call.node));
    for (const raw of req.paths as string[]) {
      const path = normRoot(raw);
      let items;
      try {
        fs.lstat(path);
        fs.evalSymlinks(path);
        items = walk(fs, path, { maxDepth: -1 });
      } catch (e) {
        yield { name: path, relativeName: path, error: (e as Error).message };
        continue;
      }
      type Info = { name: string; relativeName: string; size: bigint };
      const folders = new Map<string, Info>();
      const queue: Info[] = [];
      const sendSize = (info: Info, depth: number, isDir: boolean) => {
        const parent = folders.get(trimSlashes(goDir(info.name)));
        if (parent) parent.size += info.size;
        let skip = depth >= req.recursionDepth && req.recursionDepth > 0;
        skip ||= !isDir && !req.all;
        skip ||= req.threshold > 0n && info.size < req.threshold;
        skip ||= req.threshold < 0n && info.size > -req.threshold;
        if (!skip) queue.push(info);
      };
      const rootDepth = slashes(path);
      const flushFolders = (from: string, next: string) => {
        let prefix = from;
        while (!next.startsWith(prefix)) {
          const folder = folders.get(prefix);
          if (folder) {
            sendSize(folder, slashes(prefix) - rootDepth, true);
            folders.delete(prefix);
          }
          prefix = trimSlashes(goDir(prefix));
        }
      };
      let depth = 0;
      let prefix = path;
      for (const it of items) {
        if (it.error) {
          queue.push(
            { name: it.fullPath, relativeName: it.relPath, size: 0n, error: it.error } as Info,
          );
        } else {
          const f = it.file!;
          const current = slashes(it.fullPath) - rootDepth;
          const size = it.fullPath === "/proc/kcore" ? 0n : BigInt(Math.max(statSize(f), 0));
          const info = { name: it.fullPath, relativeName: it.relPath, size };
          if (f.type === "dir") folders.set(trimSlashes(it.fullPath), info);
          else sendSize(info, current, false);
          if (current < depth) {
            flushFolders(prefix, it.fullPath);
            prefix = it.fullPath;
          }
          if (f.type === "dir") prefix = it.fullPath;
          depth = current;
        }
        while (queue.length > 0) yield queue.shift();
      }
      const p = trimSlashes(path);
      const top = folders.get(p);
      if (top) {
        flushFolders(prefix, p);
        sendSize(top, 0, true);
      }
      while (queue.length > 0) yield queue.shift();
      return;
    }
  });
}
