// The OCI image layout `image cache-create` writes by default: one image (platform-tagged in
// index.json) whose only layer is a gzipped tar of the cache tree, entries sorted by path as
// upstream's reproducible layers are. The tar is produced file by file and compressed and hashed
// as it goes, so no file is ever held in memory whole.

import { hasher } from "./verify.ts";
import { TAR_END, tarHeader, tarPadding } from "../../archive/tar_write.ts";
import type { Platform } from "./platform.ts";

const enc = new TextEncoder();

interface Entry {
  path: string;
  source: string;
  dir: boolean;
  mode: number;
  size: number;
}

async function walk(root: string, rel = ""): Promise<Entry[]> {
  const out: Entry[] = [];
  for await (const e of Deno.readDir(rel ? `${root}/${rel}` : root)) {
    const path = rel ? `${rel}/${e.name}` : e.name;
    const source = `${root}/${path}`;
    const st = await Deno.stat(source);
    out.push({
      path,
      source,
      dir: st.isDirectory,
      mode: (st.mode ?? 0o644) & 0o777,
      size: st.size,
    });
    if (st.isDirectory) out.push(...await walk(root, path));
  }
  return out;
}

/** The tar of the tree as a stream: headers, then each file's bytes read in chunks. */
function tarStream(entries: Entry[]): ReadableStream<Uint8Array> {
  let i = 0;
  let file: Deno.FsFile | undefined;
  let left = 0;
  let current: Entry | undefined;
  const buf = new Uint8Array(256 * 1024);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (file && current) {
        const n = await file.read(buf);
        if (n === null || n === 0) {
          file.close();
          file = undefined;
          if (left !== 0) throw new Error(`${current.source} changed while being archived`);
          controller.enqueue(tarPadding(current.size));
          return;
        }
        left -= n;
        controller.enqueue(buf.slice(0, n));
        return;
      }
      if (i >= entries.length) {
        controller.enqueue(TAR_END);
        controller.close();
        return;
      }
      current = entries[i++];
      controller.enqueue(
        tarHeader(current.path, current.mode, current.dir ? 0 : current.size, current.dir),
      );
      if (!current.dir) {
        file = await Deno.open(current.source);
        left = current.size;
      }
    },
    cancel() {
      file?.close();
    },
  });
}

async function writeBlob(dir: string, data: Uint8Array): Promise<{ digest: string; size: number }> {
  const h = hasher();
  h.update(data);
  const digest = "sha256:" + h.hex();
  await Deno.writeFile(`${dir}/${digest.slice(7)}`, data, { mode: 0o644 });
  return { digest, size: data.length };
}

/** Writes the layout for the cache tree at `tree` into the (empty) directory `out`. */
export async function writeOciLayout(
  tree: string,
  out: string,
  platform: Platform,
  now: Date,
): Promise<void> {
  const entries = (await walk(tree)).sort((
    a,
    b,
  ) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const blobs = `${out}/blobs/sha256`;
  await Deno.mkdir(blobs, { recursive: true });

  // the layer: tar -> (diff id) -> gzip -> (digest, size) -> file
  const diff = hasher();
  const comp = hasher();
  let size = 0;
  const tmp = `${blobs}/.layer.part`;
  const file = await Deno.open(tmp, { write: true, create: true, truncate: true, mode: 0o644 });
  await tarStream(entries)
    .pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(c, ctl) {
          diff.update(c);
          ctl.enqueue(c);
        },
      }),
    )
    .pipeThrough(new CompressionStream("gzip") as TransformStream<Uint8Array, Uint8Array>)
    .pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(c, ctl) {
          comp.update(c);
          size += c.length;
          ctl.enqueue(c);
        },
      }),
    )
    .pipeTo(file.writable);
  const layerDigest = "sha256:" + comp.hex();
  await Deno.rename(tmp, `${blobs}/${layerDigest.slice(7)}`);

  const config = await writeBlob(
    blobs,
    enc.encode(JSON.stringify({
      architecture: "",
      created: now.toISOString().replace(/\.?0*Z$/, "Z"),
      history: [{ created: "0001-01-01T00:00:00Z" }],
      os: "",
      rootfs: { type: "layers", diff_ids: ["sha256:" + diff.hex()] },
      config: {},
    })),
  );
  const manifest = await writeBlob(
    blobs,
    enc.encode(JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: {
        mediaType: "application/vnd.oci.image.config.v1+json",
        size: config.size,
        digest: config.digest,
      },
      layers: [{
        mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
        size,
        digest: layerDigest,
      }],
    })),
  );
  const index = {
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.index.v1+json",
    manifests: [{
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      size: manifest.size,
      digest: manifest.digest,
      platform: {
        architecture: platform.architecture,
        os: platform.os,
        ...(platform.variant ? { variant: platform.variant } : {}),
      },
    }],
  };
  await Deno.writeTextFile(`${out}/oci-layout`, '{\n    "imageLayoutVersion": "1.0.0"\n}');
  await Deno.writeTextFile(`${out}/index.json`, JSON.stringify(index, null, 3));
}
