// Where a collector's output waits until the archive takes it: in memory up to a limit, then in
// a private temporary file (0600), so that several collectors can run at once with bounded
// memory, and a collector that fails half-way leaves nothing in the archive.

import { writeAll } from "../../io/write.ts";

const DEFAULT_LIMIT = 1 << 20;
const READ_SIZE = 256 * 1024;

export class Spool {
  #chunks: Uint8Array[] = [];
  #held = 0;
  #file?: Deno.FsFile;
  #path?: string;
  #size = 0;

  constructor(private readonly limit = DEFAULT_LIMIT) {}

  /** Bytes written. */
  get size(): number {
    return this.#size;
  }

  /** True once the output went to a temporary file. */
  get spilled(): boolean {
    return this.#file !== undefined;
  }

  async write(data: Uint8Array): Promise<void> {
    if (data.length === 0) return;
    this.#size += data.length;
    if (!this.#file && this.#held + data.length <= this.limit) {
      this.#chunks.push(data.slice());
      this.#held += data.length;
      return;
    }
    if (!this.#file) {
      this.#path = await Deno.makeTempFile({ prefix: "talosctl-support-" });
      this.#file = await Deno.open(this.#path, { read: true, write: true });
      for (const c of this.#chunks) await writeAll(this.#file, c);
      this.#chunks = [];
      this.#held = 0;
    }
    await writeAll(this.#file, data);
  }

  writeText(text: string): Promise<void> {
    return this.write(new TextEncoder().encode(text));
  }

  /**
   * The bytes written, from the start. A chunk read back from the file is valid until the next
   * one is asked for (one buffer is reused: garbage would make the memory peak grow with the
   * size, up to the point where the runtime collects it).
   */
  async *read(): AsyncGenerator<Uint8Array> {
    if (!this.#file) {
      yield* this.#chunks;
      return;
    }
    await this.#file.seek(0, Deno.SeekMode.Start);
    const buf = new Uint8Array(READ_SIZE);
    for (;;) {
      const n = await this.#file.read(buf);
      if (n === null) return;
      yield buf.subarray(0, n);
    }
  }

  /** Drops what was written (the temporary file is removed). */
  async dispose(): Promise<void> {
    this.#chunks = [];
    this.#held = 0;
    if (this.#file) {
      try {
        this.#file.close();
      } catch { /* closed */ }
      this.#file = undefined;
    }
    if (this.#path) {
      await Deno.remove(this.#path).catch(() => {});
      this.#path = undefined;
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}
