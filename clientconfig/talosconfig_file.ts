// Where the talosconfig lives and how it is read and written: the Go client's path rules
// (--talosconfig, $TALOSCONFIG, ~/.talos/config, the read-only service-account path), create on
// first use, and atomic saves (temp file + rename, 0600, parent 0700) under a lock so that
// concurrent runs never lose each other's updates.

import { errorMessage, UserError } from "../errors.ts";
import { withDirLock } from "./lock.ts";
import { writeAtomic } from "./atomic.ts";
import { encodeTalosconfig, parseTalosconfig, type Talosconfig } from "./talosconfig.ts";

/** The subset of Deps path resolution needs. */
export interface PathDeps {
  env: Record<string, string | undefined>;
  home: string;
  cwd: string;
}

export interface TalosconfigPath {
  path: string;
  writeAllowed: boolean;
  /** The path as the user gave it, when relative: Go's messages name the file so. */
  shown?: string;
}

/** A path for the user's value (resolved against the working directory, `shown` kept). */
function given(deps: PathDeps, value: string, writeAllowed: boolean): TalosconfigPath {
  const path = absolutePath(deps, value);
  return path === value ? { path, writeAllowed } : { path, writeAllowed, shown: value };
}

export interface OpenedTalosconfig {
  cfg: Talosconfig;
  path: TalosconfigPath;
}

/** Mounted into pods with Talos API access; never written. */
export const SERVICE_ACCOUNT_TALOSCONFIG = "/var/run/secrets/talos.dev/config";

function isAbsolute(p: string): boolean {
  return p.startsWith("/");
}

function join(...parts: string[]): string {
  return parts.join("/").replace(/\/+/g, "/");
}

function dirname(p: string): string {
  const i = p.lastIndexOf("/");
  if (i < 0) return ".";
  return i === 0 ? "/" : p.slice(0, i);
}

/** Resolves a user-supplied path against the working directory. */
export function absolutePath(deps: PathDeps, p: string): string {
  return isAbsolute(p) ? p : join(deps.cwd, p);
}

/** $TALOS_HOME when absolute, else ~/.talos. */
export function talosDirectory(deps: PathDeps): string {
  const th = deps.env.TALOS_HOME;
  if (th !== undefined && isAbsolute(th)) return th;
  if (!deps.home) throw new UserError("$HOME is not defined");
  return join(deps.home, ".talos");
}

/** Candidate talosconfig paths in priority order, when --talosconfig is not given. */
export function defaultTalosconfigPaths(
  deps: PathDeps,
  serviceAccountPath = SERVICE_ACCOUNT_TALOSCONFIG,
): TalosconfigPath[] {
  const dir = talosDirectory(deps);
  const out: TalosconfigPath[] = [];
  const env = deps.env.TALOSCONFIG;
  // An empty $TALOSCONFIG names no file: the Go client finds nothing at "" and, since its
  // "first writable" slot treats "" as unset, falls through to the next candidate.
  if (env !== undefined && env !== "") {
    out.push(given(deps, env, true));
  }
  out.push({ path: join(dir, "config"), writeAllowed: true });
  out.push({ path: serviceAccountPath, writeAllowed: false });
  return out;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    // As Go's os.Stat: an error other than "not found" (e.g. ENOTDIR, EACCES) counts as absent
    // for the candidate search, and surfaces later when the file is read.
    return false;
  }
}

const EMPTY: Talosconfig = { context: "", contexts: {} };

/**
 * Creates `path` holding an empty config when it does not exist. Lock-free: the file is published with
 * a hard link, which never replaces a file another run created in the meantime.
 */
async function ensure(path: string): Promise<void> {
  try {
    await Deno.stat(path);
    return;
  } catch (e) {
    // As Go's ensure: only a file that does not exist is created; any other failure to stat it
    // (ENOTDIR, EACCES) is left for the read to report.
    if (!(e instanceof Deno.errors.NotFound)) return;
  }
  await writeAtomic(path, encodeTalosconfig(EMPTY), { noClobber: true });
}

/**
 * The file to use, as the Go client picks it: the --talosconfig value (created if missing),
 * else the first existing default candidate, else the first writable candidate (created).
 */
export async function resolveTalosconfigPath(
  deps: PathDeps,
  flagValue: string,
  serviceAccountPath = SERVICE_ACCOUNT_TALOSCONFIG,
): Promise<TalosconfigPath> {
  if (flagValue !== "") {
    const p = given(deps, flagValue, true);
    await ensure(p.path);
    return p;
  }
  const candidates = defaultTalosconfigPaths(deps, serviceAccountPath);
  for (const c of candidates) {
    if (await exists(c.path)) return c;
  }
  const first = candidates.find((c) => c.writeAllowed);
  if (!first) throw new UserError("no valid config paths found");
  await ensure(first.path);
  return first;
}

function osMessage(e: unknown, path: string): string {
  if (e instanceof Deno.errors.NotFound) return `open ${path}: no such file or directory`;
  if (e instanceof Deno.errors.PermissionDenied) return `open ${path}: permission denied`;
  if (e instanceof Deno.errors.IsADirectory) return `read ${path}: is a directory`;
  if (e instanceof Deno.errors.NotADirectory) return `open ${path}: not a directory`;
  return errorMessage(e);
}

/** Reads and parses one talosconfig file (no creation). Errors name the file (as `shown`). */
export async function readTalosconfigFile(path: string, shown = path): Promise<Talosconfig> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new UserError(osMessage(e, shown));
  }
  return parseTalosconfig(text, shown);
}

/** Opens the talosconfig selected by `--talosconfig` (or the defaults), creating it if missing. */
export async function openTalosconfig(
  deps: PathDeps,
  global: { talosconfig: string },
): Promise<OpenedTalosconfig> {
  const path = await resolveTalosconfigPath(deps, global.talosconfig);
  return { cfg: await readTalosconfigFile(path.path, path.shown), path };
}

/** Saves `cfg` to `path` (atomic, 0600). The read-only service-account path is refused. */
export async function saveTalosconfig(path: TalosconfigPath, cfg: Talosconfig): Promise<void> {
  if (!path.writeAllowed) throw new UserError(`not allowed to write to config: ${path.path}`);
  try {
    await writeAtomic(path.path, encodeTalosconfig(cfg));
  } catch (e) {
    throw new UserError(osMessage(e, path.shown ?? path.path));
  }
}

/** Phase of a failed update, so commands can word errors as talosctl does. */
export class TalosconfigUpdateError extends UserError {
  override name = "TalosconfigUpdateError";
  constructor(readonly phase: "read" | "write", message: string) {
    super(message);
  }
}

/**
 * Read-modify-write of the selected talosconfig under a lock: concurrent updates from other
 * processes (or promises) are serialised, so none is lost. `mutate` changes `cfg` in place and
 * may return false to skip saving. Errors are TalosconfigUpdateErrors with the failing phase.
 */
export async function updateTalosconfig(
  deps: PathDeps,
  global: { talosconfig: string },
  mutate: (cfg: Talosconfig, path: TalosconfigPath) => boolean | void | Promise<boolean | void>,
): Promise<OpenedTalosconfig> {
  let path: TalosconfigPath;
  try {
    path = await resolveTalosconfigPath(deps, global.talosconfig);
  } catch (e) {
    throw new TalosconfigUpdateError("read", (e as Error).message);
  }
  const run = async (): Promise<OpenedTalosconfig> => {
    let cfg: Talosconfig;
    try {
      cfg = await readTalosconfigFile(path.path, path.shown);
    } catch (e) {
      throw new TalosconfigUpdateError("read", (e as Error).message);
    }
    const save = await mutate(cfg, path);
    if (save !== false) {
      try {
        await saveTalosconfig(path, cfg);
      } catch (e) {
        throw new TalosconfigUpdateError("write", (e as Error).message);
      }
    }
    return { cfg, path };
  };
  // Nothing to lock (and possibly nothing we may lock) for the read-only path.
  if (!path.writeAllowed) return await run();
  return await withDirLock(dirname(path.path), run);
}
export { writeAtomic } from "./atomic.ts";
