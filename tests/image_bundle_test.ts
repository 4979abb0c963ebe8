// `image k8s-bundle|default`, `image talos-bundle`, `image integration`: exact lists for the
// defaults and for given versions; talos-bundle's extension and overlay lists read from a
// registry double reached as ghcr.io through an HTTPS proxy on loopback.

import { assertEquals, assertStringIncludes } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import { OCI_INDEX, startRegistry, startTunnelProxy } from "./registry_double/server.ts";
import { registryCA } from "./registry_double/ca.ts";
import { tarGz } from "./registry_double/layers.ts";

const K8S_DEFAULT = `ghcr.io/siderolabs/flannel:0.28.9
registry.k8s.io/coredns/coredns:v1.14.7
registry.k8s.io/etcd:3.7.1
registry.k8s.io/pause:3.10.2
registry.k8s.io/kube-apiserver:v1.37.0-rc.1
registry.k8s.io/kube-controller-manager:v1.37.0-rc.1
registry.k8s.io/kube-scheduler:v1.37.0-rc.1
registry.k8s.io/kube-proxy:v1.37.0-rc.1
ghcr.io/siderolabs/kubelet:v1.37.0-rc.1
registry.k8s.io/networking/kube-network-policies:v1.1.1
`;

Deno.test("image k8s-bundle: HEAD's default images, also as `images default`", async () => {
  for (const argv of [["image", "k8s-bundle"], ["images", "default"]]) {
    const r = await run(argv);
    assertEquals([r.code, r.stderr, r.stdout], [0, "", K8S_DEFAULT]);
  }
});

Deno.test("image k8s-bundle: versions from flags, tolerant semver, the v prefix kept", async () => {
  const r = await run([
    "image",
    "k8s-bundle",
    "--k8s-version=1.35",
    "--etcd-version",
    "v3.6.12",
    "--flannel-version",
    "0.27.4",
    "--coredns-version",
    "1.12.1",
    "--kube-network-policies-version",
    "v1.0.0",
  ]);
  assertEquals([r.code, r.stderr], [0, ""]);
  assertEquals(
    r.stdout,
    `ghcr.io/siderolabs/flannel:0.27.4
registry.k8s.io/coredns/coredns:v1.12.1
registry.k8s.io/etcd:v3.6.12
registry.k8s.io/pause:3.10.2
registry.k8s.io/kube-apiserver:v1.35.0
registry.k8s.io/kube-controller-manager:v1.35.0
registry.k8s.io/kube-scheduler:v1.35.0
registry.k8s.io/kube-proxy:v1.35.0
ghcr.io/siderolabs/kubelet:v1.35.0
registry.k8s.io/networking/kube-network-policies:v1.0.0
`,
  );
  const bad = await run(["image", "default", "--k8s-version", "1.x"]);
  assertEquals(bad.code, 1);
  assertStringIncludes(
    bad.stderr,
    'invalid argument "1.x" for "--k8s-version" flag: Invalid character(s) found in minor number "x"\n',
  );
  const help = await run(["image", "default", "--help"]);
  assertStringIncludes(
    help.stdout,
    "      --k8s-version semver                     Kubernetes version (semver) (default v1.37.0-rc.1)\n",
  );
});

const OWN = (tag: string, legacy: boolean) =>
  (legacy ? `ghcr.io/siderolabs/installer:${tag}\n` : "") +
  ["installer-base", "imager", "talos", "talosctl-all", "overlays", "extensions"]
    .map((n) => `ghcr.io/siderolabs/${n}:${tag}\n`).join("");

Deno.test("image talos-bundle: own images offline; the tag must be in range", async () => {
  const off = ["--extensions=false", "--overlays=false"];
  const r = await run(["image", "talos-bundle", ...off]);
  assertEquals([r.code, r.stderr, r.stdout], [0, "", OWN("v1.13.9", true)]);
  const old = await run(["image", "talos-bundle", "v1.11.0-beta.1", ...off]);
  assertEquals([old.code, old.stdout], [0, OWN("v1.11.0-beta.1", true)]);
  // from 1.14 on, releases have no legacy installer image
  const next = await run(["image", "talos-bundle", "v1.14.0-alpha.0", ...off]);
  assertEquals([next.code, next.stdout], [0, OWN("v1.14.0-alpha.0", false)]);
  for (
    const [arg, err] of [
      ["1.12.0", 'invalid tag "1.12.0": must have "v" prefix'],
      ["v1.x", 'invalid argument "v1.x": tag must be a valid semver'],
      // quoted as Go's %q
      ['1.12"é', 'invalid tag "1.12\\"é": must have "v" prefix'],
      ["v1.\u0007x", 'invalid argument "v1.\\ax": tag must be a valid semver'],
      [
        "v1.10.9",
        'invalid tag "v1.10.9": must be between v1.11.0-alpha.0 (inclusive) and v1.14.0 (exclusive)',
      ],
      [
        "v1.14.0",
        'invalid tag "v1.14.0": must be between v1.11.0-alpha.0 (inclusive) and v1.14.0 (exclusive)',
      ],
    ]
  ) {
    const b = await run(["image", "talos-bundle", arg, ...off]);
    assertEquals([b.code, b.stdout, b.stderr], [1, "", err + "\n"]);
  }
});

Deno.test("image talos-bundle: extensions and overlays from the release's manifests, sorted", async () => {
  await using dir = await tempDir();
  const { ca, caFile } = await registryCA(dir.path);
  await using reg = await startRegistry({ ca, dnsNames: ["ghcr.io"] });
  const proxy = await startTunnelProxy(() => reg.host);
  try {
    const d = (c: string) => `sha256:${c.repeat(64)}`;
    // extensions: two layers; the upper one replaces image-digests
    const lower = reg.putBlob(
      await tarGz({ "image-digests": "ghcr.io/siderolabs/old:1@" + d("0") }),
    );
    const upper = reg.putBlob(
      await tarGz({
        "./descriptions.yaml": "{}\n",
        "./image-digests": [
          `ghcr.io/siderolabs/zfs:2.3.0-v1.12.3@${d("b")}`,
          `ghcr.io/siderolabs/amd-ucode:20250101@${d("a")}`,
          "",
          "not a digest line",
          `ghcr.io/siderolabs/zfs:2.3.0-v1.12.3@${d("b")}`,
        ].join("\n") + "\n",
      }),
    );
    const ext = reg.imageManifest("siderolabs/extensions", [lower, upper], {
      os: "linux",
      architecture: "amd64",
    });
    const arm = reg.imageManifest("siderolabs/extensions", [lower], {
      os: "linux",
      architecture: "arm64",
    });
    reg.putManifest(
      "siderolabs/extensions",
      {
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [
          { ...arm, platform: { os: "linux", architecture: "arm64" } },
          { ...ext, platform: { os: "linux", architecture: "amd64" } },
        ],
      },
      OCI_INDEX,
      "v1.12.3",
    );
    const ov = reg.putBlob(
      await tarGz({
        "overlays.yaml": `overlays:
  - name: rpi_generic
    image: ghcr.io/siderolabs/sbc-raspberrypi:v0.1.5
    digest: ${d("c")}
  - name: rock5b
    image: ghcr.io/siderolabs/sbc-rockchip:v0.1.6
    digest: ${d("1")}
`,
      }),
    );
    reg.imageManifest(
      "siderolabs/overlays",
      [ov],
      { os: "linux", architecture: "amd64" },
      "v1.12.3",
    );
    const env = { SSL_CERT_FILE: caFile, HTTPS_PROXY: proxy.url };
    const r = await run(["image", "talos-bundle", "v1.12.3"], { env });
    assertEquals([r.code, r.stderr], [0, ""]);
    assertEquals(
      r.stdout,
      OWN("v1.12.3", true) +
        `ghcr.io/siderolabs/amd-ucode:20250101@${d("a")}
ghcr.io/siderolabs/sbc-raspberrypi:v0.1.5@${d("c")}
ghcr.io/siderolabs/sbc-rockchip:v0.1.6@${d("1")}
ghcr.io/siderolabs/zfs:2.3.0-v1.12.3@${d("b")}
`,
    );
    assertEquals(proxy.connects.every((c) => c === "ghcr.io:443"), true);
    // only the manifest-list child for linux/amd64 was pulled, its layers by digest
    const paths = reg.log.map((l) => `${l.method} ${l.path}`);
    assertEquals(paths.includes(`GET /v2/siderolabs/extensions/manifests/${arm.digest}`), false);
    assertEquals(paths.includes(`HEAD /v2/siderolabs/extensions/manifests/v1.12.3`), true);

    // a release without an extensions manifest: upstream's wrapping, own images printed first
    const missing = await run(["image", "talos-bundle", "v1.12.0"], { env });
    assertEquals(missing.code, 1);
    assertEquals(missing.stdout, OWN("v1.12.0", true));
    assertEquals(
      missing.stderr,
      "error fetching official extensions for v1.12.0: HEAD https://ghcr.io/v2/siderolabs/extensions/manifests/v1.12.0: unexpected status code 404 Not Found (HEAD responses have no body, use GET for details)\n",
    );
    // overlays only
    const only = await run(["image", "talos-bundle", "v1.12.3", "--extensions=false"], { env });
    assertEquals(
      only.stdout,
      OWN("v1.12.3", true) +
        `ghcr.io/siderolabs/sbc-raspberrypi:v0.1.5@${
          d("c")
        }\nghcr.io/siderolabs/sbc-rockchip:v0.1.6@${d("1")}\n`,
    );
    // a corrupted layer is refused
    reg.corrupt.add(upper.digest);
    const bad = await run(["image", "talos-bundle", "v1.12.3", "--overlays=false"], { env });
    assertEquals(bad.code, 1);
    assertStringIncludes(
      bad.stderr,
      "error fetching official extensions for v1.12.3: error extracting the image: ",
    );
  } finally {
    await proxy.close();
  }
});

Deno.test("image integration: fixed list plus piped images, filtered, sorted, deduplicated", async () => {
  const r = await run(
    ["image", "integration", "--installer-tag", "t1", "--registry-and-user", "reg.io/u"],
    {
      stdin: "b.io/x:1\nfoo/authenticated-x:1\ninvalid.registry.k8s.io/y:2\nb.io/x:1\na.io/z:3\n",
    },
  );
  assertEquals([r.code, r.stderr], [0, ""]);
  assertEquals(
    r.stdout,
    `a.io/z:3
b.io/x:1
docker.io/library/alpine:3.23
docker.io/library/alpine:latest
docker.io/library/nginx:latest
ghcr.io/siderolabs/flannel:0.28.9
ghcr.io/siderolabs/kubelet:v1.37.0-rc.1
ghcr.io/siderolabs/nixybox:v2026.06.0
ghcr.io/siderolabs/talosctl:v1.13.5
reg.io/u/installer:t1
reg.io/u/talos:v1.13.9
registry.k8s.io/conformance:v1.37.0-rc.1
registry.k8s.io/coredns/coredns:v1.14.7
registry.k8s.io/etcd:3.7.1
registry.k8s.io/kube-apiserver:v1.27.0
registry.k8s.io/kube-apiserver:v1.27.1
registry.k8s.io/kube-apiserver:v1.37.0-rc.1
registry.k8s.io/kube-controller-manager:v1.37.0-rc.1
registry.k8s.io/kube-proxy:v1.37.0-rc.1
registry.k8s.io/kube-scheduler:v1.37.0-rc.1
registry.k8s.io/networking/kube-network-policies:v1.1.1
registry.k8s.io/pause:3.10.2
`,
  );
  const tty = await run(
    ["image", "integration", "--installer-tag", "t", "--registry-and-user", "r"],
    { stdinIsTTY: true },
  );
  assertEquals([tty.code, tty.stderr], [1, "input must be piped\n"]);
  const empty = await run(
    ["image", "integration", "--installer-tag=", "--registry-and-user", "r"],
    { stdin: "" },
  );
  assertEquals([empty.code, empty.stderr], [1, "installer tag is required\n"]);
  const missing = await run(["image", "integration", "--installer-tag", "t"], { stdin: "" });
  assertEquals(missing.code, 1);
  assertStringIncludes(missing.stderr, 'required flag(s) "registry-and-user" not set\n');
});
