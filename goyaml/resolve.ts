// How Go's YAML decoder would read a plain (unquoted) scalar: the encoder quotes a string exactly
// when its plain form would come back as something else. This is the resolver of yaml.v3 (and
// yaml/v4, which differs only on "<<"), plus the YAML 1.1 forms (yes/no/on/off, base 60) that
// both encoders quote for the sake of older parsers.

const BOOLS_AND_NULLS = new Set([
  "",
  "~",
  "null",
  "Null",
  "NULL",
  "true",
  "True",
  "TRUE",
  "false",
  "False",
  "FALSE",
]);
const SPECIAL_FLOATS = new Set([
  ".nan",
  ".NaN",
  ".NAN",
  ".inf",
  ".Inf",
  ".INF",
  "+.inf",
  "+.Inf",
  "+.INF",
  "-.inf",
  "-.Inf",
  "-.INF",
]);
const OLD_BOOLS = new Set("y Y yes Yes YES n N no No NO on On ON off Off OFF".split(" "));
const BASE60 = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/** The resolver's float pattern, tried after the underscores are dropped. */
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** strconv.ParseFloat's syntax for text that starts with a dot (underscores between digits). */
const DOT_FLOAT = /^\.[0-9]+(?:_[0-9]+)*(?:[eE][-+]?[0-9]+(?:_[0-9]+)*)?$/;
/** strconv.ParseInt/ParseUint with base 0 (prefixes 0x, 0o, 0b, or a leading 0 for octal). */
const GO_INT = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;

/** strconv.ParseInt(s, 0, 64) or strconv.ParseUint(s, 0, 64) accepts s. */
function goParsesAsInt(s: string): boolean {
  const m = GO_INT.exec(s);
  if (!m) return false;
  const digits = /^0[0-7]+$/.test(m[2]) ? "0o" + m[2].slice(1) : m[2];
  const v = BigInt(digits.replace(/^0([XOB])/, (_, p: string) => "0" + p.toLowerCase()));
  if (m[1] === "") return v < 2n ** 64n;
  return m[1] === "-" ? v <= 2n ** 63n : v < 2n ** 63n;
}

/** strconv.ParseFloat fails only when the value overflows float64. */
const finite = (s: string) => Number.isFinite(Number(s.replaceAll("_", "")));

// time.Parse with the resolver's layouts: "2006-1-2T15:4:5.999999999Z07:00" (also with "t"),
// "2006-1-2 15:4:5.999999999" and "2006-1-2"; the zone is required after T/t, absent after a space.
const TIMESTAMP =
  /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:([Tt ])([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:[.,]([0-9]+))?(Z|[-+][0-9]{2}:[0-9]{2})?)?$/;

function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** The time a plain scalar stands for, wall clock as written (Go keeps the parsed zone). */
export interface GoTimestamp {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanos: number;
  /** Offset east of UTC in minutes; 0 for `Z`, for no zone and for a date alone. */
  offset: number;
}

/** time.Parse of s with the resolver's layouts, or undefined when none of them fits. */
export function parseGoTimestamp(s: string): GoTimestamp | undefined {
  const m = TIMESTAMP.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, sep, h, mi, sec, frac, zone] = m;
  const t: GoTimestamp = {
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: 0,
    minute: 0,
    second: 0,
    nanos: 0,
    offset: 0,
  };
  if (t.month < 1 || t.month > 12 || t.day < 1 || t.day > daysIn(t.month, t.year)) return undefined;
  if (sep === undefined) return t;
  [t.hour, t.minute, t.second] = [Number(h), Number(mi), Number(sec)];
  if (t.hour >= 24 || t.minute >= 60 || t.second >= 60) return undefined;
  // Digits past the ninth are dropped, as Go's parser does.
  if (frac !== undefined) t.nanos = Number(frac.slice(0, 9).padEnd(9, "0"));
  if (sep === " ") return zone === undefined ? t : undefined;
  if (zone === undefined) return undefined;
  if (zone === "Z") return t;
  const [zh, zm] = [Number(zone.slice(1, 3)), Number(zone.slice(4))];
  if (zh > 24 || zm > 60) return undefined;
  t.offset = (zone[0] === "-" ? -1 : 1) * (zh * 60 + zm);
  return t;
}

/** The resolver would read s as a !!timestamp. */
export function isGoTimestamp(s: string): boolean {
  return parseGoTimestamp(s) !== undefined;
}

/** Go's resolver (yaml.v3 table) reads the plain scalar s as null, bool, int, float or timestamp. */
export function isNonStringPlain(s: string): boolean {
  if (s === "") return true;
  const c = s[0];
  if ("yYnNtTfFoO~".includes(c)) return BOOLS_AND_NULLS.has(s);
  if (c === ".") return SPECIAL_FLOATS.has(s) || (DOT_FLOAT.test(s) && finite(s));
  if (c !== "+" && c !== "-" && !(c >= "0" && c <= "9")) return false;
  if (SPECIAL_FLOATS.has(s) || isGoTimestamp(s)) return true;
  const plain = s.replaceAll("_", "");
  return goParsesAsInt(plain) || (YAML_FLOAT.test(plain) && finite(plain));
}

/** A YAML 1.1 boolean (yes/no/on/off/y/n in three casings) or base-60 number ("1:20"). */
export function isYaml11Special(s: string): boolean {
  if (OLD_BOOLS.has(s)) return true;
  const c = s[0];
  return (c === "+" || c === "-" || (c >= "0" && c <= "9")) && s.includes(":") && BASE60.test(s);
}

/** True when a plain scalar with this text would not read back as the same string. */
export function resolvesToNonString(s: string): boolean {
  return isNonStringPlain(s) || isYaml11Special(s);
}
