// `image cache-serve` and `image cache-cert-gen`: a cache made by cache-create (from the registry
// double) is served over HTTP and over TLS with cache-cert-gen's certificate, and pulled back
// with cache-create, byte for byte; the registry answers, ranges and errors; the config patches.

import { assert_, assertEquals, assertStringIncludes } from "./assert.ts";
import { fileTree, run, tempDir } from "./harness.ts";
import { OCI_INDEX, startRegistry } from "./registry_double/server.ts";
import { registryCA } from "./registry_double/ca.ts";

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("server did not come up");
}

/** Runs cache-serve in-process until `fn` is done; its result. */
async function serving(
  args: string[],
  cwd: string,
  ready: () => Promise<boolean>,
  fn: () => Promise<void>,
) {
  const stop = new AbortController();
  const running = run(["image", "cache-serve", ...args], { cwd, signal: stop.signal });
  try {
    await until(ready);
    await fn();
  } finally {
    stop.abort();
  }
  return await running;
}

Deno.test("image cache-serve: serves a flat cache that cache-create pulls back unchanged", async () => {
  await using dir = await tempDir();
  const { ca, caFile } = await registryCA(dir.path);
  await using reg = await startRegistry({ ca });
  const kubelet = reg.image("siderolabs/kubelet", "v1.37.0");
  reg.image("pause", "3.10", { index: false, platforms: ["linux/amd64"] });
  const env = { SSL_CERT_FILE: caFile };
  const made = await run([
    "image",
    "cache-create",
    "--layout=flat",
    `--images=${reg.host}/siderolabs/kubelet:v1.37.0,${reg.host}/pause:3.10`,
    "--image-cache-path=cache",
    "--cosign-signatures=false",
  ], { env, cwd: dir.path });
  assertEquals(made.code, 0, made.stderr);

  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  const ns = `ns=${encodeURIComponent(reg.host)}`;
  const r = await serving(
    [
      "--image-cache-path",
      "cache",
      "--address",
      `127.0.0.1:${port}`,
      "--mirror",
      "docker.io,ghcr.io",
    ],
    dir.path,
    async () => (await fetch(`${base}/healthz`)).status === 200,
    async () => {
      // the manifest by tag (registry from ?ns=, as containerd's mirrors send it)
      const m = await fetch(`${base}/v2/siderolabs/kubelet/manifests/v1.37.0?${ns}`);
      assertEquals(m.status, 200);
      assertEquals(m.headers.get("content-type"), OCI_INDEX);
      assertEquals(m.headers.get("docker-content-digest"), kubelet.index!.digest);
      assertEquals(
        new Uint8Array(await m.arrayBuffer()),
        reg.manifests.get("siderolabs/kubelet")!.get("v1.37.0")!.bytes,
      );
      const layer = kubelet.layers[1];
      const ranged = await fetch(`${base}/v2/siderolabs/kubelet/blobs/${layer.digest}?${ns}`, {
        headers: { Range: "bytes=2-5" },
      });
      assertEquals(ranged.status, 206);
      assertEquals(ranged.headers.get("content-range"), `bytes 2-5/${layer.size}`);
      assertEquals(
        new Uint8Array(await ranged.arrayBuffer()),
        reg.blobs.get(layer.digest)!.bytes!.slice(2, 6),
      );
      const head = await fetch(`${base}/v2/pause/manifests/3.10?${ns}`, { method: "HEAD" });
      assertEquals([head.status, head.headers.get("content-length")], [
        200,
        String(reg.manifests.get("pause")!.get("3.10")!.bytes.length),
      ]);
      for (
        const [path, status] of [
          [`/v2/pause/manifests/9.9?${ns}`, 404],
          [`/v2/pause/blobs/sha256:${"0".repeat(64)}?${ns}`, 404],
          [`/v2/Bad_Name/manifests/1`, 400],
          [`/v2/pause/tags/list`, 404],
          [`/v2/nothere/manifests/1`, 400],
        ] as const
      ) {
        const resp = await fetch(base + path);
        await resp.body?.cancel();
        assertEquals(resp.status, status, path);
      }
      // pulled back through the server (no ?ns=: the registry is found in the tree)
      const copy = await run([
        "image",
        "cache-create",
        "--layout=flat",
        `--images=127.0.0.1:${port}/siderolabs/kubelet:v1.37.0,127.0.0.1:${port}/pause:3.10`,
        "--image-cache-path=copy",
        "--cosign-signatures=false",
      ], { env, cwd: dir.path });
      assertEquals(copy.code, 0, copy.stderr);
    },
  );
  assertEquals(r.code, 0, r.stderr);
  assertStringIncludes(
    r.stderr,
    `\tINFO\tstarting registry server\t{"addr": "127.0.0.1:${port}"}\n`,
  );
  assertStringIncludes(r.stderr, " writing config patch to image-cache-mirrors-patch.yaml\n");
  const rename = (p: string) => p.replace(`127.0.0.1_${port}_`, `127.0.0.1_${reg.port}_`);
  const original = await fileTree(`${dir.path}/cache`);
  assertEquals((await fileTree(`${dir.path}/copy`)).map(rename), original);
  for (const [a, b] of (await fileTree(`${dir.path}/copy`)).map((p) => [p, rename(p)])) {
    assertEquals(
      await Deno.readFile(`${dir.path}/copy/${a}`),
      await Deno.readFile(`${dir.path}/cache/${b}`),
    );
  }
  assertEquals(
    await Deno.readTextFile(`${dir.path}/image-cache-mirrors-patch.yaml`),
    ["docker.io", "ghcr.io"].map((m) =>
      `apiVersion: v1alpha1\nkind: RegistryMirrorConfig\nname: ${m}\nendpoints:\n    - url: http://127.0.0.1:${port}\n`
    ).join("---\n"),
  );
});

Deno.test("image cache-cert-gen + cache-serve over TLS; files kept without --force", async () => {
  await using dir = await tempDir();
  const { ca, caFile } = await registryCA(dir.path);
  await using reg = await startRegistry({ ca });
  reg.image("pause", "3.10", { index: false, platforms: ["linux/amd64"] });
  const made = await run([
    "image",
    "cache-create",
    "--layout=flat",
    `--images=${reg.host}/pause:3.10`,
    "--image-cache-path=cache",
    "--cosign-signatures=false",
  ], { env: { SSL_CERT_FILE: caFile }, cwd: dir.path });
  assertEquals(made.code, 0, made.stderr);

  const gen = await run([
    "image",
    "cache-cert-gen",
    "--advertised-address=127.0.0.1",
    "--advertised-name=localhost",
    "--tls-ca-file=serve-ca.crt",
  ], { cwd: dir.path });
  assertEquals([gen.code, gen.stdout], [0, ""]);
  assertStringIncludes(gen.stderr, " writing config patch to image-cache-patch.yaml\n");
  assertEquals((await Deno.stat(`${dir.path}/tls.key`)).mode! & 0o777, 0o600);
  const caPem = await Deno.readTextFile(`${dir.path}/serve-ca.crt`);
  assertEquals(
    await Deno.readTextFile(`${dir.path}/image-cache-patch.yaml`),
    "apiVersion: v1alpha1\nkind: TrustedRootsConfig\nname: image-cache-ca\ncertificates: |\n" +
      caPem.trimEnd().split("\n").map((l) => `    ${l}\n`).join(""),
  );
  const again = await run(["image", "cache-cert-gen", "--tls-ca-file=serve-ca.crt"], {
    cwd: dir.path,
  });
  assertEquals([again.code, again.stderr], [
    1,
    `${dir.path}/serve-ca.crt already exists, use --force to overwrite it\n`,
  ]);
  assertEquals(await Deno.readTextFile(`${dir.path}/serve-ca.crt`), caPem);

  const port = freePort();
  const client = Deno.createHttpClient({ caCerts: [caPem] });
  const r = await serving(
    [
      "--image-cache-path=cache",
      `--address=127.0.0.1:${port}`,
      "--tls-cert-file=tls.crt",
      "--tls-key-file=tls.key",
      "--mirror=registry.k8s.io",
    ],
    dir.path,
    async () => (await fetch(`https://127.0.0.1:${port}/v2/`, { client })).status === 200,
    async () => {
      const copy = await run([
        "image",
        "cache-create",
        "--layout=flat",
        `--images=127.0.0.1:${port}/pause:3.10`,
        "--image-cache-path=copy",
        "--cosign-signatures=false",
      ], { env: { SSL_CERT_FILE: `${dir.path}/serve-ca.crt` }, cwd: dir.path });
      assertEquals(copy.code, 0, copy.stderr);
    },
  );
  client.close();
  assertEquals(r.code, 0, r.stderr);
  assert_((await fileTree(`${dir.path}/copy`)).some((p) => p.startsWith("blob/sha256-")));
  assertStringIncludes(
    await Deno.readTextFile(`${dir.path}/image-cache-mirrors-patch.yaml`),
    `name: registry.k8s.io\nendpoints:\n    - url: https://127.0.0.1:${port}\n`,
  );
});
