// Go's time.Duration text, as the machine config encoder writes durations (parse, and
// Duration.String). Floats and map-key order are the YAML encoder's: see goyaml/.

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
