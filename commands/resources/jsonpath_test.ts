import { assertEquals, assertThrows } from "../../tests/assert.ts";
import { INVALID, JSONPath } from "./jsonpath.ts";
import type { GoValue } from "../../gofmt/json.ts";

const data: GoValue = {
  kind: "List",
  items: [
    { name: "eth0", mtu: 1500n, up: true, addrs: ["10.5.0.2/24"], tags: { role: "main" } },
    { name: "lo", mtu: 65536n, up: false, addrs: ["127.0.0.1/8", "::1/128"] },
    { name: "eth1", mtu: 9000n, up: true, addrs: [], weight: 0.5 },
  ],
  meta: { "talos.dev/yaml-spec": 1n, "a.b": "dotted" },
  empty: [],
  nothing: null,
};

const exec = (t: string, allowMissing = false) =>
  new JSONPath(t).allowMissingKeys(allowMissing).execute(data);

Deno.test("jsonpath: fields, text and scalars print as Go prints them", () => {
  assertEquals(exec("{.kind}"), "List");
  assertEquals(exec("kind={.kind}!"), "kind=List!");
  assertEquals(exec("{.items[0].mtu} {.items[0].up} {.items[2].weight}"), "1500 true 0.5");
  assertEquals(exec("{$.kind}{@.kind}"), "ListList");
  assertEquals(exec('{.kind}{"\\t"}{.kind}'), "List\tList");
  assertEquals(exec("{.nothing}"), "null");
  // Maps and lists are compact JSON with sorted keys.
  assertEquals(exec("{.items[0].tags}"), '{"role":"main"}');
  assertEquals(exec("{.items[1].addrs}"), '["127.0.0.1/8","::1/128"]');
  // Escaped dots reach keys that contain them.
  assertEquals(exec("{.meta.a\\.b}"), "dotted");
  assertEquals(exec("{.meta['talos.dev/yaml-spec']}", true), "");
  assertEquals(exec("{.meta.talos\\.dev/yaml-spec}"), "1");
});

Deno.test("jsonpath: missing keys are an error unless allowed", () => {
  assertThrows(() => exec("{.nope}"), "nope is not found");
  assertEquals(exec("{.nope}", true), "");
  assertEquals(exec("{.items[*].weight}", true), "0.5");
});

Deno.test("jsonpath: slices, wildcards, unions, recursion", () => {
  assertEquals(exec("{.items[*].name}"), "eth0 lo eth1");
  assertEquals(exec("{.items[-1].name}"), "eth1");
  assertEquals(exec("{.items[0:2].name}"), "eth0 lo");
  assertEquals(exec("{.items[::2].name}"), "eth0 eth1");
  assertEquals(exec("{.items[1:].name}"), "lo eth1");
  assertEquals(exec("{.items[0,2].name}"), "eth0 eth1");
  assertEquals(exec("{.items[0]['name','mtu']}"), "eth0 1500");
  assertEquals(exec("{.items[1]..addrs[*]}"), "127.0.0.1/8 ::1/128");
  assertEquals(exec("{.empty[0:0]}"), "");
  assertThrows(() => exec("{.items[5]}"), "array index out of bounds: index 5, length 3");
  assertThrows(
    () => exec("{.items[2:1]}"),
    "starting index 2 is greater than ending index 1",
  );
  assertThrows(() => exec("{.items[::0]}"), "step must be > 0");
  assertThrows(() => exec("{.kind[0]}"), "string is not array or slice");
});

Deno.test("jsonpath: filters compare like Go templates", () => {
  assertEquals(exec('{.items[?(@.name=="lo")].mtu}'), "65536");
  assertEquals(exec("{.items[?(@.mtu > 1500)].name}"), "lo eth1");
  assertEquals(exec("{.items[?(@.mtu<=1500)].name}"), "eth0");
  assertEquals(exec("{.items[?(@.up==true)].name}"), "eth0 eth1");
  assertEquals(exec("{.items[?(@.weight)].name}"), "eth1");
  assertEquals(exec('{.items[?(@.name!="lo")].name}'), "eth0 eth1");
  assertThrows(() => exec('{.items[?(@.mtu=="1500")].name}'), "incompatible types");
  assertThrows(
    () => exec("{.kind[?(@.x)]}"),
    "List is not array or slice and cannot be filtered",
  );
});

Deno.test("jsonpath: range loops give one result group per element", () => {
  assertEquals(
    exec('{range .items[*]}{.name}={.mtu}{"\\n"}{end}'),
    "eth0=1500\nlo=65536\neth1=9000\n",
  );
  assertEquals(
    exec("{range .items[*]}[{range .addrs[*]}{@} {end}]{end}"),
    "[10.5.0.2/24 ][127.0.0.1/8 ::1/128 ][]",
  );
  assertEquals(exec("{range .empty[*]}{.x}{end}done", true), "done");
  const jp = new JSONPath("{range .items[*]}{.name}{end}");
  assertEquals(jp.findResults(data), [["eth0"], ["lo"], ["eth1"]]);
  // The same template gives the same results the second time.
  assertEquals(jp.findResults(data), [["eth0"], ["lo"], ["eth1"]]);
  assertThrows(() => exec("{end}"), "not in range, nothing to end");
  assertEquals(new JSONPath("{range .n[*]}{@}{end}").findResults({ n: [null, 1n] }), [[INVALID], [
    1n,
  ]]);
});

Deno.test("jsonpath: parse errors name the problem", () => {
  const bad = (t: string, msg: string) => assertThrows(() => new JSONPath(t), msg);
  bad("{.kind", "unclosed action");
  bad("{.kind !}", "unrecognized character in action: U+0021 '!'");
  bad("{.items[0}", "unterminated array");
  bad("{.items[a]}", "invalid array index a");
  bad('{"abc}', "unterminated quoted string");
  bad("{.items[?(@.x}", "unterminated filter");
  bad("{....a}", "invalid multiple recursive descent");
  assertThrows(() => exec("{foo}"), "unrecognized identifier foo");
});
