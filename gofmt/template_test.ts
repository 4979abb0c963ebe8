import { assertEquals, assertThrows } from "../tests/assert.ts";
import { GoMap, GoTemplate } from "./template.ts";
import { goSprintf } from "./sprintf.ts";

class Num {
  readonly goType = "pkg.Num";
  constructor(readonly v: bigint) {}
  String(): string {
    return `n${this.v}`;
  }
  Twice(): Num {
    return new Num(this.v * 2n);
  }
  Plus(o: Num): Num {
    return new Num(this.v + o.v);
  }
}

const t = (src: string, data: unknown) => new GoTemplate("col", src).execute(data);

Deno.test("template: fields, pipelines, printf, methods with arguments", () => {
  const data = {
    A: "ab",
    N: new Num(3n),
    L: ["abc", "def"],
    M: new GoMap<Num>([["y", new Num(2n)], ["x", new Num(1n)]], () => new Num(0n)),
    P: null,
  };
  assertEquals(t('{{ .A | printf "%6s" }}|', data), "    ab|");
  assertEquals(t('{{ .N.Twice | printf "%-5s" }}|', data), "n6   |");
  assertEquals(t("{{ .N.Plus .N.Twice }}", data), "n9");
  assertEquals(t("{{ .M.x }} {{ .M.zz }}", data), "n1 n0");
  assertEquals(t('{{ .L | len | printf "%7d" }}', data), "      2");
  assertEquals(t('{{ .L | printf "%s" | printf "%.5s" }}', data), "[abc ");
  assertEquals(t('{{ .N | printf "%6s%%" }}', data), "    n3%");
  assertEquals(t("{{ if .P }}x{{ else }}-{{ end }}", data), "-");
  assertEquals(t("{{ if .P }}x{{ else if .A }}a{{ end }}", data), "a");
  assertEquals(t("{{ range $k, $v := .M }}{{ $k }}={{ $v }} {{ end }}", data), "x=n1 y=n2 ");
  assertEquals(t("{{ range .L }}<{{ . }}>{{ else }}none{{ end }}", data), "<abc><def>");
  assertEquals(t("{{ range .P }}x{{ else }}none{{ end }}", data), "none");
  assertEquals(t("a  {{- /* c */ -}}  b {{- 3 -}} c", data), "ab3c");
  assertEquals(t("{{ $x := .A }}{{ $x }}{{ with .N }}{{ .Twice }}{{ end }}", data), "abn6");
  assertEquals(t('{{ printf "%d-%v-%q" 7 1.5 "s" }}', data), '7-1.5-"s"');
  assertEquals(
    t('{{ eq .A "ab" }} {{ not .P }} {{ and 1 0 }} {{ or 0 2 }}', data),
    "true true 0 2",
  );
  assertThrows(
    () => t("{{ .Nope }}", data),
    'template: col:1:3: executing "col" at <.Nope>: can\'t evaluate field Nope in type struct',
  );
  assertThrows(() => t("{{ .A ", data), "unclosed action");
});

Deno.test("sprintf: Go's verbs, flags, slices and bad verbs", () => {
  assertEquals(
    goSprintf("%5.2f|%-4d|%04d|%x|%s", 3.14159, 7n, 42n, 255n, ["a", "b"]),
    " 3.14|7   |0042|ff|[a b]",
  );
  assertEquals(goSprintf("%6s", [new Num(1n), new Num(22n)]), "[    n1    n22]");
  assertEquals(goSprintf("%d", "x"), "%!d(string=x)");
  assertEquals(goSprintf("%s %s", "a"), "a %!s(MISSING)");
  assertEquals(goSprintf("%v %v %v", 1e21, 0.000001, null), "1e+21 1e-06 <nil>");
});
