// Digest verification on the fly: a stream passes its bytes through unchanged and errors at the
// end when they do not hash to the digest asked for (nothing is buffered).

import { createHash } from "node:crypto";
import { DigestMismatchError } from "./registry.ts";

/** A sha256 hasher fed chunk by chunk. */
export function hasher(): { update(c: Uint8Array): void; hex(): string } {
  const h = createHash("sha256");
  return {
    update: (c) => void h.update(c),
    hex: () => h.digest("hex"),
  };
}

export function verifiedStream(
  stream: ReadableStream<Uint8Array>,
  digest: string,
): ReadableStream<Uint8Array> {
  const h = hasher();
  let n = 0;
  return stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        h.update(chunk);
        n += chunk.length;
        controller.enqueue(chunk);
      },
      flush() {
        const got = "sha256:" + h.hex();
        if (got !== digest) {
          throw new DigestMismatchError(
            `error verifying sha256 checksum after reading ${n} bytes; got ${
              JSON.stringify(got)
            }, want ${JSON.stringify(digest)}`,
          );
        }
      },
    }),
  );
}
