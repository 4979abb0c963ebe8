// Dynamic completion beyond files and services: `get` resource types (with aliases once
// something is typed) and IDs, `--nodes` (cluster members), `netstat` pods, `cgroups --preset`,
// `get --output`, context names, `help` topics. `talosctl __complete` against the emulator over
// mTLS, then the bash, zsh and fish scripts driving it (a wrapper runs this checkout).

import { parse } from "yaml";
import { assertEquals } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import { haveTool } from "./extern_tools.ts";
import { bashProbe, talosctlOnPath } from "./completion_shells.ts";
import {
  listResources,
  putSpec,
  registerNamespace,
  registerType,
  simNode,
  startEmulator,
  type TypeDecl,
} from "./emulator/mod.ts";

const RD = "ResourceDefinitions.meta.cosi.dev";
const MEMBER = "Members.cluster.talos.dev";
const END = (d: string) => `Completion ended with directive: ${d}\n`;
const NOFILE = END("ShellCompDirectiveNoFileComp");
const ERR = END("ShellCompDirectiveError");
const ERR_NOFILE = END("ShellCompDirectiveError, ShellCompDirectiveNoFileComp");

const WIDGET: TypeDecl = {
  type: "Widgets.example.dev",
  displayType: "Widget",
  defaultNamespace: "ex",
  aliases: ["wg"],
};

/** Two nodes; 10.5.0.2 (the endpoint's own node) also has widgets and a member without name. */
async function cluster() {
  const emu = await startEmulator({ nodes: [simNode("10.5.0.2"), simNode("10.5.0.3")] });
  const n2 = emu.nodes.get("10.5.0.2")!;
  registerNamespace(n2, "ex", "Widgets.");
  registerNamespace(n2, "other", "More widgets.");
  registerType(n2, WIDGET);
  for (const [ns, id] of [["ex", "w2"], ["ex", "w1"], ["other", "w3"]]) {
    putSpec(n2, ns, WIDGET.type, id, { size: 1 });
  }
  putSpec(n2, "cluster", MEMBER, "zz-unnamed", { addresses: ["fd00::5", "10.5.0.9"] });
  return emu;
}

Deno.test("__complete: get types and IDs, --nodes, netstat pods, presets, outputs, contexts", async () => {
  await using dir = await tempDir();
  await using emu = await cluster();
  const cfg = await emu.talosconfig(dir.path, { roles: ["os:admin"], nodes: ["10.5.0.2"] });
  const c = (...words: string[]) => run(["__complete", "--talosconfig", cfg, ...words]);
  const check = async (words: string[], stdout: string, stderr = NOFILE) => {
    const r = await c(...words);
    assertEquals([r.code, r.stdout, r.stderr], [0, stdout, stderr], words.join(" "));
  };

  // resource types: the definitions of the first node in ID order; once something is typed,
  // each definition's aliases come before its ID
  const defs = listResources(emu.nodes.get("10.5.0.2")!, "meta", RD);
  assertEquals(defs.some((d) => d.id === "widgets.example.dev"), true);
  await check(["get", ""], defs.map((d) => `${d.id}\n`).join("") + ":4\n");
  const withAliases = defs.flatMap((d) => [...(parse(d.spec).aliases ?? []), d.id]);
  await check(["get", "w"], withAliases.map((a) => `${a}\n`).join("") + ":4\n");
  const typed = await c("g", "wi");
  assertEquals(typed.stdout.includes("\nwg\nwidget\nwidgets.example.dev\n"), true, typed.stdout);

  // resource IDs: the type by ID or alias (any case), in its default namespace or --namespace
  await check(["get", "widget", ""], "w1\nw2\n:4\n");
  await check(["get", "WG", "--namespace", "other", ""], "w3\n:4\n");
  await check(["get", "--namespace=other", "widgets.example.dev", "w"], "w3\n:4\n");
  await check(["get", "members", ""], "talos-10-5-0-2\ntalos-10-5-0-3\nzz-unnamed\n:4\n");
  await check(["get", "widget", "w1", ""], ":5\n", ERR_NOFILE);
  await check(
    ["get", "nosuch", ""],
    ":1\n",
    '[Debug] [Error] error resolving resource kind: rpc error: code = NotFound desc = resource "nosuch" is not registered' +
      ERR,
  );
  // the first node decides: 10.5.0.3 has no widgets
  const other = await c("-n", "10.5.0.3,10.5.0.2", "get", "widget", "");
  assertEquals([other.stdout, other.stderr.includes('resource "widget" is not registered')], [
    ":1\n",
    true,
  ]);

  // --nodes: hostnames and addresses of the members the endpoint knows (no node metadata, so
  // it works with a context without nodes, and the nodes given are not asked)
  const members = "talos-10-5-0-2\n10.5.0.2\ntalos-10-5-0-3\n10.5.0.3\nfd00::5\n10.5.0.9\n:4\n";
  await check(["get", "-n", ""], members);
  await check(["logs", "--nodes=talos"], members);
  await using bare = await tempDir();
  const noNodes = await emu.talosconfig(bare.path, { roles: ["os:reader"] });
  emu.nodes.get("10.5.0.3")!.faults.down = true;
  const calls = emu.calls.length;
  const r = await run([
    "__complete",
    "--talosconfig",
    noNodes,
    "-n",
    "10.5.0.3",
    "version",
    "-n",
    "",
  ]);
  assertEquals([r.stdout, r.stderr], [members, NOFILE]);
  assertEquals(emu.calls.slice(calls).map((x) => [x.path, x.node]), [
    ["/cosi.resource.State/List", "10.5.0.2"],
  ]);
  // ... while `get` needs a node to read the definitions from
  const none = await run(["__complete", "--talosconfig", noNodes, "get", ""]);
  assertEquals(none.stdout, ":1\n");
  assertEquals(
    none.stderr,
    "[Debug] [Error] error creating client factory: nodes are not set for the command: please use `--nodes` flag or configuration file to set the nodes to run the command against" +
      ERR,
  );
  const lost = await run(["__complete", "--talosconfig", `${bare.path}/missing`, "get", "-n", ""]);
  assertEquals(lost.stdout, ":1\n");
  assertEquals(
    lost.stderr.startsWith("[Debug] [Error] error building client: "),
    true,
    lost.stderr,
  );

  // netstat: pods with their own network namespace; any node failing leaves none (as talosctl)
  await check(
    ["netstat", ""],
    "kube-system/kube-proxy-10502\nkube-system/kube-apiserver-talos-10-5-0-2\n:4\n",
  );
  await check(["netstat", "kube-system/kube-proxy-10502", ""], ":5\n", ERR_NOFILE);
  const half = await c("-n", "10.5.0.2,10.5.0.3", "ss", "");
  assertEquals(half.stdout, ":5\n");
  assertEquals(
    half.stderr.startsWith(
      "[Debug] [Error] error getting pod network namespaces: error getting containers from node 10.5.0.3: ",
    ),
    true,
    half.stderr,
  );

  // static lists: presets and output modes, as values (no "--flag=" prefix, as cobra)
  await check(["cgroups", "--preset", ""], "cpu\ncpuset\nio\nmemory\nprocess\npsi\nswap\n:4\n");
  await check(["cg", "--preset=m"], "cpu\ncpuset\nio\nmemory\nprocess\npsi\nswap\n:4\n");
  await check(["get", "-o", ""], "json\ntable\nyaml\njsonpath\n:4\n");
  await check(["get", "rd", "--output=y"], "json\ntable\nyaml\njsonpath\n:4\n");
  // a flag without a completion function leaves file names to the shell
  await check(
    ["get", "--namespace", ""],
    ":0\n",
    "Completion ended with directive: ShellCompDirectiveDefault\n",
  );

  // context names: --context, `config context`, `config remove` (any argument count)
  await check(["get", "--context", ""], "test\n:4\n");
  await check(["config", "use-context", ""], "test\n:4\n");
  await check(["config", "remove", "x", ""], "test\n:4\n");

  // `help`: the subcommands of the command named so far, as cobra's help command offers them
  const help = async (argv: string[], stdout: string) => {
    const r = await run(argv);
    assertEquals([r.code, r.stdout, r.stderr], [0, stdout, NOFILE], argv.join(" "));
  };
  await help(
    ["__complete", "help", "config", "ad"],
    "add\tAdd a context (replacing any context of the same name)\n:4\n",
  );
  await help(["__completeNoDesc", "help", "config", "extra", "co"], "context\ncontexts\n:4\n");
  await help(["__complete", "help", "version", ""], ":4\n");
  await help(["__complete", "help", "bogus", ""], ":4\n");
  await Deno.writeTextFile(`${dir.path}/broken`, "contexts: [\n");
  const broken = await run([
    "__complete",
    "--talosconfig",
    `${dir.path}/broken`,
    "ls",
    "--context=",
  ]);
  assertEquals(broken.stdout, ":1\n");
  assertEquals(broken.stderr.startsWith("[Debug] [Error] error reading config: "), true);
});

Deno.test("bash, zsh and fish complete resource types, IDs, --nodes and presets via __complete", async () => {
  await using tmp = await tempDir();
  const d = tmp.path;
  await using emu = await cluster();
  const cfg = await emu.talosconfig(d, { roles: ["os:admin"], nodes: ["10.5.0.2"] });
  const env = { PATH: await talosctlOnPath(d), TALOSCONFIG: cfg, HOME: d };
  const dec = new TextDecoder();
  const shell = async (cmd: string, script: string) => {
    const out = await new Deno.Command(cmd, { args: ["-c", script], env }).output();
    return { stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
  };
  const nodes = "talos-10-5-0-2 10.5.0.2 talos-10-5-0-3 10.5.0.3 fd00::5 10.5.0.9";

  if (await haveTool("bash")) {
    await Deno.writeTextFile(`${d}/c.bash`, (await run(["completion", "bash"])).stdout);
    const lines = [
      ["talosctl", "get", "wid"],
      ["talosctl", "get", "widget", ""],
      ["talosctl", "get", "-n", ""],
      ["talosctl", "get", "--nodes=talos-10-5-0-"],
      ["talosctl", "cgroups", "--preset", "p"],
      ["talosctl", "get", "members", "-o", "j"],
      ["talosctl", "netstat", "kube-system/kube-p"],
      ["talosctl", "get", "widget", "w1", ""],
      ["talosctl", "help", "config", "co"],
    ];
    const r = await shell("bash", `source ${d}/c.bash\n${lines.map(bashProbe).join("\n")}`);
    assertEquals(r.stderr, "");
    assertEquals(r.stdout.split("\n"), [
      "widget widgets.example.dev",
      "w1 w2",
      nodes,
      "talos-10-5-0-2 talos-10-5-0-3",
      "process psi",
      "json jsonpath",
      "kube-system/kube-proxy-10502",
      "",
      "context contexts",
      "",
    ]);
  }

  if (await haveTool("zsh")) {
    // compsys is not running: its builtins and helpers are stood in for by functions that print
    // what they were given, and `words`/`CURRENT` are set as the completion system would
    await Deno.writeTextFile(`${d}/c.zsh`, (await run(["completion", "zsh"])).stdout);
    const shims = `
compadd() {
  local arr=0
  while (($#)); do
    case $1 in
      -a) arr=1; shift ;;
      -S|-P|-J|-X) shift 2 ;;
      --) shift; break ;;
      -*) shift ;;
      *) break ;;
    esac
  done
  if ((arr)); then local n; for n in "$@"; do print -rn -- "\${(@P)n} "; done
  else (($#)) && print -rn -- "$* "; fi
}
compset() { return 0 }
_files() { print -rn -- "<files> " }
_describe() { : }
compdef() { : }
probe() { words=("$@"); CURRENT=$#; _talosctl; print }
source ${d}/c.zsh
`;
    const lines = [
      ["talosctl", "get", "wi"],
      ["talosctl", "get", "widget", ""],
      ["talosctl", "get", "-n", ""],
      ["talosctl", "get", "--nodes=ta"],
      ["talosctl", "cgroups", "--preset", ""],
      ["talosctl", "get", "widget", "w1", ""],
      ["talosctl", "get", "--namespace", ""],
    ];
    const r = await shell(
      "zsh",
      shims + lines.map((w) => `probe ${w.map((x) => `'${x}'`).join(" ")}`).join("\n"),
    );
    assertEquals(r.stderr, "");
    // zsh filters by prefix itself: the candidates are all that __complete answered
    const types = listResources(emu.nodes.get("10.5.0.2")!, "meta", RD)
      .flatMap((r) => [...(parse(r.spec).aliases ?? []), r.id]).join(" ");
    assertEquals(r.stdout.split("\n"), [
      `${types} `,
      "w1 w2 ",
      `${nodes} `,
      `${nodes} `,
      "cpu cpuset io memory process psi swap ",
      "",
      "<files> ",
      "",
    ]);
  }

  if (await haveTool("fish")) {
    await Deno.writeTextFile(
      `${d}/c.fish`,
      (await run(["completion", "fish", "--no-descriptions"])).stdout,
    );
    const r = await shell(
      "fish",
      `source ${d}/c.fish; complete -C 'talosctl get --nodes=talos'; ` +
        `complete -C 'talosctl get widget '; complete -C 'talosctl cgroups --preset ps'`,
    );
    assertEquals(
      r.stdout,
      "--nodes=talos-10-5-0-2\n--nodes=talos-10-5-0-3\nw1\nw2\npsi\n",
    );
  }
});
