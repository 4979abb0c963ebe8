// How Go's YAML encoders (yaml.v2, yaml.v3, yaml/v4) write a float64.

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
