// One file out of a .tar.gz archive, as talosctl's ExtractFileFromTarGz finds it (`kubeconfig`).

import { ArchiveError, collect, tarEntries } from "./tar.ts";
import { chunksOf, gunzipStream } from "./gzip.ts";
import { goPathClean } from "../gofmt/path.ts";

/**
 * safepath.CleanPath: "." and ".." resolved, a relative path never climbs above the root, an
 * absolute path stays absolute; "" stays "".
 */
export function cleanEntryPath(p: string): string {
  if (p === "") return "";
  if (p.startsWith("/")) return goPathClean(p);
  return goPathClean("/" + p).slice(1) || ".";
}

/** The data of the regular file `name` in a .tar.gz archive (a buffer or a stream of chunks). */
export async function extractFileFromTarGz(
  name: string,
  archive: Uint8Array | AsyncIterable<Uint8Array>,
): Promise<Uint8Array> {
  const source = archive instanceof Uint8Array ? chunksOf(archive) : archive;
  const reader = await gunzipStream(source[Symbol.asyncIterator]());
  try {
    for await (const e of tarEntries(reader)) {
      const p = cleanEntryPath(e.name);
      if (p === "") throw new ArchiveError("empty tar header path");
      if (p !== name) continue;
      if (e.type === "5" || e.type === "2") throw new ArchiveError(`${name} is not a file`);
      const data = await collect(e.data);
      // Read on to the end, so that a cut or corrupt stream fails the gzip checksum.
      while (!(await reader.read()).done) { /* the rest of the archive */ }
      return data;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  throw new ArchiveError(`couldn't find file ${name} in the archive`);
}
