import { assertEquals } from "../tests/assert.ts";
import { emitDocument, mapping, nullNode, scalar, sequence, strings } from "./emit.ts";
import {
  analyzeChars,
  analyzeScalar,
  chooseStyle,
  doubleQuotedBody,
  type GoYamlFlavor,
} from "./scalar.ts";
import { codePoints } from "./emit.ts";

/** The document yaml.Marshal writes for map[string]string{"k": v}. */
const value = (v: string, flavor?: GoYamlFlavor) =>
  emitDocument(mapping([["k", scalar(v)]]), { flavor });
/** ... for map[string]string{k: "v"}. */
const key = (k: string, flavor?: GoYamlFlavor) =>
  emitDocument(mapping([[k, scalar("v")]]), { flavor });
/** ... for map[string][]string{"k": {v}}. */
const item = (v: string, flavor?: GoYamlFlavor) =>
  emitDocument(mapping([["k", strings([v])]]), { flavor });

Deno.test("scalars are quoted exactly where Go's encoder quotes them", () => {
  const cases: [string, string][] = [
    ["10.5.0.2", "10.5.0.2"],
    ["10.5.0.2:50000", "10.5.0.2:50000"],
    ["::1", "::1"],
    ["https://h:6443", "https://h:6443"],
    ["", '""'],
    ["true", '"true"'],
    ["False", '"False"'],
    ["yes", '"yes"'],
    ["off", '"off"'],
    ["~", '"~"'],
    ["null", '"null"'],
    ["10", '"10"'],
    ["-1", '"-1"'],
    ["0x1F", '"0x1F"'],
    ["0777", '"0777"'],
    ["089", '"089"'],
    ["1_000", '"1_000"'],
    ["1e3", '"1e3"'],
    [".5", '".5"'],
    [".inf", '".inf"'],
    ["1:20", '"1:20"'],
    ["2031-07-03", '"2031-07-03"'],
    ["2031-13-03", "2031-13-03"],
    ["1.2.3", "1.2.3"],
    ["a b", "a b"],
    [" lead", "' lead'"],
    ["trail ", "'trail '"],
    ["it's", "it's"],
    ["#x", "'#x'"],
    ["x #y", "'x #y'"],
    ["x#y", "x#y"],
    ["a: b", "'a: b'"],
    ["a:b", "a:b"],
    ["x:", "'x:'"],
    ["-", "'-'"],
    ["- x", "'- x'"],
    ["-x", "-x"],
    ["@x", "'@x'"],
    ["*x", "'*x'"],
    ["---", "'---'"],
    ["é", "é"],
    ["tab\there", '"tab\\there"'],
    ["bell\x07", '"bell\\a"'],
    ["😀", '"\\U0001F600"'],
    ['say "hi"', 'say "hi"'],
  ];
  for (const [input, want] of cases) {
    assertEquals(value(input), `k: ${want}\n`, JSON.stringify(input));
  }
});

Deno.test("multi-line strings become literal blocks (keys and odd ones double-quoted)", () => {
  assertEquals(value("a\nb\n"), "k: |\n    a\n    b\n");
  assertEquals(value("a\nb"), "k: |-\n    a\n    b\n");
  assertEquals(value("a\n\n"), "k: |+\n    a\n\n");
  assertEquals(chooseStyle("a\nb", { simpleKey: true }), "double");
  assertEquals(`"${doubleQuotedBody("a\nb")}"`, '"a\\nb"');
  assertEquals(value("a \nb"), 'k: "a \\nb"\n');
});

Deno.test("top level: 4-space indent, indented lists, empty collections", () => {
  const out = emitDocument(mapping([
    ["a", scalar("x")],
    ["list", strings(["1", "b"])],
    ["empty", sequence([])],
    ["none", nullNode()],
    ["m", mapping([["k", mapping([])], ["multi", scalar("l1\nl2\n")]])],
  ]));
  assertEquals(
    out,
    'a: x\nlist:\n    - "1"\n    - b\nempty: []\nnone: null\nm:\n    k: {}\n    multi: |\n        l1\n        l2\n',
  );
  assertEquals(emitDocument(mapping([])), "{}\n");
});

Deno.test("secrets-bundle strings are quoted as yaml/v4's Marshal does", () => {
  assertEquals(value("123456.1234567890123456", "v4"), 'k: "123456.1234567890123456"\n');
  assertEquals(value("", "v4"), 'k: ""\n');
  assertEquals(value("true", "v4"), 'k: "true"\n');
  assertEquals(value("******", "v4"), "k: '******'\n");
  assertEquals(value("abc+/==", "v4"), "k: abc+/==\n");
  assertEquals(value("-abc", "v4"), "k: -abc\n");
});

// Expected bytes below were produced by gopkg.in/yaml.v3 v3.0.1 and go.yaml.in/yaml/v4
// v4.0.0-rc.6 Marshal.
Deno.test("yaml.v3 and yaml/v4 differ on YAML 1.1 words, '<<' and odd multi-line strings", () => {
  const cases: [string, string, string][] = [
    ["yes", '"yes"', "'yes'"],
    ["Off", '"Off"', "'Off'"],
    ["y", '"y"', "'y'"],
    ["1:20", '"1:20"', "'1:20'"],
    ["-1:20", '"-1:20"', "'-1:20'"],
    ["<<", "<<", "'<<'"],
    ["\n", "|4+\n", '"\\n"'],
    ["\n\n", "|4+\n\n", '"\\n\\n"'],
    ["\na", "|4-\n    a\n", "|-\n\n    a\n"],
    ["\na\n", "|4\n    a\n", "|\n\n    a\n"],
  ];
  for (const [input, v3, v4] of cases) {
    const nl = (s: string) => s.endsWith("\n") ? s : s + "\n";
    assertEquals(value(input, "v3"), nl(`k: ${v3}`), `v3 ${JSON.stringify(input)}`);
    assertEquals(value(input, "v4"), nl(`k: ${v4}`), `v4 ${JSON.stringify(input)}`);
  }
  assertEquals(key("yes", "v4"), "'yes': v\n");
  assertEquals(item("yes", "v4"), "k:\n    - 'yes'\n");
  assertEquals(value(" \n", "v4"), 'k: " \\n"\n');
});

Deno.test("printable: NEL and characters beyond the BMP are escaped; a leading BOM escapes all", () => {
  assertEquals(value("\u0085"), 'k: "\\N"\n');
  assertEquals(value("😀x"), 'k: "\\U0001F600x"\n');
  assertEquals(value("😀\nb"), 'k: "\\U0001F600\\nb"\n');
  assertEquals(value("\x7f"), 'k: "\\x7F"\n');
  assertEquals(value("\ufffe"), 'k: "\\uFFFE"\n');
  assertEquals(value("\u00ad"), "k: \u00ad\n");
  assertEquals(value("x\u00a0y"), "k: x\u00a0y\n");
  assertEquals(value("\ufeffx"), 'k: "\\uFEFF\\x78"\n');
  assertEquals(value("\t"), 'k: "\\t"\n');
  assertEquals(value("a\rb"), 'k: "a\\rb"\n');
});

Deno.test("single-quoted scalars continue after LS/PS line breaks at the scalar's indent", () => {
  assertEquals(value("x\u2028y"), "k: 'x\u2028    y'\n");
  assertEquals(item("a\u2029b"), "k:\n    - 'a\u2029      b'\n");
  assertEquals(value("\u2028"), "k: '\u2028'\n");
});

Deno.test("long or multi-line keys are complex keys (? key / : value)", () => {
  const long = "a".repeat(129);
  assertEquals(key("a".repeat(128)), "a".repeat(128) + ": v\n");
  assertEquals(key(long), `? ${long}\n: v\n`);
  assertEquals(key("é".repeat(65)), `? ${"é".repeat(65)}\n: v\n`); // 130 bytes
  assertEquals(key("é".repeat(64)), `${"é".repeat(64)}: v\n`);
  assertEquals(key("a\nb"), "? |-\n    a\n    b\n: v\n");
  assertEquals(key("a\nb\n"), "? |\n    a\n    b\n: v\n");
  assertEquals(key("a \nb"), '? "a \\nb"\n: v\n');
  assertEquals(key("x\u2028y"), "? 'x\u2028    y'\n: v\n");
  assertEquals(key(""), '"": v\n');
  assertEquals(
    emitDocument(mapping([[long, mapping([["x", scalar("y")], ["z", strings(["1"])]])]])),
    `? ${long}\n:   x: "y"\n    z:\n        - "1"\n`,
  );
  assertEquals(
    emitDocument(mapping([["k", sequence([mapping([[long, scalar("v")], ["b", scalar("c")]])])]])),
    `k:\n    - ? ${long}\n      : v\n      b: c\n`,
  );
});

Deno.test("the quick scalar analysis agrees with the character walk", () => {
  const samples = [
    "-",
    "--",
    "---",
    "---a",
    "...",
    "..",
    ".",
    "-a",
    "a-",
    "a",
    "=",
    "+/=",
    "a.b_c",
  ];
  // Pseudo-random strings over the quick path's alphabet, with its edge characters first.
  const alphabet = "-._=+/aZ09";
  let x = 7;
  for (let n = 0; n < 500; n++) {
    let s = "";
    const len = 1 + (n % 6);
    while (s.length < len) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      s += alphabet[x % alphabet.length];
    }
    samples.push(s);
  }
  for (const s of samples) {
    for (const flavor of ["v2", "v3", "v4"] as const) {
      assertEquals(analyzeScalar(s, flavor), analyzeChars(s, flavor), `${flavor} ${s}`);
    }
  }
});

Deno.test("code points are counted as libyaml counts characters", () => {
  for (const s of ["", "abc", "é", "a\u{1F600}b", "\uD800x", "x\uDC00", "\uD83D\uDE00\uD83D"]) {
    assertEquals(codePoints(s), [...s].length, JSON.stringify(s));
  }
});
