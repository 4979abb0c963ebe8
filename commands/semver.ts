// Versions on blang/semver's rules, the one semver of the project: ParseTolerant and Parse with
// blang's error texts, String, Compare and ranges (">1.13.0-alpha.2 <2.0.0"). Pure, so flag
// specs can check values with it without loading more.

import { goQuote } from "../gofmt/quote.ts";

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  pre: string[];
  build: string[];
}

/**
 * blang/semver ParseTolerant: spaces and one leading "v" dropped, leading zeros of each part
 * trimmed, "1.2" read as "1.2.0"; then Parse, with blang's error texts.
 */
export function parseTolerant(input: string): SemVer {
  const parts = splitN(input.trim().replace(/^v/, ""), ".", 3).map((p) => {
    if (p.length <= 1) return p;
    const t = p.replace(/^0+/, "");
    return t === "" || !/^[0-9]/.test(t) ? "0" + t : t;
  });
  if (parts.length < 3) {
    if (/[+-]/.test(parts[parts.length - 1])) {
      throw new Error("Short version cannot contain PreRelease/Build meta data");
    }
    while (parts.length < 3) parts.push("0");
  }
  return parseSemver(parts.join("."));
}

/** Go's strings.SplitN. */
function splitN(s: string, sep: string, n: number): string[] {
  const all = s.split(sep);
  return all.length <= n ? all : [...all.slice(0, n - 1), all.slice(n - 1).join(sep)];
}

const NUMBERS = /^[0-9]*$/;
const ALPHANUM = /^[0-9A-Za-z-]*$/;
const leadingZero = (s: string) => s.length > 1 && s[0] === "0";
const q = goQuote;

/** Go's strconv.ParseUint(s, 10, 64) for a digits-only string, as a number. */
function parseUint(s: string): number {
  if (s === "") throw new Error(`strconv.ParseUint: parsing "": invalid syntax`);
  if (BigInt(s) > 18446744073709551615n) {
    throw new Error(`strconv.ParseUint: parsing ${q(s)}: value out of range`);
  }
  return Number(s);
}

/** blang/semver Parse (strict), with its error texts. */
export function parseSemver(s: string): SemVer {
  if (s === "") throw new Error("Version string empty");
  const parts = splitN(s, ".", 3);
  if (parts.length !== 3) throw new Error("No Major.Minor.Patch elements found");
  const number = (what: string, label: string, v: string) => {
    if (!NUMBERS.test(v)) throw new Error(`Invalid character(s) found in ${what} number ${q(v)}`);
    if (leadingZero(v)) throw new Error(`${label} number must not contain leading zeroes ${q(v)}`);
    return parseUint(v);
  };
  const major = number("major", "Major", parts[0]);
  const minor = number("minor", "Minor", parts[1]);
  let rest = parts[2];
  let build: string[] = [], pre: string[] = [];
  const plus = rest.indexOf("+");
  if (plus >= 0) {
    build = rest.slice(plus + 1).split(".");
    rest = rest.slice(0, plus);
  }
  const dash = rest.indexOf("-");
  if (dash >= 0) {
    pre = rest.slice(dash + 1).split(".");
    rest = rest.slice(0, dash);
  }
  const patch = number("patch", "Patch", rest);
  for (const p of pre) {
    if (p === "") throw new Error("Prerelease is empty");
    if (NUMBERS.test(p)) {
      if (leadingZero(p)) {
        throw new Error(`Numeric PreRelease version must not contain leading zeroes ${q(p)}`);
      }
      parseUint(p);
    } else if (!ALPHANUM.test(p)) {
      throw new Error(`Invalid character(s) found in prerelease ${q(p)}`);
    }
  }
  for (const b of build) {
    if (b === "") throw new Error("Build meta data is empty");
    if (!ALPHANUM.test(b)) throw new Error(`Invalid character(s) found in build meta data ${q(b)}`);
  }
  return { major, minor, patch, pre, build };
}

/** Version.String(): without the "v". */
export function semverString(v: SemVer): string {
  let s = `${v.major}.${v.minor}.${v.patch}`;
  if (v.pre.length > 0) s += "-" + v.pre.join(".");
  if (v.build.length > 0) s += "+" + v.build.join(".");
  return s;
}

export function compareSemver(a: SemVer, b: SemVer): number {
  for (const k of ["major", "minor", "patch"] as const) {
    if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  }
  if (a.pre.length === 0 || b.pre.length === 0) {
    return a.pre.length === b.pre.length ? 0 : a.pre.length === 0 ? 1 : -1;
  }
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const x = a.pre[i], y = b.pre[i];
    const xn = /^\d+$/.test(x), yn = /^\d+$/.test(y);
    if (xn && yn) {
      if (Number(x) !== Number(y)) return Number(x) < Number(y) ? -1 : 1;
    } else if (xn !== yn) {
      return xn ? -1 : 1;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return Math.sign(a.pre.length - b.pre.length);
}

/** A range such as ">1.13.0-alpha.2 <2.0.0": every condition must hold. */
export function inRange(v: SemVer, range: string): boolean {
  return range.split(/\s+/).filter((c) => c !== "").every((c) => {
    const m = /^(>=|<=|>|<|=|!=)?(.+)$/.exec(c)!;
    const d = compareSemver(v, parseTolerant(m[2]));
    switch (m[1] ?? "=") {
      case ">":
        return d > 0;
      case ">=":
        return d >= 0;
      case "<":
        return d < 0;
      case "<=":
        return d <= 0;
      case "!=":
        return d !== 0;
      default:
        return d === 0;
    }
  });
}
