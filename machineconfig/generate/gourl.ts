// Go's net/url as talosctl (built with Go 1.26) parses and prints URLs: `url.Parse` with its
// error texts, `URL.String`, `Hostname` and `Port`. Generated configs store the cluster endpoint
// and registry mirror endpoints re-printed by `URL.String` (scheme lower-cased, path and host
// escaped), and `gen config` reports parse errors with Go's wording.
// Go 1.26 is strict about colons in a host: without brackets the first colon starts the port,
// and brackets must hold an IPv6 address and open the host.

import { goQuote } from "../../gofmt/mod.ts";
import { parseAddr } from "../validate/netip.ts";

export interface GoURL {
  scheme: string;
  opaque: string;
  user?: { username: string; password?: string };
  host: string;
  path: string;
  rawPath: string;
  omitHost: boolean;
  forceQuery: boolean;
  rawQuery: string;
  fragment: string;
  rawFragment: string;
}

type Mode = "path" | "host" | "zone" | "userPassword" | "fragment";

const isAlnum = (c: number) =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

function shouldEscape(c: number, mode: Mode): boolean {
  if (isAlnum(c)) return false;
  const ch = String.fromCharCode(c);
  if ((mode === "host" || mode === "zone") && `!$&'()*+,;=:[]<>"`.includes(ch)) return false;
  if ("-_.~".includes(ch)) return false;
  if ("$&+,/:;=?@".includes(ch)) {
    switch (mode) {
      case "path":
        return ch === "?";
      case "userPassword":
        return "@/?:".includes(ch);
      case "fragment":
        return false;
    }
  }
  if (mode === "fragment" && "!()*".includes(ch)) return false;
  return true;
}

const enc = new TextEncoder();
const dec = new TextDecoder();
const isHex = (c: number) =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
const unhex = (c: number) => parseInt(String.fromCharCode(c), 16);

class URLError extends Error {}

/** Go's unescape: percent-decoding with the per-mode checks (hosts allow few escapes). */
function unescape(s: string, mode: Mode): string {
  const b = enc.encode(s);
  let n = 0;
  for (let i = 0; i < b.length;) {
    const c = b[i];
    if (c === 0x25) {
      n++;
      if (i + 2 >= b.length || !isHex(b[i + 1]) || !isHex(b[i + 2])) {
        const bad = dec.decode(b.slice(i, Math.min(i + 3, b.length)));
        throw new URLError(`invalid URL escape ${goQuote(bad)}`);
      }
      const three = dec.decode(b.slice(i, i + 3));
      if (mode === "host" && unhex(b[i + 1]) < 8 && three !== "%25") {
        throw new URLError(`invalid URL escape ${goQuote(three)}`);
      }
      if (mode === "zone") {
        const v = (unhex(b[i + 1]) << 4) | unhex(b[i + 2]);
        if (three !== "%25" && v !== 0x20 && shouldEscape(v, "host")) {
          throw new URLError(`invalid URL escape ${goQuote(three)}`);
        }
      }
      i += 3;
      continue;
    }
    if ((mode === "host" || mode === "zone") && c < 0x80 && shouldEscape(c, mode)) {
      throw new URLError(`invalid character ${goQuote(String.fromCharCode(c))} in host name`);
    }
    i++;
  }
  if (n === 0) return s;
  const out: number[] = [];
  for (let i = 0; i < b.length;) {
    if (b[i] === 0x25) {
      out.push((unhex(b[i + 1]) << 4) | unhex(b[i + 2]));
      i += 3;
    } else out.push(b[i++]);
  }
  return dec.decode(new Uint8Array(out));
}

function escape(s: string, mode: Mode): string {
  let out = "";
  for (const c of enc.encode(s)) {
    out += shouldEscape(c, mode)
      ? "%" + c.toString(16).toUpperCase().padStart(2, "0")
      : String.fromCharCode(c);
  }
  // Bytes kept as they are may be parts of multi-byte characters: rebuild them as text.
  return dec.decode(Uint8Array.from(out, (ch) => ch.charCodeAt(0)));
}

const validOptionalPort = (p: string) => p === "" || /^:[0-9]*$/.test(p);

function parseHost(host: string): string {
  const open = host.lastIndexOf("[");
  if (open > 0) throw new URLError("invalid IP-literal");
  if (open === 0) {
    const close = host.lastIndexOf("]");
    if (close < 0) throw new URLError("missing ']' in host");
    const colonPort = host.slice(close + 1);
    if (!validOptionalPort(colonPort)) {
      throw new URLError(`invalid port ${goQuote(colonPort)} after host`);
    }
    const name = host.slice(1, close);
    const zone = name.indexOf("%25");
    const unescaped = zone >= 0
      ? unescape(name.slice(0, zone), "host") + unescape(name.slice(zone), "zone")
      : unescape(name, "host");
    const addr = parseAddr(unescaped);
    if ("error" in addr) throw new URLError(`invalid host: ${addr.error}`);
    if (addr.bytes.length === 4) throw new URLError("invalid IP-literal");
    return `[${unescaped}]${colonPort}`;
  }
  const colon = host.indexOf(":");
  if (colon >= 0 && !validOptionalPort(host.slice(colon))) {
    throw new URLError(`invalid port ${goQuote(host.slice(colon))} after host`);
  }
  return unescape(host, "host");
}

const USERINFO_OK = /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/;

/** The zero url.URL, with `host` set when given. */
export function emptyGoURL(host = ""): GoURL {
  return {
    scheme: "",
    opaque: "",
    host,
    path: "",
    rawPath: "",
    omitHost: false,
    forceQuery: false,
    rawQuery: "",
    fragment: "",
    rawFragment: "",
  };
}

function parseInner(raw: string): GoURL {
  if ([...raw].some((c) => c < " " || c === "\x7f")) {
    throw new URLError("net/url: invalid control character in URL");
  }
  const u = emptyGoURL();
  if (raw === "*") {
    u.path = "*";
    return u;
  }
  let rest = raw;
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(raw);
  if (m) {
    u.scheme = m[0].slice(0, -1).toLowerCase();
    rest = raw.slice(m[0].length);
  } else if (raw.startsWith(":")) throw new URLError("missing protocol scheme");
  if (rest.endsWith("?") && rest.indexOf("?") === rest.length - 1) {
    u.forceQuery = true;
    rest = rest.slice(0, -1);
  } else {
    const q = rest.indexOf("?");
    if (q >= 0) [rest, u.rawQuery] = [rest.slice(0, q), rest.slice(q + 1)];
  }
  if (!rest.startsWith("/")) {
    if (u.scheme !== "") {
      u.opaque = rest;
      return u;
    }
    if (rest.split("/")[0].includes(":")) {
      throw new URLError("first path segment in URL cannot contain colon");
    }
  }
  if ((u.scheme !== "" || !rest.startsWith("///")) && rest.startsWith("//")) {
    let authority = rest.slice(2);
    rest = "";
    const slash = authority.indexOf("/");
    if (slash >= 0) [authority, rest] = [authority.slice(0, slash), authority.slice(slash)];
    const at = authority.lastIndexOf("@");
    u.host = parseHost(at < 0 ? authority : authority.slice(at + 1));
    if (at >= 0) {
      const info = authority.slice(0, at);
      if (!USERINFO_OK.test(info)) throw new URLError("net/url: invalid userinfo");
      const colon = info.indexOf(":");
      u.user = colon < 0 ? { username: unescape(info, "userPassword") } : {
        username: unescape(info.slice(0, colon), "userPassword"),
        password: unescape(info.slice(colon + 1), "userPassword"),
      };
    }
  } else if (u.scheme !== "" && rest.startsWith("/")) {
    u.omitHost = true;
  }
  u.path = unescape(rest, "path");
  u.rawPath = escape(u.path, "path") === rest ? "" : rest;
  return u;
}

/** url.Parse: the URL, or Go's error text (`parse "<url>": <reason>`). */
export function parseGoURL(raw: string): GoURL | { error: string } {
  const hash = raw.indexOf("#");
  const head = hash < 0 ? raw : raw.slice(0, hash);
  const frag = hash < 0 ? "" : raw.slice(hash + 1);
  let u: GoURL;
  try {
    u = parseInner(head);
  } catch (e) {
    if (e instanceof URLError) return { error: `parse ${goQuote(head)}: ${e.message}` };
    throw e;
  }
  if (frag === "") return u;
  try {
    u.fragment = unescape(frag, "fragment");
  } catch (e) {
    if (e instanceof URLError) return { error: `parse ${goQuote(raw)}: ${e.message}` };
    throw e;
  }
  u.rawFragment = escape(u.fragment, "fragment") === frag ? "" : frag;
  return u;
}

function validEncoded(s: string, mode: Mode): boolean {
  for (const c of enc.encode(s)) {
    if (`!$&'()*+,;=:@[]%`.includes(String.fromCharCode(c))) continue;
    if (shouldEscape(c, mode)) return false;
  }
  return true;
}

function escapedPath(u: GoURL): string {
  if (u.rawPath !== "" && validEncoded(u.rawPath, "path")) {
    try {
      if (unescape(u.rawPath, "path") === u.path) return u.rawPath;
    } catch { /* fall through to the default escaping */ }
  }
  if (u.path === "*") return "*";
  return escape(u.path, "path");
}

function escapedFragment(u: GoURL): string {
  if (u.rawFragment !== "" && validEncoded(u.rawFragment, "fragment")) {
    try {
      if (unescape(u.rawFragment, "fragment") === u.fragment) return u.rawFragment;
    } catch { /* fall through */ }
  }
  return escape(u.fragment, "fragment");
}

/** URL.String. */
export function goURLString(u: GoURL): string {
  let out = u.scheme !== "" ? `${u.scheme}:` : "";
  if (u.opaque !== "") out += u.opaque;
  else {
    if (u.scheme !== "" || u.host !== "" || u.user) {
      if (!(u.omitHost && u.host === "" && !u.user)) {
        if (u.host !== "" || u.path !== "" || u.user) out += "//";
        if (u.user) {
          out += escape(u.user.username, "userPassword");
          if (u.user.password !== undefined) {
            out += ":" + escape(u.user.password, "userPassword");
          }
          out += "@";
        }
        if (u.host !== "") out += escape(u.host, "host");
      }
    }
    const path = escapedPath(u);
    if (path !== "" && path[0] !== "/" && u.host !== "") out += "/";
    if (out === "" && path.split("/")[0].includes(":")) out += "./";
    out += path;
  }
  if (u.forceQuery || u.rawQuery !== "") out += `?${u.rawQuery}`;
  if (u.fragment !== "") out += `#${escapedFragment(u)}`;
  return out;
}

function splitHostPort(hostport: string): [host: string, port: string] {
  let host = hostport;
  let port = "";
  const colon = host.lastIndexOf(":");
  if (colon >= 0 && validOptionalPort(host.slice(colon))) {
    [host, port] = [host.slice(0, colon), host.slice(colon + 1)];
  }
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  return [host, port];
}

/** URL.Hostname: the host without port and IPv6 brackets. */
export const goURLHostname = (u: GoURL): string => splitHostPort(u.host)[0];

/** URL.Port: the digits after the host's last colon ("" when none). */
export const goURLPort = (u: GoURL): string => splitHostPort(u.host)[1];
