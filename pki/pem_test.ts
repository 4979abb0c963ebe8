// base64 and PEM codecs: Go's strict StdEncoding decoding (native fast path and error scan agree).

import { assertEquals, assertThrows } from "../tests/assert.ts";
import { seededRandom } from "../tests/harness.ts";
import { base64Decode, base64Encode, decodePem, encodePem } from "./pem.ts";

const viaAtob = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

Deno.test("base64Decode: well-formed input decodes as atob does, newlines skipped", () => {
  const random = seededRandom(9);
  for (let n = 0; n < 64; n++) {
    const bytes = random(n);
    const text = base64Encode(bytes);
    assertEquals(base64Decode(text), bytes);
    assertEquals(base64Decode(text.replace(/(.{5})/g, "$1\r\n")), bytes);
  }
  // Non-zero bits after the last byte are ignored, as Go's non-strict StdEncoding does.
  assertEquals(base64Decode("AB=="), viaAtob("AB=="));
  assertEquals(base64Decode("AAB="), viaAtob("AAB="));
});

Deno.test("base64Decode: Go's error offsets", () => {
  for (
    const [text, at] of [
      ["%%%", 0],
      ["AAAA%AAA", 4],
      ["AAA", 0],
      ["AAAAAA", 4],
      ["AA=A", 2],
      ["A===", 1],
      ["AAAA====", 4],
      ["AA= ", 2],
      ["AAAé", 3],
    ] as const
  ) {
    assertThrows(() => base64Decode(text), `illegal base64 data at input byte ${at}`);
  }
});

Deno.test("PEM: encode wraps at 64 columns, decode returns the first well-formed block", () => {
  const der = seededRandom(1)(100);
  const pem = encodePem("THING", der);
  assertEquals(pem.split("\n").map((l) => l.length), [21, 64, 64, 8, 19, 0]);
  assertEquals(decodePem(`junk\n-----BEGIN X-----\n%%%\n-----END X-----\n${pem}`), {
    label: "THING",
    der,
  });
});
