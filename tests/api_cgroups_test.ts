// `cgroups` against the emulator over mutual TLS: presets, a schema file of Go templates, name
// resolution (processes, block devices, CRI pods and containers), and the errors.

import { assert_, assertEquals } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import { simNode, startEmulator } from "./emulator/mod.ts";

async function setup(dir: string, roles = ["os:admin"]) {
  const emu = await startEmulator({
    nodes: [simNode("10.5.0.2"), simNode("10.5.0.3", { controlPlane: false })],
  });
  const cfg = await emu.talosconfig(dir, { roles, nodes: ["10.5.0.2"] });
  return { emu, cfg };
}

Deno.test("cgroups --preset memory: the tree with pods and containers named through CRI", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const r = await run(["cgroups", "--preset", "memory", "--talosconfig", cfg]);
  assertEquals(r.code, 0, r.stderr);
  assertEquals(r.stderr, "");
  assertEquals(
    r.stdout,
    [
      "NAME                                      MemCurrent   MemPeak    MemLow     Peak/Low   MemHigh    MemMin     Current/Min   MemMax",
      ".                                          1.8 GiB        unset      unset    unset%       unset      unset    unset%          unset",
      "├──init                                     80 MiB       96 MiB     96 MiB   100.00%         max     48 MiB   166.67%            max",
      "├──kubepods                                600 MiB      700 MiB        0 B      max%         max        0 B      max%            max",
      "│   └──besteffort                           23 MiB       30 MiB        0 B      max%         max        0 B      max%            max",
      "│       └──kube-system/kube-proxy-10502     23 MiB       30 MiB        0 B      max%         max        0 B      max%            max",
      "│           ├──kube-proxy                   22 MiB       29 MiB        0 B      max%         max        0 B      max%            max",
      "│           └──sandbox                     1.0 MiB      1.0 MiB        0 B      max%         max        0 B      max%            max",
      "├──podruntime                              250 MiB      300 MiB        0 B      max%         max        0 B      max%            max",
      "│   ├──etcd                                161 MiB      200 MiB    256 MiB    78.13%         max        0 B      max%            max",
      "│   └──kubelet                              98 MiB      120 MiB        0 B      max%         max        0 B      max%            max",
      "└──system                                  120 MiB      150 MiB        0 B      max%         max        0 B      max%            max",
      "    ├──apid                                 40 MiB       52 MiB        0 B      max%         max        0 B      max%        512 MiB",
      "    └──runtime                              57 MiB       70 MiB        0 B      max%         max        0 B      max%            max",
      "",
    ].join("\n"),
  );
  // What it asked: processes, the block device links, the cgroup tree, then CRI containers.
  assertEquals(
    emu.calls.map((c) => c.path.split("/").pop()),
    ["Processes", "Copy", "Copy", "Containers"],
  );
});

Deno.test("cgroups: cpu and io presets; process names; --skip-cri-resolve keeps IDs", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const cpu = await run(["cg", "--preset=cpu", "--talosconfig", cfg]);
  assertEquals(cpu.code, 0, cpu.stderr);
  const lines = cpu.stdout.split("\n");
  assertEquals(
    lines[0],
    "NAME                                      CpuWeight   CpuNice   CpuMax            CpuUser        User/%    CpuSystem      System/%   Throttled",
  );
  assertEquals(
    lines[1],
    ".                                          unset       unset                           2h30m0s   -                50m0s   -                    0s",
  );
  assertEquals(
    lines[6],
    "│           ├──kube-proxy                    100           0    [ 20000 100000]          960ms    96.00%      274.567ms   100.00%              0s",
  );
  const io = await run(["cgroups", "--preset", "io", "--talosconfig", cfg]);
  const ioLines = io.stdout.split("\n");
  // Devices by name (from /sys/dev/block), in name order.
  assert_(
    ioLines[1].startsWith(
      ".                                         loop0: 0 B/0 B sda: 700 MiB/2.0 GiB ",
    ),
  );
  assert_(ioLines[9].includes("sda: 20 MiB/1.0 GiB                    sda: 500/30000"));
  const proc = await run([
    "cgroups",
    "--preset",
    "process",
    "--skip-cri-resolve",
    "--talosconfig",
    cfg,
  ]);
  assertEquals(proc.code, 0, proc.stderr);
  const pl = proc.stdout.split("\n");
  assertEquals(
    pl[2].replace(/ +/g, " "),
    "├──init 2 3 max 1 2 [init]",
  );
  assert_(/^│ {7}└──pod[0-9a-f]{8}-[0-9a-f-]+ +0 /.test(pl[5]), pl[5]);
  assert_(/^│ {11}├──[0-9a-f]{64} +2 +3 +max +1 +2 +\[1500\]$/.test(pl[6]), pl[6]);
  assertEquals(
    pl[13].replace(/ +/g, " "),
    " └──runtime 4 6 max 2 4 [containerd udevd]",
  );
  // Only the two runs without --skip-cri-resolve asked for containers.
  assertEquals(emu.calls.filter((c) => c.path.endsWith("/Containers")).length, 2);
});

Deno.test("cgroups --schema-file: columns of your own Go templates", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  await Deno.writeTextFile(
    `${dir.path}/schema.yaml`,
    [
      "columns:",
      "  - name: Mem",
      "    template: '{{ .MemoryCurrent.HumanizeIBytes }}'",
      "  - name: Share",
      "    template: '{{ if .Parent }}{{ .MemoryCurrent.DivideBy .Parent.MemoryCurrent }}%{{ end }}'",
      "  - name: Procs",
      "    template: '{{ range .CgroupProcsResolved }}{{ . }};{{ else }}-{{ end }}'",
      "",
    ].join("\n"),
  );
  const r = await run(["cgroups", "--schema-file", "schema.yaml", "--talosconfig", cfg], {
    cwd: dir.path,
  });
  assertEquals(r.code, 0, r.stderr);
  const lines = r.stdout.split("\n");
  assertEquals(lines[0], "NAME                                      Mem       Share     Procs");
  assertEquals(lines[1], ".                                         1.8 GiB             -");
  assertEquals(lines[2], "├──init                                   80 MiB    4.44%     init;");
  assertEquals(
    lines[13],
    "    └──runtime                            57 MiB    47.50%    containerd;udevd;",
  );

  await Deno.writeTextFile(
    `${dir.path}/bad.yaml`,
    "columns:\n  - name: Bad\n    template: '{{ .Nope }}'\n",
  );
  const bad = await run(["cgroups", "--schema-file", "bad.yaml", "--talosconfig", cfg], {
    cwd: dir.path,
  });
  assertEquals(bad.code, 1);
  assertEquals(bad.stdout, "NAME   Bad\n");
  assertEquals(
    bad.stderr,
    'template: Bad:1:3: executing "Bad" at <.Nope>: can\'t evaluate field Nope in type struct { *cgroups.Node; Parent *cgroups.Node }\n',
  );
  await Deno.writeTextFile(
    `${dir.path}/broken.yaml`,
    "columns:\n  - name: X\n    template: '{{ .A '\n",
  );
  const broken = await run(["cgroups", "--schema-file", "broken.yaml", "--talosconfig", cfg], {
    cwd: dir.path,
  });
  assertEquals(broken.stderr, "error compiling schema: template: X:1: unclosed action\n");
  const missing = await run(["cgroups", "--schema-file", "nope.yaml", "--talosconfig", cfg], {
    cwd: dir.path,
  });
  assertEquals(
    missing.stderr,
    "error opening schema file: open nope.yaml: no such file or directory\n",
  );
});

Deno.test("cgroups: flag errors, one node only, a reader cannot copy the tree", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const none = await run(["cgroups", "--talosconfig", cfg]);
  assertEquals(none.code, 1);
  assertEquals(none.stderr, "either schema file or preset must be specified\n");
  const badPreset = await run(["cgroups", "--preset", "disk", "--talosconfig", cfg]);
  assertEquals(
    badPreset.stderr,
    "invalid preset name: disk (valid [cpu cpuset io memory process psi swap])\n",
  );
  const both = await run([
    "cgroups",
    "--preset",
    "cpu",
    "--schema-file",
    "x",
    "--talosconfig",
    cfg,
  ]);
  assert_(
    both.stderr.startsWith(
      "if any flags in the group [schema-file preset] are set none of the others can be; [preset schema-file] were all set\n\nUsage:",
    ),
  );
  // The flag group is checked before the nodes are counted.
  const bothTwo = await run([
    "cgroups",
    "--preset",
    "cpu",
    "--schema-file",
    "x",
    "-n",
    "10.5.0.2,10.5.0.3",
    "--talosconfig",
    cfg,
  ]);
  assert_(bothTwo.stderr.startsWith("if any flags in the group [schema-file preset] are set"));
  const two = await run([
    "cgroups",
    "--preset",
    "cpu",
    "-n",
    "10.5.0.2,10.5.0.3",
    "--talosconfig",
    cfg,
  ]);
  assert_(two.stderr.startsWith('command "cgroups" requires exactly one node (got 2)\n'));
  await Deno.mkdir(`${dir.path}/r`);
  const readerCfg = await emu.talosconfig(`${dir.path}/r`, {
    roles: ["os:reader"],
    nodes: ["10.5.0.2"],
  });
  const denied = await run(["cgroups", "--preset", "cpu", "--talosconfig", readerCfg]);
  assertEquals(denied.code, 1);
  assertEquals(denied.stdout, "");
  assertEquals(
    denied.stderr,
    "WARNING: error reading devices: rpc error: code = PermissionDenied desc = not authorized\n" +
      "error reading cgroups: rpc error: code = PermissionDenied desc = not authorized\n",
  );
  // No connection at all: the Copy calls never start.
  const refused = await run([
    "cgroups",
    "--preset",
    "cpu",
    "--talosconfig",
    cfg,
    "-e",
    "127.0.0.1:1",
  ]);
  const dial =
    'rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 127.0.0.1:1: connect: connection refused"';
  assertEquals(refused.code, 1);
  assertEquals(
    refused.stderr,
    `WARNING: error getting processes: ${dial}\nWARNING: error copying devices: ${dial}\n` +
      `error copying: ${dial}\n`,
  );
  emu.nodes.get("10.5.0.2")!.faults.down = true;
  const down = await run(["cgroups", "--preset", "cpu", "--talosconfig", cfg]);
  assertEquals(down.code, 1);
  assert_(
    down.stderr.startsWith("WARNING: error getting processes: rpc error: code = Unavailable"),
  );
  assert_(down.stderr.includes("\nerror reading cgroups: rpc error: code = Unavailable"));
});
