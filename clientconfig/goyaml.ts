// A small block-style YAML emitter that reproduces the bytes Go's yaml encoder (yaml.v3, and
// yaml/v4's classic Marshal) writes for strings, string lists and string-keyed maps: 4-space
// indentation, lists indented under their key, `[]`/`{}` for empty collections, map keys in the
// encoder's "natural" order, and the same choice between plain, single-quoted, double-quoted and
// literal scalars.

/** An ordered mapping; `null` values are written as `null`. */
export type GoYamlMap = [key: string, value: GoYamlValue][];
export type GoYamlValue = string | null | string[] | { map: GoYamlMap };

const INDENT = 4;

/** Whether the code point is one the emitter writes verbatim (libyaml's is_printable). */
function isPrintable(cp: number): boolean {
  return cp === 0x0a || (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff);
}

const isBreak = (c: string | undefined) =>
  c === "\n" || c === "\r" || c === "\u0085" || c === "\u2028" || c === "\u2029";
const isBlankZ = (c: string | undefined) =>
  c === undefined || c === " " || c === "\t" || c === "\0" || isBreak(c);

const NULLS = new Set(["", "~", "null", "Null", "NULL"]);
const BOOLS = new Set(["true", "True", "TRUE", "false", "False", "FALSE"]);
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
const OLD_BOOLS = new Set([
  "y",
  "Y",
  "yes",
  "Yes",
  "YES",
  "on",
  "On",
  "ON",
  "n",
  "N",
  "no",
  "No",
  "NO",
  "off",
  "Off",
  "OFF",
]);
const BASE60 = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const GO_INT = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const TIMESTAMP =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]\d{1,2}:\d{1,2}:\d{1,2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))|(?: \d{1,2}:\d{1,2}:\d{1,2}(?:\.\d+)?))?$/;

/** strconv.ParseInt(s, 0, 64) or ParseUint(s, 0, 64) succeeds. */
function goParsesAsInt(s: string): boolean {
  const m = GO_INT.exec(s);
  if (!m) return false;
  let digits = m[2];
  if (/^0[0-7]+$/.test(digits)) digits = "0o" + digits.slice(1);
  const v = BigInt(digits);
  if (m[1] === "") return v < 2n ** 64n;
  return m[1] === "-" ? v <= 2n ** 63n : v < 2n ** 63n;
}

function isTimestamp(s: string): boolean {
  const m = TIMESTAMP.exec(s);
  if (!m) return false;
  const month = Number(m[2]), day = Number(m[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/** True when a plain scalar with this text would not read back as a string (Go's resolve). */
export function resolvesToNonString(s: string): boolean {
  if (s === "") return true;
  const hint = s[0];
  const numeric = hint === "+" || hint === "-" || (hint >= "0" && hint <= "9");
  if (!numeric && hint !== "." && !"yYnNtTfFoO~".includes(hint)) return false;
  if (NULLS.has(s) || BOOLS.has(s) || SPECIAL_FLOATS.has(s)) return true;
  if (hint === ".") return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(s);
  if (!numeric) return false;
  if (isTimestamp(s)) return true;
  const plain = s.replaceAll("_", "");
  if (goParsesAsInt(plain)) return true;
  if (YAML_FLOAT.test(plain)) return true;
  return /^-?0b[01]+$/.test(plain) || /^-?0o[0-7]+$/.test(plain);
}

interface Analysis {
  multiline: boolean;
  blockPlain: boolean;
  singleQuoted: boolean;
  block: boolean;
}

/** libyaml's yaml_emitter_analyze_scalar, for block context. */
function analyze(value: string): Analysis {
  if (value === "") return { multiline: false, blockPlain: true, singleQuoted: true, block: false };
  const chars = [...value];
  let blockIndicators = value.startsWith("---") || value.startsWith("...");
  let lineBreaks = false, special = false;
  let leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false;
  let breakSpace = false, spaceBreak = false, previousSpace = false, previousBreak = false;
  let precededByWhitespace = true;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    const followedByWhitespace = isBlankZ(chars[i + 1]);
    if (i === 0) {
      if ("#,[]{}&*!|>'\"%@`".includes(c)) blockIndicators = true;
      if ((c === "?" || c === ":") && followedByWhitespace) blockIndicators = true;
      if (c === "-" && followedByWhitespace) blockIndicators = true;
    } else {
      if (c === ":" && followedByWhitespace) blockIndicators = true;
      if (c === "#" && precededByWhitespace) blockIndicators = true;
    }
    if (!isPrintable(c.codePointAt(0)!)) special = true;
    const last = i === chars.length - 1;
    if (c === " ") {
      if (i === 0) leadingSpace = true;
      if (last) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (last) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlankZ(c);
  }
  let blockPlain = true, singleQuoted = true, block = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) blockPlain = false;
  if (trailingSpace) block = false;
  if (breakSpace) blockPlain = singleQuoted = false;
  if (spaceBreak || special) blockPlain = singleQuoted = block = false;
  if (lineBreaks || blockIndicators) blockPlain = false;
  return { multiline: lineBreaks, blockPlain, singleQuoted, block };
}

const ESCAPES: Record<number, string> = {
  0x00: "0",
  0x07: "a",
  0x08: "b",
  0x09: "t",
  0x0a: "n",
  0x0b: "v",
  0x0c: "f",
  0x0d: "r",
  0x1b: "e",
  0x22: '"',
  0x5c: "\\",
  0x85: "N",
  0xa0: "_",
  0x2028: "L",
  0x2029: "P",
};

function doubleQuoted(value: string): string {
  let out = '"';
  for (const c of value) {
    const cp = c.codePointAt(0)!;
    if (!isPrintable(cp) || cp === 0xfeff || isBreak(c) || c === '"' || c === "\\") {
      const e = ESCAPES[cp];
      if (e !== undefined) out += "\\" + e;
      else if (cp <= 0xff) out += "\\x" + cp.toString(16).toUpperCase().padStart(2, "0");
      else if (cp <= 0xffff) out += "\\u" + cp.toString(16).toUpperCase().padStart(4, "0");
      else out += "\\U" + cp.toString(16).toUpperCase().padStart(8, "0");
    } else {
      out += c;
    }
  }
  return out + '"';
}

function literal(value: string, indent: number): string {
  let hints = "";
  if (value[0] === " " || isBreak(value[0])) hints += String(INDENT);
  const chars = [...value];
  const last = chars.length - 1;
  if (!isBreak(chars[last])) hints += "-";
  else if (last === 0 || isBreak(chars[last - 1])) hints += "+";
  const pad = " ".repeat(indent);
  const body = value.split(/\r\n|[\n\r\u0085\u2028\u2029]/);
  if (isBreak(chars[last])) body.pop();
  return "|" + hints + "\n" + body.map((l) => (l === "" ? "" : pad + l)).join("\n") + "\n";
}

/**
 * Renders a string scalar the way Go's encoder does. `indent` is the column of the block that
 * would hold a literal scalar's lines; `key` selects simple-key rules (no block scalars).
 */
export function goScalar(value: string, indent = 0, key = false): string {
  const a = analyze(value);
  if (a.multiline) {
    if (!key && a.block) return literal(value, indent);
    return doubleQuoted(value);
  }
  const canUsePlain = !resolvesToNonString(value) && !BASE60.test(value) && !OLD_BOOLS.has(value);
  if (canUsePlain && a.blockPlain) return value;
  if (canUsePlain && a.singleQuoted) return `'${value.replaceAll("'", "''")}'`;
  return doubleQuoted(value);
}

const isDigit = (c: string) => /^\p{Nd}$/u.test(c);
const isLetter = (c: string) => /^\p{L}$/u.test(c);

/** The order Go's encoder sorts string map keys in (numbers inside keys compare numerically). */
export function goKeyLess(a: string, b: string): boolean {
  const ar = [...a], br = [...b];
  let digits = false;
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) {
      digits = isDigit(ar[i]);
      continue;
    }
    const al = isLetter(ar[i]), bl = isLetter(br[i]);
    if (al && bl) return ar[i].codePointAt(0)! < br[i].codePointAt(0)!;
    if (al || bl) return digits ? al : bl;
    let an = 0n, bn = 0n;
    if (ar[i] === "0" || br[i] === "0") {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== "0") {
          an = bn = 1n;
          break;
        }
      }
    }
    let ai = i, bi = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10n + BigInt(digitValue(ar[ai]));
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10n + BigInt(digitValue(br[bi]));
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i].codePointAt(0)! < br[i].codePointAt(0)!;
  }
  return ar.length < br.length;
}

function digitValue(c: string): number {
  return c.codePointAt(0)! - "0".codePointAt(0)!;
}

/** Sorts keys as Go's encoder does for a map[string]T. */
export function goSortKeys(keys: string[]): string[] {
  return [...keys].sort((x, y) => (goKeyLess(x, y) ? -1 : goKeyLess(y, x) ? 1 : 0));
}

function emitMap(map: GoYamlMap, indent: number): string {
  let out = "";
  const pad = " ".repeat(indent);
  for (const [k, v] of map) {
    out += pad + goScalar(k, indent, true) + ":";
    out += emitValue(v, indent + INDENT);
  }
  return out;
}

/** Renders a value that follows `key:` (starting with the space or newline after the colon). */
function emitValue(v: GoYamlValue, indent: number): string {
  if (v === null) return " null\n";
  if (typeof v === "string") {
    const s = goScalar(v, indent);
    return " " + s + (s.endsWith("\n") ? "" : "\n");
  }
  if (Array.isArray(v)) {
    if (v.length === 0) return " []\n";
    const pad = " ".repeat(indent);
    return "\n" + v.map((item) => {
      const s = goScalar(item, indent + 2);
      return `${pad}- ${s}${s.endsWith("\n") ? "" : "\n"}`;
    }).join("");
  }
  if (v.map.length === 0) return " {}\n";
  return "\n" + emitMap(v.map, indent);
}

/** Encodes a top-level mapping as one YAML document, exactly as Go's yaml.Marshal would. */
export function encodeGoYaml(map: GoYamlMap): string {
  if (map.length === 0) return "{}\n";
  return emitMap(map, 0);
}
