// API commands against servers that behave unlike our emulator's defaults, with the texts
// talosctl (HEAD) prints for them. The expected outputs follow upstream's code paths:
// - multiplex.UnaryViaFactory / StreamingViaFactory label every row and error with the node
//   that was asked and deliver replies as they arrive;
// - client.FilterMessages turns in-band `metadata.error` elements into one go-multierror
//   ("1 error occurred:\n\t* <hostname>: <error>\n\n") and the node's whole reply into an error;
// - global.ClientFactory reads the talosconfig up front only without --nodes; with --nodes a
//   broken config is each node's "error constructing client: ...".

import { assert, assertEquals } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import { simNode, startEmulator } from "./emulator/mod.ts";
import { MachineService } from "../gen/machine/machine_pb.ts";

const M = MachineService.method;
const NOW = new Date("2024-06-01T12:00:00Z");
const CERT = { notBefore: new Date("2024-01-01T00:00:00Z") };

Deno.test("version: rows are labelled with the node asked, even when replies carry hostnames", async () => {
  await using dir = await tempDir();
  await using emu = await startEmulator({ nodes: [simNode("10.5.0.2")] });
  // A proxy answering with two elements, each with its own metadata.hostname.
  emu.handle(M.version, (_req, { node }) => ({
    messages: [
      { metadata: { hostname: "cp-a" }, version: { ...node.version, tag: "v1.0.0" } },
      { metadata: { hostname: "cp-b" }, version: { ...node.version, tag: "v2.0.0" } },
    ],
  }));
  const cfg = await emu.talosconfig(dir.path, { nodes: ["10.5.0.2"] });
  const r = await run(["version", "--talosconfig", cfg]);
  assertEquals(r.code, 0);
  const server = r.stdout.slice(r.stdout.indexOf("Server:\n"));
  const tags = server.split("\n").filter((l) => /NODE:|Tag:/.test(l));
  assertEquals(tags, [
    "\tNODE:        10.5.0.2",
    "\tTag:         v1.0.0",
    "\tNODE:        10.5.0.2",
    "\tTag:         v2.0.0",
  ]);
});

Deno.test("version: an in-band error fails the node's whole reply, rendered as go-multierror", async () => {
  await using dir = await tempDir();
  await using emu = await startEmulator({ nodes: [simNode("10.5.0.2"), simNode("10.5.0.3")] });
  emu.handle(M.version, (_req, { node }) =>
    node.address === "10.5.0.2"
      ? {
        messages: [
          { version: node.version },
          // apid's BuildError: error text and status.
          {
            metadata: {
              hostname: "10.9.9.9",
              error: "rpc error: code = Unavailable desc = gone",
              status: { code: 14, message: "gone" },
            },
          },
          // No status: the error string is printed as is.
          { metadata: { hostname: "", error: "plain failure" } },
        ],
      }
      : { messages: [{ version: node.version, metadata: { status: { code: 5, message: "x" } } }] });
  const cfg = await emu.talosconfig(dir.path, { nodes: ["10.5.0.2", "10.5.0.3"] });
  const r = await run(["version", "--talosconfig", cfg]);
  assertEquals(r.code, 1);
  // A status without an error string is not an error: 10.5.0.3 prints normally.
  const server = r.stdout.slice(r.stdout.indexOf("Server:\n"));
  assertEquals(server.split("\n").filter((l) => l.includes("NODE:")), ["\tNODE:        10.5.0.3"]);
  assertEquals(
    r.stderr,
    "error getting version from node 10.5.0.2: 2 errors occurred:\n" +
      "\t* 10.9.9.9: rpc error: code = Unavailable desc = gone\n" +
      "\t* : plain failure\n\n\n",
  );
});

Deno.test("service: with --nodes a talosconfig without endpoints fails per node, header kept", async () => {
  await using dir = await tempDir();
  const cfg = `${dir.path}/talosconfig`;
  await Deno.writeTextFile(cfg, "context: a\ncontexts:\n  a:\n    endpoints: []\n");
  const r = await run(["service", "--talosconfig", cfg, "-n", "10.5.0.2,10.5.0.3"]);
  assertEquals(r.code, 1);
  assertEquals(r.stdout, "NODE   SERVICE   STATE   HEALTH   LAST CHANGE   LAST EVENT\n");
  assertEquals(
    r.stderr,
    "error from node 10.5.0.2: error constructing client: failed to determine endpoints\n" +
      "error from node 10.5.0.3: error constructing client: failed to determine endpoints\n",
  );
  const v = await run(["version", "--talosconfig", cfg, "-n", "10.5.0.2"]);
  assertEquals(
    v.stderr,
    "error getting version from node 10.5.0.2: error constructing client: failed to determine endpoints\n",
  );
  // Single-node commands return the factory's error as is.
  const k = await run(["kubeconfig", "--talosconfig", cfg, "-n", "10.5.0.2", dir.path]);
  assertEquals(k.stderr, "error constructing client: failed to determine endpoints\n");
});

Deno.test("unknown --context: no endpoints to find, or (with -e) a context error from the connection", async () => {
  await using dir = await tempDir();
  const cfg = `${dir.path}/talosconfig`;
  await Deno.writeTextFile(cfg, "context: a\ncontexts:\n  a:\n    endpoints: [10.5.0.2]\n");
  const r = await run(["version", "--talosconfig", cfg, "--context", "zz"]);
  assertEquals(r.code, 1);
  assertEquals(r.stderr, "failed to determine endpoints\n");
  const e = await run(["etcd", "members", "--talosconfig", cfg, "--context", "zz", "-e", "h"]);
  assertEquals(
    e.stderr,
    'failed to create client connection: failed to resolve configuration context: context "zz" not found in config\n',
  );
  const n = await run(["etcd", "status", "--talosconfig", cfg, "--context", "zz", "-n", "h"]);
  assertEquals(n.stdout.split("\n").length, 2); // the header only
  assertEquals(
    n.stderr,
    "error from node h: error constructing client: failed to determine endpoints\n",
  );
});

Deno.test("logs and dmesg: streamed metadata (hostnames, in-band errors) is not read", async () => {
  await using dir = await tempDir();
  await using emu = await startEmulator({ nodes: [simNode("10.5.0.2")] });
  const enc = new TextEncoder();
  emu.handle(M.logs, async function* () {
    yield { metadata: { hostname: "proxy-name" }, bytes: enc.encode("one\ntw") };
    yield { metadata: { hostname: "x", error: "ignored", status: { code: 2, message: "i" } } };
    yield { bytes: enc.encode("o\nthree") };
  });
  emu.handle(M.dmesg, async function* () {
    yield { metadata: { hostname: "proxy-name" }, bytes: enc.encode("kern: a\n") };
    yield { metadata: { error: "ignored too" } };
  });
  const cfg = await emu.talosconfig(dir.path, { nodes: ["10.5.0.2"] });
  const r = await run(["logs", "kubelet", "--talosconfig", cfg]);
  assertEquals([r.code, r.stderr], [0, ""]);
  assertEquals(r.stdout, "10.5.0.2: one\n10.5.0.2: two\n10.5.0.2: three\n");
  const d = await run(["dmesg", "--talosconfig", cfg]);
  assertEquals([d.code, d.stderr, d.stdout], [0, "", "10.5.0.2: kern: a\n"]);
});

Deno.test("etcd members: the table is flushed after 500 ms without replies, then aligned anew", async () => {
  await using dir = await tempDir();
  await using emu = await startEmulator({
    nodes: [simNode("10.5.0.2", { hostname: "a" }), simNode("10.5.0.3", { hostname: "b" })],
  });
  emu.nodes.get("10.5.0.3")!.faults.delayMs = 800;
  emu.handle(M.etcdMemberList, (_req, { node }) => ({
    messages: [{
      members: [{
        id: 1n,
        hostname: node.address === "10.5.0.3" ? "a-much-longer-hostname" : "a",
        peerUrls: ["https://x:2380"],
        clientUrls: ["https://x:2379"],
      }],
    }],
  }));
  const cfg = await emu.talosconfig(dir.path, { nodes: ["10.5.0.2", "10.5.0.3"] });
  const r = await run(["etcd", "members", "--talosconfig", cfg]);
  assertEquals(r.code, 0);
  assertEquals(
    r.stdout,
    "NODE       ID                 HOSTNAME   PEER URLS        CLIENT URLS      LEARNER\n" +
      "10.5.0.2   0000000000000001   a          https://x:2380   https://x:2379   false\n" +
      "10.5.0.3   0000000000000001   a-much-longer-hostname   https://x:2380   https://x:2379   false\n",
  );
});

Deno.test("etcd status: Go's %.2f rounds exact ties to even", async () => {
  await using dir = await tempDir();
  await using emu = await startEmulator({ nodes: [simNode("10.5.0.2")] });
  emu.handle(M.etcdStatus, () => ({
    messages: [{ memberStatus: { memberId: 2n, dbSize: 8000n, dbSizeInUse: 1010n, leader: 2n } }],
  }));
  const cfg = await emu.talosconfig(dir.path, { nodes: ["10.5.0.2"] });
  const r = await run(["etcd", "status", "--talosconfig", cfg]);
  assertEquals(r.code, 0);
  // 1010/8000*100 = 12.625 exactly: Go prints 12.62 (JavaScript's toFixed would say 12.63).
  assertEquals(r.stdout.split("\n")[1].split(/\s{3,}/).slice(2, 4), ["8.0 kB", "1.0 kB (12.62%)"]);
});

Deno.test("kubeconfig: in-band stream errors as ReadStream reads them", async () => {
  await using dir = await tempDir();
  await using emu = await startEmulator({ nodes: [simNode("10.5.0.2")] });
  const cfg = await emu.talosconfig(dir.path, { nodes: ["10.5.0.2"] });
  emu.handle(M.kubeconfig, async function* () {
    yield { metadata: { hostname: "h", error: "no kubeconfig yet" } };
  });
  const r = await run(["kubeconfig", "--talosconfig", cfg, `${dir.path}/kc`]);
  assertEquals([r.code, r.stderr], [1, "error initializing gzip: no kubeconfig yet\n"]);
  emu.handle(M.kubeconfig, async function* () {
    yield { metadata: { error: "x", status: { code: 9, message: "not ready" } } };
  });
  const r2 = await run(["kubeconfig", "--talosconfig", cfg, `${dir.path}/kc`]);
  assertEquals(
    r2.stderr,
    "error initializing gzip: rpc error: code = FailedPrecondition desc = not ready\n",
  );
  // A cancellation status ends the stream as if complete: gzip then finds no data.
  emu.handle(M.kubeconfig, async function* () {
    yield { metadata: { error: "x", status: { code: 1, message: "canceled" } } };
  });
  const r3 = await run(["kubeconfig", "--talosconfig", cfg, `${dir.path}/kc`]);
  assertEquals(r3.stderr, "error initializing gzip: EOF\n");
});

Deno.test("config new: in-band errors fail with go-multierror's text, hostnames as sent", async () => {
  await using dir = await tempDir();
  await using emu = await startEmulator({ nodes: [simNode("10.5.0.2")] });
  emu.handle(M.generateClientConfiguration, () => ({
    messages: [{ metadata: { error: "boom" } }],
  }));
  const cfg = await emu.talosconfig(dir.path, { nodes: ["10.5.0.2"], ...CERT });
  const r = await run(["config", "new", "--talosconfig", cfg, `${dir.path}/new`], { now: NOW });
  assertEquals([r.code, r.stderr], [1, "1 error occurred:\n\t* : boom\n\n\n"]);
});

// grpc-go's words for transport failures (http2_client.go, http_util.go):
// RST_STREAM -> "stream terminated by RST_STREAM with error code: <name>", a connection that
// dies under a call -> Unavailable "error reading from server: EOF", an oversized reply ->
// ResourceExhausted "grpc: received message larger than max (<n> vs. <max>)", and Ctrl-C ->
// Canceled "context canceled".
Deno.test("transport failures are reported in grpc-go's words", async () => {
  await using dir = await tempDir();
  await using emu = await startEmulator({ nodes: [simNode("10.5.0.2"), simNode("10.5.0.3")] });
  const cfg = await emu.talosconfig(dir.path, { nodes: ["10.5.0.2"] });
  const node = emu.nodes.get("10.5.0.2")!;
  node.logs.set("kubelet", "z".repeat(10_000) + "\n");
  node.faults.dropAfter = 3;
  const rst = await run(["logs", "kubelet", "--talosconfig", cfg]);
  assertEquals(rst.code, 1);
  assertEquals(
    rst.stderr,
    "error from node 10.5.0.2: rpc error: code = Internal desc = stream terminated by RST_STREAM with error code: INTERNAL_ERROR\n",
  );
  node.faults.dropAfter = undefined;

  emu.handle(M.version, (_req, { node }) => ({
    messages: [{ version: { ...node.version, tag: "x".repeat(32 * 1024 * 1024) } }],
  }));
  const big = await run(["version", "--talosconfig", cfg]);
  assertEquals(
    big.stderr,
    "error getting version from node 10.5.0.2: rpc error: code = ResourceExhausted desc = grpc: received message larger than max (33554482 vs. 33554432)\n",
  );

  emu.nodes.get("10.5.0.3")!.faults.delayMs = 30_000;
  const ctl = new AbortController();
  setTimeout(() => ctl.abort(), 150);
  const slow = await run(["version", "--talosconfig", cfg, "-n", "10.5.0.3"], {
    signal: ctl.signal,
  });
  assertEquals(
    slow.stderr,
    "error getting version from node 10.5.0.3: rpc error: code = Canceled desc = context canceled\n",
  );

  // Last: the server goes away in the middle of a stream (this closes the emulator).
  const enc = new TextEncoder();
  emu.handle(M.logs, async function* () {
    yield { bytes: enc.encode("first\n") };
    await new Promise((r) => setTimeout(r, 50));
    await emu.close();
    yield { bytes: enc.encode("second\n") };
  });
  const gone = await run(["logs", "kubelet", "--talosconfig", cfg]);
  assertEquals([gone.code, gone.stdout], [1, "10.5.0.2: first\n"]);
  assertEquals(
    gone.stderr,
    "error from node 10.5.0.2: rpc error: code = Unavailable desc = error reading from server: EOF\n",
  );
});

// pflag's Int32 flag parses with strconv.ParseInt(s, 0, 32): prefixes, octal, range.
Deno.test("logs --tail is a 32-bit Go integer", async () => {
  const r = await run(["logs", "kubelet", "--tail", "3000000000", "-n", "h"]);
  assertEquals(r.code, 1);
  assertEquals(
    r.stderr.split("\n")[0],
    'invalid argument "3000000000" for "--tail" flag: strconv.ParseInt: parsing "3000000000": value out of range',
  );
  const octal = await run(["logs", "kubelet", "--tail", "08", "-n", "h"]);
  assertEquals(
    octal.stderr.split("\n")[0],
    'invalid argument "08" for "--tail" flag: strconv.ParseInt: parsing "08": invalid syntax',
  );
  await using dir = await tempDir();
  await using emu = await startEmulator({ nodes: [simNode("10.5.0.2")] });
  emu.nodes.get("10.5.0.2")!.logs.set("kubelet", "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n");
  const cfg = await emu.talosconfig(dir.path, { nodes: ["10.5.0.2"] });
  // "010" is octal 8.
  const tail = await run(["logs", "kubelet", "--tail", "010", "--talosconfig", cfg]);
  assertEquals(tail.stdout.split("\n").length - 1, 8);
});

// grpc-go + crypto/tls texts for TLS failures: the server's alert after a TLS 1.3 handshake is
// read with the preface ("error reading server preface: remote error: tls: <alert>"), a name
// mismatch is x509.HostnameError ("certificate is valid for <SANs>, not <host>"), and with
// several dead endpoints one endpoint's failure is reported (round-robin picker), not a list.
Deno.test("TLS and dial failures: alerts, host name mismatch, several dead endpoints", async () => {
  await using dir = await tempDir();
  await using emu = await startEmulator({ nodes: [simNode("10.5.0.2")] });
  const cfg = await emu.talosconfig(dir.path, { nodes: ["10.5.0.2"] });
  // A context without client certificate: the node requires one.
  const text = await Deno.readTextFile(cfg);
  await Deno.writeTextFile(cfg, text.replace(/\n\s+crt: .*/, "").replace(/\n\s+key: .*/, ""));
  const r = await run(["version", "--talosconfig", cfg]);
  assertEquals(
    r.stderr,
    'error getting version from node 10.5.0.2: rpc error: code = Unavailable desc = connection error: desc = "error reading server preface: remote error: tls: certificate required"\n',
  );

  const { TestEmulator, issueServer } = await import("./emulator/mod.ts");
  const { registerDefaults } = await import("./emulator/handlers.ts");
  const server = await issueServer(emu.ca, { ips: ["10.9.9.9", "::1"], dns: ["node.example"] });
  await using other = new TestEmulator([simNode("10.5.0.2")], emu.ca, server);
  registerDefaults(other);
  await other.start();
  const cfg2 = await other.talosconfig(dir.path, { nodes: ["10.5.0.2"] });
  const m = await run(["version", "--talosconfig", cfg2]);
  assertEquals(
    m.stderr,
    `error getting version from node 10.5.0.2: rpc error: code = Unavailable desc = connection error: desc = "transport: authentication handshake failed: tls: failed to verify certificate: x509: certificate is valid for 10.9.9.9, ::1, not 127.0.0.1"\n`,
  );

  const dead = [Deno.listen({ port: 0 }), Deno.listen({ port: 0 })];
  const ports = dead.map((l) => (l.addr as Deno.NetAddr).port);
  dead.forEach((l) => l.close());
  const d = await run([
    "version",
    "--talosconfig",
    cfg2,
    "-e",
    ports.map((p) => `127.0.0.1:${p}`).join(","),
  ]);
  // Endpoints are shuffled (round robin): the last one dialed is either.
  const deadText = (port: number) =>
    `error getting version from node 10.5.0.2: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 127.0.0.1:${port}: connect: connection refused"\n`;
  assert(ports.map(deadText).includes(d.stderr), d.stderr);
});

// --cert-fingerprint (maintenance mode): siderolabs/crypto's MatchSPKIFingerprints compares the
// base64 SHA-256 of the leaf certificate's SubjectPublicKeyInfo; a bad value fails building the
// node's client ("error constructing maintenance mode client for node ...").
Deno.test("version --insecure --cert-fingerprint: the node's public key is checked", async () => {
  await using emu = await startEmulator({ nodes: [simNode("10.5.0.2")], maintenance: true });
  await import("reflect-metadata");
  const x509 = await import("@peculiar/x509");
  const spki = new x509.X509Certificate(emu.options.tls.cert).publicKey.rawData;
  const sum = new Uint8Array(await crypto.subtle.digest("SHA-256", spki));
  const good = btoa(String.fromCharCode(...sum));
  const other = btoa(String.fromCharCode(...new Uint8Array(32).fill(7)));
  const base = ["version", "-i", "-n", emu.endpoint, "--client=false"];
  const ok = await run([...base, "--cert-fingerprint", `${other},${good}`]);
  assertEquals([ok.code, ok.stderr], [0, ""]);
  const bad = await run([...base, "--cert-fingerprint", other]);
  assertEquals(
    bad.stderr,
    `error getting version from node ${emu.endpoint}: rpc error: code = Unavailable desc = connection error: desc = "transport: authentication handshake failed: leaf peer certificate doesn't match the provided fingerprints: [${other}]"\n`,
  );
  const garbage = await run([...base, "--cert-fingerprint", "abc$"]);
  assertEquals(
    garbage.stderr,
    `error getting version from node ${emu.endpoint}: error constructing maintenance mode client for node "${emu.endpoint}": error parsing certificate fingerprint "abc$": illegal base64 data at input byte 3\n`,
  );
});
