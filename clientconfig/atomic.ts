// The one atomic write of the client's files (talosconfig, kubeconfig): a 0600 temp file in the
// target's directory, written and synced, then renamed over the target (or, with `noClobber`,
// hard-linked so that an existing file is left alone). A symlinked target stays a symlink: the
// file it points to is replaced. Missing parent directories are created with `dirMode`.

export interface AtomicOptions {
  /** Leave an existing file alone (create-only). */
  noClobber?: boolean;
  /** Mode of parent directories created on the way; default 0700. */
  dirMode?: number;
}

export async function writeAtomic(
  path: string,
  data: string | Uint8Array,
  opts: AtomicOptions = {},
): Promise<void> {
  let target = path;
  try {
    target = await Deno.realPath(path); // keep a symlinked file a symlink
  } catch {
    // Not there yet (or a dangling link): write at the given path.
  }
  const slash = target.lastIndexOf("/");
  const dir = slash < 0 ? "." : slash === 0 ? "/" : target.slice(0, slash);
  await Deno.mkdir(dir, { recursive: true, mode: opts.dirMode ?? 0o700 });
  const suffix = Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(16))
    .join("");
  const tmp = `${dir === "/" ? "" : dir}/.${target.slice(slash + 1)}.${suffix}.tmp`;
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  try {
    const f = await Deno.open(tmp, { write: true, createNew: true, mode: 0o600 });
    try {
      await Deno.chmod(tmp, 0o600);
      let rest = bytes;
      while (rest.length > 0) rest = rest.subarray(await f.write(rest));
      await f.sync();
    } finally {
      f.close();
    }
    if (opts.noClobber) {
      try {
        await Deno.link(tmp, target);
      } catch (e) {
        if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
      }
      await Deno.remove(tmp);
    } else {
      await Deno.rename(tmp, target);
    }
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}
