// The CEL selector parser: upstream's own example expressions parse; syntax errors and undeclared
// references are reported at the right place in cel-go's display format.

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
    [`has(disk.wwid) && -1 < 0.5e3 && 0x1F != 3u`, "disk"],
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
    celError(`link.name == disk`, "link")?.split("\n")[0],
    "ERROR: <input>:1:14: undeclared reference to 'disk' (in container '')",
  );
});
