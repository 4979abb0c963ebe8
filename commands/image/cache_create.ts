// The body of `image cache-create`: each image (per platform, or every platform of its index)
// is pulled into a cache tree next to the destination,
//
//   manifests/<registry>/<repository>/reference/<tag>       the manifest (or index) as tagged
//   manifests/<registry>/<repository>/digest/sha256-<hex>   every manifest and index, by digest
//   blob/sha256-<hex>                                       configs and layers
//
// with cosign signatures alongside; then the tree becomes the destination (--layout=flat) or the
// single layer of an image in an OCI layout there (--layout=oci), renamed into place at the end.
// Layers stream from the registry to disk with their digests checked on the way.

import type { RunContext } from "../spec.ts";
import { UserError } from "../../errors.ts";
import { goLogTime } from "../../gofmt/time.ts";
import { sleepOrThrow } from "../../wait/mod.ts";
import { exists, replaceFile } from "../files.ts";
import {
  BadNameError,
  cacheRegistryName,
  parseReference,
  type Reference,
  repositoryName,
} from "./reference.ts";
import { type Manifest, MEDIA, RegistryClient, RegistryError } from "./registry.ts";
import { parsePlatform, type Platform, platformString, satisfies } from "./platform.ts";
import { verifiedStream } from "./verify.ts";
import { writeOciLayout } from "./oci_layout.ts";

interface Descriptor {
  mediaType?: string;
  digest: string;
  size: number;
  platform?: Platform;
}

interface ManifestDoc {
  mediaType?: string;
  manifests?: Descriptor[];
  config?: Descriptor;
  layers?: Descriptor[];
}

const dec = new TextDecoder();

function isIndex(m: Manifest): boolean {
  return m.mediaType === MEDIA.ociIndex || m.mediaType === MEDIA.dockerList;
}

function parseDoc(m: Manifest): ManifestDoc {
  return JSON.parse(dec.decode(m.bytes)) as ManifestDoc;
}

const fileName = (digest: string) => digest.replace("sha256:", "sha256-");

/** Pipes a stream into a new file (0644) through a temporary name. */
async function streamToFile(stream: ReadableStream<Uint8Array>, path: string): Promise<void> {
  const tmp = `${path}.part`;
  const file = await Deno.open(tmp, { write: true, create: true, truncate: true, mode: 0o644 });
  try {
    await stream.pipeTo(file.writable);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
  await Deno.rename(tmp, path);
}

class CacheBuilder {
  readonly #client: RegistryClient;
  constructor(
    readonly ctx: RunContext,
    readonly root: string,
    readonly layerCache: string,
    insecure: boolean,
  ) {
    this.#client = new RegistryClient({
      env: ctx.deps.env,
      home: ctx.deps.home,
      insecure,
      signal: ctx.deps.signal,
    });
  }

  close(): void {
    this.#client.close();
  }

  async #log(text: string): Promise<void> {
    await this.ctx.deps.io.stderr.write(text);
  }

  #dirs(ref: Reference, src: string): { reference: string; digest: string } {
    const base = `${this.root}/manifests/${cacheRegistryName(ref.registry, src)}/${ref.repository}`;
    return { reference: `${base}/reference`, digest: `${base}/digest` };
  }

  /** One image for one platform: its tag's manifest, the platform's image, signatures. */
  async image(src: string, platform: Platform, label: string, cosign: boolean): Promise<void> {
    await this.#log(`fetching image ${JSON.stringify(src)} (${label})\n`);
    let ref: Reference;
    try {
      ref = parseReference(src);
    } catch (e) {
      throw new BadNameError(`parsing reference ${JSON.stringify(src)}: ${(e as Error).message}`);
    }
    const dirs = this.#dirs(ref, src);
    await Deno.mkdir(dirs.reference, { recursive: true });
    await Deno.mkdir(dirs.digest, { recursive: true });
    let top: Manifest;
    try {
      top = await this.#client.manifest(ref, ref.digest || ref.tag);
    } catch (e) {
      throw wrap(`fetching manifest ${JSON.stringify(src)}`, e);
    }
    await replaceFile(`${dirs.reference}/${ref.tag || "latest"}`, top.bytes, 0o644);
    await replaceFile(`${dirs.digest}/${fileName(top.digest)}`, top.bytes, 0o644);
    if (cosign) await this.#cosign(src, ref, top.digest);
    let image = top;
    if (isIndex(top)) {
      const child = (parseDoc(top).manifests ?? []).find((c) => satisfies(c.platform, platform));
      if (!child) {
        throw new Error(
          `converting image to index: no child with platform ${
            platformString(platform)
          } in index ${src}`,
        );
      }
      image = await this.#client.manifest(ref, child.digest);
    }
    await this.#cacheImage(ref, image, dirs.digest);
  }

  /** Every platform of the image's index (attestations included), or linux/amd64 of an image. */
  async allPlatforms(src: string, cosign: boolean): Promise<void> {
    let ref: Reference;
    try {
      ref = parseReference(src);
    } catch (e) {
      throw new BadNameError(`parsing reference ${JSON.stringify(src)}: ${(e as Error).message}`);
    }
    let top: Manifest;
    try {
      top = await this.#client.manifest(ref, ref.digest || ref.tag);
    } catch (e) {
      throw wrap(`fetching ${JSON.stringify(src)}`, e);
    }
    if (!isIndex(top)) {
      return await this.image(src, parsePlatform("linux/amd64"), "linux/amd64", cosign);
    }
    const dirs = this.#dirs(ref, src);
    await Deno.mkdir(dirs.digest, { recursive: true });
    let first = true;
    for (const desc of parseDoc(top).manifests ?? []) {
      if (desc.platform && desc.platform.os !== "unknown") {
        const label = `${desc.platform.os}/${desc.platform.architecture}`;
        await this.image(src, desc.platform, label, first && cosign);
        first = false;
        continue;
      }
      const child = await this.#client.manifest(ref, desc.digest);
      await this.#cacheImage(ref, child, dirs.digest);
    }
  }

  /** The image's cosign signature (tag sha256-<hex>.sig, else sha256-<hex>), when it has one. */
  async #cosign(src: string, ref: Reference, digest: string): Promise<void> {
    const base = fileName(digest);
    for (const sigTag of [`${base}.sig`, base]) {
      const sigName = `${repositoryName(ref)}:${sigTag}`;
      await this.#log(`fetching cosign signature ${JSON.stringify(sigName)}\n`);
      const sigRef: Reference = { ...ref, tag: sigTag, digest: "", original: sigName };
      let sig: Manifest;
      try {
        sig = await this.#client.manifest(sigRef, sigTag);
      } catch (e) {
        if (e instanceof RegistryError && e.status === 404) continue;
        throw wrap(`fetching cosign manifest ${JSON.stringify(sigName)}`, e);
      }
      const dirs = this.#dirs(ref, src);
      await replaceFile(`${dirs.reference}/${sigTag}`, sig.bytes, 0o644);
      await replaceFile(`${dirs.digest}/${fileName(sig.digest)}`, sig.bytes, 0o644);
      if (isIndex(sig)) {
        for (const child of parseDoc(sig).manifests ?? []) {
          await this.#cacheImage(ref, await this.#client.manifest(ref, child.digest), dirs.digest);
        }
      } else {
        await this.#cacheImage(ref, sig, dirs.digest);
      }
      return;
    }
  }

  /** An image manifest by digest, its config, and its layers (those not cached yet). */
  async #cacheImage(ref: Reference, image: Manifest, digestDir: string): Promise<void> {
    await replaceFile(`${digestDir}/${fileName(image.digest)}`, image.bytes, 0o644);
    const doc = parseDoc(image);
    if (!doc.config) {
      throw new Error(`getting image config: manifest ${image.digest} has no config`);
    }
    await this.#blob(ref, doc.config, false);
    for (const layer of doc.layers ?? []) await this.#blob(ref, layer, true);
  }

  async #blob(ref: Reference, d: Descriptor, isLayer: boolean): Promise<void> {
    if (!/^sha256:[0-9a-f]{64}$/.test(d.digest)) {
      throw new Error(`unsupported digest ${JSON.stringify(d.digest)}`);
    }
    const path = `${this.root}/blob/${fileName(d.digest)}`;
    if (isLayer) {
      if (await exists(path)) return;
      const { humanizeBytes } = await import("../../gofmt/mod.ts");
      await this.#log(`> layer ${JSON.stringify(d.digest)} (size ${humanizeBytes(d.size)})...\n`);
    }
    const cached = this.layerCache && isLayer ? `${this.layerCache}/${d.digest}` : "";
    if (cached && await exists(cached)) {
      const f = await Deno.open(cached);
      await streamToFile(verifiedStream(f.readable, d.digest), path);
      return;
    }
    const body = await this.#client.blob(ref, d.digest);
    await streamToFile(verifiedStream(body, d.digest), path);
    if (cached) {
      const tmp = `${cached}.part`;
      await Deno.copyFile(path, tmp);
      await Deno.rename(tmp, cached);
    }
  }
}

function wrap(prefix: string, e: unknown): Error {
  const err = new Error(`${prefix}: ${(e as Error).message}`);
  (err as { transient?: boolean }).transient = (e as { transient?: boolean }).transient ?? false;
  return err;
}

/** Each image in turn, transient failures retried with exponential backoff for up to 30 minutes. */
async function eachImage(
  ctx: RunContext,
  images: string[],
  fn: (src: string) => Promise<void>,
): Promise<void> {
  const limitMs = 30 * 60_000;
  for (const src of images) {
    const start = ctx.deps.now().getTime();
    for (let attempt = 0;; attempt++) {
      try {
        await fn(src);
        break;
      } catch (e) {
        const transient = (e as { transient?: boolean }).transient === true;
        const delay = Math.min(1000 * 2 ** attempt, 60_000);
        if (!transient || ctx.deps.now().getTime() - start + delay > limitMs) {
          throw new Error(`failed to process image: ${(e as Error).message}`);
        }
        await ctx.deps.io.stderr.write(
          `${goLogTime(ctx.deps.now())} retrying error: ${(e as Error).message}\n`,
        );
        await sleepOrThrow(delay, ctx.deps.signal);
      }
    }
  }
}

export async function cacheCreateRun(ctx: RunContext): Promise<void> {
  const { requireFlags } = await import("../gen/required.ts");
  requireFlags(ctx, ["image-cache-path", "images"]);
  let images = ctx.flags.images as string[];
  const dest = ctx.flags["image-cache-path"] as string;
  const force = ctx.flags.force as boolean;
  if (images.length === 0) throw new UserError("no images specified");
  const { resolve, dirname, basename } = await import("node:path");
  const target = resolve(ctx.deps.cwd, dest);
  if (!force && await exists(target)) {
    throw new UserError(
      `image cache path ${dest} already exists, use --force to remove and use the path`,
    );
  }
  if (images[0] === "-") {
    const text = dec.decode(await ctx.deps.io.stdin.readAll());
    images = text.replace(/^\n+|\n+$/g, "").split("\n");
  }
  try {
    await generate(ctx, images, target, dirname(target), basename(target));
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`error generating cache: ${(e as Error).message}`);
  }
}

async function generate(
  ctx: RunContext,
  images: string[],
  target: string,
  parent: string,
  base: string,
): Promise<void> {
  const platforms = ctx.flags.platform as string[];
  const layerCachePath = ctx.flags["image-layer-cache-path"] as string;
  const { resolve } = await import("node:path");
  const layerCache = layerCachePath ? resolve(ctx.deps.cwd, layerCachePath) : "";
  if (layerCache) await Deno.mkdir(layerCache, { recursive: true });
  if (platforms.length < 1) throw new Error("must specify at least one platform");
  const all = platforms.length === 1 && platforms[0] === "all";
  const parsed = all ? [] : platforms.map((p) => {
    try {
      return parsePlatform(p);
    } catch (e) {
      throw new Error(`parsing platform: ${(e as Error).message}`);
    }
  });
  await Deno.mkdir(parent, { recursive: true });
  const work = await Deno.makeTempDir({ dir: parent, prefix: `.${base}.work-` });
  await Deno.chmod(work, 0o755);
  const builder = new CacheBuilder(ctx, work, layerCache, ctx.flags.insecure as boolean);
  let staged = work;
  try {
    await Deno.mkdir(`${work}/blob`, { recursive: true });
    if (all) {
      await eachImage(
        ctx,
        images,
        (src) => builder.allPlatforms(src, ctx.flags["cosign-signatures"] as boolean),
      );
    } else {
      for (let i = 0; i < parsed.length; i++) {
        await eachImage(
          ctx,
          images,
          (src) =>
            builder.image(src, parsed[i], platforms[i], ctx.flags["cosign-signatures"] as boolean),
        );
      }
    }
    if (ctx.flags.layout !== "flat") {
      staged = await Deno.makeTempDir({ dir: parent, prefix: `.${base}.oci-` });
      await Deno.chmod(staged, 0o755);
      const platform = all ? parsePlatform("linux/amd64") : parsed[0];
      await writeOciLayout(work, staged, platform, ctx.deps.now());
      await Deno.remove(work, { recursive: true });
    }
    await replace(staged, target);
  } catch (e) {
    await Deno.remove(work, { recursive: true }).catch(() => {});
    if (staged !== work) await Deno.remove(staged, { recursive: true }).catch(() => {});
    throw e;
  } finally {
    builder.close();
  }
}

/** Moves the finished cache into place; an existing one (--force) goes only once it is done. */
async function replace(staged: string, target: string): Promise<void> {
  if (await exists(target)) {
    const trash = `${staged}.old`;
    await Deno.rename(target, trash);
    await Deno.rename(staged, target);
    await Deno.remove(trash, { recursive: true });
    return;
  }
  await Deno.rename(staged, target);
}
