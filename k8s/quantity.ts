// Kubernetes resource quantities ("100m", "1.5Gi", "2e3"): parsing and the canonical text the API
// machinery writes back (apimachinery's resource.Quantity). A typed round trip through the Go
// types rewrites every quantity into that form, so `inject serviceaccount` does it too: "1000m"
// becomes "1", "0.5" becomes "500m", "1024Mi" becomes "1Gi", a bare number becomes a string.
//
// Values are exact (BigInt mantissa times a power of ten); like the Go type, anything finer than
// a nanounit is rounded up (away from zero) to one.

/** The pattern named in the error for text that is not a quantity. */
export const QUANTITY_PATTERN = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";

type Format = "DecimalSI" | "BinarySI" | "DecimalExponent";

interface Quantity {
  /** value = mantissa * 10^scale */
  mantissa: bigint;
  scale: number;
  format: Format;
}

const DECIMAL: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  "": 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const BINARY: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL_SUFFIX: Record<number, string> = Object.fromEntries(
  Object.entries(DECIMAL).map(([k, v]) => [v, k]),
);
const BINARY_SUFFIX = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];

export class QuantityError extends Error {}

const pow10 = (n: number): bigint => 10n ** BigInt(n);
const abs = (n: bigint): bigint => n < 0n ? -n : n;

/** Parses a quantity as resource.ParseQuantity does (throws QuantityError with its message). */
export function parseQuantity(text: string): Quantity {
  const formatWrong = () =>
    new QuantityError(`quantities must match the regular expression '${QUANTITY_PATTERN}'`);
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)$/.exec(text);
  if (text === "" || !m || (m[2] === "" && (m[3] ?? "") === "")) throw formatWrong();
  const [, sign, whole, fraction = "", suffix] = m;
  if (!/^[eEinumkKMGTP]*[-+]?[0-9]*$/.test(suffix)) throw formatWrong();
  let format: Format;
  let exponent = 0;
  let binary = 0;
  if (Object.hasOwn(DECIMAL, suffix)) {
    format = "DecimalSI";
    exponent = DECIMAL[suffix];
  } else if (Object.hasOwn(BINARY, suffix)) {
    format = "BinarySI";
    binary = BINARY[suffix];
  } else if (/^[eE][-+]?[0-9]+$/.test(suffix)) {
    format = "DecimalExponent";
    exponent = Number(suffix.slice(1));
  } else {
    throw new QuantityError("unable to parse quantity's suffix");
  }
  let mantissa = BigInt((whole || "0") + fraction) * (sign === "-" ? -1n : 1n);
  let scale = exponent - fraction.length;
  mantissa *= 1024n ** BigInt(binary);
  if (scale < -9) {
    const div = pow10(-9 - scale);
    const q = abs(mantissa) / div;
    const rounded = abs(mantissa) % div === 0n ? q : q + 1n;
    mantissa = mantissa < 0n ? -rounded : rounded;
    scale = -9;
  }
  return { mantissa, scale, format };
}

/** The canonical text of a quantity (Quantity.String()). */
export function canonicalQuantity(q: Quantity): string {
  if (q.mantissa === 0n) return "0";
  let format = q.format;
  if (format === "BinarySI") {
    const integral = q.scale >= 0 || q.mantissa % pow10(-q.scale) === 0n;
    const value = q.scale >= 0 ? q.mantissa * pow10(q.scale) : q.mantissa / pow10(-q.scale);
    if (!integral || abs(value) < 1024n) {
      format = "DecimalSI";
    } else {
      let amount = value;
      let power = 0;
      while (power < 6 && amount % 1024n === 0n) {
        amount /= 1024n;
        power++;
      }
      return `${amount}${BINARY_SUFFIX[power]}`;
    }
  }
  let amount = q.mantissa;
  let exponent = q.scale;
  while (amount % 10n === 0n) {
    amount /= 10n;
    exponent++;
  }
  const r = ((exponent % 3) + 3) % 3;
  amount *= pow10(r);
  exponent -= r;
  if (format === "DecimalExponent") return exponent === 0 ? `${amount}` : `${amount}e${exponent}`;
  const suffix = DECIMAL_SUFFIX[exponent];
  if (suffix !== undefined) return `${amount}${suffix}`;
  // Past the largest SI suffix the Go type writes the exponent form.
  return `${amount}e${exponent}`;
}

/** A quantity field's value (a string or a number in YAML) in canonical text. */
export function normalizeQuantity(value: unknown): string {
  if (typeof value === "number") return canonicalQuantity(parseQuantity(goNumberText(value)));
  if (typeof value !== "string") {
    throw new QuantityError("quantities must be a string or a number");
  }
  return canonicalQuantity(parseQuantity(value));
}

/** How encoding/json writes a float64 (what the Go type then parses). */
function goNumberText(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return n.toFixed(0);
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    return n.toExponential().replace(/e([+-])(\d)$/, "e$10$2");
  }
  return String(n);
}
