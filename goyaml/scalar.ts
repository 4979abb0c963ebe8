// Scalar analysis and style choice as Go's YAML encoders make them (libyaml's analyze_scalar and
// select_scalar_style, fed the style the Go encoder requests for a string).

import { isNonStringPlain, isYaml11Special, resolvesToNonString } from "./resolve.ts";

/**
 * Which Go encoder to follow where they differ:
 * - "v3": gopkg.in/yaml.v3 `Marshal`. YAML 1.1 words and base-60 numbers are double-quoted,
 *   `<<` stays plain, every string with a newline is asked for as a literal block, and a block
 *   that starts with a line break gets an indentation indicator (and loses that break: the
 *   library's own bug, kept for byte equality).
 * - "v4": go.yaml.in/yaml/v4 classic `Marshal` (v3 defaults, unlimited width). YAML 1.1 words,
 *   base-60 numbers and `<<` are single-quoted; a string with a newline is a literal block only
 *   when it is at least 2 bytes long and not all white space (else double-quoted); a block that
 *   starts with a line break has no indentation indicator and keeps the break as an empty line.
 * - "v2": gopkg.in/yaml.v2 (as used by sigs.k8s.io/yaml): scalar analysis only, where a tab is
 *   a special character (no plain, single-quoted or block form).
 */
export type GoYamlFlavor = "v2" | "v3" | "v4";

export type Style = "plain" | "single" | "double" | "literal";

export const isBreak = (c: string | undefined) =>
  c === "\n" || c === "\r" || c === "\u0085" || c === "\u2028" || c === "\u2029";
const isBlank = (c: string | undefined) => c === " " || c === "\t";
const isBlankZ = (c: string | undefined) =>
  c === undefined || c === "\0" || isBlank(c) || isBreak(c);

/**
 * Code points the emitter may write as they are (libyaml's is_printable on UTF-8): tab, line
 * feed, ASCII text, U+00A0..U+D7FF and U+E000..U+FFFD except the BOM. NEL (U+0085) and
 * everything beyond the Basic Multilingual Plane are escaped.
 */
export function isPrintable(cp: number): boolean {
  return cp === 0x0a || (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff);
}

export interface Analysis {
  /** contains a line break (LF, CR, NEL, LS or PS) */
  multiline: boolean;
  blockPlain: boolean;
  single: boolean;
  block: boolean;
}

/** Text with none of the characters analyzeScalar looks for (base64, names, versions, ...). */
const QUIET = /^[A-Za-z0-9+/=._-]+$/;

/** libyaml's yaml_emitter_analyze_scalar for block context. */
export function analyzeScalar(value: string, flavor: GoYamlFlavor = "v3"): Analysis {
  if (value.length === 0) return { multiline: false, blockPlain: true, single: true, block: false };
  if (QUIET.test(value)) {
    // No space, break, tab or indicator inside: only a leading `---`/`...` or a lone `-` (a
    // dash followed by the end) make it an indicator, as the loop below would find.
    const ind = value === "-" || value.startsWith("---") || value.startsWith("...");
    return { multiline: false, blockPlain: !ind, single: true, block: true };
  }
  return analyzeChars(value, flavor);
}

/** analyzeScalar's character walk (exported for the test that pins the quick path to it). */
export function analyzeChars(value: string, flavor: GoYamlFlavor = "v3"): Analysis {
  const chars = [...value];
  let blockInd = value.startsWith("---") || value.startsWith("...");
  let lineBreaks = false, special = false, tabs = false;
  let leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false;
  let breakSpace = false, spaceBreak = false, prevSpace = false, prevBreak = false;
  let precededByWs = true;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    const followedByWs = i + 1 === chars.length || isBlank(chars[i + 1]);
    if (i === 0) {
      if ("#,[]{}&*!|>'\"%@`".includes(c)) blockInd = true;
      else if ((c === "?" || c === ":" || c === "-") && followedByWs) blockInd = true;
    } else if (c === ":" && followedByWs) blockInd = true;
    else if (c === "#" && precededByWs) blockInd = true;
    if (c === "\t" && flavor !== "v2") tabs = true;
    else if (!isPrintable(c.codePointAt(0)!)) special = true;
    const last = i === chars.length - 1;
    if (c === " ") {
      if (i === 0) leadingSpace = true;
      if (last) trailingSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (last) trailingBreak = true;
      if (prevSpace) spaceBreak = true;
      prevSpace = false;
      prevBreak = true;
    } else {
      prevSpace = false;
      prevBreak = false;
    }
    precededByWs = isBlankZ(c);
  }
  let blockPlain = true, single = true, block = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) blockPlain = false;
  if (trailingSpace) block = false;
  if (breakSpace || spaceBreak || tabs || special) blockPlain = single = false;
  if (spaceBreak || special) block = false;
  if (lineBreaks || blockInd) blockPlain = false;
  return { multiline: lineBreaks, blockPlain, single, block };
}

/** Go's unicode.IsSpace. */
const GO_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/;

/** yaml/v4: a string with a newline is a literal block when >= 2 bytes and not all white space. */
function v4Literal(s: string): boolean {
  return new TextEncoder().encode(s).length >= 2 && [...s].some((c) => !GO_SPACE.test(c));
}

/** The style the Go encoder asks the emitter for, for a string value. */
function requestedStyle(s: string, flavor: GoYamlFlavor): Style {
  if (flavor === "v4") {
    if (s.includes("\n")) return v4Literal(s) ? "literal" : "double";
    if (isYaml11Special(s) || s === "<<") return "single";
    return isNonStringPlain(s) ? "double" : "plain";
  }
  if (s.includes("\n")) return "literal";
  return resolvesToNonString(s) ? "double" : "plain";
}

/**
 * The style a scalar is written in. `resolved` marks text that already is a resolved non-string
 * (a number, bool or null written plain); `simpleKey` is a mapping key written as `key:`.
 */
export function chooseStyle(
  value: string,
  opts: { resolved?: boolean; simpleKey?: boolean; flavor?: GoYamlFlavor; analysis?: Analysis },
): Style {
  const flavor = opts.flavor ?? "v3";
  const a = opts.analysis ?? analyzeScalar(value, flavor);
  // A node without a tag (`resolved`) is written plain, but literal when it spans lines, as
  // Go's serializer picks for any scalar node with a newline.
  let style = opts.resolved
    ? (value.includes("\n") ? "literal" : "plain")
    : requestedStyle(value, flavor);
  if (opts.simpleKey && a.multiline) style = "double";
  if (style === "plain") {
    if (!a.blockPlain) style = "single";
    if (value.length === 0 && opts.simpleKey) style = "single";
  }
  if (style === "single" && !a.single) style = "double";
  if (style === "literal" && (!a.block || opts.simpleKey)) style = "double";
  return style;
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

/** The escape sequence for a code point (`\n`, `\x7F`, `\uFEFF`, `\U0001F600`). */
export function escapeChar(cp: number): string {
  const e = ESCAPES[cp];
  if (e !== undefined) return "\\" + e;
  const hex = cp.toString(16).toUpperCase();
  if (cp <= 0xff) return "\\x" + hex.padStart(2, "0");
  if (cp <= 0xffff) return "\\u" + hex.padStart(4, "0");
  return "\\U" + hex.padStart(8, "0");
}

/** Whether the double-quoted writer escapes this code point. */
export const mustEscape = (c: string) => {
  const cp = c.codePointAt(0)!;
  return !isPrintable(cp) || isBreak(c) || c === '"' || c === "\\";
};

/**
 * The body of a double-quoted scalar (without the quotes). Go's BOM test looks at the start of
 * the whole value, not at the current character, so a value that starts with U+FEFF has every
 * character escaped.
 */
export function doubleQuotedBody(v: string): string {
  const all = v.startsWith("\ufeff");
  let out = "";
  for (const c of v) out += all || mustEscape(c) ? escapeChar(c.codePointAt(0)!) : c;
  return out;
}
