// A small Kubernetes API client: HTTPS with the kubeconfig's TLS material (CA, client
// certificate and key), JSON in and out, lists with label selectors, watches as streams of
// events. Errors read like client-go's: the API's Status message for refused requests, and
// `Get "<url>": <cause>` for requests that never got an answer.

export interface K8sConnection {
  /** "https://host:port" */
  server: string;
  /** PEM: the cluster CA, the client certificate and its key. */
  ca: string;
  cert: string;
  key: string;
}

/** A JSON object as the API returns it. */
// deno-lint-ignore no-explicit-any
export type K8sObject = Record<string, any>;

export interface K8sList {
  metadata?: { resourceVersion?: string };
  items: K8sObject[];
}

export interface WatchEvent {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: K8sObject;
}

/** The API answered with an error status. */
export class K8sApiError extends Error {
  override name = "K8sApiError";
  constructor(message: string, readonly status: number, readonly reason: string) {
    super(message);
  }
}

/** The request did not get an answer (dial, TLS, reset). */
export class K8sTransportError extends Error {
  override name = "K8sTransportError";
}

export const isNotFound = (e: unknown) => e instanceof K8sApiError && e.status === 404;
export const isConflict = (e: unknown) => e instanceof K8sApiError && e.status === 409;

/** What client-go's helpers retry: no answer, timeouts, throttling, server errors. */
export function isRetryable(e: unknown): boolean {
  if (e instanceof K8sTransportError) return true;
  if (!(e instanceof K8sApiError)) return false;
  return [429, 500, 502, 503, 504].includes(e.status) ||
    ["Timeout", "ServerTimeout", "TooManyRequests", "ServiceUnavailable"].includes(e.reason);
}

export interface RequestOptions {
  query?: Record<string, string | undefined>;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
}

const METHOD_NAME: Record<string, string> = {
  GET: "Get",
  POST: "Post",
  PUT: "Put",
  PATCH: "Patch",
  DELETE: "Delete",
};

/** Go's net/http rendering of a failed request: `Get "https://...": <cause>`. */
export function transportError(method: string, url: string, err: unknown): K8sTransportError {
  const raw = err instanceof Error ? `${err.message} ${String(err.cause ?? "")}` : String(err);
  const host = new URL(url).host;
  let cause: string;
  if (/refused/i.test(raw)) cause = `dial tcp ${host}: connect: connection refused`;
  else if (/certificate|UnknownIssuer|tls/i.test(raw)) {
    cause = "tls: failed to verify certificate: x509: certificate signed by unknown authority";
  } else if (/abort|cancel/i.test(raw)) cause = "context canceled";
  else if (/timed? ?out/i.test(raw)) cause = "context deadline exceeded";
  else cause = (err instanceof Error ? err.message : String(err)).split("\n")[0];
  return new K8sTransportError(`${METHOD_NAME[method] ?? method} "${url}": ${cause}`);
}

export class K8sClient {
  readonly #http: Deno.HttpClient;
  readonly server: string;

  constructor(readonly conn: K8sConnection, readonly signal?: AbortSignal) {
    this.server = conn.server.replace(/\/+$/, "");
    this.#http = Deno.createHttpClient({
      caCerts: [conn.ca],
      cert: conn.cert,
      key: relabelKey(conn.key),
    });
  }

  close(): void {
    this.#http.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  url(path: string, query?: Record<string, string | undefined>): string {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) q.set(k, v);
    const qs = q.toString();
    return `${this.server}${path}${qs ? "?" + qs : ""}`;
  }

  async #fetch(method: string, path: string, o: RequestOptions): Promise<Response> {
    const url = this.url(path, o.query);
    const headers = new Headers({ Accept: "application/json" });
    let body: string | undefined;
    if (o.body !== undefined) {
      headers.set("Content-Type", o.contentType ?? "application/json");
      body = typeof o.body === "string" ? o.body : JSON.stringify(o.body);
    }
    const signal = o.signal ?? this.signal;
    let resp: Response;
    try {
      resp = await fetch(url, { method, headers, body, client: this.#http, signal });
    } catch (e) {
      throw transportError(method, url, e);
    }
    if (!resp.ok) throw await apiError(resp);
    return resp;
  }

  /** One request; the decoded JSON answer. */
  async request<T = K8sObject>(method: string, path: string, o: RequestOptions = {}): Promise<T> {
    const resp = await this.#fetch(method, path, o);
    const text = await resp.text();
    return (text === "" ? {} : JSON.parse(text)) as T;
  }

  get<T = K8sObject>(path: string, o: RequestOptions = {}): Promise<T> {
    return this.request<T>("GET", path, o);
  }

  /** The raw body of a GET (pod logs), as it arrives; `signal` ends it. */
  async stream(
    path: string,
    query: Record<string, string | undefined>,
    signal?: AbortSignal,
  ): Promise<ReadableStream<Uint8Array>> {
    const resp = await this.#fetch("GET", path, { query, signal });
    return resp.body ?? new ReadableStream({ start: (c) => c.close() });
  }

  list(path: string, labelSelector?: string, o: RequestOptions = {}): Promise<K8sList> {
    return this.request<K8sList>("GET", path, {
      ...o,
      query: { ...(o.query ?? {}), labelSelector },
    });
  }

  /** A watch from `resourceVersion`; events until the server or `signal` ends it. */
  async *watch(
    path: string,
    query: Record<string, string | undefined>,
    signal?: AbortSignal,
  ): AsyncGenerator<WatchEvent> {
    const resp = await this.#fetch("GET", path, {
      query: { ...query, watch: "1", allowWatchBookmarks: undefined },
      signal,
    });
    const reader = resp.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buf = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value;
        let nl;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line !== "") yield JSON.parse(line) as WatchEvent;
        }
      }
    } catch (e) {
      if (signal?.aborted || this.signal?.aborted) return;
      throw transportError("GET", this.url(path, query), e);
    } finally {
      reader.cancel().catch(() => {});
    }
  }
}

/** Reads a Status answer as client-go words it (the Status message, else the HTTP status). */
async function apiError(resp: Response): Promise<K8sApiError> {
  const text = await resp.text().catch(() => "");
  try {
    const s = JSON.parse(text);
    if (s && s.kind === "Status") {
      return new K8sApiError(String(s.message ?? ""), resp.status, String(s.reason ?? ""));
    }
  } catch {
    // not a Status object
  }
  const reason = resp.statusText || String(resp.status);
  return new K8sApiError(
    `the server responded with the status code ${resp.status} but did not return more information`,
    resp.status,
    reason,
  );
}

/** rustls reads PKCS#8 as "PRIVATE KEY"; Talos-style labels are relabelled. */
export function relabelKey(pem: string): string {
  return pem.replace(/-----(BEGIN|END) ED25519 PRIVATE KEY-----/g, "-----$1 PRIVATE KEY-----");
}
