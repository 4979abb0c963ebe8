// `image list|pull|remove` against the emulator over mutual TLS: the ImageService of Talos
// 1.13+ and the fallback to the older MachineService calls on nodes that lack it.

import { assertEquals, assertStringIncludes } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import { netState, simNode, startEmulator } from "./emulator/mod.ts";
import { ImageService } from "../gen/machine/image_pb.ts";

async function setup(dir: string, roles = ["os:operator"]) {
  const emu = await startEmulator({
    nodes: [simNode("10.5.0.2"), simNode("10.5.0.3", { controlPlane: false })],
  });
  const cfg = await emu.talosconfig(dir, { roles, nodes: ["10.5.0.2"] });
  return { emu, cfg };
}

Deno.test("image list: cri by default, labels sorted, sizes humanized, RFC 3339 times", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path, ["os:reader"]);
  await using _ = emu;
  const r = await run(["image", "list", "--talosconfig", cfg]);
  assertEquals([r.code, r.stderr], [0, ""]);
  const digest = (t: string) => `sha256:${t.repeat(16)}`;
  const pad = (x: string, n: number) => x.padEnd(n);
  assertEquals(
    r.stdout,
    [
      `${pad("NODE", 11)}${pad("IMAGE", 37)}${pad("DIGEST", 74)}${pad("SIZE", 9)}${
        pad("LABELS", 34)
      }CREATED`,
      `${pad("10.5.0.2", 11)}${pad("registry.k8s.io/pause:3.10", 37)}${pad(digest("a9c5"), 74)}${
        pad("320 kB", 9)
      }${pad("io.cri-containerd.pinned=pinned", 34)}2024-05-01T10:00:00Z`,
      `${pad("10.5.0.2", 11)}${pad("ghcr.io/siderolabs/kubelet:v1.31.2", 37)}${
        pad(digest("b7e1"), 74)
      }${pad("88 MB", 9)}${pad("", 34)}2024-05-01T10:00:00Z`,
      "",
    ].join("\n"),
  );
  const sys = await run([
    "images",
    "ls",
    "--namespace",
    "system",
    "--talosconfig",
    cfg,
    "-n",
    "10.5.0.3",
  ]);
  assertEquals([sys.code, sys.stderr], [0, ""]);
  assertStringIncludes(sys.stdout, "10.5.0.3   gcr.io/etcd-development/etcd:v3.5.16");
  const bad = await run(["image", "list", "--namespace", "k8s", "--talosconfig", cfg]);
  assertEquals([bad.code, bad.stderr], [1, 'unsupported namespace "k8s"\n']);
  const empty = await run(["image", "list", "--namespace", "inmem", "--talosconfig", cfg]);
  assertEquals([empty.code, empty.stdout], [0, ""]);
});

Deno.test("image list: nodes without ImageService get the legacy call (no LABELS column)", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path, ["os:reader"]);
  await using _ = emu;
  netState(emu.nodes.get("10.5.0.3")!).legacyImages = true;
  const r = await run(["image", "list", "--talosconfig", cfg, "-n", "10.5.0.2,10.5.0.3"]);
  assertEquals([r.code, r.stderr], [0, ""]);
  const lines = r.stdout.trimEnd().split("\n");
  assertEquals(lines[0].split(/\s{2,}/), ["NODE", "IMAGE", "DIGEST", "SIZE", "CREATED"]);
  assertEquals(lines.length, 5);
  assertEquals(
    emu.calls.filter((c) => c.path.includes("ImageList")).map((c) => c.node).sort(),
    ["10.5.0.2", "10.5.0.3"],
  );
  const inmem = await run([
    "image",
    "list",
    "--namespace",
    "inmem",
    "--talosconfig",
    cfg,
    "-n",
    "10.5.0.3",
  ]);
  assertEquals([inmem.code, inmem.stderr], [1, 'unsupported namespace "inmem"\n']);
});

Deno.test("image pull: result lines on stderr; progress only on a terminal; legacy fallback", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const r = await run(["image", "pull", "nginx", "--talosconfig", cfg, "-n", "10.5.0.2,10.5.0.3"]);
  assertEquals([r.code, r.stdout], [0, ""]);
  assertEquals(
    r.stderr.split("\n").sort(),
    [
      "",
      "10.5.0.2: pulled image docker.io/library/nginx:latest",
      "10.5.0.3: pulled image docker.io/library/nginx:latest",
    ],
  );
  assertEquals(
    netState(emu.nodes.get("10.5.0.2")!).images.cri.at(-1)!.name,
    "docker.io/library/nginx:latest",
  );

  netState(emu.nodes.get("10.5.0.3")!).legacyImages = true;
  const legacy = await run(["image", "pull", "busybox", "--talosconfig", cfg, "-n", "10.5.0.3"]);
  assertEquals([legacy.code, legacy.stdout, legacy.stderr], [0, "", ""]);
  assertEquals(emu.calls.at(-1)!.path, "/machine.MachineService/ImagePull");
  const fail = await run([
    "image",
    "pull",
    "invalid.example/x",
    "--talosconfig",
    cfg,
    "-n",
    "10.5.0.3",
  ]);
  assertEquals(
    fail.stderr,
    'error pulling image on node 10.5.0.3: rpc error: code = Unknown desc = failed to pull image "invalid.example/x": failed to resolve reference "invalid.example/x": not found\n',
  );
  // Progress as the node reports it, two layers, on a terminal.
  emu.handle(ImageService.method.pull, async function* (req) {
    for (const layerId of ["sha256:1f3e", "sha256:9a0b"]) {
      yield {
        response: {
          case: "pullProgress",
          value: { layerId, progress: { status: 0, offset: 512n, total: 1024n } },
        },
      };
      yield { response: { case: "pullProgress", value: { layerId, progress: { status: 3 } } } };
    }
    yield { response: { case: "name", value: req.imageRef } };
  });
  const tty = await run(
    ["image", "p", "ghcr.io/x/y:v1", "--talosconfig", cfg, "--namespace", "system"],
    { stderrIsTTY: true, env: { COLUMNS: "80" } },
  );
  assertEquals(tty.code, 0);
  const up = "\x1b[A\x1b[K";
  assertEquals(
    tty.stderr,
    [
      "◰ 10.5.0.2:\n  downloading layer 512 B/1.0 KiB (50.0%)\n",
      `${up}${up}◳ 10.5.0.2:\n  layer pull complete\n`,
      `${up}${up}◲ 10.5.0.2:\n  layer pull complete\n  downloading layer 512 B/1.0 KiB (50.0%)\n`,
      `${up}${up}${up}◱ 10.5.0.2:\n  layer pull complete\n  layer pull complete\n`,
      `${up}${up}${up}10.5.0.2: pulled image ghcr.io/x/y:v1\n`,
    ].join(""),
  );
});

Deno.test("image pull/remove: readers are denied; remove needs an admin; node down", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path, ["os:reader"]);
  await using _ = emu;
  const pull = await run(["image", "pull", "nginx", "--talosconfig", cfg]);
  assertEquals(
    [pull.code, pull.stderr],
    [1, "error from node 10.5.0.2: rpc error: code = PermissionDenied desc = not authorized\n"],
  );
  await Deno.mkdir(`${dir.path}/a`);
  const admin = await emu.talosconfig(`${dir.path}/a`, {
    roles: ["os:admin"],
    nodes: ["10.5.0.2"],
  });
  const rm = await run(["image", "rm", "registry.k8s.io/pause:3.10", "--talosconfig", admin]);
  assertEquals([rm.code, rm.stdout, rm.stderr], [0, "", ""]);
  assertEquals(netState(emu.nodes.get("10.5.0.2")!).images.cri.length, 1);
  emu.nodes.get("10.5.0.3")!.faults.down = true;
  const again = await run([
    "image",
    "remove",
    "registry.k8s.io/pause:3.10",
    "--talosconfig",
    admin,
    "-n",
    "10.5.0.2,10.5.0.3",
  ]);
  assertEquals(again.code, 1);
  assertEquals(
    again.stderr.split("\n").filter((l) => l).sort(),
    [
      'error from node 10.5.0.2: rpc error: code = NotFound desc = image "registry.k8s.io/pause:3.10": not found',
      'error from node 10.5.0.3: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 10.5.0.3:50000: connect: connection refused"',
    ],
  );
});
