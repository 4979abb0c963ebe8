// mTLS gRPC transports: one HTTP/2 session per endpoint, and a failover transport that tries the
// endpoints in turn when a connection (not a call) fails, as talosctl's round-robin resolver
// skips endpoints it cannot reach.

import * as tls from "node:tls";
import { createHash } from "node:crypto";
import type { Duplex } from "node:stream";
import { Code, ConnectError, type Transport } from "@connectrpc/connect";
import { createNodeHttpClient, Http2SessionManager } from "@connectrpc/connect-node";
import { createTransport } from "@connectrpc/connect/protocol-grpc";
import type { UniversalClientFn } from "@connectrpc/connect/protocol";
import { isIP, splitHostPort } from "./endpoints.ts";

/** PEM material for mutual TLS; empty strings mean "not set". */
export interface TlsMaterial {
  /** Trusted CA certificates (PEM); empty: the system roots. */
  ca: string;
  /** Client certificate (PEM); empty with an empty key: no client certificate. */
  cert: string;
  /** Client key (PEM; Talos's `ED25519 PRIVATE KEY` label is accepted). */
  key: string;
  /** Skip server verification (maintenance mode). */
  insecure?: boolean;
  /** Maintenance mode: SHA-256 SPKI fingerprints the node's certificate must match. */
  fingerprints?: Uint8Array[];
}

export interface TransportOptions {
  /** How long dialing (TCP + TLS handshake) may take. Default 20 s. */
  dialTimeoutMs?: number;
  /**
   * HTTP/2 pings while streams are open (grpc-go keepalive): a connection that does not answer
   * within `timeoutMs` is closed and its streams fail, instead of hanging on a vanished peer.
   */
  keepalive?: { intervalMs: number; timeoutMs: number };
  /** Randomness for the endpoint shuffle (default Math.random). */
  random?: () => number;
}

/** Node/OpenSSL do not know Talos's PEM label for PKCS#8 Ed25519 keys. */
export function relabelKey(pem: string): string {
  return pem.replace(/-----(BEGIN|END) ED25519 PRIVATE KEY-----/g, "-----$1 PRIVATE KEY-----");
}

/** Raised (as the cause of a ConnectError) when an endpoint cannot be dialed. */
export class DialError extends Error {
  override name = "DialError";
  constructor(readonly endpoint: string, readonly reason: string, options?: { cause?: unknown }) {
    super(`${endpoint}: ${reason}`, options);
  }
}

const TLS_REASONS: Record<string, string> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "x509: certificate signed by unknown authority",
  SELF_SIGNED_CERT_IN_CHAIN: "x509: certificate signed by unknown authority",
  DEPTH_ZERO_SELF_SIGNED_CERT: "x509: certificate signed by unknown authority",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "x509: certificate signed by unknown authority",
  CERT_HAS_EXPIRED: "x509: certificate has expired or is not yet valid",
  CERT_NOT_YET_VALID: "x509: certificate has expired or is not yet valid",
};

/** Describes a dial failure in grpc-go's words, naming the endpoint. */
export function dialReason(endpoint: string, err: unknown): string {
  const e = err as { code?: string; message?: string };
  const code = e?.code ?? "";
  const msg = e?.message ?? String(err);
  const hp = splitHostPort(endpoint);
  const dial = `transport: Error while dialing: dial tcp ${endpoint}`;
  if (code === "ECONNREFUSED" || /connection refused/i.test(msg)) {
    return `${dial}: connect: connection refused`;
  }
  if (code === "ETIMEDOUT" || code === "DIAL_TIMEOUT") return `${dial}: i/o timeout`;
  if (
    code === "ENOTFOUND" || code === "EAI_AGAIN" || /failed to lookup|name or service/i.test(msg)
  ) {
    return `transport: Error while dialing: dial tcp: lookup ${hp?.host ?? endpoint}: no such host`;
  }
  if (code === "EHOSTUNREACH") return `${dial}: connect: no route to host`;
  if (code === "ENETUNREACH") return `${dial}: connect: network is unreachable`;
  if (TLS_REASONS[code]) {
    return `transport: authentication handshake failed: tls: failed to verify certificate: ${
      TLS_REASONS[code]
    }`;
  }
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    return `transport: authentication handshake failed: tls: failed to verify certificate: ${
      hostnameError(hp?.host ?? endpoint, (err as { cert?: { subjectaltname?: string } }).cert)
    }`;
  }
  const alert = goAlert(err);
  if (alert) return `transport: authentication handshake failed: remote error: tls: ${alert}`;
  if (/alert|handshake|certificate|ssl|tls/i.test(msg) || code.startsWith("ERR_SSL")) {
    return `transport: authentication handshake failed: ${msg}`;
  }
  if (code === "ECONNRESET" || code === "EPIPE") {
    return `${dial}: connection reset by peer (is the client certificate trusted by the node?)`;
  }
  return `${dial}: ${msg}`;
}

/** siderolabs/crypto MatchSPKIFingerprints: SHA-256 of the leaf's SubjectPublicKeyInfo. */
function fingerprintMatches(socket: tls.TLSSocket, wanted: Uint8Array[]): boolean {
  const raw = socket.getPeerCertificate()?.raw as Uint8Array | undefined;
  const spki = raw ? spkiOf(new Uint8Array(raw)) : undefined;
  if (!spki) return false;
  const sum = new Uint8Array(createHash("sha256").update(spki).digest());
  return wanted.some((w) => w.length === sum.length && w.every((b, i) => b === sum[i]));
}

/** The DER SubjectPublicKeyInfo of a DER certificate (the 7th field of tbsCertificate). */
export function spkiOf(der: Uint8Array): Uint8Array | undefined {
  const read = (at: number) => {
    const tag = der[at];
    let len = der[at + 1];
    let hdr = 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + der[at + 2 + i];
      hdr += n;
    }
    return { tag, start: at + hdr, end: at + hdr + len };
  };
  try {
    const cert = read(0);
    const tbs = read(cert.start);
    let at = tbs.start;
    let field = read(at);
    if (field.tag === 0xa0) at = field.end; // explicit version
    for (let i = 0; i < 5; i++) at = read(at).end; // serial, signature, issuer, validity, subject
    field = read(at);
    return field.tag === 0x30 ? der.subarray(at, field.end) : undefined;
  } catch {
    return undefined;
  }
}

/** Go's crypto/tls names of the TLS alerts a server sends when it rejects a client. */
const GO_ALERTS: Record<string, string> = {
  BAD_CERTIFICATE: "bad certificate",
  UNSUPPORTED_CERTIFICATE: "unsupported certificate",
  CERTIFICATE_REVOKED: "revoked certificate",
  CERTIFICATE_EXPIRED: "expired certificate",
  CERTIFICATE_UNKNOWN: "unknown certificate",
  UNKNOWN_CA: "unknown certificate authority",
  ACCESS_DENIED: "access denied",
  HANDSHAKE_FAILURE: "handshake failure",
  DECRYPT_ERROR: "error decrypting message",
  PROTOCOL_VERSION: "protocol version not supported",
  INTERNAL_ERROR: "internal error",
  CERTIFICATE_REQUIRED: "certificate required",
  NO_APPLICATION_PROTOCOL: "no application protocol",
};

/** The alert a TLS error reports (OpenSSL `ERR_SSL_*_ALERT_X` or rustls `fatal alert: X`). */
export function goAlert(err: unknown): string | undefined {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === "string" ? e.code : "";
  const m = /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13)_ALERT_(\w+)$/.exec(code) ??
    /fatal alert: (\w+)/.exec(String(e?.message ?? ""));
  if (!m) return undefined;
  // rustls spells them in CamelCase (UnknownCA, CertificateRequired).
  const key = m[1].includes("_") || m[1] === m[1].toUpperCase()
    ? m[1]
    : m[1].replace(/CA$/, "_CA").replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
  return GO_ALERTS[key];
}

/** x509.HostnameError's text, from the peer certificate's subjectAltName when known. */
function hostnameError(host: string, cert?: { subjectaltname?: string }): string {
  const sans = (cert?.subjectaltname ?? "").split(/,\s*/).filter((x) => x !== "");
  const ips = sans.filter((x) => x.startsWith("IP Address:")).map((x) => goIP(x.slice(11)));
  const dns = sans.filter((x) => x.startsWith("DNS:")).map((x) => x.slice(4));
  if (cert === undefined) return `x509: certificate is not valid for ${host}`;
  const valid = isIP(host) ? ips : dns;
  if (isIP(host) && ips.length === 0) {
    return `x509: cannot validate certificate for ${host} because it doesn't contain any IP SANs`;
  }
  if (valid.length === 0) {
    return `x509: certificate is not valid for any names, but wanted to match ${host}`;
  }
  return `x509: certificate is valid for ${valid.join(", ")}, not ${host}`;
}

/** net.IP.String: IPv6 in its shortest form. */
function goIP(ip: string): string {
  if (!ip.includes(":")) return ip;
  try {
    return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  } catch {
    return ip;
  }
}

function findDialError(err: unknown): DialError | undefined {
  for (let e: unknown = err, i = 0; e && i < 8; i++) {
    if (e instanceof DialError) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** True when `err` means the endpoint could not be reached (safe to try another one). */
export function isDialFailure(err: unknown): boolean {
  return findDialError(err) !== undefined;
}

/** A transport for one endpoint ("host:port"). */
export function endpointTransport(
  endpoint: string,
  material: TlsMaterial,
  opts: TransportOptions = {},
): Transport {
  const hp = splitHostPort(endpoint);
  if (!hp) throw new Error(`invalid endpoint ${endpoint}`);
  const dialTimeoutMs = opts.dialTimeoutMs ?? 20_000;
  const key = relabelKey(material.key);
  // The connection in use, to tell a dropped connection from a stream reset by the server.
  let current: tls.TLSSocket | undefined;
  const createConnection = (): Duplex => {
    const socket = current = tls.connect({
      host: hp.host,
      port: hp.port,
      ...(isIP(hp.host) ? {} : { servername: hp.host }),
      ...(material.ca ? { ca: material.ca } : {}),
      ...(material.cert && key ? { cert: material.cert, key } : {}),
      ALPNProtocols: ["h2"],
      rejectUnauthorized: !material.insecure,
    });
    // Wrap errors so that callers can tell "could not dial" from "the call failed".
    let connected = false;
    let sawData = false;
    const timer = setTimeout(() => {
      const e = Object.assign(new Error("i/o timeout"), { code: "DIAL_TIMEOUT" });
      socket.destroy(e);
    }, dialTimeoutMs);
    // With pinned fingerprints nothing may reach the node before its key is checked (Go checks
    // in the handshake: a mismatching node gets no byte of the request, which may be a machine
    // config with its secrets). Three locks, each enough on its own with today's node:http2:
    // - the HTTP/2 session does nothing until it hears "secureConnect", and on a mismatch it
    //   never does (see the emit wrapper below): no preface, no SETTINGS, no HEADERS, no DATA;
    // - writes are corked until the key matched, and a mismatch destroys the socket, which
    //   drops whatever was buffered;
    // - end() would uncork (and flush) a corked stream: before the check it destroys instead.
    const wanted = material.fingerprints ?? [];
    const pinned = wanted.length > 0;
    let verified = !pinned;
    if (pinned) {
      socket.cork();
      const end = socket.end.bind(socket);
      socket.end = ((...args: Parameters<typeof socket.end>) => {
        if (verified) return end(...args);
        socket.destroy();
        return socket;
      }) as typeof socket.end;
    }
    /** Runs first when the handshake is done; false: the other listeners must not hear of it. */
    const onSecureConnect = (): boolean => {
      clearTimeout(timer);
      if (pinned && !fingerprintMatches(socket, wanted)) {
        const list = wanted.map((f) => btoa(String.fromCharCode(...f))).join(" ");
        socket.destroy(
          new DialError(
            endpoint,
            "transport: authentication handshake failed: " +
              `leaf peer certificate doesn't match the provided fingerprints: [${list}]`,
          ),
        );
        return false;
      }
      verified = true;
      connected = true;
      if (pinned) socket.uncork();
      return true;
    };
    socket.once("close", () => clearTimeout(timer));
    const origEmit = socket.emit.bind(socket);
    socket.emit = ((event: string, ...args: unknown[]) => {
      if (event === "secureConnect" && !onSecureConnect()) return true;
      if (event === "data") sawData = true;
      if ((event === "end" || event === "close") && connected && !sawData && !socket.destroyed) {
        // The node hung up right after the handshake, before HTTP/2: with TLS 1.3 that is how a
        // rejected client certificate (expired, wrong CA, missing key usage) shows up.
        socket.destroy(
          new DialError(
            endpoint,
            // grpc-go's text for a server that hangs up before its preface, plus a hint.
            "error reading server preface: EOF " +
              "(client certificate rejected? it must be valid and issued by the cluster's CA)",
          ),
        );
        return true;
      }
      const alert = event === "error" && connected && !sawData ? goAlert(args[0]) : undefined;
      if (alert) {
        // Rejected after the handshake (TLS 1.3): grpc-go sees the alert reading the preface.
        args[0] = new DialError(
          endpoint,
          `error reading server preface: remote error: tls: ${alert}`,
          { cause: args[0] },
        );
      } else if (event === "error" && !connected && !(args[0] instanceof DialError)) {
        const reason = dialReason(endpoint, args[0]);
        args[0] = new DialError(endpoint, reason, { cause: args[0] });
      }
      return origEmit(event, ...args);
    }) as typeof socket.emit;
    return socket;
  };
  const baseUrl = `https://${endpoint}`;
  const sessions = new Http2SessionManager(
    baseUrl,
    {
      idleConnectionTimeoutMs: 60_000,
      ...(opts.keepalive
        ? { pingIntervalMs: opts.keepalive.intervalMs, pingTimeoutMs: opts.keepalive.timeoutMs }
        : {}),
    },
    { createConnection } as unknown as tls.ConnectionOptions,
  );
  return createTransport({
    baseUrl,
    httpClient: asGrpcGo(
      tolerateLateClose(
        createNodeHttpClient({ httpVersion: "2", sessionProvider: () => sessions }),
      ),
      () => current === undefined || current.destroyed || current.readyState !== "open",
    ),
    useBinaryFormat: true,
    interceptors: [],
    acceptCompression: [],
    sendCompression: null,
    compressMinBytes: 1024,
    // apid's limit (GRPCMaxMessageSize).
    readMaxBytes: 32 * 1024 * 1024,
    writeMaxBytes: 32 * 1024 * 1024,
  });
}

/**
 * Deno's node:http2 client sometimes closes a finished response stream before its "end" event,
 * so the body iterator fails with "Premature close" although every byte and the trailers
 * arrived. A body that has its gRPC status trailer is complete: end it normally. A stream that
 * was really cut (no trailers) still fails.
 */
function tolerateLateClose(inner: UniversalClientFn): UniversalClientFn {
  return async (req) => {
    const res = await inner(req);
    return onBodyError(res, (err) => {
      if (!isPrematureClose(err) || !res.trailer.has("grpc-status")) throw err;
    });
  };
}

type UniversalResponse = Awaited<ReturnType<UniversalClientFn>>;

/** `res` with a body that hands any error its iteration raises to `handle` (which may rethrow). */
function onBodyError(res: UniversalResponse, handle: (err: unknown) => void): UniversalResponse {
  const body = res.body;
  return {
    ...res,
    body: (async function* () {
      try {
        yield* body;
      } catch (err) {
        handle(err);
      }
    })(),
  };
}

/** grpc-go's codes for RST_STREAM error codes (http2ErrConvTab); others are Internal. */
const RST_CODES: Record<string, Code> = {
  REFUSED_STREAM: Code.Unavailable,
  CANCEL: Code.Canceled,
  FLOW_CONTROL_ERROR: Code.ResourceExhausted,
  ENHANCE_YOUR_CALM: Code.ResourceExhausted,
  INADEQUATE_SECURITY: Code.PermissionDenied,
};

/**
 * Rewords transport failures as grpc-go reports them: a stream reset by the server is
 * `stream terminated by RST_STREAM with error code: X`, a connection that went away under a
 * call is Unavailable `error reading from server: EOF` (not a cancellation: only Ctrl-C is).
 */
export function grpcGoTransportError(err: unknown, connectionGone: boolean): unknown {
  if (!(err instanceof ConnectError)) return err;
  const m = /^http\/2 stream closed with error code (\w+) \(0x[0-9a-f]+\)$/i.exec(err.rawMessage) ??
    /Stream closed with error code NGHTTP2_(\w+)/.exec(err.rawMessage);
  if (m) {
    const name = m[1].toUpperCase();
    if (name === "CANCEL" && connectionGone) {
      return new ConnectError(
        "error reading from server: EOF",
        Code.Unavailable,
        undefined,
        undefined,
        err,
      );
    }
    return new ConnectError(
      `stream terminated by RST_STREAM with error code: ${name}`,
      RST_CODES[name] ?? Code.Internal,
      undefined,
      undefined,
      err,
    );
  }
  return err;
}

function asGrpcGo(inner: UniversalClientFn, connectionGone: () => boolean): UniversalClientFn {
  const convert = (err: unknown, signal?: AbortSignal) =>
    signal?.aborted ? err : grpcGoTransportError(err, connectionGone());
  return async (req) => {
    let res;
    try {
      res = await inner(req);
    } catch (err) {
      throw convert(err, req.signal);
    }
    return onBodyError(res, (err) => {
      throw convert(err, req.signal);
    });
  };
}

function isPrematureClose(err: unknown): boolean {
  for (let e: unknown = err, i = 0; e && i < 8; i++) {
    const x = e as { code?: unknown; message?: unknown; cause?: unknown };
    if (x.code === "ERR_STREAM_PREMATURE_CLOSE" || x.message === "Premature close") return true;
    e = x.cause;
  }
  return false;
}

/**
 * Spreads calls over several endpoints as talosctl's `talosroundrobin` resolver with gRPC's
 * round_robin balancer does: the list is shuffled once, calls rotate over the endpoints, and an
 * endpoint that could not be dialed is skipped while others work (it is tried again only after
 * them). `random` (default Math.random) drives the shuffle.
 */
export function failoverTransport(
  endpoints: string[],
  make: (ep: string) => Transport,
  random: () => number = Math.random,
): Transport {
  const order = [...endpoints];
  if (order.length > 1) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
  }
  const transports = new Map<string, Transport>();
  const failing = new Set<string>();
  let next = 0; // calls so far: the rotation's position
  const get = (ep: string) => {
    let t = transports.get(ep);
    if (!t) transports.set(ep, t = make(ep));
    return t;
  };
  /**
   * Runs `call` on the endpoints in turn until one is reached. `mayRetry` (default: always)
   * says whether a dial failure may still move the call to the next endpoint.
   */
  async function attempt<R>(
    call: (t: Transport) => Promise<R>,
    mayRetry: () => boolean = () => true,
  ): Promise<R> {
    // Rotate over the endpoints that work (as round_robin picks among ready subchannels),
    // then try the failing ones.
    const ready = order.filter((ep) => !failing.has(ep));
    const start = next++;
    const tries = [
      ...ready.map((_, i) => ready[(start + i) % ready.length]),
      ...order.filter((ep) => failing.has(ep)),
    ];
    const failures: DialError[] = [];
    for (const ep of tries) {
      try {
        const r = await call(get(ep));
        failing.delete(ep);
        return r;
      } catch (err) {
        const dial = findDialError(err);
        if (!dial) throw err;
        failing.add(ep);
        failures.push(dial);
        if (!mayRetry()) break;
      }
    }
    // grpc-go's round-robin picker reports one endpoint's failure, not a list of them.
    const desc = `connection error: desc = "${failures.at(-1)?.reason ?? ""}"`;
    throw new ConnectError(desc, Code.Unavailable, undefined, undefined, failures.at(-1));
  }
  return {
    unary(method, signal, timeoutMs, header, input, contextValues) {
      return attempt((t) => t.unary(method, signal, timeoutMs, header, input, contextValues));
    },
    async stream(method, signal, timeoutMs, header, input, contextValues) {
      const input_ = oneMessageReplay(input);
      try {
        return await attempt(
          (t) =>
            t.stream(method, signal, timeoutMs, header, input_.attempt() as never, contextValues),
          input_.replayable,
        );
      } catch (err) {
        await input_.close();
        throw err;
      } finally {
        input_.settle();
      }
    },
  };
}

/**
 * A stream's input, served to successive attempts without keeping it whole. The body of a
 * request is pulled only once its endpoint's HTTP/2 session is up, so an endpoint that cannot
 * be dialed fails before anything is taken. One that hangs up right after the handshake (a
 * rejected client certificate) may have taken the first message: that one is kept, so a
 * server-streaming call (one request message) still moves to the next endpoint. Past the first
 * message the call belongs to its endpoint, as a gRPC stream belongs to the connection it
 * started on: nothing more is kept, and an upload (a `bootstrap --recover-from` snapshot)
 * streams from its file with bounded memory.
 */
function oneMessageReplay(input: AsyncIterable<unknown>) {
  const source = input[Symbol.asyncIterator]();
  let taken = 0; // messages taken from `source`
  let kept: unknown[] = []; // the first one, while it may be sent again
  let ended = false; // `source` is done
  let current = 0; // the attempt that owns `source`
  let settled = false;
  return {
    /** True while a failed attempt may hand over to another one. */
    replayable: () => taken <= 1,
    attempt(): AsyncIterable<unknown> {
      const id = ++current;
      return (async function* () {
        try {
          for (let i = 0;; i++) {
            if (id !== current) return; // a later attempt took over
            if (i < kept.length) {
              yield kept[i];
              continue;
            }
            if (ended) return;
            const r = await source.next();
            if (r.done) {
              ended = true;
              return;
            }
            kept = ++taken === 1 && !settled ? [r.value] : [];
            yield r.value;
          }
        } finally {
          // Ended early (cancelled) once the call is established: let the input clean up.
          if (settled && id === current && !ended) await source.return?.();
        }
      })();
    },
    /** The call is established (or failed): nothing is sent again. */
    settle() {
      settled = true;
      kept = [];
    },
    /** The call failed: the input is not read any further. */
    async close() {
      current++;
      if (!ended) await source.return?.();
    },
  };
}
