// `exec` into a pod's container over the API server's WebSocket streaming protocol
// (channel.k8s.io, v5 then v4, as client-go's WebSocket executor offers them). Deno's WebSocket
// cannot present a client certificate, so the upgrade is made by hand on a TLS connection with
// the kubeconfig's material. Frames from the server carry a channel byte first: 1 stdout,
// 2 stderr, 3 the command's final Status (exit code). Nothing is sent but the closing frame.

import { type K8sClient, relabelKey, transportError } from "./client.ts";
import { concat } from "../pki/der.ts";
import { writeAll } from "../io/write.ts";

export interface ExecRequest {
  namespace: string;
  pod: string;
  container: string;
  command: string[];
  /** Receives stdout as it arrives (awaited: back-pressure). */
  stdout: (chunk: Uint8Array) => Promise<void> | void;
  signal?: AbortSignal;
}

/** The command ran but failed (client-go's CodeExitError words it the same way). */
export class ExecError extends Error {
  override name = "ExecError";
  constructor(message: string, readonly stderr: string, readonly exitCode?: number) {
    super(message);
  }
}

const PROTOCOLS = ["v5.channel.k8s.io", "v4.channel.k8s.io"];
const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/** Runs the command; resolves with its stderr once it exited 0, else throws an ExecError. */
export async function execInPod(client: K8sClient, r: ExecRequest): Promise<string> {
  const q = new URLSearchParams();
  for (const c of r.command) q.append("command", c);
  q.set("container", r.container);
  q.set("stderr", "true");
  q.set("stdout", "true");
  const path = `/api/v1/namespaces/${encodeURIComponent(r.namespace)}/pods/${
    encodeURIComponent(r.pod)
  }/exec`;
  const url = new URL(`${client.server}${path}?${q}`);
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  const port = Number(url.port || 443);
  let conn: Deno.TlsConn;
  try {
    conn = await Deno.connectTls({
      hostname,
      port,
      caCerts: [client.conn.ca],
      cert: client.conn.cert,
      key: relabelKey(client.conn.key),
      alpnProtocols: ["http/1.1"],
    });
  } catch (e) {
    throw transportError("GET", url.href, e);
  }
  const onAbort = () => conn.close();
  r.signal?.addEventListener("abort", onAbort, { once: true });
  const reader = new ByteReader(conn);
  try {
    const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
    const head = [
      `GET ${url.pathname}${url.search} HTTP/1.1`,
      `Host: ${url.host}`,
      "Upgrade: websocket",
      "Connection: Upgrade",
      `Sec-WebSocket-Key: ${key}`,
      "Sec-WebSocket-Version: 13",
      `Sec-WebSocket-Protocol: ${PROTOCOLS.join(", ")}`,
      "",
      "",
    ].join("\r\n");
    await writeAll(conn, new TextEncoder().encode(head));
    await upgraded(reader, key);
    return await readFrames(conn, reader, r);
  } catch (e) {
    if (r.signal?.aborted) throw r.signal.reason ?? new Error("context canceled");
    if (e instanceof ExecError) throw e;
    if (e instanceof Deno.errors.BadResource || e instanceof Deno.errors.ConnectionReset) {
      throw transportError("GET", url.href, e);
    }
    throw e;
  } finally {
    r.signal?.removeEventListener("abort", onAbort);
    try {
      conn.close();
    } catch {
      // already closed
    }
  }
}

/** Reads the answer to the upgrade request: 101 with the right accept key, else the refusal. */
async function upgraded(reader: ByteReader, key: string): Promise<void> {
  const head = await reader.until(new TextEncoder().encode("\r\n\r\n"));
  const lines = new TextDecoder().decode(head).split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0])?.[1] ?? 0);
  const headers = new Map<string, string>();
  for (const l of lines.slice(1)) {
    const i = l.indexOf(":");
    if (i > 0) headers.set(l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim());
  }
  if (status !== 101) {
    const length = Number(headers.get("content-length") ?? "-1");
    const body = new TextDecoder().decode(
      length >= 0 ? await reader.exactly(length) : await reader.rest(),
    );
    let message = body.trim();
    try {
      const s = JSON.parse(body);
      if (s?.kind === "Status" && s.message) message = String(s.message);
    } catch {
      // not a Status
    }
    throw new ExecError(`unable to upgrade connection: ${message || `HTTP ${status}`}`, "");
  }
  const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(key + WS_GUID));
  const accept = btoa(String.fromCharCode(...new Uint8Array(digest)));
  if (headers.get("sec-websocket-accept") !== accept) {
    throw new ExecError("unable to upgrade connection: bad websocket handshake", "");
  }
  const proto = headers.get("sec-websocket-protocol") ?? "";
  if (!PROTOCOLS.includes(proto)) {
    throw new ExecError(
      `unable to upgrade connection: the server chose an unsupported protocol ${
        JSON.stringify(proto)
      }`,
      "",
    );
  }
}

async function readFrames(conn: Deno.TlsConn, reader: ByteReader, r: ExecRequest): Promise<string> {
  let stderr = "";
  let status: string | undefined;
  let message: Uint8Array[] = [];
  for (;;) {
    const h = await reader.exactly(2);
    const fin = (h[0] & 0x80) !== 0;
    const opcode = h[0] & 0x0f;
    let length = h[1] & 0x7f;
    if (length === 126) {
      const b = await reader.exactly(2);
      length = (b[0] << 8) | b[1];
    } else if (length === 127) {
      const b = await reader.exactly(8);
      length = Number(new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0));
    }
    const mask = h[1] & 0x80 ? await reader.exactly(4) : undefined;
    const payload = await reader.exactly(length);
    if (mask) { for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i % 4]; }
    if (opcode === 0x8) {
      await writeAll(conn, clientFrame(0x8, payload.subarray(0, 2))).catch(() => {});
      break;
    }
    if (opcode === 0x9) {
      await writeAll(conn, clientFrame(0xa, payload));
      continue;
    }
    if (opcode === 0xa) continue;
    message.push(payload);
    if (!fin) continue;
    const data = message.length === 1 ? message[0] : concat(message);
    message = [];
    if (data.length === 0) continue;
    const channel = data[0];
    const body = data.subarray(1);
    if (channel === 1 && body.length > 0) await r.stdout(body);
    else if (channel === 2) stderr += new TextDecoder().decode(body);
    else if (channel === 3) status = (status ?? "") + new TextDecoder().decode(body);
  }
  checkStatus(status, stderr);
  return stderr;
}

/** The final Status on the error channel: Success, or a failure (an exit code when given). */
function checkStatus(text: string | undefined, stderr: string): void {
  if (text === undefined || text === "") return;
  // deno-lint-ignore no-explicit-any
  let s: any;
  try {
    s = JSON.parse(text);
  } catch {
    throw new ExecError(`error stream protocol error: ${text}`, stderr);
  }
  if (s?.status === "Success") return;
  if (s?.reason === "NonZeroExitCode") {
    // deno-lint-ignore no-explicit-any
    const cause = (s.details?.causes ?? []).find((c: any) => c.reason === "ExitCode");
    const code = Number(cause?.message);
    if (Number.isInteger(code)) {
      throw new ExecError(`command terminated with exit code ${code}`, stderr, code);
    }
  }
  throw new ExecError(String(s?.message ?? "error executing remote command"), stderr);
}

/** A client frame: always masked (RFC 6455 5.3). */
function clientFrame(opcode: number, payload: Uint8Array): Uint8Array {
  const mask = crypto.getRandomValues(new Uint8Array(4));
  const out = new Uint8Array(2 + 4 + payload.length);
  out[0] = 0x80 | opcode;
  out[1] = 0x80 | payload.length; // control frames only: at most 125 bytes
  out.set(mask, 2);
  for (let i = 0; i < payload.length; i++) out[6 + i] = payload[i] ^ mask[i % 4];
  return out;
}

/** Buffered reads off a connection: exact counts, up to a delimiter, or to the end. */
class ByteReader {
  #buf: Uint8Array = new Uint8Array(0);
  constructor(readonly conn: Deno.Conn) {}

  async #fill(): Promise<boolean> {
    const chunk = new Uint8Array(64 * 1024);
    const n = await this.conn.read(chunk);
    if (n === null) return false;
    this.#buf = concat([this.#buf, chunk.subarray(0, n)]);
    return true;
  }

  async exactly(n: number): Promise<Uint8Array> {
    while (this.#buf.length < n) {
      if (!(await this.#fill())) throw new Deno.errors.ConnectionReset("unexpected EOF");
    }
    const out = this.#buf.slice(0, n);
    this.#buf = this.#buf.subarray(n);
    return out;
  }

  async until(delim: Uint8Array): Promise<Uint8Array> {
    for (;;) {
      const i = indexOf(this.#buf, delim);
      if (i >= 0) return await this.exactly(i + delim.length);
      if (!(await this.#fill())) throw new Deno.errors.ConnectionReset("unexpected EOF");
    }
  }

  async rest(): Promise<Uint8Array> {
    while (await this.#fill().catch(() => false));
    const out = this.#buf;
    this.#buf = new Uint8Array(0);
    return out;
  }
}

function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
