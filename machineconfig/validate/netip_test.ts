// Expected texts are what Go's net/netip returns for each input (current Go: ParsePrefix rejects
// signs and leading zeros in the bit count, IPv6 groups of 5+ digits are reported as such, and
// an embedded IPv4 error names the whole input).

import { assertEquals } from "../../tests/assert.ts";
import { parseAddr, parseAddrError, parseAddrPortError, parsePrefixError } from "./netip.ts";

Deno.test("parseAddr: accepted forms and their bytes", () => {
  assertEquals(parseAddr("1.2.3.4"), { bytes: [1, 2, 3, 4], zone: "" });
  assertEquals(parseAddr("::"), { bytes: new Array(16).fill(0), zone: "" });
  const v4mapped = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4];
  assertEquals(parseAddr("::ffff:1.2.3.4"), { bytes: v4mapped, zone: "" });
  const ll = [0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
  assertEquals(parseAddr("fe80::1%eth0"), { bytes: ll, zone: "eth0" });
  assertEquals(parseAddr("FE80:0:0:0:0:0:0:1"), { bytes: ll, zone: "" });
  for (const ok of ["1:2:3:4:5:6:7:8", "1::", "1:2:3:4:5:6:1.2.3.4", "::1:80"]) {
    assertEquals(parseAddrError(ok), null, ok);
  }
});

Deno.test("parseAddrError: IPv4 texts", () => {
  const cases: [string, string][] = [
    ["x", "unable to parse IP"],
    ["", "unable to parse IP"],
    ["%eth0", "missing IPv6 address"],
    ["1.2.3", "IPv4 address too short"],
    ["1.2.3.4.5", "IPv4 address too long"],
    ["1.2.3.256", "IPv4 field has value >255"],
    ["01.2.3.4", "IPv4 field has octet with leading zero"],
    ["1..2.3", `IPv4 field must have at least one digit (at ".2.3")`],
    [".1.2.3", `IPv4 field must have at least one digit (at ".1.2.3")`],
    ["1.2.3.", `IPv4 field must have at least one digit (at ".")`],
    ["1.2.3.x", `unexpected character (at "x")`],
    ["1.2.3.4/24", `unexpected character (at "/24")`],
  ];
  for (const [s, msg] of cases) {
    assertEquals(parseAddrError(s), `ParseAddr(${JSON.stringify(s)}): ${msg}`);
  }
});

Deno.test("parseAddrError: IPv6 texts", () => {
  const cases: [string, string][] = [
    ["::g", `each colon-separated field must have at least one digit (at "g")`],
    [":1", `each colon-separated field must have at least one digit (at ":1")`],
    [":::", `each colon-separated field must have at least one digit (at ":")`],
    ["g::", `each colon-separated field must have at least one digit (at "g::")`],
    ["12345::", `each group must have 4 or less digits (at "12345::")`],
    ["1:2:3:4:5:6:7:8:9", `trailing garbage after address (at "9")`],
    ["1:2:3:4:5:6:7::8", "the :: must expand to at least one field of zeros"],
    ["1:2:3:4:5:6:7:8::", "the :: must expand to at least one field of zeros"],
    ["1::2::3", `multiple :: in address (at ":3")`],
    ["1:2", "address string too short"],
    ["abc:80", "address string too short"],
    ["1:", `colon must be followed by more characters (at ":")`],
    ["1:2:3:4:5:6:7:8x", `unexpected character, want colon (at "x")`],
    ["fe80::1%", "zone must be a non-empty string"],
    [
      "1:2:3:4:5:1.2.3.4",
      `embedded IPv4 address must replace the final 2 fields of the address (at "1.2.3.4")`,
    ],
    ["::1.2.3", "IPv4 address too short"],
    ["::1.2.3.4x", `unexpected character (at "x")`],
    ["::1.2.3.04", "IPv4 field has octet with leading zero"],
  ];
  for (const [s, msg] of cases) {
    assertEquals(parseAddrError(s), `ParseAddr(${JSON.stringify(s)}): ${msg}`);
  }
});

Deno.test("parsePrefixError: texts", () => {
  const p = (s: string, msg: string) => `netip.ParsePrefix(${JSON.stringify(s)}): ${msg}`;
  assertEquals(parsePrefixError("1.2.3.4/24"), null);
  assertEquals(parsePrefixError("::/0"), null);
  assertEquals(parsePrefixError("2001:db8::/128"), null);
  assertEquals(parsePrefixError("1.2.3.4"), p("1.2.3.4", "no '/'"));
  assertEquals(parsePrefixError("1.2.3.4/33"), p("1.2.3.4/33", "prefix length out of range"));
  assertEquals(parsePrefixError("::/129"), p("::/129", "prefix length out of range"));
  assertEquals(parsePrefixError("1.2.3.4/"), p("1.2.3.4/", `bad bits after slash: ""`));
  assertEquals(parsePrefixError("1.2.3.4/033"), p("1.2.3.4/033", `bad bits after slash: "033"`));
  assertEquals(parsePrefixError("1.2.3.4/+3"), p("1.2.3.4/+3", `bad bits after slash: "+3"`));
  assertEquals(parsePrefixError("1.2.3.4/-1"), p("1.2.3.4/-1", `bad bits after slash: "-1"`));
  assertEquals(parsePrefixError("1.2.3.4/x"), p("1.2.3.4/x", `bad bits after slash: "x"`));
  assertEquals(
    parsePrefixError("fe80::1%eth0/64"),
    p("fe80::1%eth0/64", "IPv6 zones cannot be present in a prefix"),
  );
  assertEquals(parsePrefixError("a/b"), p("a/b", `ParseAddr("a"): unable to parse IP`));
  assertEquals(parsePrefixError("/24"), p("/24", `ParseAddr(""): unable to parse IP`));
});

Deno.test("parseAddrPortError: texts", () => {
  assertEquals(parseAddrPortError("1.2.3.4:80"), null);
  assertEquals(parseAddrPortError("[::1]:80"), null);
  assertEquals(parseAddrPortError("x"), "not an ip:port");
  assertEquals(parseAddrPortError(":80"), "no IP");
  assertEquals(parseAddrPortError("1.2.3.4:"), "no port");
  assertEquals(parseAddrPortError("[::1:80"), "missing ]");
  assertEquals(parseAddrPortError("1.2.3.4:x"), `invalid port "x" parsing "1.2.3.4:x"`);
  assertEquals(parseAddrPortError("1.2.3.4:99999"), `invalid port "99999" parsing "1.2.3.4:99999"`);
  assertEquals(parseAddrPortError("abc:80"), `ParseAddr("abc"): unable to parse IP`);
  assertEquals(
    parseAddrPortError("::1:80"),
    `invalid ip:port "::1:80", IPv6 addresses must be surrounded by square brackets`,
  );
  assertEquals(
    parseAddrPortError("[1.2.3.4]:80"),
    `invalid ip:port "[1.2.3.4]:80", square brackets can only be used with IPv6 addresses`,
  );
});
