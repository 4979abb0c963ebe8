// `list`, `read`, `usage` against the emulator over mutual TLS: one node, several nodes, a node
// down, a denied role, machined's walk rules.

import { assert_, assertEquals, assertStringIncludes } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import { FILES_EPOCH, putFile, simNode, startEmulator } from "./emulator/mod.ts";

const NOW = new Date("2024-06-01T12:00:00Z");
const enc = new TextEncoder();

async function setup(dir: string, roles = ["os:admin"], nodes = ["10.5.0.2"]) {
  const sim = [simNode("10.5.0.2", {}, NOW), simNode("10.5.0.3", { controlPlane: false }, NOW)];
  for (const n of sim) {
    putFile(n, "/opt/app/bin/tool", { type: "file", mode: 0o755, data: enc.encode("#!/bin/sh\n") });
    putFile(n, "/opt/app/data.bin", {
      type: "file",
      mode: 0o640,
      uid: 1000,
      gid: 50,
      data: { size: 3000 },
    });
    putFile(n, "/opt/app/current", { type: "symlink", target: "bin/tool" });
    putFile(n, "/opt/app/etc/app.conf", {
      type: "file",
      data: enc.encode("x=1\n"),
      xattrs: [{ name: "security.selinux", data: enc.encode("system_u:object_r:etc_t:s0\0") }],
    });
  }
  const emu = await startEmulator({ nodes: sim });
  const cfg = await emu.talosconfig(dir, {
    roles,
    nodes,
    notBefore: new Date("2024-01-01T00:00:00Z"),
  });
  return { emu, cfg };
}

// ls -l prints local time: build the expected text the same way, independently of the TZ.
function localStamp(d: Date): string {
  const mon = d.toLocaleString("en-US", { month: "short" });
  const p = (n: number) => String(n).padStart(2, "0");
  return `${mon} ${String(d.getDate()).padStart(2, " ")} ${p(d.getHours())}:${p(d.getMinutes())}:${
    p(d.getSeconds())
  }`;
}

Deno.test("list: names of one node as they come, depth 1 by default", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path, ["os:reader"]);
  await using _ = emu;
  const r = await run(["ls", "/opt/app", "--talosconfig", cfg], { now: NOW });
  assertEquals(r.code, 0, r.stderr);
  assertEquals(r.stdout, ".\nbin\ncurrent\ndata.bin\netc\n");
  const rec = await run(["list", "-r", "/opt", "--talosconfig", cfg], { now: NOW });
  assertEquals(
    rec.stdout,
    ".\napp\napp/bin\napp/bin/tool\napp/current\napp/data.bin\napp/etc\napp/etc/app.conf\n",
  );
  const d2 = await run(["ls", "-d", "2", "/opt", "--talosconfig", cfg], { now: NOW });
  assertEquals(d2.stdout, ".\napp\napp/bin\napp/current\napp/data.bin\napp/etc\n");
  // A type filter hides entries but, as machined's walker, still descends into them.
  const files = await run(["ls", "-t", "f", "-t", "l", "/opt", "--talosconfig", cfg], { now: NOW });
  assertEquals(files.stdout, "app/bin/tool\napp/current\napp/data.bin\napp/etc/app.conf\n");
  const dirs = await run(["ls", "--type=d", "-d", "2", "/opt", "--talosconfig", cfg], { now: NOW });
  assertEquals(dirs.stdout, ".\napp\napp/bin\napp/etc\n");
  // A file as the root lists its base name.
  const one = await run(["ls", "/opt/app/data.bin", "--talosconfig", cfg], { now: NOW });
  assertEquals(one.stdout, "data.bin\n");
  assertEquals(emu.calls.at(-1)!.roles, ["os:reader"]);
});

Deno.test("list -l: mode, owner, size, time, SELinux label and link target", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const r = await run(["ls", "-l", "-r", "/opt/app", "--talosconfig", cfg], { now: NOW });
  assertEquals(r.code, 0, r.stderr);
  const t = localStamp(FILES_EPOCH);
  const lines = [
    `NODE       MODE         UID    GID   SIZE(B)   LASTMOD           LABEL                        NAME`,
    `10.5.0.2   drwxr-xr-x   0      0     4096      ${t}                                .`,
    `10.5.0.2   drwxr-xr-x   0      0     4096      ${t}                                bin`,
    `10.5.0.2   -rwxr-xr-x   0      0     10        ${t}                                bin/tool`,
    `10.5.0.2   Lrwxrwxrwx   0      0     8         ${t}                                current -> bin/tool`,
    `10.5.0.2   -rw-r-----   1000   50    3000      ${t}                                data.bin`,
    `10.5.0.2   drwxr-xr-x   0      0     4096      ${t}                                etc`,
    `10.5.0.2   -rw-r--r--   0      0     4         ${t}   system_u:object_r:etc_t:s0   etc/app.conf`,
    "",
  ];
  assertEquals(r.stdout, lines.join("\n"));
  const h = await run(["ls", "-lH", "/opt/app/data.bin", "--talosconfig", cfg], { now: NOW });
  assertEquals(
    h.stdout,
    "NODE       MODE         UID    GID   SIZE(B)   LASTMOD       LABEL   NAME\n" +
      "10.5.0.2   -rw-r-----   1000   50    3.0 kB    1 month ago           data.bin\n",
  );
});

Deno.test("list: several nodes in a NODE/NAME table; a node down is reported after the rest", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path, ["os:operator"], ["10.5.0.2", "10.5.0.3"]);
  await using _ = emu;
  const r = await run(["ls", "/opt/app/bin", "--talosconfig", cfg], { now: NOW });
  assertEquals(r.code, 0, r.stderr);
  const [head, ...rows] = r.stdout.trimEnd().split("\n");
  assertEquals(head, "NODE       NAME");
  assertEquals(rows.sort(), [
    "10.5.0.2   .",
    "10.5.0.2   tool",
    "10.5.0.3   .",
    "10.5.0.3   tool",
  ]);
  emu.nodes.get("10.5.0.3")!.faults.down = true;
  const down = await run(["ls", "/opt/app/bin", "--talosconfig", cfg], { now: NOW });
  assertEquals(down.code, 1);
  assertEquals(down.stdout, "NODE       NAME\n10.5.0.2   .\n10.5.0.2   tool\n");
  assertEquals(
    down.stderr,
    'error from node 10.5.0.3: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 10.5.0.3:50000: connect: connection refused"\n',
  );
});

Deno.test("list: flag and path errors as talosctl words them; a role without read access is denied", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const both = await run(["ls", "-r", "-d", "3", "--talosconfig", cfg]);
  assertEquals(both.code, 1);
  // As talosctl's main: an error that mentions flags is followed by the usage.
  assert_(
    both.stderr.startsWith(
      "only one of flags --recurse and --depth can be specified at the same time\n\nUsage:\n" +
        "  talosctl list [path] [flags]\n",
    ),
  );
  const bad = await run(["ls", "-t", "fx", "--talosconfig", cfg]);
  assertEquals(bad.stderr, "invalid file type: x\n");
  assertEquals(emu.calls.length, 0);
  const missing = await run(["ls", "/nope", "--talosconfig", cfg]);
  assertEquals(missing.code, 1);
  assertEquals(
    missing.stderr,
    "error from node 10.5.0.2: rpc error: code = Unknown desc = lstat /nope: no such file or directory\n",
  );
  // An unreadable directory is listed, then reported as an error of that entry.
  putFile(emu.nodes.get("10.5.0.2")!, "/secret", { type: "dir", denied: "permission denied" });
  const denied = await run(["ls", "-r", "/secret", "--talosconfig", cfg]);
  assertEquals(denied.code, 1);
  assertEquals(denied.stdout, "");
  assertEquals(
    denied.stderr,
    "10.5.0.2: error reading file /secret: open /secret: permission denied\n",
  );
  const backupCfg = await emu.talosconfig(dir.path, {
    roles: ["os:etcd:backup"],
    nodes: ["10.5.0.2"],
  });
  const role = await run(["ls", "--talosconfig", backupCfg]);
  assertEquals(role.code, 1);
  assertEquals(
    role.stderr,
    "error from node 10.5.0.2: rpc error: code = PermissionDenied desc = not authorized\n",
  );
});

Deno.test("list, usage: in-band errors and failed nodes joined in the order they came", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path, ["os:admin"], ["10.5.0.2", "10.5.0.3"]);
  await using _ = emu;
  putFile(emu.nodes.get("10.5.0.2")!, "/secret", { type: "dir", denied: "permission denied" });
  // The node that is down fails at once; the other reports its error later.
  emu.nodes.get("10.5.0.2")!.faults.delayMs = 500;
  emu.nodes.get("10.5.0.3")!.faults.down = true;
  const down =
    'error from node 10.5.0.3: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 10.5.0.3:50000: connect: connection refused"';
  const ls = await run(["ls", "/secret", "--talosconfig", cfg], { now: NOW });
  assertEquals(ls.code, 1);
  assertEquals(
    ls.stderr,
    `${down}\n10.5.0.2: error reading file /secret: open /secret: permission denied\n`,
  );
  const du = await run(["du", "/nope", "--talosconfig", cfg]);
  assertEquals(du.code, 1);
  assertEquals(
    du.stderr,
    `${down}\nerror from node 10.5.0.2: lstat /nope: no such file or directory\n`,
  );
});

Deno.test("read: a file's bytes from one node; errors per talosctl", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const r = await run(["read", "/opt/app/data.bin", "--talosconfig", cfg]);
  assertEquals(r.code, 0, r.stderr);
  assertEquals(r.stdoutBytes.length, 3000);
  for (let i = 0; i < 3000; i++) {
    if (r.stdoutBytes[i] !== (((i & 1023) * 31 + 7) & 0xff)) throw new Error(`byte ${i} differs`);
  }
  // Through a symlink, by the alias.
  const link = await run(["cat", "/opt/app/current", "--talosconfig", cfg]);
  assertEquals(link.stdout, "#!/bin/sh\n");
  const dirErr = await run(["read", "/opt", "--talosconfig", cfg]);
  assertEquals(dirErr.code, 1);
  assertEquals(
    dirErr.stderr,
    "error reading: rpc error: code = Unknown desc = path must be a regular file\n",
  );
  const missing = await run(["read", "/nope", "--talosconfig", cfg]);
  assertEquals(
    missing.stderr,
    "error reading: rpc error: code = NotFound desc = stat /nope: no such file or directory\n",
  );
  const two = await run(["read", "/etc/hostname", "-n", "10.5.0.2,10.5.0.3", "--talosconfig", cfg]);
  assertEquals(two.code, 1);
  assert_(two.stderr.startsWith('command "read" requires exactly one node (got 2)\n\nUsage:\n'));
  const other = await run(["read", "/etc/hostname", "-n", "10.5.0.3", "--talosconfig", cfg]);
  assertEquals(other.stdout, "talos-10-5-0-3\n");
  emu.nodes.get("10.5.0.3")!.faults.down = true;
  const down = await run(["read", "/etc/hostname", "-n", "10.5.0.3", "--talosconfig", cfg]);
  assertEquals(down.code, 1);
  assertStringIncludes(down.stderr, "error reading: rpc error: code = Unavailable desc = ");
  const readerCfg = await emu.talosconfig(dir.path, { roles: ["os:reader"], nodes: ["10.5.0.2"] });
  const denied = await run(["read", "/etc/hostname", "--talosconfig", readerCfg]);
  assertEquals(denied.code, 1);
  assertEquals(denied.stdout, "");
  assertEquals(
    denied.stderr,
    "error reading: rpc error: code = PermissionDenied desc = not authorized\n",
  );
});

Deno.test("usage: folder totals after their content, -a, -H, -t, depth, several nodes", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path, ["os:reader"]);
  await using _ = emu;
  const top = await run(["usage", "/opt", "--talosconfig", cfg]);
  assertEquals(top.code, 0, top.stderr);
  // 4096 * 4 directories + 10 + 8 (link) + 3000 + 4.
  assertEquals(top.stdout, "SIZE    NAME\n19406   .\n");
  const all = await run(["du", "-a", "-d", "3", "/opt", "--talosconfig", cfg]);
  assertEquals(
    all.stdout,
    [
      "SIZE    NAME",
      "10      app/bin/tool",
      // machined sends a folder when the walk climbs back out of it: after the next sibling.
      "8       app/current",
      "4106    app/bin",
      "3000    app/data.bin",
      "4       app/etc/app.conf",
      "4100    app/etc",
      "15310   app",
      "19406   .",
      "",
    ].join("\n"),
  );
  // The largest depth plus one wraps around in int32 as in talosctl: no limit at all.
  const max = await run(["du", "-a", "-d", "2147483647", "/opt", "--talosconfig", cfg]);
  assertEquals(max.stderr, "");
  assertEquals(max.stdout, all.stdout);
  const big = await run(["du", "-a", "-H", "-d", "2", "-t", "4100", "/opt", "--talosconfig", cfg]);
  assertEquals(
    big.stdout,
    "SIZE     NAME\n4.1 kB   app/bin\n4.1 kB   app/etc\n15 kB    app\n19 kB    .\n",
  );
  const small = await run(["du", "-a", "-d", "3", "-t", "-10", "/opt", "--talosconfig", cfg]);
  assertEquals(
    small.stdout,
    "SIZE   NAME\n10     app/bin/tool\n8      app/current\n4      app/etc/app.conf\n",
  );
  const two = await run(["du", "-n", "10.5.0.2,10.5.0.3", "/opt/app/etc", "--talosconfig", cfg]);
  const [head, ...rows] = two.stdout.trimEnd().split("\n");
  assertEquals(head, "NODE       SIZE   NAME");
  assertEquals(rows.sort(), ["10.5.0.2   4100   .", "10.5.0.3   4100   ."]);
  const missing = await run(["du", "/nope", "--talosconfig", cfg]);
  assertEquals(missing.code, 1);
  assertEquals(missing.stdout, "");
  assertEquals(
    missing.stderr,
    "error from node 10.5.0.2: lstat /nope: no such file or directory\n",
  );
  emu.nodes.get("10.5.0.2")!.faults.down = true;
  const down = await run(["du", "--talosconfig", cfg]);
  assertEquals(down.code, 1);
  assert_(down.stderr.startsWith("error from node 10.5.0.2: rpc error: code = Unavailable"));
});
