// Writing all of a buffer to a file or a connection, for every room: Deno's write may take
// only part of it. A leaf module: it imports nothing from the project.

/** Anything with Deno's write (files, TCP and TLS connections). */
export interface Writer {
  write(p: Uint8Array): Promise<number>;
}

/** Writes every byte of `data` (text as UTF-8), looping over short writes. */
export async function writeAll(w: Writer, data: Uint8Array | string): Promise<void> {
  let bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  while (bytes.length > 0) bytes = bytes.subarray(await w.write(bytes));
}
