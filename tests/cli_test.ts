// Command-tree behaviour shared by every command: cobra/pflag parsing, help, usage errors.

import { assertEquals, assertMatch, assertStringIncludes, assertThrows } from "./assert.ts";
import { readCsvRecord } from "../commands/flag_values.ts";
import { assertGolden, run, tempDir, transcript } from "./harness.ts";

Deno.test("root help lists the implemented commands in talosctl's groups", async () => {
  const r = await run([]);
  assertEquals(r.code, 0);
  await assertGolden("root-help.txt", transcript(r));
  const h = await run(["--help"]);
  assertEquals(h.stdout, r.stdout);
});

Deno.test("unknown command suggests close names and prints usage", async () => {
  const r = await run(["verison"]);
  assertEquals(r.code, 1);
  assertStringIncludes(
    r.stderr,
    'unknown command "verison" for "talosctl"\n\nDid you mean this?\n\tversion\n',
  );
  assertStringIncludes(r.stderr, "\nUsage:\n  talosctl [command]\n");
});

Deno.test("unknown flags and missing values use pflag's messages", async () => {
  let r = await run(["version", "--bogus"]);
  assertEquals([r.code, r.stderr.split("\n")[0]], [1, "unknown flag: --bogus"]);
  r = await run(["version", "-z"]);
  assertEquals(r.stderr.split("\n")[0], "unknown shorthand flag: 'z' in -z");
  r = await run(["version", "--client", "--nodes"]);
  assertEquals(r.stderr.split("\n")[0], "flag needs an argument: --nodes");
  r = await run(["version", "--client", "-n"]);
  assertEquals(r.stderr.split("\n")[0], "flag needs an argument: 'n' in -n");
  r = await run(["version", "--client=maybe"]);
  assertEquals(
    r.stderr.split("\n")[0],
    'invalid argument "maybe" for "--client" flag: strconv.ParseBool: parsing "maybe": invalid syntax',
  );
  assertStringIncludes(r.stderr, "\nUsage:\n  talosctl version [flags]\n");
});

Deno.test("bool flags accept --flag=false and --flag=true", async () => {
  const r = await run(["version", "--client=true", "--short=false"]);
  assertEquals(r.code, 0);
  assertMatch(r.stdout, /^Client:\n\tTag: +v\d/);
  const s = await run(["version", "--client", "--short=1"]);
  assertMatch(s.stdout, /^Client:\nTalos v\d+\.\d+\.\d+\n$/);
});

Deno.test("arguments to a command taking none are an unknown command", async () => {
  const r = await run(["version", "extra", "--client"]);
  assertEquals(r.code, 1);
  assertEquals(r.stderr.split("\n")[0], 'unknown command "extra" for "talosctl version"');
});

Deno.test("command help follows cobra's layout", async () => {
  const r = await run(["version", "--help"]);
  assertEquals(r.code, 0);
  await assertGolden("version-help.txt", transcript(r));
});

Deno.test("help [command] prints a command's help; an unknown topic gets the root usage", async () => {
  const viaHelp = await run(["help", "config", "add"]);
  const viaFlag = await run(["config", "add", "--help"]);
  assertEquals([viaHelp.code, viaHelp.stdout], [0, viaFlag.stdout]);
  assertStringIncludes(viaHelp.stdout, "Usage:\n  talosctl config add <context> [flags]\n");
  assertEquals((await run(["help"])).stdout, (await run([])).stdout);
  const alias = await run(["help", "config", "use-context"]);
  assertStringIncludes(alias.stdout, "Aliases:\n  context, use-context\n");
  const unknown = await run(["help", "nope"]);
  assertEquals([unknown.code, unknown.stdout], [0, ""]);
  assertMatch(unknown.stderr, /^Unknown help topic \[`nope`\]\nUsage:\n {2}talosctl \[command\]\n/);
});

Deno.test("--no-x flags are plain booleans, not commander negations", async () => {
  const r = await run(["completion", "zsh", "--no-descriptions"]);
  assertEquals(r.code, 0);
  assertStringIncludes(r.stdout, "print -rl -- 'add' 'context' 'contexts'");
});

Deno.test("completion and help are listed under Additional Commands", async () => {
  const r = await run([]);
  assertMatch(
    r.stdout,
    /\nAdditional Commands:\n {2}completion +\S.*\n {2}help +Help about any command\n/,
  );
  const c = await run(["completion"]);
  assertEquals(c.code, 0);
  assertStringIncludes(c.stdout, "Available Commands:\n  bash ");
});

Deno.test("string-slice flags split as Go's encoding/csv, like pflag", () => {
  const f = { name: "nodes", short: "n", kind: "strings" as const, usage: "" };
  assertEquals(readCsvRecord("a,b", f), ["a", "b"]);
  assertEquals(readCsvRecord('"a,b",c', f), ["a,b", "c"]);
  assertEquals(readCsvRecord('"say ""hi""",x', f), ['say "hi"', "x"]);
  assertEquals(readCsvRecord("a,,b,", f), ["a", "", "b", ""]);
  assertEquals(readCsvRecord("a\nb,c", f), ["a"]);
  assertEquals(readCsvRecord('"a\nb",c', f), ["a\nb", "c"]);
  assertThrows(
    () => readCsvRecord('a"b', f),
    'invalid argument "a\\"b" for "-n, --nodes" flag: parse error on line 1, column 2: bare " in non-quoted-field',
  );
  assertThrows(
    () => readCsvRecord('"ab', f),
    'parse error on line 1, column 4: extraneous or missing " in quoted-field',
  );
  assertThrows(
    () => readCsvRecord('"a"b', f),
    'parse error on line 1, column 4: extraneous or missing " in quoted-field',
  );
});

Deno.test("flags may come before the subcommand, as cobra finds commands", async () => {
  await using dir = await tempDir();
  const tc = `${dir.path}/tc`;
  let r = await run(["--talosconfig", tc, "config", "add", "a"]);
  assertEquals([r.code, r.stderr], [0, ""]);
  r = await run(["--talosconfig", tc, "config", "--context", "a", "endpoint", "10.0.0.1"]);
  assertEquals([r.code, r.stderr], [1, "no context is set\n"]);
  r = await run(["config", "--talosconfig", tc, "context", "a"]);
  assertEquals([r.code, r.stderr], [0, ""]);
  r = await run(["--talosconfig=" + tc, "config", "endpoint", "10.0.0.1"]);
  assertEquals(r.code, 0);
  r = await run(["-e", "10.9.9.9", "--talosconfig", tc, "config", "contexts"]);
  assertStringIncludes(r.stdout, "*         a      10.0.0.1");
  // A flag unknown at the root takes the next word as its value, so no command is found.
  r = await run(["-i", "version"]);
  assertEquals(r.stderr.split("\n")[0], "unknown shorthand flag: 'i' in -i");
});

Deno.test("help and errors come in cobra's order", async () => {
  // --help is unknown while the command is looked up, so it takes `version` as its value.
  const rootHelp = (await run([])).stdout;
  let r = await run(["--help", "version"]);
  assertEquals([r.code, r.stdout], [0, rootHelp]);
  // A flag error wins over --help; --help wins over argument checks.
  r = await run(["version", "--bogus", "--help"]);
  assertEquals([r.code, r.stderr.split("\n")[0]], [1, "unknown flag: --bogus"]);
  r = await run(["version", "extra", "-h"]);
  assertEquals([r.code, r.stdout], [0, (await run(["version", "--help"])).stdout]);
  r = await run(["version", "--help=false", "--client", "--short"]);
  assertEquals(r.code, 0);
  assertMatch(r.stdout, /^Client:\nTalos v/);
  // An unknown command at the root is reported before flags are read.
  r = await run(["bogus", "--bad"]);
  assertEquals(r.stderr.split("\n")[0], 'unknown command "bogus" for "talosctl"');
  // Below the root, a group command shows its help for unknown words.
  r = await run(["config", "bogus"]);
  assertEquals([r.code, r.stderr], [0, ""]);
  assertStringIncludes(r.stdout, "Usage:\n  talosctl config [command]\n");
});
