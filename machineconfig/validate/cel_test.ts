// The CEL selector checks: upstream's own example expressions pass; syntax errors, undeclared
// references, unknown fields, mismatched overloads and non-boolean results are reported at the
// place and in the words cel-go and Talos use.

import { assertEquals } from "../../tests/assert.ts";
import { celError } from "./cel.ts";

Deno.test("celError: upstream's example selectors are accepted", () => {
  const ok: [string, "disk" | "volume" | "link"][] = [
    [`disk.transport == "nvme"`, "disk"],
    [`disk.size > 10u * GiB && !system_disk`, "disk"],
    [`disk.dev_path == '/dev/sda' || disk.model.startsWith("Samsung")`, "disk"],
    [`volume.partition_label == "MY-DATA" && disk.serial == "SERIAL123"`, "volume"],
    [`glob("00:1a:2b:*", mac(link.permanent_addr))`, "link"],
    [`link.driver == "e1000"`, "link"],
    [`[1, 2, 3].exists(x, x > 2) && {"a": 1}["a"] == 1 ? true : false`, "disk"],
    [`disk.model in ["a", r"b\\c", b'\\x00'] // trailing comment`, "disk"],
    [`has(disk.wwid) && -1 < 5 && 0x1F != 3 && -0.5 < 1e3`, "disk"],
    [`"""multi\nline""" != ''`, "disk"],
  ];
  for (const [src, env] of ok) assertEquals(celError(src, env), null, src);
});

Deno.test("celError: syntax errors with line, column and caret", () => {
  assertEquals(
    celError(`disk.transport == `, "disk"),
    "ERROR: <input>:1:19: Syntax error: unexpected <EOF>\n | disk.transport == \n | ..................^",
  );
  assertEquals(
    celError(`(disk.size > 1`, "disk"),
    "ERROR: <input>:1:15: Syntax error: unexpected <EOF>, expecting ')'\n" +
      " | (disk.size > 1\n | ..............^",
  );
  assertEquals(
    celError(`disk.size > 1 #`, "disk"),
    "ERROR: <input>:1:15: Syntax error: token recognition error at: '#'\n" +
      " | disk.size > 1 #\n | ..............^",
  );
  assertEquals(
    celError(`disk.size >\n  && true`, "disk"),
    "ERROR: <input>:2:3: Syntax error: unexpected '&&'\n |   && true\n | ..^",
  );
  assertEquals(
    celError(`"open`, "disk")?.split("\n")[0],
    "ERROR: <input>:1:1: Syntax error: unterminated string literal",
  );
});

Deno.test("celError: references must be declared in the selector's environment", () => {
  assertEquals(
    celError(`dsk.transport == "nvme"`, "disk"),
    "ERROR: <input>:1:1: undeclared reference to 'dsk' (in container '')\n" +
      ` | dsk.transport == "nvme"\n | ^`,
  );
  assertEquals(
    celError(`volume.name == "x"`, "disk"),
    "ERROR: <input>:1:1: undeclared reference to 'volume' (in container '')\n" +
      ` | volume.name == "x"\n | ^`,
  );
  assertEquals(celError(`disk.size > 1u * TiB`, "volume"), null);
  assertEquals(
    celError(`link.driver == disk`, "link")?.split("\n")[0],
    "ERROR: <input>:1:16: undeclared reference to 'disk' (in container '')",
  );
});

Deno.test("celError: fields, overloads and the result type are checked", () => {
  const first = (src: string, env = "disk") => celError(src, env)?.split("\n")[0];
  assertEquals(
    celError(`disk.foo == "x"`, "disk"),
    `ERROR: <input>:1:5: undefined field 'foo'\n | disk.foo == "x"\n | ....^`,
  );
  assertEquals(
    first(`disk.size > 10 * GiB`),
    "ERROR: <input>:1:16: found no matching overload for '_*_' applied to '(int, uint)'",
  );
  assertEquals(
    first(`disk.size > 1000`),
    "ERROR: <input>:1:11: found no matching overload for '_>_' applied to '(uint, int)'",
  );
  assertEquals(
    first(`disk.model.startsWith(1)`),
    "ERROR: <input>:1:22: found no matching overload for 'startsWith' applied to 'string.(int)'",
  );
  assertEquals(
    first(`disk.model.lowerAscii() == "x"`),
    "ERROR: <input>:1:22: undeclared reference to 'lowerAscii' (in container '')",
  );
  assertEquals(
    first(`1 && disk.rotational`),
    "ERROR: <input>:1:1: expected type 'bool' but found 'int'",
  );
  assertEquals(
    first(`glob("a*", link.driver)`, "disk"),
    "ERROR: <input>:1:12: undeclared reference to 'link' (in container '')",
  );
  assertEquals(celError(`disk.size`, "disk"), "expression output type is uint, expected bool");
  assertEquals(
    celError(`disk.symlinks`, "disk"),
    "expression output type is list(string), expected bool",
  );
  assertEquals(celError(`disk.symlinks.exists(s, s.endsWith("x"))`, "disk"), null);
  assertEquals(celError(`volume.size >= 1u * TiB && disk.transport in ["nvme"]`, "volume"), null);
  assertEquals(celError(`link.type == 1 && link.mtu > 1500u`, "link"), null);
});

Deno.test("celError: the OOM environments and their result types", () => {
  const trigger =
    `(multiply_qos_vectors(d_qos_memory_full_total, {System: 8.0, Podruntime: 4.0}) > 3000.0 &&
     multiply_qos_vectors(qos_memory_full_avg10, {System: 1.0, Podruntime: 1.0}) > 5.0 && time_since_trigger > duration("5s"))`;
  assertEquals(celError(trigger, "oomTrigger", "bool"), null);
  const ranking = `memory_max.hasValue() ? 0.0 :
    {Besteffort: 1.0, Burstable: 0.5, Guaranteed: 0.0, Podruntime: 0.0, System: 0.0}[class] *
       double(memory_current.orValue(0u))`;
  assertEquals(celError(ranking, "oomScoring", "double"), null);
  assertEquals(
    celError("memory_max", "oomScoring", "double"),
    "expression output type is optional_type(uint), expected double",
  );
  assertEquals(
    celError("memory_some_avg10 > 1", "oomTrigger", "bool")?.split("\n")[0],
    "ERROR: <input>:1:19: found no matching overload for '_>_' applied to '(double, int)'",
  );
});
