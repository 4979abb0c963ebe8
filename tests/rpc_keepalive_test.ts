// Keepalive pings (what the lifecycle commands' sessions use): a connection whose peer vanished
// without closing it (packets silently dropped) fails the open stream with a code the tracker
// retries, instead of hanging until --timeout.

import { assert, assertEquals } from "./assert.ts";
import { Code } from "@connectrpc/connect";
import { newClient } from "../rpc/client.ts";
import { errorCode } from "../rpc/errors.ts";
import { simNode, startEmulator } from "./emulator/mod.ts";

/** A TCP relay that can start dropping everything, keeping both connections open. */
function relay(target: number) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.Conn[] = [];
  let dropping = false;
  const pump = async (from: Deno.Conn, to: Deno.Conn) => {
    const buf = new Uint8Array(16 * 1024);
    try {
      for (;;) {
        const n = await from.read(buf);
        if (n === null) break;
        if (!dropping) await to.write(buf.subarray(0, n));
      }
    } catch {
      // closed
    }
  };
  const accepting = (async () => {
    for await (const c of listener) {
      const up = await Deno.connect({ hostname: "127.0.0.1", port: target });
      conns.push(c, up);
      pump(c, up);
      pump(up, c);
    }
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    drop() {
      dropping = true;
    },
    async close() {
      listener.close();
      for (const c of conns) {
        try {
          c.close();
        } catch {
          // already closed
        }
      }
      await accepting;
    },
  };
}

Deno.test("keepalive: a silently dead connection fails the open stream as Unavailable", async () => {
  await using emu = await startEmulator({ nodes: [simNode("10.5.0.2")] });
  const r = relay(emu.port);
  try {
    const cert = await emu.clientCert(["os:admin"]);
    // Pings every 100 ms; an answer may take up to 1 s (the emulator shares this process's
    // event loop, which a loaded machine can hold up for a few hundred ms).
    const client = newClient({
      contextName: "test",
      endpoints: [`127.0.0.1:${r.port}`],
      tls: { ca: emu.ca.cert, cert: cert.cert, key: cert.key },
    }, { keepalive: { intervalMs: 100, timeoutMs: 1000 } });
    const ctl = new AbortController();
    const it = client.machine.events({}, client.callOptions("10.5.0.2", { signal: ctl.signal }))[
      Symbol.asyncIterator
    ]();
    const hello = await it.next();
    assertEquals(hello.done, false);
    r.drop();
    let failure: unknown;
    try {
      await it.next();
    } catch (e) {
      failure = e;
    }
    assert(failure !== undefined, "the stream must fail once pings go unanswered");
    assert(
      [Code.Unavailable, Code.Canceled].includes(errorCode(failure)),
      `retryable code expected, got ${String(failure)}`,
    );
    ctl.abort();
  } finally {
    await r.close();
  }
});
