import { assertEquals } from "../tests/assert.ts";
import { goJson, goJsonFloat, goJsonString, GoTime } from "./json.ts";

Deno.test("goJson: sorted keys, Go's indentation and empty collections", () => {
  const v = { b: [1n, 2.5, true, null], a: { z: {}, y: [] }, "é": "x" };
  assertEquals(goJson(v), '{"a":{"y":[],"z":{}},"b":[1,2.5,true,null],"é":"x"}');
  assertEquals(
    goJson(v, "    "),
    '{\n    "a": {\n        "y": [],\n        "z": {}\n    },\n    "b": [\n        1,\n        2.5,\n        true,\n        null\n    ],\n    "é": "x"\n}',
  );
});

Deno.test("goJson: strings are HTML-safe and escaped as encoding/json does", () => {
  assertEquals(
    goJsonString("<a href='x'>&</a>"),
    "\"\\u003ca href='x'\\u003e\\u0026\\u003c/a\\u003e\"",
  );
  assertEquals(goJsonString('q"\\\n\t\r\b\f\x01\u2028'), '"q\\"\\\\\\n\\t\\r\\b\\f\\u0001\\u2028"');
  assertEquals(goJson(18446744073709551615n), "18446744073709551615");
});

Deno.test("goJson: floats in fixed notation between 1e-6 and 1e21", () => {
  assertEquals([1e20, 1e21, 0.000001, 1e-7, 1.5, 100, -0].map(goJsonFloat), [
    "100000000000000000000",
    "1e+21",
    "0.000001",
    "1e-7",
    "1.5",
    "100",
    "-0",
  ]);
});

Deno.test("GoTime: MarshalJSON's RFC 3339 text and String()'s, zone kept as parsed", () => {
  const utc = new GoTime(2024, 1, 2, 3, 4, 5, 500_000_000, 0);
  assertEquals(goJson({ t: utc }), '{"t":"2024-01-02T03:04:05.5Z"}');
  assertEquals(utc.toString(), "2024-01-02 03:04:05.5 +0000 UTC");
  const east = new GoTime(2001, 12, 14, 21, 59, 43, 0, -(5 * 60 + 30));
  assertEquals(east.rfc3339Nano(), "2001-12-14T21:59:43-05:30");
  assertEquals(east.toString(), "2001-12-14 21:59:43 -0530 -0530");
});
