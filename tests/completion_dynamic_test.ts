// Dynamic completion: `talosctl __complete` (cobra's protocol) answers with what only the node
// knows (paths for ls/read/cp/usage, service IDs, container IDs) from the emulator over mTLS, and
// the generated bash and fish scripts call it (a wrapper runs this checkout as `talosctl`).

import { assertEquals } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import { haveTool } from "./extern_tools.ts";
import { bashProbe, talosctlOnPath } from "./completion_shells.ts";
import { simNode, startEmulator } from "./emulator/mod.ts";

const END4 = "Completion ended with directive: ShellCompDirectiveNoFileComp\n";

Deno.test("__complete: node paths, services, containers, flags, subcommands, directives", async () => {
  await using dir = await tempDir();
  await using emu = await startEmulator({ nodes: [simNode("10.5.0.2"), simNode("10.5.0.3")] });
  const cfg = await emu.talosconfig(dir.path, { roles: ["os:admin"], nodes: ["10.5.0.2"] });
  const c = (...words: string[]) => run(["__complete", "--talosconfig", cfg, ...words]);
  const cases: [string[], string, string?][] = [
    [["ls", "/v"], "/var/\n:4\n"],
    [["ls", "/var/"], "/var/lib/\n/var/log/\n:4\n"],
    [["list", "-l", "/var/log/"], "/var/log/audit/\n/var/log/machined.log\n:4\n"],
    [["read", "/etc/h"], "/etc/hostname\n:4\n"],
    [["usage", "/var/log/"], "/var/log/audit/\n:4\n"],
    [["cp", "/etc/host"], "/etc/hostname\n:4\n"],
    [
      ["cp", "/etc/hostname", ""],
      ":0\n",
      "Completion ended with directive: ShellCompDirectiveDefault\n",
    ],
    [
      ["read", "/etc/hostname", ""],
      ":5\n",
      "Completion ended with directive: ShellCompDirectiveError, ShellCompDirectiveNoFileComp\n",
    ],
    [["service", ""], "apid\ncontainerd\ncri\netcd\nkubelet\nmachined\ntrustd\nudevd\n:4\n"],
    [["service", "etcd", ""], "start\nstop\nrestart\nstatus\n:4\n"],
    [["ls", "--context", ""], "test\n:4\n"],
    [["ls", "--lo"], "--long\tshow mode, owner, size, time and label\n:4\n"],
  ];
  for (const [words, stdout, stderr] of cases) {
    const r = await c(...words);
    assertEquals([r.code, r.stdout, r.stderr], [0, stdout, stderr ?? END4], words.join(" "));
  }
  // logs: services, system containers and the node's other logs (LogsContainers), merged
  emu.nodes.get("10.5.0.2")!.logs.set("dashboard", "");
  const logs = await c("logs", "");
  assertEquals(
    logs.stdout,
    "apid\ncontainerd\ncri\ndashboard\netcd\nkubelet\nmachined\ntrustd\nudevd\n:4\n",
  );
  // containers of every node: -k lists the Kubernetes ones (pods' sandboxes left out)
  const k = await c("-n", "10.5.0.2,10.5.0.3", "restart", "-k", "");
  assertEquals(
    k.stdout,
    [
      "kube-system/kube-proxy-10502:kube-proxy:5e1f0c3d2b7a",
      "kube-system/kube-apiserver-talos-10-5-0-2:kube-apiserver:9a8b7c6d5e4f",
      "kube-system/kube-proxy-10503:kube-proxy:5e1f0c3d2b7a",
      "kube-system/kube-apiserver-talos-10-5-0-3:kube-apiserver:9a8b7c6d5e4f",
      ":4",
      "",
    ].join("\n"),
  );
  // a node down: its error on stderr ("[Error] ..."), the other node's candidates kept
  emu.nodes.get("10.5.0.3")!.faults.down = true;
  const half = await c("-n", "10.5.0.2,10.5.0.3", "service", "");
  assertEquals(half.stdout, "apid\ncontainerd\ncri\netcd\nkubelet\nmachined\ntrustd\nudevd\n:4\n");
  assertEquals(
    half.stderr.startsWith("[Debug] [Error] error from node 10.5.0.3: "),
    true,
    half.stderr,
  );
  // subcommands with descriptions, or without (__completeNoDesc)
  const subs = await run(["__complete", "image", "cache-"]);
  assertEquals(
    subs.stdout.split("\n").map((l) => l.split("\t")[0]),
    ["cache-cert-gen", "cache-create", "cache-serve", ":4", ""],
  );
  const bare = await run(["__completeNoDesc", "image", "k"]);
  assertEquals(bare.stdout, "k8s-bundle\n:4\n");
  // no talosconfig: nothing to offer, the reason on stderr
  const none = await run(["__complete", "--talosconfig", `${dir.path}/missing`, "ls", "/"]);
  assertEquals(none.stdout, ":4\n");
  assertEquals(none.stderr.startsWith("[Debug] [Error] error creating client factory: "), true);
});

Deno.test("bash and fish scripts complete node paths and service IDs through __complete", async () => {
  await using tmp = await tempDir();
  const d = tmp.path;
  await using emu = await startEmulator({ nodes: [simNode("10.5.0.2")] });
  const cfg = await emu.talosconfig(d, { roles: ["os:admin"], nodes: ["10.5.0.2"] });
  const env = { PATH: await talosctlOnPath(d), TALOSCONFIG: cfg, HOME: d };
  const dec = new TextDecoder();
  if (await haveTool("bash")) {
    const script = await run(["completion", "bash"]);
    await Deno.writeTextFile(`${d}/c.bash`, script.stdout);
    const lines = [
      ["talosctl", "ls", "/var/lo"],
      ["talosctl", "read", "/var/log/"],
      ["talosctl", "service", "et"],
      ["talosctl", "service", "etcd", "st"],
      ["talosctl", "read", "/etc/hostname", ""],
    ];
    const out = await new Deno.Command("bash", {
      args: ["-c", `source ${d}/c.bash\n${lines.map(bashProbe).join("\n")}`],
      env,
    }).output();
    assertEquals(dec.decode(out.stderr), "");
    assertEquals(dec.decode(out.stdout).split("\n"), [
      "/var/log/",
      "/var/log/audit/ /var/log/machined.log",
      "etcd",
      "start stop status",
      "",
      "",
    ]);
  }
  if (await haveTool("fish")) {
    const script = await run(["completion", "fish"]);
    await Deno.writeTextFile(`${d}/c.fish`, script.stdout);
    const out = await new Deno.Command("fish", {
      args: [
        "-c",
        `source ${d}/c.fish; complete -C 'talosctl ls /var/'; complete -C 'talosctl logs tr'`,
      ],
      env,
    }).output();
    assertEquals(dec.decode(out.stdout), "/var/lib/\n/var/log/\ntrustd\n");
  }
});
