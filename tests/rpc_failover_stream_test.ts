// Streams and endpoint failover: a stream moves to the next endpoint while the one it was given
// could not be reached, with its input whole and read once (nothing of it is kept to be sent
// again, see api_bootstrap_memory_test.ts); a server stream also moves on when an endpoint hangs
// up right after the handshake (a client certificate it does not accept).

import { assertEquals } from "./assert.ts";
import { applyState, simNode, startEmulator } from "./emulator/mod.ts";
import { newClient } from "../rpc/mod.ts";

function deadEndpoint(): string {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return `127.0.0.1:${port}`;
}

Deno.test("client stream: an endpoint that cannot be dialed is skipped, the input is read once", async () => {
  const node = simNode("10.5.0.2", { etcd: undefined });
  await using emu = await startEmulator({ nodes: [node] });
  const cert = await emu.clientCert(["os:admin"]);
  // random 0 swaps the two endpoints: the dead one is tried first.
  const client = newClient({
    contextName: "t",
    endpoints: [emu.endpoint, deadEndpoint()],
    tls: { ca: emu.ca.cert, cert: cert.cert, key: cert.key },
  }, { random: () => 0 });
  const payload = crypto.getRandomValues(new Uint8Array(64 * 1024));
  const taken: number[] = [];
  async function* upload() {
    for (let off = 0; off < payload.length; off += 4096) {
      taken.push(off);
      yield { bytes: payload.subarray(off, off + 4096) };
    }
  }
  await client.machine.etcdRecover(upload(), client.callOptions("10.5.0.2"));
  assertEquals(applyState(node).recoverySnapshot, payload);
  assertEquals(taken, Array.from({ length: 16 }, (_, i) => i * 4096));
  assertEquals(emu.calls.map((c) => c.path), ["/machine.MachineService/EtcdRecover"]);
});

Deno.test("server stream: an endpoint that refuses the client certificate after the handshake is skipped", async () => {
  const node = simNode("10.5.0.2");
  await using good = await startEmulator({ nodes: [node] });
  // Another cluster's node: it does not take this client's certificate (TLS 1.3: it says so
  // after the handshake, when the request may already be on its way).
  await using other = await startEmulator({ nodes: [simNode("10.5.0.2")] });
  const cert = await good.clientCert(["os:reader"]);
  const client = newClient({
    contextName: "t",
    endpoints: [good.endpoint, other.endpoint],
    tls: { ca: good.ca.cert + other.ca.cert, cert: cert.cert, key: cert.key },
  }, { random: () => 0 });
  const text: string[] = [];
  for await (const m of client.machine.dmesg({}, client.callOptions("10.5.0.2"))) {
    text.push(new TextDecoder().decode(m.bytes));
  }
  assertEquals(text, node.dmesg);
  assertEquals(other.calls.length, 0);
  assertEquals(good.calls.map((c) => c.path), ["/machine.MachineService/Dmesg"]);
});
