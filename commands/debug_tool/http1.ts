// A small HTTP/1.1 server over a TCP or TLS listener for `debug-tool air-gapped`: one request
// per connection (answered with `Connection: close`), the raw connection handed to the handler
// so that a proxy can tunnel CONNECT requests and pass responses through byte for byte.
// Deno.serve cannot hand over the connection of a CONNECT request, hence this.

import { writeAll } from "../../io/write.ts";

export interface RequestHead {
  method: string;
  /** The request target as sent (Go's RequestURI): "/path?q", "http://host/x" or "host:port". */
  target: string;
  headers: [name: string, value: string][];
  /** Bytes read past the head (the start of a body or of tunnelled data). */
  rest: Uint8Array;
}

const MAX_HEAD = 1 << 20;
const enc = new TextEncoder();

function headEnd(buf: Uint8Array): number {
  for (let i = 3; i < buf.length; i++) {
    if (buf[i] === 10 && buf[i - 1] === 13 && buf[i - 2] === 10 && buf[i - 3] === 13) return i + 1;
  }
  return -1;
}

/** Reads and parses a request head; null when the peer sends none (or garbage). */
export async function readHead(conn: Deno.Conn): Promise<RequestHead | null> {
  let buf = new Uint8Array(0);
  const chunk = new Uint8Array(16 * 1024);
  while (true) {
    const end = headEnd(buf);
    if (end >= 0) {
      const lines = new TextDecoder().decode(buf.subarray(0, end - 4)).split("\r\n");
      const m = /^([A-Za-z]+) (\S+) HTTP\/1\.[01]$/.exec(lines[0]);
      if (!m) return null;
      const headers: [string, string][] = [];
      for (const line of lines.slice(1)) {
        const i = line.indexOf(":");
        if (i <= 0) return null;
        headers.push([line.slice(0, i).trim(), line.slice(i + 1).trim()]);
      }
      return { method: m[1], target: m[2], headers, rest: buf.slice(end) };
    }
    if (buf.length > MAX_HEAD) return null;
    const n = await conn.read(chunk);
    if (n === null) return null;
    const next = new Uint8Array(buf.length + n);
    next.set(buf);
    next.set(chunk.subarray(0, n), buf.length);
    buf = next;
  }
}

export function header(head: RequestHead, name: string): string | undefined {
  return head.headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
}

const REASONS: Record<number, string> = {
  200: "OK",
  301: "Moved Permanently",
  404: "Not Found",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

/** Writes a complete response and its body (none for HEAD requests). */
export async function respond(
  conn: Deno.Conn,
  head: RequestHead,
  status: number,
  headers: [string, string][],
  body: string = "",
): Promise<void> {
  const bytes = enc.encode(body);
  let text = `HTTP/1.1 ${status} ${REASONS[status] ?? ""}\r\n`;
  for (const [n, v] of headers) text += `${n}: ${v}\r\n`;
  text += `Date: ${new Date().toUTCString()}\r\nContent-Length: ${bytes.length}\r\n`;
  text += "Connection: close\r\n\r\n";
  await writeAll(conn, text);
  if (head.method !== "HEAD") await writeAll(conn, bytes);
}

/** Go's http.Error: the text and a newline, as plain text. */
export function httpError(
  conn: Deno.Conn,
  head: RequestHead,
  status: number,
  text: string,
): Promise<void> {
  return respond(conn, head, status, [
    ["Content-Type", "text/plain; charset=utf-8"],
    ["X-Content-Type-Options", "nosniff"],
  ], `${text}\n`);
}

/** Copies src to dst until src ends, then half-closes dst. */
export async function pipe(src: Deno.Conn, dst: Deno.Conn, first?: Uint8Array): Promise<void> {
  if (first && first.length > 0) await writeAll(dst, first);
  const buf = new Uint8Array(64 * 1024);
  try {
    while (true) {
      const n = await src.read(buf);
      if (n === null) break;
      await writeAll(dst, buf.subarray(0, n));
    }
  } finally {
    try {
      await dst.closeWrite();
    } catch {
      // already closed
    }
  }
}

/** Errors of a connection that ended under us: not worth a log line. */
export function isConnectionGone(e: unknown): boolean {
  return e instanceof Deno.errors.BrokenPipe || e instanceof Deno.errors.ConnectionReset ||
    e instanceof Deno.errors.NotConnected || e instanceof Deno.errors.BadResource ||
    e instanceof Deno.errors.Interrupted || e instanceof Deno.errors.UnexpectedEof;
}

/** A dial failure in Go's words ("dial tcp 10.0.0.1:80: connect: connection refused"). */
export function dialError(addr: string, host: string, e: unknown): string {
  if (e instanceof Deno.errors.ConnectionRefused) {
    return `dial tcp ${addr}: connect: connection refused`;
  }
  if (e instanceof Deno.errors.TimedOut) return `dial tcp ${addr}: i/o timeout`;
  const msg = (e as Error).message.replace(/ \(os error \d+\)$/, "");
  if (e instanceof Deno.errors.NotFound || /lookup|resolve|dns/i.test(msg)) {
    return `dial tcp: lookup ${host}: no such host`;
  }
  return `dial tcp ${addr}: ${msg.charAt(0).toLowerCase()}${msg.slice(1)}`;
}

/** Connects to host:port (TLS when `tls`), giving up after `timeoutMs`. */
export async function dial(
  host: string,
  port: number,
  opts: { tls?: boolean; timeoutMs: number; caCerts?: string[] },
): Promise<Deno.Conn> {
  const hostname = host.startsWith("[") ? host.slice(1, -1) : host;
  const connecting = opts.tls
    ? Deno.connectTls({ hostname, port, caCerts: opts.caCerts })
    : Deno.connect({ hostname, port });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Deno.errors.TimedOut("i/o timeout")), opts.timeoutMs);
  });
  try {
    return await Promise.race([connecting, timeout]);
  } catch (e) {
    connecting.then((c) => c.close(), () => {});
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

export interface Http1Server {
  /** Stops accepting and closes open connections. */
  close(): void;
  /** Settles when the accept loop has ended. */
  finished: Promise<void>;
}

/**
 * Serves `listener`: each connection's request goes to `handle` with the connection, which is
 * closed afterwards. `log` gets Go http.Server's error lines (TLS handshake failures).
 */
export function serveHttp1(
  listener: Deno.Listener,
  handle: (head: RequestHead, conn: Deno.Conn) => Promise<void>,
  log: (line: string) => void,
): Http1Server {
  const open = new Set<Deno.Conn>();
  let closed = false;
  const one = async (conn: Deno.Conn) => {
    open.add(conn);
    try {
      if ("handshake" in conn) {
        try {
          await (conn as Deno.TlsConn).handshake();
        } catch (e) {
          const from = conn.remoteAddr as Deno.NetAddr;
          const msg = (e as Error).message.replace(/ \(os error \d+\)$/, "");
          if (!closed) log(`http: TLS handshake error from ${from.hostname}:${from.port}: ${msg}`);
          return;
        }
      }
      const head = await readHead(conn);
      if (head) await handle(head, conn);
    } catch (e) {
      if (!isConnectionGone(e) && !closed) log(`http: ${(e as Error).message}`);
    } finally {
      open.delete(conn);
      try {
        conn.close();
      } catch {
        // closed by the handler or on shutdown
      }
    }
  };
  const finished = (async () => {
    try {
      for await (const conn of listener) one(conn);
    } catch (e) {
      if (!closed) throw e;
    }
  })();
  return {
    close() {
      closed = true;
      try {
        listener.close();
      } catch {
        // already closed
      }
      for (const c of open) {
        try {
          c.close();
        } catch {
          // already closed
        }
      }
    },
    finished,
  };
}
