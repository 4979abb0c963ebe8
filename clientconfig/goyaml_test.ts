import { assertEquals } from "../tests/assert.ts";
import { encodeGoYaml, goScalar, goSortKeys, resolvesToNonString } from "./goyaml.ts";

Deno.test("goScalar quotes exactly where Go's encoder does", () => {
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
  for (const [input, want] of cases) assertEquals(goScalar(input), want, JSON.stringify(input));
});

Deno.test("multi-line strings become literal blocks (keys and odd ones double-quoted)", () => {
  assertEquals(goScalar("a\nb\n", 4), "|\n    a\n    b\n");
  assertEquals(goScalar("a\nb", 4), "|-\n    a\n    b\n");
  assertEquals(goScalar("a\n\n", 4), "|+\n    a\n\n");
  assertEquals(goScalar("a\nb", 4, true), '"a\\nb"');
  assertEquals(goScalar("a \nb", 4), '"a \\nb"');
});

Deno.test("resolvesToNonString follows Go's resolver", () => {
  for (
    const s of ["", "0", "+5", "-0b101", "0o17", "1.5", "-.5e3", "2001-12-14t21:59:43.10-05:00"]
  ) {
    assertEquals(resolvesToNonString(s), true, s);
  }
  for (const s of ["abc", "0x", "1.2.3", "+", "-", ".", "0xZZ", "yes-no", "Null!"]) {
    assertEquals(resolvesToNonString(s), false, s);
  }
});

Deno.test("map keys sort in Go's natural order", () => {
  assertEquals(goSortKeys(["b-10", "b-2", "a", "B", "", "b-1", "b"]), [
    "",
    "B",
    "a",
    "b",
    "b-1",
    "b-2",
    "b-10",
  ]);
  assertEquals(goSortKeys(["x10", "x9", "x09", "xa"]), ["x9", "x09", "x10", "xa"]);
});

Deno.test("encodeGoYaml: 4-space indent, indented lists, empty collections", () => {
  const out = encodeGoYaml([
    ["a", "x"],
    ["list", ["1", "b"]],
    ["empty", []],
    ["none", null],
    ["m", { map: [["k", { map: [] }], ["multi", "l1\nl2\n"]] }],
  ]);
  assertEquals(
    out,
    'a: x\nlist:\n    - "1"\n    - b\nempty: []\nnone: null\nm:\n    k: {}\n    multi: |\n        l1\n        l2\n',
  );
  assertEquals(encodeGoYaml([]), "{}\n");
});
