// Go's %q verb for strings, byte strings and bytes (strconv.Quote rules).

const SIMPLE: Record<number, string> = {
  0x07: "\\a",
  0x08: "\\b",
  0x0c: "\\f",
  0x0a: "\\n",
  0x0d: "\\r",
  0x09: "\\t",
  0x0b: "\\v",
  0x5c: "\\\\",
};

/** unicode.IsPrint, approximated with the JavaScript engine's Unicode tables. */
function isPrint(cp: number): boolean {
  if (cp === 0x20) return true;
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(String.fromCodePoint(cp));
}

function escapeRune(cp: number, quote: number): string {
  if (cp === quote) return "\\" + String.fromCharCode(quote);
  if (SIMPLE[cp]) return SIMPLE[cp];
  if (cp < 0x80 && cp >= 0x20 && cp !== 0x7f) return String.fromCharCode(cp);
  if (cp >= 0x80 && isPrint(cp)) return String.fromCodePoint(cp);
  if (cp < 0x20 || cp === 0x7f) return "\\x" + cp.toString(16).padStart(2, "0");
  if (cp < 0x10000) return "\\u" + cp.toString(16).padStart(4, "0");
  return "\\U" + cp.toString(16).padStart(8, "0");
}

/** Decodes one UTF-8 sequence at `i`: [code point, length], or [-1, 1] when invalid. */
function decodeRune(b: Uint8Array, i: number): [number, number] {
  const c = b[i];
  if (c < 0x80) return [c, 1];
  const need = c >= 0xf0 && c <= 0xf4 ? 3 : c >= 0xe0 ? (c <= 0xef ? 2 : -1) : c >= 0xc2 ? 1 : -1;
  if (need < 0 || i + need >= b.length) return [-1, 1];
  let cp = c & (0x3f >> need);
  for (let k = 1; k <= need; k++) {
    const x = b[i + k];
    if ((x & 0xc0) !== 0x80) return [-1, 1];
    cp = (cp << 6) | (x & 0x3f);
  }
  const min = [0, 0x80, 0x800, 0x10000][need];
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return [-1, 1];
  return [cp, need + 1];
}

/** fmt's %q of a []byte / string: Go-escaped, invalid UTF-8 as \xNN. */
export function goQuoteBytes(b: Uint8Array): string {
  let out = '"';
  for (let i = 0; i < b.length;) {
    const [cp, n] = decodeRune(b, i);
    out += cp < 0 ? "\\x" + b[i].toString(16).padStart(2, "0") : escapeRune(cp, 0x22);
    i += n;
  }
  return out + '"';
}

/** fmt's %q of a string. */
export function goQuote(s: string): string {
  return goQuoteBytes(new TextEncoder().encode(s));
}

/** fmt's %q of a byte value (a quoted rune literal). */
export function goQuoteByte(b: number): string {
  return "'" + escapeRune(b, 0x27) + "'";
}
