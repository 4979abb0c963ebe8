// Go's fmt.Sprintf for the values Go templates hand it: strings, ints (bigint), floats (number),
// bools, nil (null), slices (arrays), maps (Map), and Stringers (objects with a String method).
// Verbs: %v %s %q %d %f %F %e %g %x %X %o %b %t %c %%, with flags "-+ #0", width and precision.

import { goQuote } from "./quote.ts";

/** A value with Go's String() method. */
export interface GoStringer {
  String(): string;
}

/**
 * A Go type name for %!verb(type=value) errors, %T and templates: a value's own `goType`, else
 * the Go type its JavaScript kind decodes to.
 */
export function typeName(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  const n = (v as { goType?: string }).goType;
  if (n) return n;
  if (typeof v === "bigint") return "int";
  if (typeof v === "number") return "float64";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (Array.isArray(v)) return "[]interface {}";
  if (v instanceof Map) return "map[string]interface {}";
  return "struct";
}

interface Spec {
  minus: boolean;
  plus: boolean;
  space: boolean;
  sharp: boolean;
  zero: boolean;
  width?: number;
  prec?: number;
}

function pad(s: string, f: Spec, numeric = false): string {
  const w = f.width ?? 0;
  const len = [...s].length;
  if (len >= w) return s;
  if (f.minus) return s + " ".repeat(w - len);
  if (f.zero && numeric) {
    const sign = /^[+\- ]/.test(s) ? s[0] : "";
    return sign + "0".repeat(w - len) + s.slice(sign.length);
  }
  return " ".repeat(w - len) + s;
}

/** strconv's shortest 'g' form, as %v prints a float64. */
export function goFloatV(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "+Inf";
  if (x === -Infinity) return "-Inf";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const exp = Math.floor(Math.log10(Math.abs(x)));
  if (exp < -4 || exp >= 21) {
    const [m, e] = x.toExponential().split("e");
    const n = Number(e);
    return `${m}e${n < 0 ? "-" : "+"}${String(Math.abs(n)).padStart(2, "0")}`;
  }
  return String(x);
}

function fixed(x: number, prec: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "+Inf" : "-Inf";
  return x.toFixed(prec);
}

function expo(x: number, prec: number, upper: boolean): string {
  const [m, e] = x.toExponential(prec).split("e");
  const n = Number(e);
  const s = `${m}e${n < 0 ? "-" : "+"}${String(Math.abs(n)).padStart(2, "0")}`;
  return upper ? s.toUpperCase() : s;
}

function signed(s: string, f: Spec): string {
  if (s.startsWith("-")) return s;
  if (f.plus) return "+" + s;
  if (f.space) return " " + s;
  return s;
}

function isStringer(v: unknown): v is GoStringer {
  return typeof v === "object" && v !== null && typeof (v as GoStringer).String === "function";
}

function bad(verb: string, v: unknown): string {
  return `%!${verb}(${typeName(v)}=${formatValue(v, "v", plain())})`;
}

function plain(): Spec {
  return { minus: false, plus: false, space: false, sharp: false, zero: false };
}

function formatValue(v: unknown, verb: string, f: Spec): string {
  if (verb === "T") return pad(typeName(v), f);
  if (v === null || v === undefined) {
    return verb === "v" || verb === "s" ? pad("<nil>", f) : pad(`%!${verb}(<nil>)`, f);
  }
  if (Array.isArray(v)) {
    if ((verb === "s" || verb === "q" || verb === "x") && v.every((x) => typeof x === "number")) {
      // a []byte
      const text = new TextDecoder().decode(new Uint8Array(v as number[]));
      return formatValue(text, verb, f);
    }
    return "[" + v.map((x) => formatValue(x, verb, f)).join(" ") + "]";
  }
  if (v instanceof Map) {
    const keys = [...v.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return "map[" + keys.map((k) => `${formatValue(k, verb, f)}:${formatValue(v.get(k), verb, f)}`)
      .join(" ") +
      "]";
  }
  if (isStringer(v) && "vsq".includes(verb)) return formatValue(v.String(), verb, f);
  if (typeof v === "string") {
    let s = v;
    switch (verb) {
      case "v":
      case "s":
        if (f.prec !== undefined) s = [...s].slice(0, f.prec).join("");
        return pad(s, f);
      case "q":
        if (f.prec !== undefined) s = [...s].slice(0, f.prec).join("");
        return pad(goQuote(s), f);
      case "x":
      case "X": {
        let h = [...new TextEncoder().encode(s)].map((b) => b.toString(16).padStart(2, "0"))
          .join(f.space ? " " : "");
        if (verb === "X") h = h.toUpperCase();
        return pad(h, f);
      }
    }
    return bad(verb, v);
  }
  if (typeof v === "boolean") {
    return verb === "v" || verb === "t" ? pad(String(v), f) : bad(verb, v);
  }
  if (typeof v === "bigint") {
    const abs = v < 0n ? -v : v;
    const neg = v < 0n ? "-" : "";
    let digits: string;
    switch (verb) {
      case "v":
      case "d":
        digits = abs.toString(10);
        break;
      case "x":
        digits = (f.sharp ? "0x" : "") + abs.toString(16);
        break;
      case "X":
        digits = (f.sharp ? "0X" : "") + abs.toString(16).toUpperCase();
        break;
      case "o":
        digits = (f.sharp ? "0" : "") + abs.toString(8);
        break;
      case "b":
        digits = abs.toString(2);
        break;
      case "c":
        return pad(String.fromCodePoint(Number(v)), f);
      case "q":
        return pad(`'${String.fromCodePoint(Number(v))}'`, f);
      case "f":
      case "F":
      case "e":
      case "g":
      case "s":
      default:
        return bad(verb, v);
    }
    if (f.prec !== undefined) digits = digits.padStart(f.prec, "0");
    return pad(signed(neg + digits, f), { ...f, zero: f.zero && f.prec === undefined }, true);
  }
  if (typeof v === "number") {
    let s: string;
    switch (verb) {
      case "v":
      case "g":
        s = f.prec !== undefined ? String(Number(v.toPrecision(f.prec))) : goFloatV(v);
        break;
      case "f":
      case "F":
        s = fixed(v, f.prec ?? 6);
        break;
      case "e":
      case "E":
        s = expo(v, f.prec ?? 6, verb === "E");
        break;
      default:
        return bad(verb, v);
    }
    return pad(signed(s, f), f, Number.isFinite(v));
  }
  if (isStringer(v)) return bad(verb, v);
  return pad(String(v), f);
}

/** Go's fmt.Sprintf. */
export function goSprintf(format: string, ...args: unknown[]): string {
  let out = "";
  let argi = 0;
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    if (c !== "%") {
      out += c;
      continue;
    }
    const f = plain();
    i++;
    for (; i < format.length; i++) {
      const fc = format[i];
      if (fc === "-") f.minus = true;
      else if (fc === "+") f.plus = true;
      else if (fc === " ") f.space = true;
      else if (fc === "#") f.sharp = true;
      else if (fc === "0") f.zero = !f.minus;
      else break;
    }
    let num = "";
    while (i < format.length && /[0-9]/.test(format[i])) num += format[i++];
    if (num !== "") f.width = Number(num);
    if (format[i] === ".") {
      i++;
      let p = "";
      while (i < format.length && /[0-9]/.test(format[i])) p += format[i++];
      f.prec = Number(p || "0");
    }
    if (i >= format.length) {
      out += "%!(NOVERB)";
      break;
    }
    const verb = format[i];
    if (verb === "%") {
      out += "%";
      continue;
    }
    if (argi >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += formatValue(args[argi++], verb, f);
  }
  if (argi < args.length) {
    out += "%!(EXTRA " +
      args.slice(argi).map((a) => `${typeName(a)}=${formatValue(a, "v", plain())}`).join(", ") +
      ")";
  }
  return out;
}

/** Go's fmt.Sprint: operands printed with %v, a space between two that are not strings. */
export function goSprint(...args: unknown[]): string {
  let out = "";
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== "string" && typeof args[i - 1] !== "string") out += " ";
    out += formatValue(a, "v", plain());
  });
  return out;
}

/** Go's fmt.Sprintln: operands with %v, always a space between, and a newline. */
export function goSprintln(...args: unknown[]): string {
  return args.map((a) => formatValue(a, "v", plain())).join(" ") + "\n";
}
