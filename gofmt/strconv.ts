// Go's strconv.ParseUint, with its error text (`strconv.ParseUint: parsing "x": invalid syntax`),
// for arguments talosctl parses with it (META keys, etcd member IDs).

import { goQuote } from "./quote.ts";

/** A failed parse, worded as Go's *strconv.NumError. */
export class NumError extends Error {
  override name = "NumError";
  constructor(readonly input: string, readonly reason: "invalid syntax" | "value out of range") {
    super(`strconv.ParseUint: parsing ${goQuote(input)}: ${reason}`);
  }
}

/** Go's underscoreOK: underscores only between digits, and only after a base prefix. */
function underscoreOK(s: string): boolean {
  let saw = "^";
  let i = 0;
  let hex = false;
  if (s.length >= 2 && s[0] === "0") {
    const p = s[1].toLowerCase();
    if (p === "b" || p === "o" || p === "x") {
      hex = p === "x";
      i = 2;
      saw = "0";
    }
  }
  for (; i < s.length; i++) {
    const c = s[i];
    const digit = (c >= "0" && c <= "9") || (hex && /[a-f]/i.test(c));
    if (digit) {
      saw = "0";
      continue;
    }
    if (c === "_") {
      if (saw !== "0") return false;
      saw = "_";
      continue;
    }
    if (saw === "_") return false;
    saw = "!";
  }
  return saw !== "_";
}

/**
 * strconv.ParseUint(s, base, bits). Base 0 reads 0b/0o/0x and leading-0 octal prefixes and
 * allows underscores between digits. Throws NumError.
 */
export function goParseUint(s: string, base: number, bits: number): bigint {
  if (s === "") throw new NumError(s, "invalid syntax");
  const base0 = base === 0;
  let rest = s;
  if (base0) {
    base = 10;
    if (s[0] === "0") {
      const p = s[1]?.toLowerCase();
      if (s.length >= 3 && (p === "b" || p === "o" || p === "x")) {
        base = p === "b" ? 2 : p === "o" ? 8 : 16;
        rest = s.slice(2);
      } else {
        base = 8;
        rest = s.slice(1);
      }
    }
  }
  const max = (1n << BigInt(bits)) - 1n;
  let n = 0n;
  let underscores = false;
  for (const c of rest) {
    if (c === "_" && base0) {
      underscores = true;
      continue;
    }
    const d = /^[0-9a-z]$/i.test(c) ? parseInt(c, 36) : -1;
    if (d < 0 || d >= base) throw new NumError(s, "invalid syntax");
    n = n * BigInt(base) + BigInt(d);
    if (n > max) throw new NumError(s, "value out of range");
  }
  if (underscores && !underscoreOK(s)) throw new NumError(s, "invalid syntax");
  return n;
}
