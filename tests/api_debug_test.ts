// `debug`: an image pulled or uploaded, then a container session over the bidirectional
// DebugService.ContainerRun stream, against the emulator over mutual TLS. The emulator's
// container echoes stdin, exits with N on a line `exit N`, with 0 when stdin ends.

import { assertEquals } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import {
  debugSessions,
  netState,
  pad,
  simNode,
  startEmulator,
  tarHeaderBlocks,
} from "./emulator/mod.ts";

/** The containerd instance a session asked for, without the message's type tag. */
function plain(spec: { containerd?: { driver: number; namespace: number } }) {
  return { driver: spec.containerd?.driver, namespace: spec.containerd?.namespace };
}

async function setup(dir: string, roles = ["os:admin"], nodes = ["10.5.0.2"]) {
  const emu = await startEmulator({ nodes: [simNode("10.5.0.2"), simNode("10.5.0.3")] });
  const cfg = await emu.talosconfig(dir, { roles, nodes });
  return { emu, cfg };
}

/** A docker-archive tarball whose manifest.json tags the image `tag`. */
function imageArchive(tag: string): Uint8Array {
  const manifest = new TextEncoder().encode(
    JSON.stringify([{ Config: "config.json", RepoTags: [tag], Layers: [] }]),
  );
  const parts = [
    ...tarHeaderBlocks({
      name: "manifest.json",
      type: "0",
      mode: 0o644,
      size: manifest.length,
      mtime: new Date("2024-05-01T10:00:00Z"),
    }),
    pad(manifest),
    new Uint8Array(1024),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) out.set(p, o), o += p.length;
  return out;
}

Deno.test("debug <ref>: pulls into inmem, echoes stdin, exits 0 when stdin ends", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const r = await run(["debug", "alpine", "--args", "/bin/sh,-l", "--talosconfig", cfg], {
    stdin: "uname -a\nid\nno newline",
  });
  assertEquals(r, {
    code: 0,
    stdout: "uname -a\nid\nno newline",
    stderr: "10.5.0.2: pulled image docker.io/library/alpine:latest\n",
    stdoutBytes: r.stdoutBytes,
  });
  const node = emu.nodes.get("10.5.0.2")!;
  assertEquals(debugSessions(node).map((s) => ({ ...s.spec, containerd: plain(s.spec) })), [{
    containerd: { driver: 0, namespace: 1 },
    imageName: "docker.io/library/alpine:latest",
    args: ["/bin/sh", "-l"],
    env: {},
    profile: 1,
    tty: false,
  }]);
  assertEquals(debugSessions(node)[0].exitCode, 0);
  assertEquals(
    emu.calls.filter((c) => c.path.startsWith("/machine.DebugService/")).map((c) => c.node),
    ["10.5.0.2"],
  );
});

Deno.test("debug: the container's exit code ends the session before stdin does", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const r = await run(["debug", "ghcr.io/acme/tools:1", "--talosconfig", cfg], {
    stdin: "ls /\nexit 3\nnever echoed\n",
  });
  assertEquals([r.code, r.stdout], [1, "ls /\n"]);
  assertEquals(
    r.stderr,
    "10.5.0.2: pulled image ghcr.io/acme/tools:1\ncontainer exited with code 3\n",
  );
  assertEquals(debugSessions(emu.nodes.get("10.5.0.2")!)[0].exitCode, 3);
});

Deno.test("debug <tar>: uploads the archive into --namespace system, then runs", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  await Deno.writeFile(`${dir.path}/tools.tar`, imageArchive("debug-tools:1.0"));
  const r = await run(
    ["debug", "tools.tar", "--namespace", "system", "--args", "/bin/bash", "--talosconfig", cfg],
    { cwd: dir.path, stdin: "echo hi\n" },
  );
  assertEquals([r.code, r.stdout], [0, "echo hi\n"]);
  assertEquals(
    r.stderr,
    "10.5.0.2: image imported docker.io/library/debug-tools:1.0 from tools.tar\n",
  );
  const node = emu.nodes.get("10.5.0.2")!;
  assertEquals(
    netState(node).images.system.some((i) => i.name === "docker.io/library/debug-tools:1.0"),
    true,
  );
  const s = debugSessions(node)[0];
  assertEquals([plain(s.spec), s.spec.imageName, s.spec.args], [
    { driver: 1, namespace: 1 },
    "docker.io/library/debug-tools:1.0",
    ["/bin/bash"],
  ]);
});

Deno.test("debug: a role that may pull but not debug is refused by the node", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path, ["os:operator"]);
  await using _ = emu;
  const r = await run(["debug", "alpine", "--talosconfig", cfg], { stdin: "x\n" });
  assertEquals([r.code, r.stdout], [1, ""]);
  assertEquals(
    r.stderr,
    "10.5.0.2: pulled image docker.io/library/alpine:latest\n" +
      "error: rpc error: code = PermissionDenied desc = not authorized\n",
  );
  assertEquals(debugSessions(emu.nodes.get("10.5.0.2")!), []);
  // A reader may not even pull.
  await using dir2 = await tempDir();
  const cfg2 = await emu.talosconfig(dir2.path, { roles: ["os:reader"], nodes: ["10.5.0.2"] });
  const ro = await run(["debug", "alpine", "--talosconfig", cfg2]);
  assertEquals([ro.code, ro.stdout, ro.stderr], [
    1,
    "",
    "failed to pull image: error from node 10.5.0.2: rpc error: code = PermissionDenied desc = not authorized\n",
  ]);
});

Deno.test("debug: a node that is down fails the pull or the upload, naming it", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  emu.nodes.get("10.5.0.3")!.faults.down = true;
  const down =
    'rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 10.5.0.3:50000: connect: connection refused"';
  const pull = await run(["debug", "alpine", "--talosconfig", cfg, "-n", "10.5.0.3"]);
  assertEquals([pull.code, pull.stdout, pull.stderr], [
    1,
    "",
    `failed to pull image: error from node 10.5.0.3: ${down}\n`,
  ]);
  await Deno.writeFile(`${dir.path}/tools.tar`, imageArchive("tools:2"));
  const up = await run(["debug", "tools.tar", "--talosconfig", cfg, "-n", "10.5.0.3"], {
    cwd: dir.path,
  });
  assertEquals([up.code, up.stdout, up.stderr], [
    1,
    "",
    `failed to import image: error closing send stream: ${down}\n`,
  ]);
});

Deno.test("debug: argument and flag errors before any call", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path, ["os:admin"], ["10.5.0.2", "10.5.0.3"]);
  await using _ = emu;
  // cobra follows an error that mentions a command with the usage.
  const two = await run(["debug", "alpine", "--talosconfig", cfg]);
  assertEquals(two.code, 1);
  assertEquals(
    two.stderr.split("\n").slice(0, 3),
    ['command "debug" requires exactly one node (got 2)', "", "Usage:"],
  );
  const cases: [string[], string][] = [
    [["debug", "-n", "10.5.0.2"], "an image tar path or reference is required\n"],
    [
      ["debug", "alpine", "-n", "10.5.0.2", "--namespace", "cri2"],
      'unsupported namespace "cri2"\n',
    ],
  ];
  for (const [argv, err] of cases) {
    const r = await run([...argv, "--talosconfig", cfg]);
    assertEquals([r.code, r.stdout, r.stderr], [1, "", err]);
  }
  assertEquals(emu.calls.length, 0);
});

Deno.test("debug: a terminal on stdin asks for a tty; the node answers with CRLF", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const r = await run(["debug", "alpine", "--talosconfig", cfg], {
    stdin: "pwd\n",
    stdinIsTTY: true,
  });
  assertEquals([r.code, r.stdout], [0, "pwd\r\n"]);
  assertEquals(debugSessions(emu.nodes.get("10.5.0.2")!)[0].spec.tty, true);
});
