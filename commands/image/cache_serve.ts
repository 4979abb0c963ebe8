// The body of `image cache-serve`: a read-only registry over HTTP(S) serving a flat image cache
// tree (what `cache-create --layout=flat` writes), as Talos's registryd serves the boot image
// cache: /v2/<name>/manifests/<tag|digest> and /v2/<name>/blobs/<digest>, the upstream
// registry named by ?ns= (as containerd's mirrors send it) or found in the tree. On start it
// writes image-cache-mirrors-patch.yaml: RegistryMirrorConfig documents pointing the given
// registries at this server's addresses (none for port 0).

import type { RunContext } from "../spec.ts";
import { UserError } from "../../errors.ts";
import { goLogTime } from "../../gofmt/time.ts";
import { replaceFile } from "../files.ts";

const NAME =
  /^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*)*$/;
const HOSTED_NAME =
  /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?\//;

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** zap's development console line: time, level, message, fields as JSON. */
function zapLine(now: Date, level: string, msg: string, fields: Record<string, unknown>): string {
  const f = Object.entries(fields).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  const t = now.toISOString();
  return `${t}\t${level}\t${msg}${f.length ? `\t{${f.join(", ")}}` : ""}\n`;
}

/** net.SplitHostPort. */
export function splitHostPort(addr: string): [string, string] {
  const m = /^\[([^\]]*)\]:([^:]*)$/.exec(addr) ?? /^([^:\[\]]*):([^:]*)$/.exec(addr);
  if (!m) {
    const why = addr.includes(":") ? "too many colons in address" : "missing port in address";
    throw new Error(`address ${addr}: ${why}`);
  }
  return [m[1], m[2]];
}

const joinHostPort = (host: string, port: string) =>
  host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;

/** distribution/reference's normalized name of "<registry>/<name>" (docker.io's defaults). */
function normalizedName(registry: string, name: string): string {
  const full = registry ? `${registry}/${name}` : name;
  let domain = "docker.io";
  let rest = full;
  const slash = full.indexOf("/");
  if (slash > 0) {
    const first = full.slice(0, slash);
    if (/[.:]/.test(first) || first === "localhost" || first !== first.toLowerCase()) {
      domain = first;
      rest = full.slice(slash + 1);
    }
  }
  if (domain === "index.docker.io") domain = "docker.io";
  if (domain === "docker.io" && !rest.includes("/")) rest = `library/${rest}`;
  if (!NAME.test(rest)) throw new HttpError(400, `failed to parse docker ref "${full}"`);
  return `${domain}/${rest}`;
}

/** The tree's folder for a name: a registry's ":port" is "_port_" there. */
function folderName(named: string, registry: string): string {
  const i = registry.lastIndexOf(":");
  if (i > 0) {
    return `${registry.slice(0, i)}_${registry.slice(i + 1)}_${named.slice(registry.length)}`;
  }
  return named;
}

/** The folder name back to a registry: "host_port_" -> "host:port". */
function folderRegistry(s: string): string {
  const parts = s.split("_");
  if (parts.length < 3) return s;
  return `${parts[0]}:${parts[1]}${parts.slice(2).join("_")}`;
}

async function sha256File(path: string): Promise<string> {
  const { hasher } = await import("./verify.ts");
  const h = hasher();
  using f = await Deno.open(path);
  for await (const c of f.readable) h.update(c);
  return h.hex();
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

function mediaTypeOf(bytes: Uint8Array): string {
  const doc = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  if (typeof doc.mediaType === "string" && doc.mediaType) return doc.mediaType;
  if (doc.manifests !== undefined) return "application/vnd.oci.image.index.v1+json";
  if (doc.layers !== undefined || doc.config !== undefined) {
    return "application/vnd.oci.image.manifest.v1+json";
  }
  throw new HttpError(500, "media type is empty and cannot be inferred");
}

export class CacheServer {
  constructor(
    readonly root: string,
    readonly log: (level: string, msg: string, fields: Record<string, unknown>) => Promise<void>,
  ) {}

  async handle(req: Request, remote: string): Promise<Response> {
    const url = new URL(req.url);
    if (req.method !== "GET" && req.method !== "HEAD") return new Response(null, { status: 405 });
    if (/^\/(v2|healthz)\/?$/.test(url.pathname)) return new Response(null, { status: 200 });
    if (!url.pathname.startsWith("/v2/")) return new Response(null, { status: 404 });
    try {
      return await this.#serve(req, url, remote);
    } catch (e) {
      const status = e instanceof HttpError ? e.status : 500;
      await this.log("ERROR", "failed to handle request", { error: (e as Error).message });
      return new Response(null, { status });
    }
  }

  async #serve(req: Request, url: URL, remote: string): Promise<Response> {
    const { posix } = await import("node:path");
    const value = decodeURIComponent(url.pathname.slice("/v2/".length));
    const parts = posix.normalize(value).split("/");
    const n = parts.length;
    if (n < 3) throw new HttpError(404, `incorrect args value '${value}'`);
    const isBlob = parts[n - 2] === "blobs";
    if (!isBlob && parts[n - 2] !== "manifests") {
      throw new HttpError(404, `incorrect ref: '${parts[n - 2]}'`);
    }
    const name = parts.slice(0, n - 2).join("/");
    const dig = parts[n - 1];
    if (!NAME.test(name) && !HOSTED_NAME.test(name + "/")) {
      throw new HttpError(400, `incorrect name: '${name}'`);
    }
    let registry = url.searchParams.get("ns") ?? "";
    await this.log("INFO", "image request", {
      method: req.method,
      url: url.pathname + url.search,
      remote_addr: remote,
      name,
      digest: dig,
      is_blob: isBlob,
      registry,
    });
    if (registry === "") {
      registry = await this.#findRegistry(name);
      if (registry === "") throw new HttpError(400, "failed to extract params: missing ns");
    }
    const named = normalizedName(registry, name);
    const folder = `${this.root}/manifests/${folderName(named, registry)}`;
    let digest: string;
    if (dig.startsWith("sha256:")) {
      if (!/^sha256:[0-9a-f]{64}$/.test(dig)) throw new HttpError(400, `invalid digest ${dig}`);
      digest = dig;
    } else {
      const tagged = `${folder}/reference/${dig}`;
      if (!(await exists(tagged))) throw new HttpError(404, `open ${tagged}: file does not exist`);
      const sum = await sha256File(tagged);
      const byDigest = `${folder}/digest/sha256-${sum}`;
      if (!(await exists(byDigest)) || await sha256File(byDigest) !== sum) {
        throw new HttpError(500, `hash for '${tagged}' is not equal for hash to '${byDigest}'`);
      }
      digest = `sha256:${sum}`;
    }
    const file = isBlob
      ? `${this.root}/blob/${digest.replace(":", "-")}`
      : `${folder}/digest/${digest.replace(":", "-")}`;
    let size: number;
    try {
      size = (await Deno.stat(file)).size;
    } catch {
      throw new HttpError(404, `content digest ${digest}: not found`);
    }
    const headers = new Headers({
      "Content-Length": String(size),
      "Docker-Content-Digest": digest,
    });
    if (!isBlob) {
      const bytes = await Deno.readFile(file);
      headers.set("Content-Type", mediaTypeOf(bytes));
      return new Response(req.method === "HEAD" ? null : bytes, { headers });
    }
    headers.set("Content-Type", "application/octet-stream");
    headers.set("Accept-Ranges", "bytes");
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.get("range") ?? "");
    let start = 0;
    let end = size - 1;
    let status = 200;
    if (range && (range[1] || range[2])) {
      if (range[1]) {
        start = Number(range[1]);
        if (range[2]) end = Math.min(Number(range[2]), size - 1);
      } else start = Math.max(0, size - Number(range[2]));
      if (start > end || start >= size) {
        return new Response(null, {
          status: 416,
          headers: { "Content-Range": `bytes */${size}` },
        });
      }
      status = 206;
      headers.set("Content-Range", `bytes ${start}-${end}/${size}`);
      headers.set("Content-Length", String(end - start + 1));
    }
    if (req.method === "HEAD") return new Response(null, { status, headers });
    const f = await Deno.open(file);
    if (start > 0) await f.seek(start, Deno.SeekMode.Start);
    let left = end - start + 1;
    const body = f.readable.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(c, ctl) {
          if (left <= 0) return;
          const part = c.length > left ? c.subarray(0, left) : c;
          left -= part.length;
          ctl.enqueue(part);
        },
      }),
    );
    return new Response(body, { status, headers });
  }

  /** The registry folder of the tree that holds `name` (when no ?ns= was sent). */
  async #findRegistry(name: string): Promise<string> {
    let entries: string[];
    try {
      entries = (await Array.fromAsync(Deno.readDir(`${this.root}/manifests`))).map((e) => e.name);
    } catch (e) {
      throw new HttpError(500, `failed to read manifests directory: ${(e as Error).message}`);
    }
    for (const entry of entries.sort()) {
      const registry = folderRegistry(entry);
      const named = normalizedName(registry, name);
      if (await exists(`${this.root}/manifests/${folderName(named, registry)}/reference`)) {
        return registry;
      }
    }
    return "";
  }
}

/** RegistryMirrorConfig documents sending each mirrored registry to this server. */
async function mirrorsPatch(addr: string, mirrors: string[], secure: boolean): Promise<string> {
  const [host, port] = splitHostPort(addr);
  let addresses: string[];
  if (host === "" || host === "0.0.0.0" || host === "::") {
    addresses = Deno.networkInterfaces()
      .filter((i) => !/^127\./.test(i.address) && i.address !== "::1")
      .map((i) => joinHostPort(i.address.replace(/%.*$/, ""), port));
  } else addresses = [joinHostPort(host, port)];
  if (port === "0") return "";
  const { emitDocument, mapping, scalar, sequence, TALOS_YAML } = await import(
    "../../goyaml/mod.ts"
  );
  const scheme = secure ? "https://" : "http://";
  return mirrors.map((m) =>
    emitDocument(
      mapping([
        ["apiVersion", scalar("v1alpha1")],
        ["kind", scalar("RegistryMirrorConfig")],
        ["name", scalar(m)],
        ["endpoints", sequence(addresses.map((a) => mapping([["url", scalar(scheme + a)]])))],
      ]),
      TALOS_YAML,
    )
  ).join("---\n");
}

export const MIRRORS_PATCH_FILE = "image-cache-mirrors-patch.yaml";

/** Writes `text` to `path` (0644) unless a different file is there already. */
export async function writeOwnFile(path: string, text: string, mode = 0o644): Promise<void> {
  try {
    if (await Deno.readTextFile(path) === text) return;
    throw new Error(`${path} already exists with other content; remove it to write a new one`);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  await replaceFile(path, text, mode);
}

export async function cacheServeRun(ctx: RunContext): Promise<void> {
  const { requireFlags } = await import("../gen/required.ts");
  requireFlags(ctx, ["image-cache-path"]);
  const root = ctx.flags["image-cache-path"] as string;
  const address = ctx.flags.address as string;
  const cert = ctx.flags["tls-cert-file"] as string;
  const key = ctx.flags["tls-key-file"] as string;
  const secure = cert !== "" && key !== "";
  const err = ctx.deps.io.stderr;
  const log = (level: string, msg: string, fields: Record<string, unknown>) =>
    err.write(zapLine(ctx.deps.now(), level, msg, fields));

  const { resolve } = await import("node:path");
  try {
    const patch = await mirrorsPatch(address, ctx.flags.mirror as string[], secure);
    if (patch) {
      await err.write(
        `${goLogTime(ctx.deps.now())} writing config patch to ${MIRRORS_PATCH_FILE}\n`,
      );
      await writeOwnFile(resolve(ctx.deps.cwd, MIRRORS_PATCH_FILE), patch);
    }
  } catch (e) {
    await log("ERROR", "failed to generate Talos config patch for registry mirrors", {
      error: (e as Error).message,
    });
  }

  let host: string, port: string;
  try {
    [host, port] = splitHostPort(address);
  } catch (e) {
    throw new UserError(`listen tcp: ${(e as Error).message}`);
  }
  const server = new CacheServer(resolve(ctx.deps.cwd, root), log);
  await log("INFO", "starting registry server", { addr: address });
  const stop = new AbortController();
  ctx.deps.signal.addEventListener("abort", () => stop.abort(), { once: true });
  let served: Deno.HttpServer;
  try {
    const options = {
      hostname: host === "" ? "0.0.0.0" : host,
      port: Number(port),
      signal: stop.signal,
      onListen: () => {},
    };
    const handler = (req: Request, info: Deno.ServeHandlerInfo) =>
      server.handle(
        req,
        joinHostPort(
          (info.remoteAddr as Deno.NetAddr).hostname,
          String((info.remoteAddr as Deno.NetAddr).port),
        ),
      );
    served = secure
      ? Deno.serve({
        ...options,
        cert: await Deno.readTextFile(resolve(ctx.deps.cwd, cert)),
        key: await Deno.readTextFile(resolve(ctx.deps.cwd, key)),
      }, handler)
      : Deno.serve(options, handler);
  } catch (e) {
    await log("INFO", "registry server stopped", { error: (e as Error).message });
    throw new UserError(`listen tcp ${address}: ${(e as Error).message}`);
  }
  if (ctx.deps.signal.aborted) stop.abort();
  await served.finished;
  await log("INFO", "shutting down registry server", { addr: address });
  await log("INFO", "registry server stopped", {});
}
