import { assertEquals, assertThrows } from "../tests/assert.ts";
import { compareSemver, inRange, parseTolerant, semverString } from "./semver.ts";

Deno.test("semver: blang's ParseTolerant and precedence", () => {
  assertEquals(semverString(parseTolerant(" v1.13 ")), "1.13.0");
  assertEquals(semverString(parseTolerant("v1.14.0-beta.1+abc")), "1.14.0-beta.1+abc");
  const order = ["1.13.0-alpha.2", "1.13.0-alpha.10", "1.13.0-beta", "1.13.0", "1.13.1", "2.0.0"];
  for (let i = 1; i < order.length; i++) {
    assertEquals(compareSemver(parseTolerant(order[i - 1]), parseTolerant(order[i])), -1);
  }
  assertEquals(compareSemver(parseTolerant("1.5.5+x"), parseTolerant("1.5.5")), 0);
  assertThrows(() => parseTolerant(""));
  assertThrows(() => parseTolerant("1.x.0"));
});

Deno.test("semver: ranges as the upgrade API choice uses them", () => {
  const range = ">1.13.0-alpha.2 <2.0.0";
  assertEquals(inRange(parseTolerant("v1.13.9"), range), true);
  assertEquals(inRange(parseTolerant("v1.13.0-alpha.2"), range), false);
  assertEquals(inRange(parseTolerant("v1.12.4"), range), false);
  assertEquals(inRange(parseTolerant("v2.0.0"), range), false);
});

Deno.test("semver: blang's error texts, word for word", () => {
  const err = (s: string) => {
    try {
      parseTolerant(s);
    } catch (e) {
      return (e as Error).message;
    }
    return "parsed";
  };
  assertEquals(err("foo"), 'Invalid character(s) found in major number "0foo"');
  assertEquals(err("1.x"), 'Invalid character(s) found in minor number "x"');
  assertEquals(err("1.2.x"), 'Invalid character(s) found in patch number "x"');
  assertEquals(err("1.2-rc"), "Short version cannot contain PreRelease/Build meta data");
  assertEquals(err(""), 'strconv.ParseUint: parsing "": invalid syntax');
  assertEquals(err("1..2"), 'strconv.ParseUint: parsing "": invalid syntax');
  assertEquals(err("1.2.3-01"), 'Numeric PreRelease version must not contain leading zeroes "01"');
  assertEquals(err("1.2.3-a..b"), "Prerelease is empty");
  assertEquals(err("1.2.3-a_b"), 'Invalid character(s) found in prerelease "a_b"');
  assertEquals(err("1.2.3+"), "Build meta data is empty");
  assertEquals(err("1.2.3+a!"), 'Invalid character(s) found in build meta data "a!"');
  assertEquals(err("01.002.0003"), "parsed");
  assertEquals(semverString(parseTolerant("01.002.0003")), "1.2.3");
  assertEquals(err("1.2.03-rc"), "parsed");
});
