// Parsers with the acceptance rules and error texts of the Go functions upstream's custom
// decoders and validators call: encoding/base64 (StdEncoding), net/url.Parse, go-humanize's
// ParseBytes and Talos's percentage sizes. Each returns the Go error text, or the parsed value.

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** base64.StdEncoding.DecodeString: the decoded length, or Go's CorruptInputError text. */
export function base64Decode(s: string): { length: number } | { error: string } {
  const src = new TextEncoder().encode(s);
  const bad = (at: number) => ({ error: `illegal base64 data at input byte ${at}` });
  const isNL = (c: number) => c === 10 || c === 13;
  let si = 0;
  let n = 0;
  while (si < src.length) {
    // one quantum of up to four symbols, as Go's decodeQuantum reads it
    let j = 0;
    let dlen = 4;
    for (; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return { length: n };
        return bad(si - j);
      }
      const c = src[si++];
      if (B64.includes(String.fromCharCode(c))) continue;
      if (isNL(c)) {
        j--;
        continue;
      }
      if (c !== 61) return bad(si - 1); // not '='
      if (j < 2) return bad(si - 1);
      if (j === 2) {
        while (si < src.length && isNL(src[si])) si++;
        if (si === src.length) return bad(src.length);
        if (src[si] !== 61) return bad(si - 1);
        si++;
      }
      while (si < src.length && isNL(src[si])) si++;
      if (si < src.length) return bad(si);
      dlen = j;
      break;
    }
    n += dlen - 1;
    if (dlen < 4) return { length: n };
  }
  return { length: n };
}

const goQuote = (s: string) => JSON.stringify(s);

function unescapeError(s: string, host: boolean): string | null {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "%") {
      const hex = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return `invalid URL escape ${goQuote(s.slice(i, i + 3))}`;
      i += 2;
    } else if (host && !/[A-Za-z0-9\-._~!$&'()*+,;=:\[\]<>"%]/.test(s[i]) && s[i] < "\x80") {
      return `invalid character ${goQuote(s[i])} in host name`;
    }
  }
  return null;
}

/** Go's url.Parse: null when it succeeds, else its error text (`parse "...": ...`). */
export function urlParseError(raw: string): string | null {
  const fail = (why: string) => `parse ${goQuote(raw)}: ${why}`;
  const hash = raw.indexOf("#");
  const u = hash < 0 ? raw : raw.slice(0, hash);
  if ([...u].some((c) => c < " " || c === "\x7f")) {
    return `parse ${goQuote(u)}: net/url: invalid control character in URL`;
  }
  if (u === "*") return null;
  let scheme = "";
  let rest = u;
  for (let i = 0; i < u.length; i++) {
    const c = u[i];
    if (/[A-Za-z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) break;
      continue;
    }
    if (c === ":") {
      if (i === 0) return `parse ${goQuote(u)}: missing protocol scheme`;
      scheme = u.slice(0, i);
      rest = u.slice(i + 1);
    }
    break;
  }
  const q = rest.indexOf("?");
  if (q >= 0) rest = rest.slice(0, q);
  if (!rest.startsWith("/") && scheme !== "") {
    // opaque URL ("mailto:x"): nothing more is checked
  } else {
    if (scheme === "") {
      const seg = rest.split("/")[0];
      if (seg.includes(":")) {
        return `parse ${goQuote(u)}: first path segment in URL cannot contain colon`;
      }
    }
    if (rest.startsWith("//") && (scheme !== "" || !rest.startsWith("///"))) {
      const after = rest.slice(2);
      const end = after.indexOf("/");
      const authority = end < 0 ? after : after.slice(0, end);
      rest = end < 0 ? "" : after.slice(end);
      const at = authority.lastIndexOf("@");
      const host = at < 0 ? authority : authority.slice(at + 1);
      const e = hostError(host);
      if (e) return `parse ${goQuote(u)}: ${e}`;
    }
    const pe = unescapeError(rest, false);
    if (pe) return `parse ${goQuote(u)}: ${pe}`;
  }
  if (hash >= 0) {
    const fe = unescapeError(raw.slice(hash + 1), false);
    if (fe) return fail(fe);
  }
  return null;
}

function hostError(host: string): string | null {
  let name = host;
  let port = "";
  if (host.startsWith("[")) {
    const close = host.lastIndexOf("]");
    if (close < 0) return "missing ']' in host";
    port = host.slice(close + 1);
    name = host.slice(1, close);
    if (port !== "" && !/^:\d*$/.test(port)) return `invalid port ${goQuote(port)} after host`;
  } else {
    const colon = host.lastIndexOf(":");
    if (colon >= 0) {
      port = host.slice(colon);
      if (!/^:\d*$/.test(port)) return `invalid port ${goQuote(port)} after host`;
      name = host.slice(0, colon);
    }
  }
  return unescapeError(name, true);
}

const SIZE_UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  ki: 1024,
  kib: 1024,
  m: 1e6,
  mb: 1e6,
  mi: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1e9,
  gb: 1e9,
  gi: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1e12,
  tb: 1e12,
  ti: 1024 ** 4,
  tib: 1024 ** 4,
  p: 1e15,
  pb: 1e15,
  pi: 1024 ** 5,
  pib: 1024 ** 5,
  e: 1e18,
  eb: 1e18,
  ei: 1024 ** 6,
  eib: 1024 ** 6,
};

/** go-humanize ParseBytes: the byte count, or its error text. */
export function humanizeParseBytes(s: string): { value: number } | { error: string } {
  let last = 0;
  while (last < s.length && /[0-9.,]/.test(s[last])) last++;
  const num = s.slice(0, last).replaceAll(",", "");
  if (!/^(\d+\.?\d*|\.\d+)$/.test(num)) {
    return { error: `strconv.ParseFloat: parsing ${goQuote(num)}: invalid syntax` };
  }
  const unit = s.slice(last).trim().toLowerCase();
  const m = SIZE_UNITS[unit];
  if (m === undefined) return { error: `unhandled size name: ${unit}` };
  const f = Number(num) * m;
  if (f >= 2 ** 64) return { error: `too large: ${s}` };
  return { value: Math.trunc(f) };
}

export interface ParsedSize {
  value: number;
  negative: boolean;
  relative: boolean;
}

/** Talos block.ByteSize / block.Size text ("10GiB", "-1GB", "80%"); error text on failure. */
export function parseBlockSize(
  text: string,
  allowPercent: boolean,
): ParsedSize | { error: string } {
  if (allowPercent && text.includes("%")) {
    if (!text.endsWith("%")) return { error: "percentage must end with '%'" };
    const negative = text.startsWith("-");
    const num = text.slice(negative ? 1 : 0, -1);
    if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(num)) {
      return {
        error: `invalid percentage value: strconv.ParseFloat: parsing ${
          goQuote(num)
        }: invalid syntax`,
      };
    }
    const v = Number(num);
    if (v < 0 || v > 100) return { error: `percentage must be between 0 and 100, got ${v}` };
    return { value: Math.trunc(v), negative, relative: true };
  }
  const negative = text.startsWith("-");
  const r = humanizeParseBytes(negative ? text.slice(1) : text);
  if ("error" in r) return r;
  return { value: r.value, negative, relative: false };
}
