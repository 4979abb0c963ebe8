import { assertEquals } from "../tests/assert.ts";
import { emitDocument, scalar, type YamlNode } from "./emit.ts";

const map = (...entries: [string, YamlNode][]): YamlNode => ({
  t: "map",
  entries: entries.map(([k, v]) => [scalar(k), v]),
});
const seq = (...items: YamlNode[]): YamlNode => ({ t: "seq", items });
const s = (v: string) => scalar(v);

Deno.test("emitter: scalar styles follow Go's choices", () => {
  const cases: [string, string][] = [
    ["plain", "plain"],
    ["", '""'],
    ["true", '"true"'],
    ["yes", '"yes"'],
    ["123", '"123"'],
    ["0x1F", '"0x1F"'],
    ["1.5", '"1.5"'],
    ["1e3", '"1e3"'],
    ["2024-01-02", '"2024-01-02"'],
    ["1:20", '"1:20"'],
    ["null", '"null"'],
    ["~", '"~"'],
    ["- a", "'- a'"],
    ["a: b", "'a: b'"],
    ["*star", "'*star'"],
    ["it's", "it's"],
    ["#x", "'#x'"],
    ["a #b", "'a #b'"],
    [" lead", "' lead'"],
    ["tab\there", '"tab\\there"'],
    ["v1.28.0", "v1.28.0"],
    ["10.244.0.0/16", "10.244.0.0/16"],
    ["https://base:6443", "https://base:6443"],
    ["key=value", "key=value"],
    ["\u00e9t\u00e9", "\u00e9t\u00e9"],
  ];
  for (const [input, want] of cases) {
    assertEquals(emitDocument(map(["k", s(input)])), `k: ${want}\n`, JSON.stringify(input));
  }
});

Deno.test("emitter: 4-space maps, lists under keys, item content 2 after the dash", () => {
  const doc = map(
    ["a", map(["b", s("c")], ["list", seq(s("x"), s("y"))])],
    ["items", seq(map(["name", s("nm")], ["sub", seq(map(["k", s("v")], ["w", s("z")]))]))],
    ["empty", map()],
    ["none", seq()],
  );
  assertEquals(
    emitDocument(doc),
    [
      "a:",
      "    b: c",
      "    list:",
      "        - x",
      '        - "y"', // yaml 1.1 boolean: quoted, as Go does
      "items:",
      "    - name: nm",
      "      sub:",
      "        - k: v",
      "          w: z",
      "empty: {}",
      "none: []",
      "",
    ].join("\n"),
  );
});

Deno.test("emitter: literal blocks with chomping indicators, in maps and lists", () => {
  const doc = map(
    ["clip", s("line1\nline2\n")],
    ["strip", s("no newline\nat end")],
    ["keep", s("two\n\n")],
    ["list", seq(s("-----BEGIN X-----\nabc\n"))],
    ["after", s("x")],
  );
  assertEquals(
    emitDocument(doc),
    [
      "clip: |",
      "    line1",
      "    line2",
      "strip: |-",
      "    no newline",
      "    at end",
      "keep: |+",
      "    two",
      "",
      "list:",
      "    - |",
      "      -----BEGIN X-----",
      "      abc",
      "after: x",
      "",
    ].join("\n"),
  );
});

Deno.test("emitter: nested sequences inside sequence items", () => {
  const doc = map(["r", seq(map(["p", seq(map(["s", map(["k", seq(s("a"))])]))]))]);
  assertEquals(
    emitDocument(doc),
    ["r:", "    - p:", "        - s:", "            k:", "                - a", ""].join("\n"),
  );
});

Deno.test("emitter: comments above keys and after values", () => {
  const key = { ...scalar("machine"), head: "The machine section." };
  const value = { ...scalar("worker"), line: "node role" };
  const doc: YamlNode = { t: "map", entries: [[key, map(["type", value])]] };
  assertEquals(
    emitDocument(doc),
    "# The machine section.\nmachine:\n    type: worker # node role\n",
  );
});
