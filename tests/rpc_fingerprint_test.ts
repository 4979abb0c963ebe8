// --cert-fingerprint (maintenance mode, `--insecure`): a node whose key does not match must get
// no byte of the request, as with talosctl, whose TLS config checks the key during the handshake.
// A TLS terminator with a key of its own stands in front of the emulator and records every byte
// it receives after the handshake (and forwards them, so that a leak would also reach the node):
// pinned to another key, nothing may arrive (no HTTP/2 preface, no HEADERS, no DATA), for unary
// and client-streaming calls, with and without ALPN, also on the way to a good endpoint
// (failover) and on a later connection; pinned to its key, the same calls go through and the
// terminator sees the request, which shows that it would have seen a leak.

import * as tls from "node:tls";
import { assert, assertEquals } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import {
  applyState,
  createCA,
  issueServer,
  machineConfigOf,
  sampleMachineConfig,
  simNode,
  startEmulator,
  type TestEmulator,
} from "./emulator/mod.ts";
import type { Issued } from "./emulator/certs.ts";
import { newClient, toRpcError } from "../rpc/mod.ts";
import { relabelKey, spkiOf } from "../rpc/transport.ts";
import { concat } from "../pki/der.ts";

/** A recognisable piece of the request, to look for in what a node received. */
const MARKER = "pinned-key-marker-7f3a9c.example.org";

function pemDer(pem: string): Uint8Array {
  const b64 = pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

/** The base64 SHA-256 of a PEM certificate's SubjectPublicKeyInfo (what --cert-fingerprint takes). */
async function fingerprintOf(certPem: string): Promise<string> {
  const spki = spkiOf(pemDer(certPem))!;
  const sum = new Uint8Array(await crypto.subtle.digest("SHA-256", spki.slice()));
  return btoa(String.fromCharCode(...sum));
}

const b64bytes = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

interface Terminator extends AsyncDisposable {
  endpoint: string;
  /** --cert-fingerprint of the key it presents. */
  fingerprint: string;
  /** Connections from clients (TCP; a client that gives up may not finish its handshake). */
  connections: number;
  /** Everything clients sent after their handshakes, decrypted. */
  received(): string;
  /** Forgets what was received so far. */
  reset(): void;
  /** Presents a new key from now on and drops the connections it has. */
  rekey(): Promise<void>;
}

/**
 * A TLS terminator with its own key in front of `emu`: decrypts, records, and forwards to the
 * emulator over TLS (with `client` as its client certificate when given).
 */
async function terminator(
  emu: TestEmulator,
  opts: { alpn: boolean; client?: Issued },
): Promise<Terminator> {
  const ca = await createCA();
  const sockets = new Set<tls.TLSSocket>();
  let chunks: Uint8Array[] = [];
  const context = (id: Issued) => ({
    cert: id.cert,
    key: relabelKey(id.key),
    ...(opts.alpn ? { ALPNProtocols: ["h2"] } : {}),
  });
  let id = await issueServer(ca);
  const t = {
    endpoint: "",
    fingerprint: await fingerprintOf(id.cert),
    connections: 0,
    received: () => new TextDecoder().decode(concat(chunks)),
    reset() {
      chunks = [];
    },
    async rekey() {
      id = await issueServer(ca);
      t.fingerprint = await fingerprintOf(id.cert);
      server.setSecureContext(context(id));
      for (const s of sockets) s.destroy();
    },
    async [Symbol.asyncDispose]() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = tls.createServer(context(id), (down) => {
    const up = tls.connect({
      host: emu.host,
      port: emu.port,
      rejectUnauthorized: false,
      ALPNProtocols: ["h2"],
      ...(opts.client ? { cert: opts.client.cert, key: relabelKey(opts.client.key) } : {}),
    });
    sockets.add(down).add(up);
    down.on("data", (b: Uint8Array) => {
      chunks.push(new Uint8Array(b));
      up.write(b);
    });
    up.on("data", (b: Uint8Array) => down.write(b));
    const drop = () => {
      down.destroy();
      up.destroy();
      sockets.delete(down);
      sockets.delete(up);
    };
    for (const s of [down, up]) {
      s.on("close", drop);
      s.on("error", drop);
    }
  });
  server.on("connection", () => t.connections++);
  server.on("tlsClientError", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.endpoint = `127.0.0.1:${(server.address() as { port: number }).port}`;
  return t;
}

/**
 * Runs `fn` with timers firing `ms` late, as on a loaded machine where I/O goes on while a timer
 * waits its turn: a check that lets the connection go on until a timer fires would leak here.
 */
async function withLateTimers<T>(ms: number, fn: () => Promise<T>): Promise<T> {
  const orig = globalThis.setTimeout;
  const late = (cb: () => void, delay?: number) => orig(cb, (delay ?? 0) + ms);
  globalThis.setTimeout = late as typeof setTimeout;
  try {
    return await fn();
  } finally {
    globalThis.setTimeout = orig;
  }
}

const mismatch = (fingerprints: string[]) =>
  `connection error: desc = "transport: authentication handshake failed: leaf peer certificate doesn't match the provided fingerprints: [${
    fingerprints.join(" ")
  }]"`;

for (const alpn of [true, false]) {
  const mode = alpn ? "ALPN h2" : "no ALPN";

  Deno.test(`apply-config -i --cert-fingerprint (${mode}): a node with another key gets nothing`, async () => {
    await using dir = await tempDir();
    const node = simNode("10.5.0.2", { etcd: undefined });
    await using emu = await startEmulator({ nodes: [node], maintenance: true, alpn });
    await using term = await terminator(emu, { alpn });
    const text = sampleMachineConfig(true).replace(
      /^ {4}certSANs: \[\]\n/m,
      `    certSANs:\n        - ${MARKER}\n`,
    );
    assert(text.includes(MARKER));
    await Deno.writeTextFile(`${dir.path}/cp.yaml`, text);
    const apply = (fingerprints: string[]) =>
      run([
        "apply-config",
        "-i",
        "-n",
        term.endpoint,
        "-f",
        `${dir.path}/cp.yaml`,
        ...fingerprints.flatMap((f) => ["--cert-fingerprint", f]),
      ]);

    // Pinned to the node's own key and to another one: the terminator's key is neither.
    const wanted = [await fingerprintOf(emu.options.tls.cert), btoa("x".repeat(32))];
    const wrong = await withLateTimers(300, () => apply(wanted));
    assertEquals(wrong.stdout, "");
    assertEquals(
      wrong.stderr,
      `${term.endpoint}: error applying configuration: rpc error: code = Unavailable desc = ${
        mismatch(wanted)
      }\n`,
    );
    assertEquals(wrong.code, 1);
    assert(term.connections >= 1, "the client never connected");
    assertEquals(term.received(), "");
    assertEquals(emu.calls.length, 0);
    assertEquals(machineConfigOf(node), undefined);

    // Pinned to the terminator's key: the config goes through it (and it saw the config).
    const right = await apply([term.fingerprint]);
    assertEquals([right.code, right.stderr], [0, "Applied configuration without a reboot\n"]);
    assert(term.received().includes(MARKER), "the terminator did not see the request");
    assertEquals(machineConfigOf(node), text);
  });

  Deno.test(`client stream with a pinned key (${mode}): nothing reaches a node with another key`, async () => {
    const node = simNode("10.5.0.2", { etcd: undefined });
    await using emu = await startEmulator({ nodes: [node], alpn });
    // The terminator passes calls on as an admin; the node under test is it, not the emulator.
    await using term = await terminator(emu, { alpn, client: await emu.clientCert(["os:admin"]) });
    const payload = new TextEncoder().encode(`${MARKER}\n`.repeat(2000));
    let pulled = 0;
    const upload = async function* () {
      for (let off = 0; off < payload.length; off += 4096) {
        pulled++;
        yield { bytes: payload.subarray(off, off + 4096) };
      }
    };
    const pinned = (fingerprint: string) =>
      newClient({
        contextName: "maintenance",
        endpoints: [term.endpoint],
        tls: { ca: "", cert: "", key: "", insecure: true, fingerprints: [b64bytes(fingerprint)] },
      });

    const other = btoa("y".repeat(32));
    const err = await withLateTimers(
      300,
      () => pinned(other).machine.etcdRecover(upload()).then(() => undefined, (e) => e),
    );
    assertEquals(
      toRpcError(err).message,
      `rpc error: code = Unavailable desc = ${mismatch([other])}`,
    );
    assert(term.connections >= 1);
    assertEquals(term.received(), "");
    assertEquals(pulled, 0);
    assertEquals(emu.calls.length, 0);

    const client = pinned(term.fingerprint);
    await client.machine.etcdRecover(upload(), client.callOptions("10.5.0.2"));
    assertEquals(applyState(node).recoverySnapshot, payload);
    assert(term.received().includes(MARKER));

    // The next connection is checked again: the endpoint now presents another key. The
    // connection the client had is dropped under it; a call that still finds it fails on it,
    // and the one after that dials again.
    const before = term.fingerprint;
    await term.rekey();
    term.reset();
    const recover = () =>
      client.machine.etcdRecover(upload(), client.callOptions("10.5.0.2"))
        .then(() => "no error", (e) => toRpcError(e).message);
    const wantErr = `rpc error: code = Unavailable desc = ${mismatch([before])}`;
    let again = await recover();
    if (again !== wantErr) again = await recover();
    assertEquals(again, wantErr);
    assertEquals(term.received(), "");
  });
}

Deno.test("pinned key and several endpoints: one with another key gets nothing, the call moves on", async () => {
  const node = simNode("10.5.0.2", { etcd: undefined });
  await using emu = await startEmulator({ nodes: [node] });
  const admin = await emu.clientCert(["os:admin"]);
  await using good = await terminator(emu, { alpn: true, client: admin });
  await using bad = await terminator(emu, { alpn: false, client: admin });
  // random 0 swaps the two endpoints: the bad one is tried first.
  const client = newClient({
    contextName: "maintenance",
    endpoints: [good.endpoint, bad.endpoint],
    tls: { ca: "", cert: "", key: "", insecure: true, fingerprints: [b64bytes(good.fingerprint)] },
  }, { random: () => 0 });
  const payload = new TextEncoder().encode(`${MARKER}\n`.repeat(5000));
  const upload = async function* () {
    for (let off = 0; off < payload.length; off += 4096) {
      yield { bytes: payload.subarray(off, off + 4096) };
    }
  };
  await client.machine.etcdRecover(upload(), client.callOptions("10.5.0.2"));
  assertEquals(applyState(node).recoverySnapshot, payload);
  const v = await client.machine.version({}, client.callOptions("10.5.0.2"));
  assertEquals(v.messages[0].version?.tag, "v1.5.5");
  assert(bad.connections >= 1, "the endpoint with the other key was never tried");
  assertEquals(bad.received(), "");
  assert(good.received().includes(MARKER));
});
