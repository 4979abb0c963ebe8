// The body of `debug-tool air-gapped`: a test bed for Talos behind a proxy. It makes a throwaway
// CA and a serving certificate for the advertised address, writes air-gapped-patch.yaml (a
// machine config patch: an external manifest served here, the proxy environment, and trust in
// the CA), then runs until interrupted:
//   - an HTTPS server with the manifest (debug.yaml),
//   - an HTTP proxy (CONNECT tunnels and plain forwarding),
//   - the same proxy over HTTPS,
//   - an HTTPS reverse proxy to a target URL.
// Every request is logged after it is served, in Go's log format on stderr.

import type { RunContext } from "../spec.ts";
import { UserError } from "../../errors.ts";
import {
  dial,
  dialError,
  header,
  type Http1Server,
  httpError,
  isConnectionGone,
  pipe,
  type RequestHead,
  respond,
  serveHttp1,
} from "./http1.ts";
import { writeAll } from "../../io/write.ts";
import { DEBUG_MANIFEST } from "./manifest.ts";

export const PATCH_FILE = "air-gapped-patch.yaml";
const DIAL_TIMEOUT_MS = 10_000;
/** Request headers that concern one connection only (not passed on by proxies). */
const HOP_BY_HOP = new Set([
  "connection",
  "proxy-connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "upgrade",
]);

export interface AirGappedOptions {
  address: string;
  httpsPort: number;
  proxyPort: number;
  httpsProxyPort: number;
  useSecureProxy: boolean;
  injectHttpProxy: boolean;
  reverseProxyPort: number;
  reverseProxyTarget: string;
}

const joinHostPort = (host: string, port: number | string) =>
  host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;

/** The machine config patch: the manifest to apply, the proxy environment, the CA to trust. */
export async function airGappedPatch(o: AirGappedOptions, caPem: string): Promise<string> {
  const { encodeConfig } = await import("../../machineconfig/encode.ts");
  const variables: Record<string, string> = {};
  if (o.injectHttpProxy) {
    const proxy = o.useSecureProxy
      ? `https://${joinHostPort(o.address, o.httpsProxyPort)}`
      : `http://${joinHostPort(o.address, o.proxyPort)}`;
    variables.http_proxy = proxy;
    variables.https_proxy = proxy;
    variables.no_proxy = `${o.address}/24`;
  }
  const doc = (kind: string, fields: Record<string, string | Record<string, string>>) => ({
    kind,
    data: { apiVersion: "v1alpha1", kind, ...fields },
  });
  return encodeConfig([
    doc("KubeExternalManifestConfig", {
      name: "debug-manifest",
      url: `https://${joinHostPort(o.address, o.httpsPort)}/debug.yaml`,
    }),
    doc("EnvironmentConfig", { variables }),
    doc("TrustedRootsConfig", { name: "air-gapped-ca", certificates: caPem }),
  ]);
}

/** Writes the patch atomically (0644, as talosctl), replacing an older one. */
async function writePatch(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await Deno.writeTextFile(tmp, text, { mode: 0o644 });
    await Deno.chmod(tmp, 0o644);
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    const { goWriteError } = await import("../files.ts");
    throw new UserError(goWriteError(PATCH_FILE, e));
  }
}

// ---------------------------------------------------------------------------------------------
// Handlers

/** http.FileServer over a directory holding debug.yaml. */
function fileServer(head: RequestHead, conn: Deno.Conn): Promise<void> {
  const path = head.target.split("?")[0];
  if (path === "/") {
    return respond(
      conn,
      head,
      200,
      [["Content-Type", "text/html; charset=utf-8"], ["Last-Modified", new Date(0).toUTCString()]],
      '<!doctype html>\n<meta name="viewport" content="width=device-width">\n<pre>\n' +
        '<a href="debug.yaml">debug.yaml</a>\n</pre>\n',
    );
  }
  if (path === "/index.html") {
    return respond(conn, head, 301, [["Location", "./"]]);
  }
  if (path === "/debug.yaml") {
    return respond(conn, head, 200, [
      ["Accept-Ranges", "bytes"],
      ["Content-Type", "text/plain; charset=utf-8"],
    ], DEBUG_MANIFEST);
  }
  return httpError(conn, head, 404, "404 page not found");
}

/** The head of a request passed on: origin-form target, no hop-by-hop headers. */
function forwardHead(head: RequestHead, path: string, extra: [string, string][] = []): string {
  let text = `${head.method} ${path} HTTP/1.1\r\n`;
  for (const [n, v] of head.headers) {
    if (!HOP_BY_HOP.has(n.toLowerCase())) text += `${n}: ${v}\r\n`;
  }
  for (const [n, v] of extra) text += `${n}: ${v}\r\n`;
  return text + "Connection: close\r\n\r\n";
}

/** Sends the request to `upstream` and passes the response back as it comes. */
async function exchange(
  conn: Deno.Conn,
  upstream: Deno.Conn,
  requestHead: string,
  rest: Uint8Array,
): Promise<void> {
  try {
    await writeAll(upstream, requestHead);
    // The request body (if any) flows on while the response comes back; the exchange ends
    // when the upstream closes its side after the response.
    pipe(conn, upstream, rest).catch(() => {});
    await pipe(upstream, conn);
  } finally {
    upstream.close();
  }
}

function proxyHandler(log: (line: string) => void, signal: AbortSignal) {
  return async (head: RequestHead, conn: Deno.Conn): Promise<void> => {
    if (head.method === "CONNECT") {
      const addr = head.target;
      let host: string, port: string;
      try {
        const { splitHostPort } = await import("../image/cache_serve.ts");
        [host, port] = splitHostPort(addr);
      } catch (e) {
        return httpError(conn, head, 503, `dial tcp: ${(e as Error).message}`);
      }
      let dst: Deno.Conn;
      try {
        dst = await dial(host, Number(port), { timeoutMs: DIAL_TIMEOUT_MS });
      } catch (e) {
        return httpError(conn, head, 503, dialError(addr, host, e));
      }
      try {
        await writeAll(conn, "HTTP/1.0 200 Connection established\r\n\r\n");
        log(`HTTP CONNECT: tunneling to ${addr}`);
        const stop = () => dst.close();
        signal.addEventListener("abort", stop, { once: true });
        const results = await Promise.allSettled([
          pipe(conn, dst, head.rest),
          pipe(dst, conn),
        ]);
        signal.removeEventListener("abort", stop);
        const failed = results.find((r): r is PromiseRejectedResult =>
          r.status === "rejected" && !isConnectionGone(r.reason)
        );
        if (failed && !signal.aborted) {
          log(`HTTP CONNECT: tunneling to ${addr}: failed ${(failed.reason as Error).message}`);
        }
      } finally {
        try {
          dst.close();
        } catch {
          // closed on shutdown
        }
      }
      return;
    }
    let url: URL | undefined;
    try {
      url = new URL(head.target);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
      const scheme = url ? url.protocol.slice(0, -1) : "";
      return httpError(conn, head, 503, `unsupported protocol scheme "${scheme}"`);
    }
    const tls = url.protocol === "https:";
    const port = Number(url.port || (tls ? 443 : 80));
    const addr = joinHostPort(url.hostname.replace(/^\[(.*)\]$/, "$1"), port);
    let upstream: Deno.Conn;
    try {
      upstream = await dial(url.hostname, port, { tls, timeoutMs: DIAL_TIMEOUT_MS });
    } catch (e) {
      return httpError(conn, head, 503, dialError(addr, url.hostname, e));
    }
    await exchange(conn, upstream, forwardHead(head, url.pathname + url.search), head.rest);
  };
}

/** httputil's singleJoiningSlash. */
function joinPath(a: string, b: string): string {
  const aSlash = a.endsWith("/"), bSlash = b.startsWith("/");
  if (aSlash && bSlash) return a + b.slice(1);
  if (!aSlash && !bSlash) return `${a}/${b}`;
  return a + b;
}

function reverseProxyHandler(target: URL, log: (line: string) => void) {
  const tls = target.protocol === "https:";
  const port = Number(target.port || (tls ? 443 : 80));
  const host = target.hostname;
  const addr = joinHostPort(host.replace(/^\[(.*)\]$/, "$1"), port);
  return async (head: RequestHead, conn: Deno.Conn): Promise<void> => {
    const q = head.target.indexOf("?");
    const reqPath = q < 0 ? head.target : head.target.slice(0, q);
    const reqQuery = q < 0 ? "" : head.target.slice(q + 1);
    const targetQuery = target.search.slice(1);
    const query = targetQuery === "" || reqQuery === ""
      ? targetQuery + reqQuery
      : `${targetQuery}&${reqQuery}`;
    const path = joinPath(target.pathname, reqPath) + (query ? `?${query}` : "");
    const client = (conn.remoteAddr as Deno.NetAddr).hostname;
    const prior = header(head, "X-Forwarded-For");
    const forwardedFor = prior ? `${prior}, ${client}` : client;
    head.headers = head.headers.filter(([n]) => n.toLowerCase() !== "x-forwarded-for");
    let upstream: Deno.Conn;
    try {
      upstream = await dial(host, port, { tls, timeoutMs: 30_000 });
    } catch (e) {
      log(`http: proxy error: ${dialError(addr, host, e)}`);
      return respond(conn, head, 502, []);
    }
    await exchange(
      conn,
      upstream,
      forwardHead(head, path, [["X-Forwarded-For", forwardedFor]]),
      head.rest,
    );
  };
}

// ---------------------------------------------------------------------------------------------

export async function airGappedRun(ctx: RunContext, o: AirGappedOptions): Promise<void> {
  const { goLogTime } = await import("../../gofmt/mod.ts");
  const stderr = ctx.deps.io.stderr;
  // Log lines go out in order, without waiting for each other.
  let logged = Promise.resolve();
  const log = (line: string) => {
    const text = `${goLogTime(ctx.deps.now())} ${line}\n`;
    logged = logged.then(() => stderr.write(text)).catch(() => {});
  };

  let target: URL;
  try {
    target = new URL(o.reverseProxyTarget);
  } catch {
    throw new UserError(
      `error parsing reverse proxy target "${o.reverseProxyTarget}": not a URL (e.g. http://localhost/)`,
    );
  }

  const { selfSignedServing } = await import("../../pki/self_signed.ts");
  const { ca, server } = await selfSignedServing({
    ipAddresses: [o.address],
    dnsNames: [],
    random: ctx.deps.random,
    now: ctx.deps.now(),
  });

  const patch = await airGappedPatch(o, ca.crt);
  log(`writing config patch to ${PATCH_FILE}`);
  const { resolvePath } = await import("../files.ts");
  await writePatch(resolvePath(ctx.deps, PATCH_FILE), patch);

  const signal = ctx.deps.signal;
  const servers: Http1Server[] = [];
  const withLog =
    (h: (head: RequestHead, conn: Deno.Conn) => Promise<void>) =>
    async (head: RequestHead, conn: Deno.Conn) => {
      try {
        await h(head, conn);
      } finally {
        log(`${head.method} ${head.target}`);
      }
    };
  const start = (
    what: string,
    port: number,
    secure: boolean,
    handler: (head: RequestHead, conn: Deno.Conn) => Promise<void>,
  ) => {
    log(`starting ${what}`);
    let listener: Deno.Listener;
    try {
      listener = secure
        ? Deno.listenTls({ port, cert: server.crt, key: server.key })
        : Deno.listen({ port });
    } catch (e) {
      // talosctl carries on without the server; say why it is missing.
      const msg = (e as Error).message.replace(/ \(os error \d+\)$/, "");
      log(`listen tcp :${port}: ${msg.charAt(0).toLowerCase()}${msg.slice(1)}`);
      return;
    }
    servers.push(serveHttp1(listener, withLog(handler), log));
  };

  const proxy = proxyHandler(log, signal);
  start(`HTTPS server with self-signed cert on :${o.httpsPort}`, o.httpsPort, true, fileServer);
  start(`HTTP proxy on :${o.proxyPort}`, o.proxyPort, false, proxy);
  start(`HTTPS proxy on :${o.httpsProxyPort}`, o.httpsProxyPort, true, proxy);
  start(
    `HTTPS reverse proxy on :${o.reverseProxyPort} to ${o.reverseProxyTarget}`,
    o.reverseProxyPort,
    true,
    reverseProxyHandler(target, log),
  );

  if (!signal.aborted) {
    await new Promise<void>((resolve) =>
      signal.addEventListener("abort", () => resolve(), { once: true })
    );
  }
  for (const s of servers) s.close();
  await Promise.allSettled(servers.map((s) => s.finished));
  await logged;
}
