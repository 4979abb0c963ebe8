// Building image layers for the registry double: gzipped tars of a few files, made with the
// CLI's own tar writer, archive/tar_write.ts (so a wrong header would show in the tests that read
// them).

import { TAR_END, tarHeader, tarPadding } from "../../archive/tar_write.ts";

const enc = new TextEncoder();

export async function tarGz(files: Record<string, string>, gzip = true): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (const [name, text] of Object.entries(files)) {
    const body = enc.encode(text);
    parts.push(tarHeader(name, 0o644, body.length, false), body, tarPadding(body.length));
  }
  parts.push(TAR_END);
  const tar = new Uint8Array(await new Blob(parts as BlobPart[]).arrayBuffer());
  if (!gzip) return tar;
  const stream = new Blob([tar as BlobPart]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
