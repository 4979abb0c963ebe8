// A container registry double for tests: the read side of the Docker Registry HTTP API v2 over
// TLS on 127.0.0.1 (serving certificate from a test CA, valid for 127.0.0.1, localhost and any
// extra names, so a CONNECT proxy can stand in for e.g. ghcr.io), with Bearer token auth through
// a /token realm (optionally requiring Basic credentials), blob redirects, fault injection, and a
// request log. Blobs may be generated on the fly, so tests can pull large layers without the
// double holding them.
//
//   await using reg = await startRegistry({ ca });
//   const img = await reg.image("siderolabs/kubelet", "v1.37.0", { platforms: ["linux/amd64"] });

import * as https from "node:https";
import * as net from "node:net";
import * as http from "node:http";
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { listen, type Listening } from "../listen.ts";
import { issueCertificate } from "../../pki/client_cert.ts";
import { EKU_SERVER_AUTH, KeyUsage } from "../../pki/x509_build.ts";
import type { PemCertAndKey } from "../../pki/secrets_types.ts";
import { seededRandom } from "../harness.ts";

export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
export const DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
export const OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
export const OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";

/** A blob: bytes in memory, or a generator of `size` bytes (deterministic, never stored). */
interface Blob {
  size: number;
  bytes?: Uint8Array;
  generate?: () => AsyncIterable<Uint8Array>;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
  annotations?: Record<string, string>;
}

export interface RegistryOptions {
  ca: PemCertAndKey;
  /** "token" (default): Bearer tokens from /token; "basic": Basic auth; "none": open. */
  auth?: "token" | "basic" | "none";
  /** When set, /token (or basic auth) requires these credentials. */
  user?: { username: string; password: string };
  /** Extra DNS names of the serving certificate. */
  dnsNames?: string[];
  /** Plain HTTP instead of TLS (a registry only reachable with --insecure or on loopback). */
  plain?: boolean;
}

export interface LoggedRequest {
  method: string;
  path: string;
  authorization: string;
  accept: string;
}

function sha256(data: Uint8Array): string {
  return "sha256:" + createHash("sha256").update(data).digest("hex");
}

const enc = new TextEncoder();

/** Deterministic pseudo-random bytes (xorshift), `size` of them, in 64 KiB chunks. */
export function pattern(size: number, seed = 1): () => AsyncIterable<Uint8Array> {
  return async function* () {
    const random = seededRandom(seed);
    for (let left = size; left > 0; left -= 64 * 1024) yield random(Math.min(left, 64 * 1024));
  };
}

export class RegistryDouble {
  readonly blobs = new Map<string, Blob>();
  /** repo -> (tag or digest) -> manifest. */
  readonly manifests = new Map<string, Map<string, { bytes: Uint8Array; mediaType: string }>>();
  readonly log: LoggedRequest[] = [];
  /** Fault injection: digests served with wrong bytes; paths answering 500 the next n times. */
  readonly corrupt = new Set<string>();
  readonly failNext = new Map<string, number>();
  port = 0;
  #listening?: Listening;
  #tokens = new Set<string>();

  constructor(readonly options: RegistryOptions) {}

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    const now = new Date();
    const serving = await issueCertificate(this.options.ca, {
      subject: { commonName: "registry" },
      notBefore: new Date(now.getTime() - 3600_000),
      notAfter: new Date(now.getTime() + 24 * 3600_000),
      keyUsage: KeyUsage.digitalSignature | KeyUsage.keyEncipherment,
      extKeyUsage: [EKU_SERVER_AUTH],
      ipAddresses: ["127.0.0.1"],
      dnsNames: ["localhost", ...(this.options.dnsNames ?? [])],
    });
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.#serve(req, res);
    const server = this.options.plain
      ? http.createServer(handler)
      : https.createServer({ cert: serving.crt, key: serving.key }, handler);
    this.#listening = await listen(server);
    this.port = this.#listening.port;
    return this;
  }

  async close(): Promise<void> {
    await this.#listening?.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Stores a blob; its descriptor. */
  putBlob(bytes: Uint8Array, mediaType = OCI_LAYER): Descriptor {
    const digest = sha256(bytes);
    this.blobs.set(digest, { size: bytes.length, bytes });
    return { mediaType, digest, size: bytes.length };
  }

  /** A generated blob of `size` bytes: hashed once here, generated again on every GET. */
  async putGeneratedBlob(size: number, seed: number, mediaType = OCI_LAYER): Promise<Descriptor> {
    const h = createHash("sha256");
    for await (const c of pattern(size, seed)()) h.update(c);
    const digest = "sha256:" + h.digest("hex");
    this.blobs.set(digest, { size, generate: pattern(size, seed) });
    return { mediaType, digest, size };
  }

  /** Stores a manifest under its digest and, when given, a tag. */
  putManifest(repo: string, doc: unknown, mediaType: string, tag?: string): Descriptor {
    const bytes = enc.encode(JSON.stringify(doc));
    const digest = sha256(bytes);
    let m = this.manifests.get(repo);
    if (!m) this.manifests.set(repo, m = new Map());
    m.set(digest, { bytes, mediaType });
    if (tag) m.set(tag, { bytes, mediaType });
    return { mediaType, digest, size: bytes.length };
  }

  /** A single-platform image: a config and the given layers; its manifest's descriptor. */
  imageManifest(
    repo: string,
    layers: Descriptor[],
    platform: { os: string; architecture: string },
    tag?: string,
    mediaType = OCI_MANIFEST,
  ): Descriptor {
    const config = this.putBlob(
      enc.encode(JSON.stringify({
        architecture: platform.architecture,
        os: platform.os,
        rootfs: { type: "layers", diff_ids: layers.map((l) => l.digest) },
        config: {},
      })),
      OCI_CONFIG,
    );
    return this.putManifest(
      repo,
      { schemaVersion: 2, mediaType, config, layers },
      mediaType,
      tag,
    );
  }

  /**
   * An image for each platform ("os/arch"), each with one small layer of its own plus a shared
   * one, under an index tagged `tag` (or a single manifest when `index` is false).
   */
  image(
    repo: string,
    tag: string,
    o: { platforms?: string[]; index?: boolean; mediaType?: string } = {},
  ): { index?: Descriptor; images: Descriptor[]; layers: Descriptor[] } {
    const platforms = o.platforms ?? ["linux/amd64", "linux/arm64"];
    const shared = this.putBlob(enc.encode(`shared layer of ${repo}`));
    const images: Descriptor[] = [];
    const layers: Descriptor[] = [shared];
    for (const p of platforms) {
      const [os, architecture] = p.split("/");
      const own = this.putBlob(enc.encode(`layer of ${repo}:${tag} for ${p}`));
      layers.push(own);
      const d = this.imageManifest(
        repo,
        [shared, own],
        { os, architecture },
        o.index === false ? tag : undefined,
      );
      images.push({ ...d, platform: { os, architecture } });
    }
    if (o.index === false) return { images, layers };
    const index = this.putManifest(
      repo,
      { schemaVersion: 2, mediaType: o.mediaType ?? OCI_INDEX, manifests: images },
      o.mediaType ?? OCI_INDEX,
      tag,
    );
    return { index, images, layers };
  }

  #error(res: ServerResponse, status: number, code: string, message: string, detail?: unknown) {
    const body = JSON.stringify({ errors: [{ code, message, detail }] });
    res.writeHead(status, { "Content-Type": "application/json" });
    res.end(body);
  }

  #authorized(req: IncomingMessage, res: ServerResponse, scope: string): boolean {
    const mode = this.options.auth ?? "token";
    const got = req.headers.authorization ?? "";
    if (mode === "none") return true;
    if (mode === "basic") {
      const u = this.options.user;
      const want = u ? "Basic " + btoa(`${u.username}:${u.password}`) : "";
      if (!u || got === want) return true;
      res.writeHead(401, { "WWW-Authenticate": 'Basic realm="registry"' });
      res.end();
      return false;
    }
    if (got.startsWith("Bearer ") && this.#tokens.has(got.slice(7))) return true;
    res.writeHead(401, {
      "WWW-Authenticate":
        `Bearer realm="${
          this.options.plain ? "http" : "https"
        }://${this.host}/token",service="registry.test"` +
        (scope ? `,scope="${scope}"` : ""),
      "Content-Type": "application/json",
    });
    res.end(
      JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] }),
    );
    return false;
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", `https://${this.host}`);
    const path = url.pathname;
    this.log.push({
      method: req.method ?? "",
      path: path + url.search,
      authorization: req.headers.authorization ?? "",
      accept: String(req.headers.accept ?? ""),
    });
    const fails = this.failNext.get(path) ?? 0;
    if (fails > 0) {
      this.failNext.set(path, fails - 1);
      res.writeHead(500, { "Content-Type": "text/plain" });
      res.end("injected failure");
      return;
    }
    if (path === "/token") {
      const u = this.options.user;
      if (u && req.headers.authorization !== "Basic " + btoa(`${u.username}:${u.password}`)) {
        this.#error(res, 401, "UNAUTHORIZED", "bad credentials");
        return;
      }
      const token = `tok-${this.#tokens.size + 1}-${url.searchParams.get("scope")}`;
      this.#tokens.add(token);
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ token }));
      return;
    }
    if (path.startsWith("/_store/")) {
      await this.#sendBlob(res, decodeURIComponent(path.slice("/_store/".length)), req.method);
      return;
    }
    if (path === "/v2/" || path === "/v2") {
      if (!this.#authorized(req, res, "")) return;
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end("{}");
      return;
    }
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(path);
    if (!m) {
      this.#error(res, 404, "NOT_FOUND", "not found");
      return;
    }
    const [, repo, kind, ident] = m;
    if (!this.#authorized(req, res, `repository:${repo}:pull`)) return;
    if (kind === "manifests") {
      const man = this.manifests.get(repo)?.get(ident);
      if (!man) {
        if (!this.manifests.has(repo)) {
          this.#error(res, 404, "NAME_UNKNOWN", "repository name not known to registry", {
            name: repo,
          });
        } else {
          this.#error(res, 404, "MANIFEST_UNKNOWN", "manifest unknown", { Tag: ident });
        }
        return;
      }
      res.writeHead(200, {
        "Content-Type": man.mediaType,
        "Content-Length": String(man.bytes.length),
        "Docker-Content-Digest": sha256(man.bytes),
      });
      res.end(req.method === "HEAD" ? undefined : man.bytes);
      return;
    }
    if (!this.blobs.has(ident)) {
      this.#error(res, 404, "BLOB_UNKNOWN", "blob unknown to registry", ident);
      return;
    }
    // blobs live behind a redirect, as on real registries (object storage)
    res.writeHead(307, { Location: `/_store/${encodeURIComponent(ident)}` });
    res.end();
  }

  async #sendBlob(res: ServerResponse, digest: string, method?: string): Promise<void> {
    const blob = this.blobs.get(digest);
    if (!blob) {
      this.#error(res, 404, "BLOB_UNKNOWN", "blob unknown to registry", digest);
      return;
    }
    res.writeHead(200, {
      "Content-Type": "application/octet-stream",
      "Content-Length": String(blob.size),
    });
    if (method === "HEAD") {
      res.end();
      return;
    }
    const corrupt = this.corrupt.has(digest);
    const chunks: AsyncIterable<Uint8Array> = blob.bytes
      ? (async function* () {
        yield blob.bytes!;
      })()
      : blob.generate!();
    for await (let c of chunks) {
      if (corrupt) {
        c = c.slice();
        c[0] ^= 0xff;
      }
      if (!res.write(c)) await new Promise((r) => res.once("drain", r));
    }
    res.end();
  }
}

export function startRegistry(options: RegistryOptions): Promise<RegistryDouble> {
  return new RegistryDouble(options).start();
}

/**
 * An HTTP CONNECT proxy on 127.0.0.1 that sends every tunnel to `target` (a host:port), whatever
 * host was asked for: with HTTPS_PROXY pointing at it, "ghcr.io" is the registry double.
 */
export async function startTunnelProxy(target: () => string): Promise<{
  url: string;
  connects: string[];
  close(): Promise<void>;
}> {
  const connects: string[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((_req, res) => {
    res.writeHead(405);
    res.end();
  });
  server.on("connect", (req: IncomingMessage, client: Socket, head: Uint8Array) => {
    connects.push(req.url ?? "");
    sockets.add(client);
    const [host, port] = target().split(":");
    const upstream = net.connect(Number(port), host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    connects,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
