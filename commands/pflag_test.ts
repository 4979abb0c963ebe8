// The cobra/pflag grammar on its own: flag forms, values, errors, and how commands are found.

import { assertEquals, assertThrows } from "../tests/assert.ts";
import { UsageError } from "../errors.ts";
import {
  commandFlags,
  findCommand,
  firstNonFlag,
  helpFlag,
  parseFlags,
  withInherited,
} from "./pflag.ts";
import type { CommandEntry, CommandSpec, FlagSpec } from "./spec.ts";

const flags: FlagSpec[] = [
  { name: "nodes", short: "n", kind: "strings", usage: "" },
  { name: "force", short: "f", kind: "bool", usage: "" },
  { name: "verbose", short: "v", kind: "bool", usage: "" },
  { name: "output", short: "o", kind: "string", usage: "" },
  { name: "tail", kind: "int", usage: "", bits: 32 },
  { name: "timeout", kind: "duration", usage: "" },
  { name: "patch", kind: "stringArray", usage: "" },
  { name: "no-color", kind: "bool", usage: "" },
  helpFlag("x"),
];

function parse(...argv: string[]) {
  const r = parseFlags(argv, flags);
  return { values: Object.fromEntries(r.values), args: r.args };
}

function parseError(...argv: string[]): string {
  const e = assertThrows(() => parseFlags(argv, flags));
  assertEquals(e instanceof UsageError, true);
  return e.message;
}

Deno.test("pflag: long flags with a separate or an attached value", () => {
  assertEquals(parse("--output", "x", "--tail=3", "a"), {
    values: { output: "x", tail: 3 },
    args: ["a"],
  });
  // A value may start with a dash or be empty: the next word is taken as is.
  assertEquals(parse("--output", "-n", "--output=").values, { output: "" });
  assertEquals(parse("--output", "--force").values, { output: "--force" });
  assertEquals(parse("--output=a=b").values, { output: "a=b" });
});

Deno.test("pflag: shorthands, grouped and with values", () => {
  assertEquals(parse("-o", "x").values, { output: "x" });
  assertEquals(parse("-ox").values, { output: "x" });
  assertEquals(parse("-o=x").values, { output: "x" });
  assertEquals(parse("-o=").values, { output: "=" }); // `=` needs something after it
  assertEquals(parse("-fv").values, { force: true, verbose: true });
  assertEquals(parse("-fvo", "y").values, { force: true, verbose: true, output: "y" });
  assertEquals(parse("-fvoy").values, { force: true, verbose: true, output: "y" });
  assertEquals(parse("-fo=y").values, { force: true, output: "y" });
  assertEquals(parse("-f=false").values, { force: false });
  assertEquals(parse("-fon", "z").values, { force: true, output: "n" });
  assertEquals(parse("-fon", "z").args, ["z"]);
});

Deno.test("pflag: booleans take a value only after `=`", () => {
  assertEquals(parse("--force", "false"), { values: { force: true }, args: ["false"] });
  assertEquals(parse("--force=false", "--verbose=1").values, { force: false, verbose: true });
  assertEquals(parse("--force=T", "--verbose=F").values, { force: true, verbose: false });
  // pflag has no --no-x negation: a flag named no-color is a plain boolean.
  assertEquals(parse("--no-color").values, { "no-color": true });
  assertEquals(parse("-h").values, { help: true });
  assertEquals(parse("--help=false").values, { help: false });
});

Deno.test("pflag: repeated flags: the last wins, slices append", () => {
  assertEquals(parse("-o", "a", "-o", "b").values, { output: "b" });
  assertEquals(parse("-n", "a,b", "--nodes", "c", "-n=d").values, { nodes: ["a", "b", "c", "d"] });
  assertEquals(parse("--nodes", "").values, { nodes: [] });
  assertEquals(parse("--patch", "a,b", "--patch", "c").values, { patch: ["a,b", "c"] });
  assertEquals(parse("--timeout", "1m30s").values, { timeout: 90_000 });
});

Deno.test("pflag: arguments are interspersed; `--` ends the flags; `-` is an argument", () => {
  assertEquals(parse("a", "-f", "b", "-", "", "--", "-v", "--x"), {
    values: { force: true },
    args: ["a", "b", "-", "", "-v", "--x"],
  });
  assertEquals(parse("--").args, []);
  // `go test` flags are let through unread, as pflag does.
  assertEquals(parse("-test.v", "-ftest.x"), { values: { force: true }, args: [] });
});

Deno.test("pflag: errors are worded as pflag's", () => {
  assertEquals(parseError("--bogus"), "unknown flag: --bogus");
  assertEquals(parseError("--bogus=1"), "unknown flag: --bogus");
  assertEquals(parseError("-z"), "unknown shorthand flag: 'z' in -z");
  assertEquals(parseError("-fz"), "unknown shorthand flag: 'z' in -z");
  assertEquals(parseError("-fzv"), "unknown shorthand flag: 'z' in -zv");
  assertEquals(parseError("-\u00e9"), "unknown shorthand flag: '\u00c3' in -\u00e9");
  assertEquals(parseError("--output"), "flag needs an argument: --output");
  assertEquals(parseError("-o"), "flag needs an argument: 'o' in -o");
  assertEquals(parseError("-fo"), "flag needs an argument: 'o' in -o");
  assertEquals(parseError("---x"), "bad flag syntax: ---x");
  assertEquals(parseError("--=x"), "bad flag syntax: --=x");
  assertEquals(
    parseError("--force=maybe"),
    'invalid argument "maybe" for "-f, --force" flag: strconv.ParseBool: parsing "maybe": invalid syntax',
  );
  assertEquals(
    parseError("--tail", "3000000000"),
    'invalid argument "3000000000" for "--tail" flag: strconv.ParseInt: parsing "3000000000": value out of range',
  );
  assertEquals(
    parseError("--timeout", "5"),
    'invalid argument "5" for "--timeout" flag: time: invalid duration "5"',
  );
  // The first error ends parsing, even before a --help further on.
  assertEquals(parseError("--bogus", "--help"), "unknown flag: --bogus");
});

// A small tree: root -> config (persistent --talosconfig) -> add / context (alias use-context),
// root -> version (-i/--insecure) and a hidden command.
const loaded: string[] = [];
function leaf(name: string, spec: CommandSpec): CommandEntry {
  return {
    name,
    short: name,
    load: () => {
      loaded.push(name);
      return Promise.resolve(spec);
    },
  };
}
const config: CommandSpec = {
  persistentFlags: [
    { name: "talosconfig", kind: "string", usage: "" },
    { name: "debug", short: "d", kind: "bool", usage: "" },
  ],
  subcommands: [
    leaf("add", { flags: [{ name: "ca", kind: "string", usage: "" }] }),
    { ...leaf("context", {}), aliases: ["use-context"] },
  ],
};
const root: CommandSpec = {
  subcommands: [
    leaf("config", config),
    leaf("version", { flags: [{ name: "insecure", short: "i", kind: "bool", usage: "" }] }),
    { ...leaf("secret", {}), hidden: true },
  ],
};

async function find(...argv: string[]) {
  loaded.length = 0;
  const f = await findCommand(argv, root, (e) => e.load());
  return {
    path: f.path.map((p) => p.entry.name).join(" "),
    args: f.args,
    inherited: f.inherited.map((x) => x.name),
    loaded: [...loaded],
  };
}

Deno.test("cobra Find: names anywhere among the flags, by name or alias", async () => {
  assertEquals(await find("config", "add", "x"), {
    path: "config add",
    args: ["x"],
    inherited: ["talosconfig", "debug"],
    loaded: ["config", "add"],
  });
  assertEquals(
    (await find("--talosconfig", "tc", "config", "use-context", "a")).path,
    "config context",
  );
  assertEquals((await find("--talosconfig", "tc", "config", "use-context", "a")).args, [
    "--talosconfig",
    "tc",
    "a",
  ]);
  // config knows --debug is a boolean, so `add` after it is a command name.
  assertEquals((await find("config", "--debug", "add")).path, "config add");
  assertEquals((await find("config", "-d", "add")).path, "config add");
  // At the root --debug is unknown, so it is assumed to take `config` as its value.
  assertEquals(await find("--debug", "config", "add"), {
    path: "",
    args: ["--debug", "config", "add"],
    inherited: [],
    loaded: [],
  });
  assertEquals((await find("--debug=1", "config", "add")).path, "config add");
  assertEquals((await find("-xyz", "config")).path, "config");
  assertEquals((await find("", "-", "version")).path, "version");
  assertEquals((await find("secret")).path, "secret");
  assertEquals((await find("--", "version")).path, "");
  // Unknown words stop the search; later names are arguments.
  assertEquals(await find("config", "nope", "add"), {
    path: "config",
    args: ["nope", "add"],
    inherited: [],
    loaded: ["config"],
  });
  // --help is not known while finding (cobra adds it to the command it runs only).
  assertEquals((await find("--help", "version")).path, "");
  assertEquals((await find("version", "--help")).path, "version");
});

Deno.test("cobra: flag sets merge persistent flags, the closest definition winning", () => {
  const a: FlagSpec = { name: "a", kind: "string", usage: "own" };
  const a2: FlagSpec = { name: "a", kind: "bool", usage: "inherited" };
  const b: FlagSpec = { name: "b", kind: "bool", usage: "" };
  assertEquals(withInherited([a], [a2, b]), [a, b]);
  assertEquals(commandFlags({ flags: [b], persistentFlags: [a] }, [a2]), [b, a]);
  assertEquals(firstNonFlag(["-o", "x", "--y", "z", "w"], flags), "w");
  assertEquals(firstNonFlag(["-f", "x"], flags), "x");
  assertEquals(firstNonFlag(["--", "x"], flags), undefined);
});
