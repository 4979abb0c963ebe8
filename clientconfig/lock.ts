// An advisory exclusive lock (flock) on a directory, held while a config file in it is read,
// changed and atomically replaced. Locking the directory rather than the file survives the
// rename that replaces the file, leaves no lock files behind, and is released by the kernel if
// the process dies. Separate opens conflict even within one process, so concurrent promises are
// serialised too.

/**
 * Runs `fn` while holding an exclusive lock on `dir` (created 0700 if missing). Not re-entrant:
 * calling it again for the same directory from inside `fn` deadlocks.
 */
export async function withDirLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  let handle: Deno.FsFile | undefined;
  try {
    handle = await Deno.open(dir, { read: true });
  } catch {
    // Platforms that cannot open directories (Windows): proceed unlocked; saves stay atomic.
    return await fn();
  }
  try {
    await handle.lock(true);
    return await fn();
  } finally {
    try {
      await handle.unlock();
    } finally {
      handle.close();
    }
  }
}
