// `image cache-create` against the registry double over loopback TLS: the cache tree (flat) and
// the OCI layout holding it, byte for byte; token auth; platform selection and "all"; cosign
// signatures; digest verification; retries; refusing to overwrite without --force; errors.

import { assert_, assertEquals, assertStringIncludes } from "./assert.ts";
import { fileTree, run, tempDir } from "./harness.ts";
import {
  OCI_INDEX,
  OCI_MANIFEST,
  type RegistryDouble,
  startRegistry,
} from "./registry_double/server.ts";
import { registryCA } from "./registry_double/ca.ts";
import { collect, tarEntries } from "../archive/tar.ts";

const dec = new TextDecoder();
const enc = new TextEncoder();
const fname = (d: string) => d.replace("sha256:", "sha256-");

function manifestBytes(reg: RegistryDouble, repo: string, ident: string): Uint8Array {
  return reg.manifests.get(repo)!.get(ident)!.bytes;
}

function blobBytes(reg: RegistryDouble, digest: string): Uint8Array {
  return reg.blobs.get(digest)!.bytes!;
}

async function setup(dir: string) {
  const { ca, caFile } = await registryCA(dir);
  const reg = await startRegistry({ ca });
  const kubelet = reg.image("siderolabs/kubelet", "v1.37.0");
  const pause = reg.image("pause", "3.10", { index: false, platforms: ["linux/amd64"] });
  // a cosign signature for the kubelet index: tag sha256-<hex>.sig, one layer
  const sigLayer = reg.putBlob(
    enc.encode("signature payload"),
    "application/vnd.dev.cosign.simplesigning.v1+json",
  );
  const sig = reg.imageManifest(
    "siderolabs/kubelet",
    [sigLayer],
    { os: "", architecture: "" },
    `${fname(kubelet.index!.digest)}.sig`,
  );
  const env = { SSL_CERT_FILE: caFile };
  return { reg, kubelet, pause, sig, sigLayer, env };
}

Deno.test("image cache-create --layout=flat: the cache tree, manifests and blobs as pulled", async () => {
  await using dir = await tempDir();
  const { reg, kubelet, pause, sig, sigLayer, env } = await setup(dir.path);
  await using _ = reg;
  const k = `${reg.host}/siderolabs/kubelet:v1.37.0`;
  const p = `${reg.host}/pause:3.10`;
  const out = `${dir.path}/cache`;
  const r = await run([
    "image",
    "cache-create",
    "--layout=flat",
    `--images=${k},${p}`,
    "--image-cache-path",
    out,
  ], { env, cwd: dir.path });
  assertEquals(r.code, 0, r.stderr);
  const amd = kubelet.images[0];
  const amdDoc = JSON.parse(dec.decode(manifestBytes(reg, "siderolabs/kubelet", amd.digest)));
  const pauseDoc = JSON.parse(dec.decode(manifestBytes(reg, "pause", "3.10")));
  const sigDoc = JSON.parse(dec.decode(manifestBytes(reg, "siderolabs/kubelet", sig.digest)));
  const regDir = `127.0.0.1_${reg.port}_`;
  const size = (d: string) => `${blobBytes(reg, d).length} B`;
  assertEquals(
    r.stderr,
    [
      `fetching image "${k}" (linux/amd64)`,
      `fetching cosign signature "${reg.host}/siderolabs/kubelet:${
        fname(kubelet.index!.digest)
      }.sig"`,
      `> layer "${sigLayer.digest}" (size ${size(sigLayer.digest)})...`,
      `> layer "${kubelet.layers[0].digest}" (size ${size(kubelet.layers[0].digest)})...`,
      `> layer "${kubelet.layers[1].digest}" (size ${size(kubelet.layers[1].digest)})...`,
      `fetching image "${p}" (linux/amd64)`,
      `fetching cosign signature "${reg.host}/pause:${fname(pause.images[0].digest)}.sig"`,
      `fetching cosign signature "${reg.host}/pause:${fname(pause.images[0].digest)}"`,
      `> layer "${pause.layers[0].digest}" (size ${size(pause.layers[0].digest)})...`,
      `> layer "${pause.layers[1].digest}" (size ${size(pause.layers[1].digest)})...`,
      "",
    ].join("\n"),
  );
  const expected: Record<string, Uint8Array> = {
    [`manifests/${regDir}/siderolabs/kubelet/reference/v1.37.0`]: manifestBytes(
      reg,
      "siderolabs/kubelet",
      "v1.37.0",
    ),
    [`manifests/${regDir}/siderolabs/kubelet/digest/${fname(kubelet.index!.digest)}`]:
      manifestBytes(reg, "siderolabs/kubelet", "v1.37.0"),
    [`manifests/${regDir}/siderolabs/kubelet/digest/${fname(amd.digest)}`]: manifestBytes(
      reg,
      "siderolabs/kubelet",
      amd.digest,
    ),
    [`manifests/${regDir}/siderolabs/kubelet/reference/${fname(kubelet.index!.digest)}.sig`]:
      manifestBytes(reg, "siderolabs/kubelet", sig.digest),
    [`manifests/${regDir}/siderolabs/kubelet/digest/${fname(sig.digest)}`]: manifestBytes(
      reg,
      "siderolabs/kubelet",
      sig.digest,
    ),
    [`manifests/${regDir}/pause/reference/3.10`]: manifestBytes(reg, "pause", "3.10"),
    [`manifests/${regDir}/pause/digest/${fname(pause.images[0].digest)}`]: manifestBytes(
      reg,
      "pause",
      "3.10",
    ),
    [`blob/${fname(amdDoc.config.digest)}`]: blobBytes(reg, amdDoc.config.digest),
    [`blob/${fname(pauseDoc.config.digest)}`]: blobBytes(reg, pauseDoc.config.digest),
    [`blob/${fname(sigDoc.config.digest)}`]: blobBytes(reg, sigDoc.config.digest),
    [`blob/${fname(sigLayer.digest)}`]: blobBytes(reg, sigLayer.digest),
  };
  for (const l of [...kubelet.layers.slice(0, 2), ...pause.layers]) {
    expected[`blob/${fname(l.digest)}`] = blobBytes(reg, l.digest);
  }
  assertEquals(await fileTree(out), Object.keys(expected).sort());
  for (const [path, bytes] of Object.entries(expected)) {
    assertEquals(await Deno.readFile(`${out}/${path}`), bytes, path);
  }
  // the arm64 layer was not pulled; blobs were fetched with the token and through the redirect
  assertEquals(reg.log.some((l) => l.path.includes(kubelet.layers[2].digest)), false);
  assert_(
    reg.log.some((l) =>
      l.path === "/token?service=registry.test&scope=repository%3Asiderolabs%2Fkubelet%3Apull"
    ),
  );
  assert_(
    reg.log.filter((l) => l.path.startsWith("/v2/siderolabs/")).every((l) =>
      l.authorization.startsWith("Bearer ")
    ),
  );
  // nothing left beside the destination
  assertEquals((await Array.fromAsync(Deno.readDir(dir.path))).map((e) => e.name).sort(), [
    "ca.crt",
    "cache",
  ]);

  // the destination exists now: refused without --force, replaced with it
  const again = await run([
    "image",
    "cache-create",
    "--layout=flat",
    `--images=${p}`,
    "--image-cache-path",
    out,
  ], { env, cwd: dir.path });
  assertEquals([again.code, again.stderr], [
    1,
    `image cache path ${out} already exists, use --force to remove and use the path\n`,
  ]);
  const forced = await run([
    "image",
    "cache-create",
    "--layout=flat",
    `--images=${p}`,
    "--image-cache-path",
    "cache",
    "--force",
    "--cosign-signatures=false",
  ], { env, cwd: dir.path });
  assertEquals(forced.code, 0, forced.stderr);
  assertEquals((await fileTree(out)).filter((f) => f.includes("kubelet")), []);
  assertEquals(forced.stderr.includes("cosign"), false);
});

Deno.test("image cache-create: the default OCI layout holds the cache tree as one gzipped layer", async () => {
  await using dir = await tempDir();
  const { reg, pause, env } = await setup(dir.path);
  await using _ = reg;
  const out = `${dir.path}/oci`;
  const r = await run([
    "image",
    "cache-create",
    `--images=${reg.host}/pause:3.10`,
    "--image-cache-path",
    out,
    "--platform",
    "linux/arm64,linux/amd64",
  ], { env, cwd: dir.path, now: new Date("2026-05-01T10:00:00Z") });
  // pause is a single-platform image: both platform passes store it
  assertEquals(r.code, 0, r.stderr);
  assertEquals(
    await Deno.readTextFile(`${out}/oci-layout`),
    '{\n    "imageLayoutVersion": "1.0.0"\n}',
  );
  const index = JSON.parse(await Deno.readTextFile(`${out}/index.json`));
  assertEquals(index.schemaVersion, 2);
  assertEquals(index.mediaType, OCI_INDEX);
  assertEquals(index.manifests.length, 1);
  assertEquals(index.manifests[0].platform, { architecture: "arm64", os: "linux" });
  const blob = (d: string) => `${out}/blobs/sha256/${d.slice(7)}`;
  const manifestRaw = await Deno.readFile(blob(index.manifests[0].digest));
  assertEquals(manifestRaw.length, index.manifests[0].size);
  const manifest = JSON.parse(dec.decode(manifestRaw));
  assertEquals(manifest.mediaType, OCI_MANIFEST);
  const config = JSON.parse(await Deno.readTextFile(blob(manifest.config.digest)));
  assertEquals(config.created, "2026-05-01T10:00:00Z");
  assertEquals(manifest.layers.length, 1);
  const layer = manifest.layers[0];
  assertEquals(layer.mediaType, "application/vnd.oci.image.layer.v1.tar+gzip");
  const layerBytes = await Deno.readFile(blob(layer.digest));
  assertEquals(layerBytes.length, layer.size);
  // every blob file is named by its content's digest
  for await (const e of Deno.readDir(`${out}/blobs/sha256`)) {
    const d = await crypto.subtle.digest(
      "SHA-256",
      await Deno.readFile(`${out}/blobs/sha256/${e.name}`),
    );
    assertEquals(
      Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, "0")).join(""),
      e.name,
    );
  }
  const tar = new Blob([layerBytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  const entries: [string, string, string][] = [];
  const tarBytes = new Uint8Array(
    await new Response(new Blob([layerBytes]).stream().pipeThrough(new DecompressionStream("gzip")))
      .arrayBuffer(),
  );
  const diff = await crypto.subtle.digest("SHA-256", tarBytes);
  assertEquals(config.rootfs.diff_ids, [
    "sha256:" + Array.from(new Uint8Array(diff), (b) => b.toString(16).padStart(2, "0")).join(""),
  ]);
  for await (const e of tarEntries(tar.getReader())) {
    entries.push([e.name, e.type, dec.decode(await collect(e.data))]);
  }
  const regDir = `127.0.0.1_${reg.port}_`;
  const names = entries.map((e) => e[0]);
  assertEquals(names, [...names].sort());
  assert_(names.includes("blob"));
  assertEquals(
    entries.find((e) => e[0] === `manifests/${regDir}/pause/reference/3.10`)?.[2],
    dec.decode(manifestBytes(reg, "pause", "3.10")),
  );
  assertEquals(
    entries.find((e) => e[0] === `blob/${fname(pause.layers[1].digest)}`)?.[2],
    dec.decode(blobBytes(reg, pause.layers[1].digest)),
  );
  assertEquals(entries.find((e) => e[0] === "manifests")?.[1], "5");
  assertEquals((await Array.fromAsync(Deno.readDir(dir.path))).map((e) => e.name).sort(), [
    "ca.crt",
    "oci",
  ]);
});

Deno.test("image cache-create --platform=all: every platform, signatures once, attestations kept", async () => {
  await using dir = await tempDir();
  const { reg, env } = await setup(dir.path);
  await using _ = reg;
  const img = reg.image("multi", "1", { platforms: ["linux/amd64", "linux/arm64"] });
  // an attestation manifest (platform unknown/unknown) in the index
  const att = reg.imageManifest("multi", [reg.putBlob(enc.encode("attestation"))], {
    os: "unknown",
    architecture: "unknown",
  });
  const idx = reg.putManifest(
    "multi",
    {
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [...img.images, { ...att, platform: { os: "unknown", architecture: "unknown" } }],
    },
    OCI_INDEX,
    "2",
  );
  const src = `${reg.host}/multi:2`;
  const r = await run([
    "image",
    "cache-create",
    "--layout=flat",
    "--platform=all",
    `--images=${src}`,
    "--image-cache-path=c",
  ], { env, cwd: dir.path });
  assertEquals(r.code, 0, r.stderr);
  const fetches = r.stderr.split("\n").filter((l) => l.startsWith("fetching"));
  assertEquals(fetches, [
    `fetching image "${src}" (linux/amd64)`,
    `fetching cosign signature "${reg.host}/multi:${fname(idx.digest)}.sig"`,
    `fetching cosign signature "${reg.host}/multi:${fname(idx.digest)}"`,
    `fetching image "${src}" (linux/arm64)`,
  ]);
  const digests = (await fileTree(`${dir.path}/c`)).filter((f) => f.includes("/digest/")).map((f) =>
    f.split("/").pop()
  );
  assertEquals(digests.sort(), [idx, ...img.images, att].map((d) => fname(d.digest)).sort());
});

Deno.test("image cache-create: stdin list, layer cache reuse, verification, retries, errors", async () => {
  await using dir = await tempDir();
  const { reg, pause, env } = await setup(dir.path);
  await using _ = reg;
  const p = `${reg.host}/pause:3.10`;
  // images from stdin, layers kept in (and later reused from) the layer cache
  const r = await run([
    "image",
    "cache-create",
    "--images=-",
    "--image-cache-path=a",
    "--layout=flat",
    "--image-layer-cache-path=layers",
    "--cosign-signatures=false",
  ], { env, cwd: dir.path, stdin: `${p}\n\n` });
  assertEquals(r.code, 0, r.stderr);
  assertEquals(
    (await fileTree(`${dir.path}/layers`)).sort(),
    pause.layers.map((l) => l.digest).sort(),
  );
  const before = reg.log.length;
  const r2 = await run([
    "image",
    "cache-create",
    `--images=${p}`,
    "--image-cache-path=b",
    "--layout=flat",
    "--image-layer-cache-path=layers",
    "--cosign-signatures=false",
  ], { env, cwd: dir.path });
  assertEquals(r2.code, 0, r2.stderr);
  assertEquals(reg.log.slice(before).filter((l) => l.path.includes("/blobs/")).length, 1); // the config only
  assertEquals(await fileTree(`${dir.path}/a`), await fileTree(`${dir.path}/b`));

  // a layer whose bytes do not match its digest: refused, nothing written
  reg.corrupt.add(pause.layers[1].digest);
  const bad = await run([
    "image",
    "cache-create",
    `--images=${p}`,
    "--image-cache-path=c",
    "--cosign-signatures=false",
  ], { env, cwd: dir.path });
  assertEquals(bad.code, 1);
  assertStringIncludes(
    bad.stderr,
    `error generating cache: failed to process image: error verifying sha256 checksum after reading ${
      blobBytes(reg, pause.layers[1].digest).length
    } bytes; got "sha256:`,
  );
  assertEquals((await Array.fromAsync(Deno.readDir(dir.path))).map((e) => e.name).sort(), [
    "a",
    "b",
    "ca.crt",
    "layers",
  ]);
  reg.corrupt.clear();

  // a server error is retried (after a logged wait), then the pull goes through
  reg.failNext.set("/v2/pause/manifests/3.10", 1);
  const retried = await run([
    "image",
    "cache-create",
    `--images=${p}`,
    "--image-cache-path=d",
    "--cosign-signatures=false",
  ], { env, cwd: dir.path });
  assertEquals(retried.code, 0, retried.stderr);
  assertStringIncludes(
    retried.stderr,
    ` retrying error: fetching manifest "${p}": GET https://${reg.host}/v2/pause/manifests/3.10: unexpected status code 500 Internal Server Error: injected failure\n`,
  );

  const cases: [string[], string][] = [
    [["--images", p], 'required flag(s) "image-cache-path" not set'],
    [["--image-cache-path=x"], 'required flag(s) "images" not set'],
    [["--images=", "--image-cache-path=x"], "no images specified"],
    [
      ["--images", p, "--image-cache-path=x", "--layout=tar"],
      'invalid argument "tar" for "--layout" flag: must be one of [flat oci]',
    ],
    [
      ["--images", p, "--image-cache-path=x", "--platform=linux/arm/v7/x"],
      "error generating cache: parsing platform: too many slashes in platform spec: linux/arm/v7/x",
    ],
    [
      ["--images", `${reg.host}/pause:nope`, "--image-cache-path=x"],
      `error generating cache: failed to process image: fetching manifest "${reg.host}/pause:nope": GET https://${reg.host}/v2/pause/manifests/nope: MANIFEST_UNKNOWN: manifest unknown; map[Tag:nope]`,
    ],
    [
      ["--images", "UPPER/case", "--image-cache-path=x"],
      'error generating cache: failed to process image: parsing reference "UPPER/case": could not parse reference: UPPER/case',
    ],
    [
      ["--images", `${reg.host}/multi-missing:1`, "--image-cache-path=x", "--platform=linux/s390x"],
      `error generating cache: failed to process image: fetching manifest "${reg.host}/multi-missing:1": GET https://${reg.host}/v2/multi-missing/manifests/1: NAME_UNKNOWN: repository name not known to registry; map[name:multi-missing]`,
    ],
    [
      [
        "--images",
        `${reg.host}/siderolabs/kubelet:v1.37.0`,
        "--image-cache-path=x",
        "--platform=linux/s390x",
        "--cosign-signatures=false",
      ],
      `error generating cache: failed to process image: converting image to index: no child with platform linux/s390x in index ${reg.host}/siderolabs/kubelet:v1.37.0`,
    ],
  ];
  for (const [args, err] of cases) {
    const e = await run(["image", "cache-create", ...args], { env, cwd: dir.path });
    assertEquals(e.code, 1, args.join(" "));
    assertStringIncludes(e.stderr, err + "\n");
  }
  assertEquals((await Array.fromAsync(Deno.readDir(dir.path))).map((e) => e.name).sort(), [
    "a",
    "b",
    "ca.crt",
    "d",
    "layers",
  ]);
});

Deno.test("image cache-create: docker login credentials for the token; plain HTTP on loopback", async () => {
  await using dir = await tempDir();
  const { ca, caFile } = await registryCA(dir.path);
  const user = { username: "robot", password: "s3cret" };
  await using reg = await startRegistry({ ca, user });
  reg.image("private/app", "1", { index: false, platforms: ["linux/amd64"] });
  const src = `${reg.host}/private/app:1`;
  const args = [
    "image",
    "cache-create",
    "--layout=flat",
    `--images=${src}`,
    "--cosign-signatures=false",
  ];
  const denied = await run([...args, "--image-cache-path=a"], {
    env: { SSL_CERT_FILE: caFile },
    cwd: dir.path,
  });
  assertEquals(denied.code, 1);
  assertStringIncludes(
    denied.stderr,
    `error generating cache: failed to process image: fetching manifest "${src}": GET https://${reg.host}/token?service=registry.test&scope=repository%3Aprivate%2Fapp%3Apull: UNAUTHORIZED: bad credentials\n`,
  );
  await Deno.mkdir(`${dir.path}/docker`);
  await Deno.writeTextFile(
    `${dir.path}/docker/config.json`,
    JSON.stringify({ auths: { [reg.host]: { auth: btoa("robot:s3cret") } } }),
  );
  const ok = await run([...args, "--image-cache-path=a"], {
    env: { SSL_CERT_FILE: caFile, DOCKER_CONFIG: `${dir.path}/docker` },
    cwd: dir.path,
  });
  assertEquals(ok.code, 0, ok.stderr);
  assert_(
    reg.log.some((l) =>
      l.path.startsWith("/token") && l.authorization === "Basic " + btoa("robot:s3cret")
    ),
  );

  // a plain-HTTP registry on loopback: https is tried first, then http (as go-containerregistry)
  await using plain = await startRegistry({ ca, plain: true });
  plain.image("pause", "3.10", { index: false, platforms: ["linux/amd64"] });
  const viaHttp = await run([
    "image",
    "cache-create",
    "--layout=flat",
    `--images=${plain.host}/pause:3.10`,
    "--cosign-signatures=false",
    "--image-cache-path=b",
  ], { cwd: dir.path });
  assertEquals(viaHttp.code, 0, viaHttp.stderr);
  assertEquals((await fileTree(`${dir.path}/b`)).filter((p) => p.startsWith("blob/")).length, 3);
});
