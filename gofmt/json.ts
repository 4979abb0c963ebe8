// Go's encoding/json output for the generic values a YAML or JSON decode gives (map[string]any,
// []any, string, bool, int, float64, nil): map keys sorted, `<`, `>` and `&` escaped as \u003c
// and friends (json.Marshal's default HTML escaping), floats as Go formats them.
//
// Values: null, boolean, string, bigint (a Go int), number (a Go float64), arrays, plain
// objects (maps) and GoTime (a time.Time, as yaml/v4 decodes an unquoted timestamp into `any`).
// Integers must be bigints for Go's int/float distinction to survive.

/** A generic Go value as decoded from YAML or JSON. */
export type GoValue = null | boolean | string | bigint | number | GoTime | GoValue[] | GoMap;
export interface GoMap {
  [key: string]: GoValue;
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** A time.Time: the wall clock as parsed, in a zone `offset` minutes east of UTC. */
export class GoTime {
  constructor(
    readonly year: number,
    readonly month: number,
    readonly day: number,
    readonly hour: number,
    readonly minute: number,
    readonly second: number,
    readonly nanos: number,
    readonly offset: number,
  ) {}

  #clock(sep: string): string {
    const frac = this.nanos === 0 ? "" : "." + pad(this.nanos, 9).replace(/0+$/, "");
    return `${pad(this.year, 4)}-${pad(this.month)}-${pad(this.day)}${sep}${pad(this.hour)}:${
      pad(this.minute)
    }:${pad(this.second)}${frac}`;
  }

  #zone(colon: string): string {
    const a = Math.abs(this.offset);
    return `${this.offset < 0 ? "-" : "+"}${pad(Math.trunc(a / 60))}${colon}${pad(a % 60)}`;
  }

  /** MarshalJSON's text (RFC 3339 with nanoseconds, `Z` for UTC), unquoted. */
  rfc3339Nano(): string {
    return this.#clock("T") + (this.offset === 0 ? "Z" : this.#zone(":"));
  }

  /** time.Time.String(): "2006-01-02 15:04:05.999999999 -0700 MST"; a zone without a name
   * (a parsed offset) is named by its offset. */
  toString(): string {
    const zone = this.#zone("");
    return `${this.#clock(" ")} ${zone} ${this.offset === 0 ? "UTC" : zone}`;
  }
}

const HEX = "0123456789abcdef";

/** A JSON string literal as encoding/json writes it (HTML-safe). */
export function goJsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case "\\":
        out += "\\\\";
        continue;
      case "\n":
        out += "\\n";
        continue;
      case "\r":
        out += "\\r";
        continue;
      case "\t":
        out += "\\t";
        continue;
      case "\b":
        out += "\\b";
        continue;
      case "\f":
        out += "\\f";
        continue;
    }
    if (
      cp < 0x20 || ch === "<" || ch === ">" || ch === "&" || cp === 0x2028 || cp === 0x2029
    ) {
      out += "\\u" + [12, 8, 4, 0].map((sh) => HEX[(cp >> sh) & 0xf]).join("");
    } else if (cp >= 0xd800 && cp <= 0xdfff) {
      out += "\\ufffd"; // a lone surrogate is invalid UTF-8 to Go
    } else out += ch;
  }
  return out + '"';
}

/** A float64 as encoding/json writes it ('f' format, 'e' below 1e-6 and from 1e21). */
export function goJsonFloat(f: number): string {
  if (!Number.isFinite(f)) throw new Error(`json: unsupported value: ${goFloatName(f)}`);
  if (Object.is(f, -0)) return "-0";
  // JavaScript's shortest round-trip text uses the same thresholds and digits; only the
  // exponent spelling differs in principle, and both write e+21 / e-7.
  return String(f);
}

function goFloatName(f: number): string {
  return Number.isNaN(f) ? "NaN" : f > 0 ? "+Inf" : "-Inf";
}

/**
 * json.Marshal (indent "") or json.MarshalIndent(v, "", indent); no trailing newline
 * (json.Encoder.Encode adds one).
 */
export function goJson(v: GoValue, indent = ""): string {
  return encode(v, indent, "");
}

function encode(v: GoValue, indent: string, cur: string): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") return goJsonFloat(v);
  if (typeof v === "string") return goJsonString(v);
  if (v instanceof GoTime) return goJsonString(v.rfc3339Nano());
  const next = cur + indent;
  const nl = indent === "" ? "" : "\n";
  const sep = indent === "" ? ":" : ": ";
  if (Array.isArray(v)) {
    if (v.length === 0) return "[]";
    return "[" + v.map((x) => nl + next + encode(x, indent, next)).join(",") + nl + cur + "]";
  }
  const keys = Object.keys(v).sort(byteOrder);
  if (keys.length === 0) return "{}";
  return "{" +
    keys.map((k) => nl + next + goJsonString(k) + sep + encode(v[k], indent, next)).join(",") +
    nl + cur + "}";
}

/** Go sorts map keys by their UTF-8 bytes; UTF-16 order differs only beyond the BMP. */
function byteOrder(a: string, b: string): number {
  const ea = new TextEncoder().encode(a), eb = new TextEncoder().encode(b);
  const n = Math.min(ea.length, eb.length);
  for (let i = 0; i < n; i++) if (ea[i] !== eb[i]) return ea[i] - eb[i];
  return ea.length - eb.length;
}
