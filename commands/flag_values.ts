// pflag's value semantics for the flag kinds in spec.ts: Go's strconv/time parsers, encoding/csv
// splitting for string slices, zero values, and pflag's wording when a value is rejected.

import { UsageError } from "../errors.ts";
import type { FlagSpec, FlagValue } from "./spec.ts";
import { goQuote } from "../gofmt/quote.ts";
const BOOL_TRUE = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const BOOL_FALSE = new Set(["0", "f", "F", "FALSE", "false", "False"]);

function flagDisplayName(f: FlagSpec): string {
  return f.short ? `-${f.short}, --${f.name}` : `--${f.name}`;
}

function invalidArgument(f: FlagSpec, value: string, why: string): UsageError {
  return new UsageError(
    `invalid argument ${goQuote(value)} for ${goQuote(flagDisplayName(f))} flag: ${why}`,
  );
}

/**
 * Go's strconv.ParseInt(s, 0, bits): optional sign, 0b/0o/0x or leading-0 octal prefixes,
 * underscores between digits (prefixed forms only), range checked. Returns the value or the
 * error's reason ("invalid syntax" / "value out of range").
 */
function goParseInt(s: string, bits: number): number | string {
  let rest = s;
  let neg = false;
  if (rest.startsWith("+") || rest.startsWith("-")) {
    neg = rest[0] === "-";
    rest = rest.slice(1);
  }
  if (rest === "") return "invalid syntax";
  let base = 10;
  let prefixed = false;
  if (rest[0] === "0") {
    const p = rest[1]?.toLowerCase();
    if (rest.length >= 3 && (p === "b" || p === "o" || p === "x")) {
      base = p === "b" ? 2 : p === "o" ? 8 : 16;
      rest = rest.slice(2);
    } else {
      base = 8;
      rest = rest.slice(1);
    }
    prefixed = true;
  }
  // Underscores only between digits (a base prefix counts as a digit).
  const grouped = prefixed ? /^_?[0-9a-z]+(_[0-9a-z]+)*$/i : /^[0-9a-z]+(_[0-9a-z]+)*$/i;
  if (rest.includes("_") && !grouped.test(rest)) return "invalid syntax";
  let n = 0n;
  for (const ch of rest.replaceAll("_", "")) {
    const d = parseInt(ch, 36);
    if (Number.isNaN(d) || d >= base) return "invalid syntax";
    n = n * BigInt(base) + BigInt(d);
  }
  const cutoff = 1n << BigInt(bits - 1);
  if (neg ? n > cutoff : n >= cutoff) return "value out of range";
  return Number(neg ? -n : n);
}

/** Go's strconv.ParseBool. */
export function parseBool(f: FlagSpec, v: string): boolean {
  if (BOOL_TRUE.has(v)) return true;
  if (BOOL_FALSE.has(v)) return false;
  throw invalidArgument(f, v, `strconv.ParseBool: parsing ${goQuote(v)}: invalid syntax`);
}

const DURATION_UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  "µs": 1e-3,
  "μs": 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Go's time.ParseDuration, in milliseconds; null if invalid. */
export function parseGoDuration(s: string): number | null {
  let rest = s;
  let sign = 1;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    if (rest[0] === "-") sign = -1;
    rest = rest.slice(1);
  }
  if (rest === "0") return 0;
  if (rest === "") return null;
  let total = 0;
  while (rest.length > 0) {
    const m = /^(\d*\.?\d*)(ns|us|µs|μs|ms|s|m|h)/.exec(rest);
    if (!m || m[1] === "" || m[1] === ".") return null;
    total += parseFloat(m[1]) * DURATION_UNITS[m[2]];
    rest = rest.slice(m[0].length);
  }
  return sign * total;
}

export function parseFlagValue(f: FlagSpec, raw: string, previous: unknown): FlagValue {
  switch (f.kind) {
    case "string": {
      const why = f.check?.(raw);
      if (why !== undefined) throw invalidArgument(f, raw, why);
      return raw;
    }
    case "bool":
      return parseBool(f, raw);
    case "int": {
      const r = goParseInt(raw, f.bits ?? 64);
      if (typeof r === "string") {
        throw invalidArgument(f, raw, `strconv.ParseInt: parsing ${goQuote(raw)}: ${r}`);
      }
      return r;
    }
    case "duration": {
      const d = parseGoDuration(raw);
      if (d === null) throw invalidArgument(f, raw, `time: invalid duration ${goQuote(raw)}`);
      return d;
    }
    case "strings": {
      const items = raw === "" ? [] : readCsvRecord(raw, f);
      return [...((previous as string[] | undefined) ?? []), ...items];
    }
    case "stringArray":
      return [...((previous as string[] | undefined) ?? []), raw];
  }
}

/**
 * pflag splits string-slice values with Go's encoding/csv (first record only), so `"a,b",c` is
 * two values and a stray quote is an error worded as csv.ParseError.
 */
export function readCsvRecord(raw: string, f: FlagSpec): string[] {
  const fail = (col: number, what: string) =>
    invalidArgument(f, raw, `parse error on line 1, column ${col}: ${what}`);
  const fields: string[] = [];
  let pos = 0;
  for (;;) {
    if (raw[pos] !== '"') {
      const rest = raw.slice(pos);
      const m = /,|\r?\n/.exec(rest);
      const field = m ? rest.slice(0, m.index) : rest;
      const q = field.indexOf('"');
      if (q >= 0) throw fail(pos + q + 1, 'bare " in non-quoted-field');
      fields.push(field);
      if (!m || m[0] !== ",") return fields; // end of input or of the first record
      pos += m.index + 1;
      continue;
    }
    let field = "";
    pos++;
    for (;;) {
      const q = raw.indexOf('"', pos);
      if (q < 0) throw fail(raw.length + 1, 'extraneous or missing " in quoted-field');
      field += raw.slice(pos, q);
      pos = q + 1;
      if (raw[pos] === '"') {
        field += '"';
        pos++;
      } else if (raw[pos] === ",") {
        pos++;
        fields.push(field);
        break;
      } else if (pos >= raw.length || raw[pos] === "\n" || raw.startsWith("\r\n", pos)) {
        fields.push(field);
        return fields;
      } else {
        throw fail(pos + 1, 'extraneous or missing " in quoted-field');
      }
    }
  }
}

/** A flag's value when it is not given: its default, or the zero value of its kind. */
export function zeroValue(f: Pick<FlagSpec, "kind" | "default">): FlagValue {
  if (f.default !== undefined) return Array.isArray(f.default) ? [...f.default] : f.default;
  switch (f.kind) {
    case "string":
      return "";
    case "bool":
      return false;
    case "int":
    case "duration":
      return 0;
    case "strings":
    case "stringArray":
      return [];
  }
}
