// The talosconfig data model and its byte-exact encoding (as the Go client writes it). Kept free
// of the YAML parser so writers such as `gen config` load only what they need; parsing, context
// selection and files are in talosconfig.ts, which re-exports this module.

import {
  emitDocument,
  type MapNode,
  mapping,
  scalar,
  sortGoKeys,
  strings,
  TALOS_YAML,
  type YamlNode,
} from "../goyaml/mod.ts";

export interface TalosContext {
  endpoints: string[];
  nodes?: string[];
  /** base64 of the PEM text, as stored in the file */
  ca?: string;
  crt?: string;
  key?: string;
  auth?: { basic?: { username: string; password: string }; siderov1?: { identity: string } };
  cluster?: string;
  proxyUrl?: string;
}

export interface Talosconfig {
  context: string;
  contexts: Record<string, TalosContext>;
}

const enc = new TextEncoder();

/** Standard base64 (with padding) of a string's UTF-8 bytes or of raw bytes. */
export function base64Encode(data: string | Uint8Array): string {
  const bytes = typeof data === "string" ? enc.encode(data) : data;
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin);
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/**
 * Decodes standard base64 with padding, as Go's base64.StdEncoding does (CR and LF are skipped);
 * errors read like Go's: "illegal base64 data at input byte N".
 */
export function base64Decode(s: string): Uint8Array {
  const out: number[] = [];
  const n = s.length;
  const bad = (at: number) => new Error(`illegal base64 data at input byte ${at}`);
  const skipNewlines = (i: number) => {
    while (i < n && (s[i] === "\n" || s[i] === "\r")) i++;
    return i;
  };
  let si = 0;
  while (si < n) {
    const q = [0, 0, 0, 0];
    let dlen = 4;
    for (let j = 0; j < 4; j++) {
      si = skipNewlines(si);
      if (si === n) {
        if (j === 0) return Uint8Array.from(out);
        throw bad(si - j);
      }
      const c = s[si++];
      if (c === "=") {
        if (j < 2) throw bad(si - 1);
        if (j === 2) {
          si = skipNewlines(si);
          if (si === n) throw bad(n);
          if (s[si] !== "=") throw bad(si - 1);
          si++;
        }
        si = skipNewlines(si);
        if (si < n) throw bad(si);
        dlen = j;
        break;
      }
      const v = B64.indexOf(c);
      if (v < 0) throw bad(si - 1);
      q[j] = v;
    }
    const bits = (q[0] << 18) | (q[1] << 12) | (q[2] << 6) | q[3];
    out.push((bits >> 16) & 0xff);
    if (dlen > 2) out.push((bits >> 8) & 0xff);
    if (dlen > 3) out.push(bits & 0xff);
  }
  return Uint8Array.from(out);
}

/** A config with one context, selected, holding the CA and client certificate/key PEMs. */
export function newTalosconfig(
  contextName: string,
  endpoints: string[],
  caPem: string,
  crtPem: string,
  keyPem: string,
): Talosconfig {
  return {
    context: contextName,
    contexts: {
      [contextName]: {
        endpoints: [...endpoints],
        ca: base64Encode(caPem),
        crt: base64Encode(crtPem),
        key: base64Encode(keyPem),
      },
    },
  };
}

function contextToYaml(c: TalosContext): MapNode {
  const m: [string, YamlNode][] = [["endpoints", strings(c.endpoints ?? [])]];
  if (c.nodes && c.nodes.length > 0) m.push(["nodes", strings(c.nodes)]);
  if (c.ca) m.push(["ca", scalar(c.ca)]);
  if (c.crt) m.push(["crt", scalar(c.crt)]);
  if (c.key) m.push(["key", scalar(c.key)]);
  const auth: [string, YamlNode][] = [];
  if (c.auth?.basic) {
    const { username, password } = c.auth.basic;
    auth.push(["basic", mapping([["username", scalar(username)], ["password", scalar(password)]])]);
  }
  if (c.auth?.siderov1) {
    auth.push(["siderov1", mapping([["identity", scalar(c.auth.siderov1.identity)]])]);
  }
  if (auth.length > 0) m.push(["auth", mapping(auth)]);
  if (c.cluster) m.push(["cluster", scalar(c.cluster)]);
  if (c.proxyUrl) m.push(["proxy-url", scalar(c.proxyUrl)]);
  return mapping(m);
}

/** The exact bytes (as text) the Go client writes for this config. */
export function encodeTalosconfig(cfg: Talosconfig): string {
  const names = sortGoKeys(Object.keys(cfg.contexts));
  return emitDocument(
    mapping([
      ["context", scalar(cfg.context)],
      ["contexts", mapping(names.map((n) => [n, contextToYaml(cfg.contexts[n])]))],
    ]),
    TALOS_YAML,
  );
}
