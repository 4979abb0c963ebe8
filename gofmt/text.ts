// Go's text output formats, byte for byte: text/tabwriter (padding 3, spaces),
// time.Duration.String, go-humanize Bytes and %.Nf rounding.

const width = (s: string) => [...s].length;

/** Aligns tab-separated lines like Go's tabwriter.NewWriter(w, 0, 0, 3, ' ', 0). */
export function tabwrite(text: string, padding = 3): string {
  if (text === "") return "";
  const lines = text.split("\n");
  const trailingNewline = lines.at(-1) === "";
  if (trailingNewline) lines.pop();
  const cells = lines.map((l) => l.split("\t"));
  const widths = cells.map((c) => new Array<number>(Math.max(0, c.length - 1)).fill(0));
  const maxCols = Math.max(0, ...cells.map((c) => c.length - 1));
  for (let col = 0; col < maxCols; col++) {
    let i = 0;
    while (i < cells.length) {
      if (cells[i].length - 1 <= col) {
        i++;
        continue;
      }
      let j = i, w = 0;
      while (j < cells.length && cells[j].length - 1 > col) w = Math.max(w, width(cells[j++][col]));
      for (let k = i; k < j; k++) widths[k][col] = w + padding;
      i = j;
    }
  }
  const out = cells.map((c, li) =>
    c.map((cell, ci) => ci < c.length - 1 ? cell + " ".repeat(widths[li][ci] - width(cell)) : cell)
      .join("")
  );
  return out.join("\n") + (trailingNewline ? "\n" : "");
}

/** Go's time.Duration.String for a number of milliseconds (sub-ms precision dropped). */
export function goDuration(ms: number): string {
  if (ms === 0) return "0s";
  const neg = ms < 0;
  let rest = Math.abs(ms);
  let out: string;
  if (rest < 1000) {
    out = `${rest}ms`;
  } else {
    const h = Math.floor(rest / 3_600_000);
    rest -= h * 3_600_000;
    const m = Math.floor(rest / 60_000);
    rest -= m * 60_000;
    const s = (rest / 1000).toFixed(3).replace(/\.?0+$/, "");
    out = h > 0 ? `${h}h${m}m${s}s` : m > 0 ? `${m}m${s}s` : `${s}s`;
  }
  return neg ? "-" + out : out;
}

/** Go's Duration.Round(time.Second).String(): halves round away from zero, as Go's do. */
export function goDurationSeconds(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  return goDuration(ms < 0 ? -s * 1000 : s * 1000);
}

/** go-humanize Bytes: SI units, "1.5 MB", "12 kB", "5 B". */
export function humanizeBytes(n: number | bigint): string {
  return humanate(n, 1000, ["B", "kB", "MB", "GB", "TB", "PB", "EB"]);
}

/** go-humanize IBytes: binary units, "1.5 MiB", "12 KiB", "5 B". */
export function humanizeIBytes(n: number | bigint): string {
  return humanate(n, 1024, ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]);
}

function humanate(n: number | bigint, base: number, sizes: string[]): string {
  const s = Number(n);
  if (s < 10) return `${n} B`;
  const e = Math.floor(Math.log(s) / Math.log(base));
  const val = Math.floor(s / Math.pow(base, e) * 10 + 0.5) / 10;
  return `${val < 10 ? val.toFixed(1) : roundHalfEven(val)} ${sizes[e]}`;
}

/** Go's %.0f: exact halves round to even (10.5 -> "10"). */
function roundHalfEven(v: number): string {
  const f = Math.floor(v);
  const diff = v - f;
  if (diff === 0.5) return String(f % 2 === 0 ? f : f + 1);
  return String(Math.round(v));
}

/**
 * Go's %.<digits>f. Both Go and toFixed round the exact binary value, but an exact tie (only
 * possible for binary fractions such as 0.125) goes to even in Go and up in JavaScript.
 */
export function goFixed(x: number, digits: number): string {
  const scaled = x * 10 ** digits;
  const frac = Math.abs(scaled) - Math.floor(Math.abs(scaled));
  // A true tie needs x = odd/2^(digits+1) exactly; x * 2^k is exact, x * 10^k may round.
  const tie = frac === 0.5 && Number.isInteger(x * 2 ** (digits + 1));
  if (!tie || !Number.isFinite(scaled)) return x.toFixed(digits);
  const lower = Math.floor(Math.abs(scaled));
  const even = lower % 2 === 0 ? lower : lower + 1;
  const s = (even / 10 ** digits).toFixed(digits);
  return x < 0 ? "-" + s : s;
}
