// Unpacking a node's tar stream into a local directory without ever writing outside it.
//
// As talosctl: names are cleaned so they stay below the target (leading "/" and ".." dropped),
// directories are made writable by their owner, files and links are created new (an existing
// entry is an error), permission bits are kept, owners are not. Beyond talosctl:
// - no entry is written through a link: every parent of an entry must be a directory made by
//   this extraction (a real directory, never a symlink);
// - a symlink is made only when its target, resolved the way the kernel will (through the links
//   made so far), stays inside the target directory; others are skipped with a warning;
// - a hard link is made only to a regular file made by this extraction; others are skipped;
// - setuid and setgid bits are dropped.

import type { TarEntry } from "../../archive/tar.ts";
import { cleanEntryPath } from "../../archive/file.ts";
import { fileModeString, goQuote } from "../../gofmt/mod.ts";
import { writeAll } from "../../io/write.ts";

/** A failure that ends the extraction; the message is talosctl's. */
export class ExtractError extends Error {
  override name = "ExtractError";
}

/** Go's text for an OS error, as in `mkdir x: file exists`. */
export function goOsReason(e: unknown): string {
  if (e instanceof Deno.errors.AlreadyExists) return "file exists";
  if (e instanceof Deno.errors.NotFound) return "no such file or directory";
  if (e instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (e instanceof Deno.errors.NotADirectory) return "not a directory";
  if (e instanceof Deno.errors.IsADirectory) return "is a directory";
  const msg = String((e as Error)?.message ?? e);
  const m = /^(.*?) \(os error \d+\)/.exec(msg);
  return (m ? m[1] : msg).replace(/^./, (c) => c.toLowerCase());
}

/** safepath.CleanPath made relative to the target: it cannot climb out ("" for ""). */
export function cleanEntryName(p: string): string {
  const clean = cleanEntryPath(p);
  return clean.length > 1 && clean.startsWith("/") ? clean.slice(1) : clean;
}

const dirOf = (rel: string) => rel.includes("/") ? rel.slice(0, rel.lastIndexOf("/")) : ".";

export class Extractor {
  /** Directories made here (relative, "." is the target itself). */
  readonly #dirs = new Set<string>(["."]);
  /** Regular files made here. */
  readonly #files = new Set<string>();
  /** Symlinks made here, by relative path, with their targets. */
  readonly #links = new Map<string, string>();
  readonly warnings: string[] = [];

  /**
   * @param root the target directory, absolute
   * @param shown the target as talosctl names it in messages (the cleaned argument)
   */
  constructor(private readonly root: string, private readonly shown: string) {}

  #abs(rel: string): string {
    return rel === "." ? this.root : `${this.root}/${rel}`;
  }

  /** filepath.Join(target, rel) as talosctl names paths in its messages. */
  #show(rel: string): string {
    if (rel === ".") return this.shown;
    if (this.shown === ".") return rel;
    return this.shown === "/" ? `/${rel}` : `${this.shown}/${rel}`;
  }

  /** The parent must be a directory made by this extraction: nothing goes through a link. */
  async #checkParent(rel: string, what: string): Promise<void> {
    const parent = dirOf(rel);
    if (this.#dirs.has(parent)) return;
    let info: Deno.FileInfo | undefined;
    try {
      info = await Deno.lstat(this.#abs(parent));
    } catch { /* missing */ }
    if (!info) {
      throw new ExtractError(
        `${what}: open ${this.#show(rel)}: no such file or directory`,
      );
    }
    throw new ExtractError(
      `${what}: ${goQuote(this.#show(parent))} is not a directory made by this copy ` +
        `(entries are never written through links)`,
    );
  }

  /**
   * Where `target` of a link at `rel` leads, relative to the root, following the links made
   * so far; undefined when it leaves the root (or cannot be proven to stay inside).
   */
  #resolve(rel: string, target: string): string | undefined {
    if (target.startsWith("/")) return undefined;
    const stack = dirOf(rel) === "." ? [] : dirOf(rel).split("/");
    const todo = target.split("/").filter((s) => s !== "" && s !== ".");
    let hops = 0;
    while (todo.length > 0) {
      const seg = todo.shift()!;
      if (seg === "..") {
        if (stack.length === 0) return undefined;
        const here = stack.join("/");
        // ".." from a directory whose nature is unknown yet cannot be checked: refuse.
        if (!this.#dirs.has(here)) return undefined;
        stack.pop();
        continue;
      }
      stack.push(seg);
      const link = this.#links.get(stack.join("/"));
      if (link !== undefined) {
        if (++hops > 40 || link.startsWith("/")) return undefined;
        stack.pop();
        todo.unshift(...link.split("/").filter((s) => s !== "" && s !== "."));
      }
    }
    return stack.length === 0 ? "." : stack.join("/");
  }

  async entry(e: TarEntry): Promise<void> {
    const rel = cleanEntryName(e.name);
    if (rel === "") throw new ExtractError("empty tar header path");
    if (rel === "/" || rel === ".") return; // the target itself
    const path = this.#abs(rel);
    const shown = this.#show(rel);
    // Permission bits only: no setuid/setgid, sticky kept for directories.
    const perm = e.mode & 0o777;
    switch (e.type) {
      case "5": {
        const mode = perm | 0o700 | (e.mode & 0o1000);
        const what = `error creating directory ${goQuote(shown)} mode ${
          fileModeString((2 ** 31 + (mode & 0o777)) >>> 0)
        }`;
        await this.#checkParent(rel, what);
        try {
          await Deno.mkdir(path, { mode: 0o700 });
        } catch (err) {
          throw new ExtractError(`${what}: mkdir ${shown}: ${goOsReason(err)}`);
        }
        this.#dirs.add(rel);
        await Deno.chmod(path, mode);
        return;
      }
      case "2": {
        const what = `error creating symlink ${goQuote(shown)} -> ${goQuote(e.linkname)}`;
        await this.#checkParent(rel, what);
        if (this.#resolve(rel, e.linkname) === undefined) {
          this.warnings.push(
            `skipped symlink ${goQuote(shown)} -> ${goQuote(e.linkname)}: it points outside ${
              goQuote(this.shown)
            }`,
          );
          return;
        }
        try {
          await Deno.symlink(e.linkname, path);
        } catch (err) {
          throw new ExtractError(`${what}: symlink ${e.linkname} ${shown}: ${goOsReason(err)}`);
        }
        this.#links.set(rel, e.linkname);
        return;
      }
      case "1": {
        const to = cleanEntryName(e.linkname);
        const what = `error creating hard link ${goQuote(shown)} -> ${goQuote(e.linkname)}`;
        await this.#checkParent(rel, what);
        if (!this.#files.has(to)) {
          this.warnings.push(
            `skipped hard link ${goQuote(shown)} -> ${
              goQuote(e.linkname)
            }: it does not name a file copied before it`,
          );
          return;
        }
        try {
          await Deno.link(this.#abs(to), path);
        } catch (err) {
          throw new ExtractError(`${what}: link ${to} ${shown}: ${goOsReason(err)}`);
        }
        return;
      }
      default: {
        // Regular files, and (as talosctl) anything else as an empty-or-data regular file.
        const what = `error creating file ${goQuote(shown)} mode ${fileModeString(perm)}`;
        await this.#checkParent(rel, what);
        let file: Deno.FsFile;
        try {
          // createNew is O_CREAT|O_EXCL: it never opens an existing file or follows a link.
          file = await Deno.open(path, { write: true, createNew: true, mode: 0o600 });
        } catch (err) {
          throw new ExtractError(`${what}: open ${shown}: ${goOsReason(err)}`);
        }
        this.#files.add(rel);
        try {
          for await (const piece of e.data) await writeAll(file, piece);
        } catch (err) {
          const why = err instanceof Error &&
              (err.name === "ArchiveError" || err.name === "SourceError")
            ? err.message
            : `write ${shown}: ${goOsReason(err)}`;
          throw new ExtractError(`error copying data to ${goQuote(shown)}: ${why}`);
        } finally {
          file.close();
        }
        await Deno.chmod(path, perm);
      }
    }
  }
}
