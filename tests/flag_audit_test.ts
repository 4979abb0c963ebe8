// tools/flag_audit.ts: the Go parser on a small fixture (commands, aliases, flags added directly,
// through `flags :=` locals, helper functions, loops and hidden marks; defaults from literals,
// durations and constants), the comparison against a command tree, and our tree itself, loaded
// through loadCommand, for the flags upstream talosctl puts on every API command.

import { assertEquals } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import { simNode, startEmulator } from "./emulator/mod.ts";
import {
  compare,
  type ConstTable,
  evalExpr,
  loadOurs,
  type OurCommand,
  parseUpstream,
} from "../tools/flag_audit.ts";

const ROOT_GO = `package talos

import "github.com/spf13/cobra"

// addCommand puts a command under the root, with the global flags.
func addCommand(cmd *cobra.Command) {
	cmd.PersistentFlags().StringSliceVarP(&nodes, "nodes", "n", []string{}, "nodes")
	Commands = append(Commands, cmd)
}
`;

const TRACK_GO = `package talos

type trackFlags struct{ wait bool }

func (f *trackFlags) addTrack(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&f.wait, "wait", true, "wait")
	cmd.Flags().DurationVar(&f.timeout, "timeout", 30*time.Minute, "how long") // comment, "x"
}
`;

const THING_GO = `package talos

const defaultMode = "auto"

var thingCmd = &cobra.Command{
	Use:     "thing <id>",
	Aliases: []string{"th", "t"},
	Short:   "a thing, with a ` + "`quoted`" + ` word",
}

var thingSubCmd = &cobra.Command{
	Use:    "sub",
	Hidden: true,
}

func init() {
	flags := thingCmd.Flags()
	flags.StringVarP(&x.mode, "mode", "m", defaultMode, "mode")
	flags.IntVar(&x.count, "count", constants.DefaultCount, "count")
	thingCmd.PersistentFlags().StringArrayVar(&x.patch, "patch", nil, "patch")
	thingCmd.Flags().Var(x.progress, "progress", "progress")
	thingCmd.Flags().BoolP("old", "o", false, "old")
	thingCmd.Flags().MarkHidden("old")
	x.addTrack(thingCmd)
	/* thingCmd.Flags().BoolVar(&x.commented, "commented", false, "gone") */
	for _, c := range []*cobra.Command{thingSubCmd} {
		c.Flags().StringVar(&x.label, "label", constants.Label+"-x", "label")
	}
	thingCmd.AddCommand(thingSubCmd)
	addCommand(thingCmd)
}
`;

function fixture() {
  const consts: ConstTable = new Map([
    ["constants", new Map([["DefaultCount", "3"], ["Label", '"lbl"']])],
  ]);
  const up = parseUpstream([
    { path: "root.go", text: ROOT_GO },
    { path: "track.go", text: TRACK_GO },
    { path: "thing.go", text: THING_GO },
  ], consts);
  return { up, consts };
}

Deno.test("flag audit: parses commands, flags, helpers, loops and defaults from Go", () => {
  const { up } = fixture();
  assertEquals(up.roots, ["talos.thingCmd"]);
  const thing = up.commands.get("talos.thingCmd")!;
  assertEquals([thing.name, thing.use, thing.aliases, thing.hidden], [
    "thing",
    "thing <id>",
    ["th", "t"],
    false,
  ]);
  assertEquals(thing.children, ["talos.thingSubCmd"]);
  const flags = thing.flags.map((
    f,
  ) => [f.name, f.short, f.type, f.default, f.persistent, f.hidden]);
  assertEquals(flags.sort((a, b) => String(a[0]).localeCompare(String(b[0]))), [
    ["count", "", "int", 3, false, false],
    ["mode", "m", "string", "auto", false, false],
    ["nodes", "n", "stringSlice", [], true, false],
    ["old", "o", "bool", false, false, true],
    ["patch", "", "stringArray", [], true, false],
    ["progress", "", "custom", undefined, false, false],
    ["timeout", "", "duration", 1_800_000, false, false],
    ["wait", "", "bool", true, false, false],
  ]);
  const sub = up.commands.get("talos.thingSubCmd")!;
  assertEquals(sub.hidden, true);
  assertEquals(sub.flags.map((f) => [f.name, f.default]), [["label", "lbl-x"]]);
});

Deno.test("flag audit: evaluates Go default expressions it can, and only those", () => {
  const consts: ConstTable = new Map([["constants", new Map([["D", "5 * time.Second"]])]]);
  assertEquals(evalExpr("constants.D", "talos", consts), 5000);
  assertEquals(evalExpr("time.Duration(90) * time.Millisecond", "talos", consts), 90);
  assertEquals(evalExpr('[]string{"a", "b"}', "talos", consts), ["a", "b"]);
  assertEquals(evalExpr("`raw`", "talos", consts), "raw");
  assertEquals(evalExpr("helpers.DefaultImage()", "talos", consts), undefined);
  // Computed command names (inject serviceaccount) and IP defaults (debug-tool air-gapped).
  const names: ConstTable = new Map([["constants", new Map([["S", '"serviceaccount"']])]]);
  assertEquals(
    evalExpr('fmt.Sprintf("%s [--roles=x] -f <m>", constants.S)', "inject", names),
    "serviceaccount [--roles=x] -f <m>",
  );
  assertEquals(evalExpr('fmt.Sprintf("%[1]s-%[1]s", "a")', "x", names), "a-a");
  assertEquals(evalExpr("fmt.Sprintf(x, y)", "x", names), undefined);
  assertEquals(evalExpr("net.IPv4(10, 5, 0, 2)", "debug", names), "10.5.0.2");
  consts.set("gendata", new Map([["ArtifactsPath", '"_out"']]));
  consts.set("helpers", new Map([["ArtifactsPath", "gendata.ArtifactsPath"]]));
  consts.get("constants")!.set("Asset", '"key.pem"');
  assertEquals(evalExpr("helpers.ArtifactsPath", "gen", consts), "_out");
  assertEquals(evalExpr("helpers.ArtifactPath(constants.Asset)", "gen", consts), "_out/key.pem");
});

Deno.test("flag audit: reports missing commands, aliases, flags and mismatches", () => {
  const { up } = fixture();
  const flag = (name: string, kind: string, extra: Record<string, unknown> = {}) => ({
    name,
    short: "",
    kind,
    persistent: false,
    hidden: false,
    ...extra,
  });
  const thing: OurCommand = {
    path: "talosctl thing",
    aliases: ["th"],
    hidden: false,
    flags: [
      flag("nodes", "strings", { short: "n", persistent: true }),
      flag("mode", "string", { default: "auto" }), // shorthand -m missing
      flag("count", "int", { default: 4 }),
      flag("patch", "stringArray"), // local, upstream persistent
      flag("progress", "string", { default: "auto" }),
      flag("old", "bool", { short: "o", hidden: true }),
      flag("wait", "bool"), // default false, upstream true
      flag("timeout", "string"),
      flag("extra", "bool"),
    ],
    children: new Map(),
  };
  const ours: OurCommand = {
    path: "talosctl",
    aliases: [],
    hidden: false,
    flags: [],
    children: new Map([["thing", thing]]),
  };
  const { diffs } = compare(up, ours, () => false);
  assertEquals(diffs.map((d) => `${d.path} ${d.kind} ${d.detail}`), [
    "talosctl thing missing-alias t",
    "talosctl thing short --mode: upstream -m, ours -(none)",
    "talosctl thing default --count: upstream 3 (constants.DefaultCount), ours 4",
    "talosctl thing placement --patch: upstream persistent, ours local",
    "talosctl thing default --wait: upstream true (true), ours false",
    "talosctl thing type --timeout: upstream duration, ours string",
    'talosctl thing default --timeout: upstream 1800000 (30*time.Minute), ours ""',
    "talosctl thing extra-flag --extra",
    "talosctl thing sub missing-command sub",
  ]);
});

Deno.test("flag audit: our tree carries upstream's persistent API flags, and gen does not", async () => {
  const ours = await loadOurs();
  for (const path of [["apply-config"], ["get"], ["upgrade"], ["reboot"], ["etcd", "members"]]) {
    let cmd = ours;
    for (const p of path) cmd = cmd.children.get(p)!;
    const names = cmd.flags.filter((f) => f.persistent).map((f) => f.name).sort();
    assertEquals(
      names,
      ["cluster", "context", "endpoints", "nodes", "siderov1-keys-dir", "talosconfig"],
      path.join(" "),
    );
  }
  const gen = ours.children.get("gen")!.children.get("secrets")!;
  assertEquals(gen.flags.some((f) => f.name === "siderov1-keys-dir"), false);
});

Deno.test("--siderov1-keys-dir: accepted by API commands, no effect on an mTLS context", async () => {
  await using dir = await tempDir();
  await using emu = await startEmulator({ nodes: [simNode("10.5.0.2")] });
  const cfg = await emu.talosconfig(dir.path, { nodes: ["10.5.0.2"] });
  const plain = await run(["version", "--talosconfig", cfg]);
  const keys = `${dir.path}/no-such-keys`;
  const withFlag = await run(["version", "--talosconfig", cfg, "--siderov1-keys-dir", keys]);
  assertEquals(withFlag.code, 0);
  assertEquals([withFlag.stdout, withFlag.stderr], [plain.stdout, plain.stderr]);
  const svc = await run(["service", "--talosconfig", cfg, `--siderov1-keys-dir=${keys}`]);
  assertEquals([svc.code, svc.stderr], [0, ""]);
  assertEquals(svc.stdout.split("\n")[0].split(/\s+/).slice(0, 3), ["NODE", "SERVICE", "STATE"]);
  // persistent on the config tree as well, as upstream's addCommand puts it there
  const ctxs = await run(["config", "contexts", "--talosconfig", cfg, "--siderov1-keys-dir", keys]);
  assertEquals([ctxs.code, ctxs.stderr], [0, ""]);
  // not on the offline gen commands, like upstream
  const gen = await run([
    "gen",
    "secrets",
    "--siderov1-keys-dir",
    keys,
    "-o",
    `${dir.path}/s.yaml`,
  ]);
  assertEquals(gen.code, 1);
  assertEquals(gen.stderr.split("\n")[0], "unknown flag: --siderov1-keys-dir");
});
