// The body of `read`: one node's Read stream copied to stdout as it arrives, in writes of up to
// 256 KiB (each awaited, so memory stays bounded whatever the file's size).

import type { RunContext } from "../spec.ts";
import { errorText, isDialFailure, openSession, streamBytes, UserError } from "../kit.ts";

const FLUSH_AT = 256 * 1024;

export async function runRead(ctx: RunContext): Promise<void> {
  const session = await openSession(ctx);
  const node = session.single("read");
  const { client, options } = session.forNode(node);
  const out = ctx.deps.io.stdout;
  // Messages carry 1 KiB each: gather them into fewer, larger writes.
  const buf = new Uint8Array(FLUSH_AT);
  let used = 0;
  const flush = async () => {
    if (used > 0) await out.write(buf.slice(0, used));
    used = 0;
  };
  try {
    for await (const b of streamBytes(client.machine.read({ path: ctx.args[0] }, options))) {
      if (used + b.length > buf.length) await flush();
      if (b.length > buf.length) await out.write(b);
      else {
        buf.set(b, used);
        used += b.length;
      }
    }
  } catch (e) {
    await flush();
    if (e instanceof UserError) throw e;
    // talosctl: a call that never started is "error reading file", a failed stream "error reading".
    if (isDialFailure(e)) throw new UserError(`error reading file: ${errorText(e)}`);
    throw new UserError(`error reading: ${errorText(e)}`);
  }
  await flush();
}
