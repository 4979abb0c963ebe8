// A pull-only client of the Docker Registry HTTP API v2 / OCI distribution spec, as
// go-containerregistry behaves for talosctl: the /v2/ ping picks the scheme (https, then http for
// local or --insecure registries), Bearer token or Basic auth from the challenge, credentials
// from the Docker config and GITHUB_TOKEN (ghcr.io), SSL_CERT_FILE and HTTPS_PROXY honoured.
// Blobs are streamed: callers get the response body and verify its digest as it passes.

import type { Reference } from "./reference.ts";
import { DEFAULT_REGISTRY, schemes } from "./reference.ts";

export const MEDIA = {
  ociIndex: "application/vnd.oci.image.index.v1+json",
  dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
};

const MANIFEST_ACCEPT = [MEDIA.ociIndex, MEDIA.dockerList, MEDIA.ociManifest, MEDIA.dockerManifest];

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** Go's %v of a decoded JSON value (maps with sorted keys, as fmt prints them). */
function goValue(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (Array.isArray(v)) return `[${v.map(goValue).join(" ")}]`;
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `map[${Object.keys(o).sort().map((k) => `${k}:${goValue(o[k])}`).join(" ")}]`;
  }
  return String(v);
}

/** An HTTP answer the registry refused with: transport.Error's text, with the status kept. */
export class RegistryError extends Error {
  override name = "RegistryError";
  constructor(message: string, readonly status: number) {
    super(message);
  }
  /** Worth another try: rate limits and server errors. */
  get transient(): boolean {
    return this.status === 429 || this.status >= 500;
  }
}

/** The connection failed (refused, TLS, reset): worth another try. */
export class TransportError extends Error {
  override name = "TransportError";
  readonly transient = true;
}

/** A blob or manifest whose bytes do not hash to the digest asked for. */
export class DigestMismatchError extends Error {
  override name = "DigestMismatchError";
}

async function statusError(method: string, url: string, resp: Response): Promise<RegistryError> {
  const body = method === "HEAD" ? "" : await resp.text().catch(() => "");
  const text = STATUS_TEXT[resp.status] ?? "";
  let detail = "";
  try {
    const parsed = JSON.parse(body) as {
      errors?: { code: string; message: string; detail?: unknown }[];
    };
    const errs = parsed.errors ?? [];
    const one = (e: { code: string; message: string; detail?: unknown }) =>
      `${e.code}: ${e.message}` + (e.detail !== undefined ? `; ${goValue(e.detail)}` : "");
    if (errs.length === 1) detail = one(errs[0]);
    else if (errs.length > 1) detail = `multiple errors returned: ${errs.map(one).join("; ")}`;
  } catch {
    // not a registry error document
  }
  if (detail === "") {
    if (body === "") {
      detail = method === "HEAD"
        ? `unexpected status code ${resp.status} ${text} (HEAD responses have no body, use GET for details)`
        : `unexpected status code ${resp.status} ${text}`;
    } else detail = `unexpected status code ${resp.status} ${text}: ${body}`;
  }
  return new RegistryError(`${method} ${url}: ${detail}`, resp.status);
}

function transportError(method: string, url: string, err: unknown): TransportError {
  const raw = err instanceof Error ? `${err.message} ${String(err.cause ?? "")}` : String(err);
  const host = new URL(url).host;
  let cause: string;
  if (/refused/i.test(raw)) cause = `dial tcp ${host}: connect: connection refused`;
  else if (/certificate|UnknownIssuer|invalid peer/i.test(raw)) {
    cause = "tls: failed to verify certificate: x509: certificate signed by unknown authority";
  } else if (/abort|cancel/i.test(raw)) cause = "context canceled";
  else if (/dns|lookup|resolve/i.test(raw)) {
    cause = `dial tcp: lookup ${new URL(url).hostname}: no such host`;
  } else cause = (err instanceof Error ? err.message : String(err)).split("\n")[0];
  const verb = method === "GET" ? "Get" : method === "HEAD" ? "Head" : method;
  return new TransportError(`${verb} "${url}": ${cause}`);
}

interface Credentials {
  username: string;
  password: string;
}

interface Challenge {
  scheme: "bearer" | "basic" | "none";
  params: Record<string, string>;
}

function parseChallenge(header: string | null): Challenge {
  if (!header) return { scheme: "none", params: {} };
  const m = /^\s*(\w+)\s*(.*)$/.exec(header);
  if (!m) return { scheme: "none", params: {} };
  const params: Record<string, string> = {};
  for (const p of m[2].matchAll(/(\w+)\s*=\s*(?:"([^"]*)"|([^,\s]*))/g)) {
    params[p[1].toLowerCase()] = p[2] ?? p[3];
  }
  const scheme = m[1].toLowerCase();
  return { scheme: scheme === "bearer" ? "bearer" : scheme === "basic" ? "basic" : "none", params };
}

export interface RegistryClientOptions {
  env: Record<string, string | undefined>;
  home: string;
  insecure: boolean;
  signal: AbortSignal;
}

/** The Docker config's credentials for a registry (docker login), or undefined. */
async function dockerCredentials(
  o: RegistryClientOptions,
  registry: string,
): Promise<Credentials | undefined> {
  const dir = o.env.DOCKER_CONFIG || (o.home ? `${o.home}/.docker` : "");
  if (!dir) return undefined;
  let config: { auths?: Record<string, { auth?: string; username?: string; password?: string }> };
  try {
    config = JSON.parse(await Deno.readTextFile(`${dir}/config.json`));
  } catch {
    return undefined;
  }
  const want = registry === DEFAULT_REGISTRY ? "index.docker.io" : registry;
  for (const [key, entry] of Object.entries(config.auths ?? {})) {
    const host = key.replace(/^https?:\/\//, "").replace(/\/.*$/, "");
    if (host !== want && !(want === "index.docker.io" && host === "docker.io")) continue;
    if (entry.auth) {
      const text = new TextDecoder().decode(
        Uint8Array.from(atob(entry.auth), (c) => c.charCodeAt(0)),
      );
      const i = text.indexOf(":");
      if (i > 0) return { username: text.slice(0, i), password: text.slice(i + 1) };
    }
    if (entry.username) return { username: entry.username, password: entry.password ?? "" };
  }
  return undefined;
}

function basic(c: Credentials): string {
  return "Basic " +
    btoa(String.fromCharCode(...new TextEncoder().encode(`${c.username}:${c.password}`)));
}

function noProxy(env: Record<string, string | undefined>, host: string): boolean {
  const hostname = host.replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
  if (hostname === "localhost" || /^127\./.test(hostname) || hostname === "::1") return true;
  const list = (env.NO_PROXY ?? env.no_proxy ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  return list.some((p) =>
    p === "*" || hostname === p.replace(/^\./, "") || hostname.endsWith("." + p.replace(/^\./, ""))
  );
}

export interface Manifest {
  bytes: Uint8Array;
  mediaType: string;
  digest: string;
}

export async function sha256Hex(data: Uint8Array): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, "0")).join("");
}

export class RegistryClient {
  readonly #o: RegistryClientOptions;
  #clients = new Map<string, Deno.HttpClient>();
  #caCerts: string[] | undefined;
  #base = new Map<string, Promise<{ base: string; challenge: Challenge }>>();
  #tokens = new Map<string, Promise<string | undefined>>();

  constructor(o: RegistryClientOptions) {
    this.#o = o;
  }

  close(): void {
    for (const c of this.#clients.values()) c.close();
    this.#clients.clear();
  }

  async #client(host: string): Promise<Deno.HttpClient> {
    if (this.#caCerts === undefined) {
      this.#caCerts = [];
      const file = this.#o.env.SSL_CERT_FILE;
      if (file) {
        try {
          this.#caCerts.push(await Deno.readTextFile(file));
        } catch {
          // Go ignores an unreadable SSL_CERT_FILE too
        }
      }
    }
    const proxyURL = noProxy(this.#o.env, host)
      ? ""
      : this.#o.env.HTTPS_PROXY ?? this.#o.env.https_proxy ?? "";
    const key = proxyURL;
    let c = this.#clients.get(key);
    if (!c) {
      c = Deno.createHttpClient({
        caCerts: this.#caCerts,
        ...(proxyURL ? { proxy: { url: proxyURL } } : {}),
      });
      this.#clients.set(key, c);
    }
    return c;
  }

  async #fetch(method: string, url: string, headers: Headers): Promise<Response> {
    const client = await this.#client(new URL(url).host);
    try {
      return await fetch(url, {
        method,
        headers,
        client,
        redirect: "manual",
        signal: this.#o.signal,
      });
    } catch (e) {
      throw transportError(method, url, e);
    }
  }

  /** GET /v2/ over each allowed scheme: the first that answers is the registry's base URL. */
  #ping(registry: string, schemesToTry: string[]): Promise<{ base: string; challenge: Challenge }> {
    let p = this.#base.get(registry);
    if (!p) {
      p = (async () => {
        let last: unknown;
        for (const scheme of schemesToTry) {
          const url = `${scheme}://${registry}/v2/`;
          try {
            const resp = await this.#fetch("GET", url, new Headers());
            await resp.body?.cancel();
            if (resp.status === 401) {
              return {
                base: `${scheme}://${registry}`,
                challenge: parseChallenge(resp.headers.get("www-authenticate")),
              };
            }
            if (resp.ok) {
              return { base: `${scheme}://${registry}`, challenge: parseChallenge(null) };
            }
            last = await statusError("GET", url, resp);
          } catch (e) {
            last = e;
          }
        }
        throw last;
      })();
      p.catch(() => this.#base.delete(registry));
      this.#base.set(registry, p);
    }
    return p;
  }

  async #credentials(registry: string): Promise<Credentials | undefined> {
    const fromConfig = await dockerCredentials(this.#o, registry);
    if (fromConfig) return fromConfig;
    const gh = this.#o.env.GITHUB_TOKEN;
    if (gh && (registry === "ghcr.io" || registry === "docker.pkg.github.com")) {
      return { username: "unset", password: gh };
    }
    return undefined;
  }

  async #authorization(registry: string, repository: string, challenge: Challenge) {
    if (challenge.scheme === "none") return undefined;
    const creds = await this.#credentials(registry);
    if (challenge.scheme === "basic") return creds ? basic(creds) : undefined;
    const key = `${registry}/${repository}`;
    let p = this.#tokens.get(key);
    if (!p) {
      p = (async () => {
        const realm = challenge.params.realm;
        if (!realm) return undefined;
        const u = new URL(realm);
        if (challenge.params.service) u.searchParams.set("service", challenge.params.service);
        u.searchParams.set("scope", `repository:${repository}:pull`);
        const headers = new Headers();
        if (creds) headers.set("Authorization", basic(creds));
        const resp = await this.#fetch("GET", u.href, headers);
        if (!resp.ok) throw await statusError("GET", u.href, resp);
        const body = await resp.json() as { token?: string; access_token?: string };
        const token = body.token || body.access_token;
        return token ? `Bearer ${token}` : undefined;
      })();
      p.catch(() => this.#tokens.delete(key));
      this.#tokens.set(key, p);
    }
    return p;
  }

  /** An authorized GET/HEAD of a path under /v2/<repository>/, redirects followed (auth dropped off-host). */
  async #request(
    method: "GET" | "HEAD",
    ref: Reference,
    path: string,
    accept?: string[],
  ): Promise<{ resp: Response; url: string }> {
    const { base, challenge } = await this.#ping(
      ref.registry,
      schemes(ref.registry, this.#o.insecure),
    );
    const auth = await this.#authorization(ref.registry, ref.repository, challenge);
    let url = `${base}/v2/${ref.repository}/${path}`;
    const origin = new URL(url).origin;
    for (let hop = 0; hop < 10; hop++) {
      const headers = new Headers();
      if (accept) headers.set("Accept", accept.join(","));
      if (auth && new URL(url).origin === origin) headers.set("Authorization", auth);
      const resp = await this.#fetch(method, url, headers);
      if (resp.status >= 300 && resp.status < 400 && resp.headers.get("location")) {
        await resp.body?.cancel();
        url = new URL(resp.headers.get("location")!, url).href;
        continue;
      }
      if (!resp.ok) throw await statusError(method, url, resp);
      return { resp, url };
    }
    throw new TransportError(`${method} "${url}": stopped after 10 redirects`);
  }

  /** A manifest or index by tag or digest; a digest asked for is verified. */
  async manifest(ref: Reference, identifier: string): Promise<Manifest> {
    const { resp } = await this.#request("GET", ref, `manifests/${identifier}`, MANIFEST_ACCEPT);
    const bytes = new Uint8Array(await resp.arrayBuffer());
    const digest = "sha256:" + await sha256Hex(bytes);
    if (identifier.startsWith("sha256:") && identifier !== digest) {
      throw new DigestMismatchError(
        `manifest digest: ${JSON.stringify(digest)} does not match requested digest: ${
          JSON.stringify(identifier)
        } for ${JSON.stringify(`${ref.registry}/${ref.repository}@${identifier}`)}`,
      );
    }
    let mediaType = (resp.headers.get("content-type") ?? "").split(";")[0].trim();
    try {
      const doc = JSON.parse(new TextDecoder().decode(bytes)) as { mediaType?: string };
      if (doc.mediaType) mediaType = doc.mediaType;
    } catch {
      // kept as the server labelled it
    }
    return { bytes, mediaType, digest };
  }

  /** HEAD of a manifest: its digest (Docker-Content-Digest), read with a GET when absent. */
  async head(ref: Reference, identifier: string): Promise<string> {
    const { resp } = await this.#request("HEAD", ref, `manifests/${identifier}`, MANIFEST_ACCEPT);
    await resp.body?.cancel();
    const digest = resp.headers.get("docker-content-digest");
    if (digest) return digest;
    return (await this.manifest(ref, identifier)).digest;
  }

  /** A blob's body as a stream (the caller hashes it). */
  async blob(ref: Reference, digest: string): Promise<ReadableStream<Uint8Array>> {
    const { resp } = await this.#request("GET", ref, `blobs/${digest}`);
    if (!resp.body) return new ReadableStream({ start: (c) => c.close() });
    return resp.body;
  }
}
