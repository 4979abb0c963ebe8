// Output helpers of API commands: errors joined as Go's errors.Join, etcd member IDs, and the
// idle-flushed table talosctl uses while replies arrive.

import { UserError } from "../errors.ts";
import { tabwrite } from "../gofmt/text.ts";

/** Go's errors.Join rendered: messages one per line. Throws a UserError when any. */
export function throwJoined(errors: Error[]): void {
  if (errors.length > 0) throw new UserError(errors.map((e) => e.message).join("\n"));
}

/** Etcd member IDs print as 16 hex digits. */
export function formatMemberId(id: bigint): string {
  return id.toString(16).padStart(16, "0");
}

/**
 * A tabwriter that talosctl flushes when no reply came for a while (etcd members/status):
 * rows buffered so far are aligned and written, later rows are aligned among themselves.
 */
export class IdleFlushTable {
  #buf = "";
  #timer: ReturnType<typeof setTimeout> | undefined;
  #writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly write: (text: string) => Promise<void>,
    private readonly idleMs = 500,
  ) {}

  add(text: string): void {
    this.#buf += text;
  }

  /** A reply (or a node's error) arrived: flush after `idleMs` unless another one comes. */
  touch(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.flush(), this.idleMs);
  }

  flush(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const text = this.#buf;
    this.#buf = "";
    if (text !== "") this.#writes = this.#writes.then(() => this.write(tabwrite(text)));
    return this.#writes;
  }
}
