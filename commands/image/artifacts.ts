// The official extension and overlay lists of a Talos release: the ghcr.io/siderolabs/extensions
// and .../overlays images (linux/amd64), whose flattened file systems carry `image-digests`
// (one "image:tag@sha256:..." a line) and `overlays.yaml`.

import { parseReference, type Reference } from "./reference.ts";
import { MEDIA, RegistryClient, type RegistryClientOptions, sha256Hex } from "./registry.ts";
import { parsePlatform, satisfies } from "./platform.ts";
import { collect, tarEntries } from "../../archive/tar.ts";
import { IMAGES_PREFIX } from "./defaults.ts";
import { verifiedStream } from "./verify.ts";

interface ManifestDoc {
  mediaType?: string;
  manifests?: { digest: string; platform?: { os: string; architecture: string } }[];
  layers?: { digest: string; mediaType: string }[];
}

/** The largest file read out of a layer; a larger one counts as absent. */
const MAX_FILE = 16 << 20;

/** The named files of an image's flattened file system (upper layers win, whiteouts honoured). */
async function exportFiles(
  client: RegistryClient,
  ref: Reference,
  digest: string,
  names: string[],
): Promise<Map<string, Uint8Array>> {
  let m;
  try {
    m = await client.manifest(ref, digest);
    let doc = JSON.parse(new TextDecoder().decode(m.bytes)) as ManifestDoc;
    if (m.mediaType === MEDIA.ociIndex || m.mediaType === MEDIA.dockerList) {
      const want = parsePlatform("linux/amd64");
      const child = (doc.manifests ?? []).find((c) => satisfies(c.platform, want));
      if (!child) {
        throw new Error(`no child with platform linux/amd64 in index ${ref.original}`);
      }
      m = await client.manifest(ref, child.digest);
      doc = JSON.parse(new TextDecoder().decode(m.bytes)) as ManifestDoc;
    }
    const found = new Map<string, Uint8Array>();
    const gone = new Set<string>();
    for (const layer of [...(doc.layers ?? [])].reverse()) {
      let stream = verifiedStream(await client.blob(ref, layer.digest), layer.digest);
      if (!layer.mediaType.endsWith("tar")) {
        stream = stream.pipeThrough(
          new DecompressionStream("gzip") as TransformStream<Uint8Array, Uint8Array>,
        );
      }
      const seenHere: string[] = [];
      for await (const e of tarEntries(stream.getReader())) {
        const name = e.name.replace(/^\.?\/+/, "").replace(/\/+$/, "");
        const base = name.split("/").pop()!;
        if (base.startsWith(".wh.")) {
          seenHere.push(name.replace(/\.wh\.([^/]*)$/, "$1"));
        } else if (
          (e.type === "0" || e.type === "\0") && e.size <= MAX_FILE && names.includes(name) &&
          !found.has(name) && !gone.has(name)
        ) found.set(name, await collect(e.data));
      }
      for (const g of seenHere) gone.add(g);
    }
    return found;
  } catch (e) {
    if (m === undefined) {
      throw new Error(`error pulling image ${ref.original}: ${(e as Error).message}`);
    }
    throw new Error(`error extracting the image: ${(e as Error).message}`);
  }
}

async function fetchFiles(
  o: RegistryClientOptions,
  name: string,
  tag: string,
  files: string[],
): Promise<Map<string, Uint8Array>> {
  const client = new RegistryClient(o);
  try {
    const ref = parseReference(`${IMAGES_PREFIX}/${name}:${tag}`);
    const digest = await client.head(ref, tag);
    const byDigest = { ...ref, original: `${IMAGES_PREFIX}/${name}@${digest}` };
    return await exportFiles(client, byDigest, digest, files);
  } finally {
    client.close();
  }
}

/** "image:tag@digest" of each official extension of the release. */
export async function officialExtensions(o: RegistryClientOptions, tag: string): Promise<string[]> {
  const files = await fetchFiles(o, "extensions", tag, ["image-digests", "descriptions.yaml"]);
  const text = files.get("image-digests");
  if (!text) throw new Error("failed to find image-digests file");
  const out: string[] = [];
  for (const raw of new TextDecoder().decode(text).split("\n")) {
    const line = raw.trim();
    const at = line.indexOf("@");
    if (at < 0) continue;
    const tagged = line.slice(0, at);
    try {
      parseReference(tagged);
    } catch (e) {
      throw new Error(`failed to parse tagged reference ${tagged}: ${(e as Error).message}`);
    }
    out.push(`${tagged}@${line.slice(at + 1)}`);
  }
  if (out.length === 0) throw new Error("failed to find image-digests file");
  return out;
}

/** "image:tag@digest" of each official overlay of the release. */
export async function officialOverlays(o: RegistryClientOptions, tag: string): Promise<string[]> {
  const files = await fetchFiles(o, "overlays", tag, ["overlays.yaml"]);
  const text = files.get("overlays.yaml");
  const out: string[] = [];
  if (text) {
    const { parse } = await import("yaml");
    let doc: { overlays?: { name?: string; image?: string; digest?: string }[] };
    try {
      doc = parse(new TextDecoder().decode(text)) ?? {};
    } catch (e) {
      throw new Error(`error reading overlays.yaml file: ${(e as Error).message}`);
    }
    for (const ov of doc.overlays ?? []) {
      const image = ov.image ?? "";
      try {
        parseReference(image);
      } catch (e) {
        throw new Error(`failed to parse tagged reference ${image}: ${(e as Error).message}`);
      }
      out.push(`${image}@${ov.digest ?? ""}`);
    }
  }
  if (out.length === 0) throw new Error("failed to find overlays.yaml file");
  return out;
}

export { sha256Hex };
