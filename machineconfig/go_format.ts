// Text forms Go gives to values, as the machine config encoder writes them: durations
// (time.Duration.String), floats (strconv 'g', shortest), and the order Go's YAML encoder sorts
// map keys in (letters before digits at a difference, digit runs compared as numbers).

const UNITS: [string, bigint][] = [
  ["ns", 1n],
  ["us", 1000n],
  ["µs", 1000n],
  ["μs", 1000n],
  ["ms", 1000000n],
  ["s", 1000000000n],
  ["m", 60000000000n],
  ["h", 3600000000000n],
];

/** Parses a Go duration ("1h30m", "1.5s", "-2m") into nanoseconds; undefined when invalid. */
export function parseGoDuration(text: string): bigint | undefined {
  let s = text;
  let neg = false;
  if (s[0] === "-" || s[0] === "+") {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  if (s === "0") return 0n;
  if (s === "") return undefined;
  let total = 0n;
  while (s !== "") {
    const m = /^([0-9]*)(?:\.([0-9]*))?(ns|us|µs|μs|ms|s|m|h)/.exec(s);
    if (!m || (m[1] === "" && (m[2] ?? "") === "")) return undefined;
    const unit = UNITS.find(([u]) => u === m[3])![1];
    total += BigInt(m[1] || "0") * unit;
    if (m[2]) total += (BigInt(m[2]) * unit) / 10n ** BigInt(m[2].length);
    s = s.slice(m[0].length);
  }
  return neg ? -total : total;
}

function fmtFrac(v: bigint, prec: number): [string, bigint] {
  // Go's fmtFrac: prints v/10^prec fraction, omitting trailing zeros.
  let out = "";
  let print = false;
  for (let i = 0; i < prec; i++) {
    const digit = v % 10n;
    print = print || digit !== 0n;
    if (print) out = String(digit) + out;
    v /= 10n;
  }
  if (print) out = "." + out;
  return [out, v];
}

/** Formats nanoseconds the way Go's time.Duration.String does ("168h0m0s", "1.5s", "0s"). */
export function formatGoDuration(ns: bigint): string {
  if (ns === 0n) return "0s";
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  let out: string;
  if (u < 1000000000n) {
    let prec: number, unit: string;
    if (u < 1000n) return (neg ? "-" : "") + `${u}ns`;
    if (u < 1000000n) [prec, unit] = [3, "µs"];
    else [prec, unit] = [6, "ms"];
    const [frac, whole] = fmtFrac(u, prec);
    out = `${whole}${frac}${unit}`;
  } else {
    const [frac, secs] = fmtFrac(u, 9);
    u = secs;
    out = `${u % 60n}${frac}s`;
    u /= 60n;
    if (u > 0n) {
      out = `${u % 60n}m` + out;
      u /= 60n;
      if (u > 0n) out = `${u}h` + out;
    }
  }
  return (neg ? "-" : "") + out;
}

/** Normalises a duration value (Go string form or nanoseconds) to Go's text; keeps bad input. */
export function normalizeDuration(v: string | number): string {
  if (typeof v === "number") return formatGoDuration(BigInt(Math.trunc(v)));
  const ns = parseGoDuration(v);
  return ns === undefined ? v : formatGoDuration(ns);
}

/**
 * Formats a float64 like Go's strconv.FormatFloat(f, 'g', -1, 64), which both yaml.v2 and
 * yaml.v3 use for floats (with .inf/-.inf/.nan for the specials): the shortest digits that read
 * back to the same value, in exponent form ("1.2345675e+06", "1e-05") when the decimal exponent
 * is below -4 or at least 6 (Go's rule for the shortest precision), else in plain form.
 */
export function formatGoFloat(f: number): string {
  if (Number.isNaN(f)) return ".nan";
  if (f === Infinity) return ".inf";
  if (f === -Infinity) return "-.inf";
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  // JavaScript's toExponential() without an argument yields the same shortest digits.
  const m = /^(-?)(\d)(?:\.(\d+))?e([-+]\d+)$/.exec(f.toExponential())!;
  const [, sign, first, rest = "", e] = m;
  const digits = first + rest;
  const exp = Number(e);
  if (exp < -4 || exp >= 6) {
    const abs = Math.abs(exp);
    const mant = rest ? `${first}.${rest}` : first;
    return `${sign}${mant}e${exp < 0 ? "-" : "+"}${abs < 10 ? "0" : ""}${abs}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  const intLen = exp + 1;
  if (digits.length <= intLen) return sign + digits + "0".repeat(intLen - digits.length);
  return `${sign}${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
}

const isDigit = (c: string) => c >= "0" && c <= "9";
const isLetter = (c: string) => c.toLowerCase() !== c.toUpperCase();

/** Go's YAML encoder map-key order for string keys (yaml.v3 keyList.Less). */
export function goKeyLess(a: string, b: string): boolean {
  const ar = [...a], br = [...b];
  let digits = false;
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) {
      digits = isDigit(ar[i]);
      continue;
    }
    const al = isLetter(ar[i]), bl = isLetter(br[i]);
    if (al && bl) return ar[i] < br[i];
    if (al || bl) return digits ? al : bl;
    let an = 0, bn = 0;
    if (ar[i] === "0" || br[i] === "0") {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== "0") {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i, bi = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10 + Number(ar[ai]);
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10 + Number(br[bi]);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i] < br[i];
  }
  return ar.length < br.length;
}

export function sortGoKeys(keys: string[]): string[] {
  return [...keys].sort((x, y) => (goKeyLess(x, y) ? -1 : goKeyLess(y, x) ? 1 : 0));
}
