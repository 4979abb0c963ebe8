// Validation of the cluster endpoint argument of `gen config`, with talosctl's messages and
// "try:" hints. URL splitting follows Go's net/url closely enough for the cases users hit:
// bare hosts, host:port, a wrong scheme, unparsable text.

import { UserError } from "../../errors.ts";

const DEFAULT_CONTROL_PLANE_PORT = 6443;

interface ParsedUrl {
  scheme: string;
  opaque: string;
  host: string;
  path: string;
}

/** Go's url.Parse, reduced to what endpoint validation needs; throws Go's error text. */
function parseUrl(raw: string): ParsedUrl {
  const u: ParsedUrl = { scheme: "", opaque: "", host: "", path: "" };
  let rest = raw.replace(/#.*$/, "").replace(/\?.*$/, "");
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(rest);
  if (m) {
    u.scheme = m[1].toLowerCase();
    rest = rest.slice(m[0].length);
  } else if (/^[^/]*:/.test(rest) && !rest.startsWith("/")) {
    const colon = rest.indexOf(":");
    if (colon === 0) throw new Error(`parse ${JSON.stringify(raw)}: missing protocol scheme`);
    throw new Error(
      `parse ${JSON.stringify(raw)}: first path segment in URL cannot contain colon`,
    );
  }
  if (u.scheme && !rest.startsWith("/")) {
    u.opaque = rest;
    return u;
  }
  if (rest.startsWith("//")) {
    const end = rest.indexOf("/", 2);
    u.host = (end < 0 ? rest.slice(2) : rest.slice(2, end)).replace(/^.*@/, "");
    u.path = end < 0 ? "" : rest.slice(end);
    if (/[\s<>"{}|\\^`]/.test(u.host)) {
      const bad = /[\s<>"{}|\\^`]/.exec(u.host)![0];
      throw new Error(
        `parse ${JSON.stringify(raw)}: invalid character ${JSON.stringify(bad)} in host name`,
      );
    }
  } else {
    u.path = rest;
  }
  return u;
}

function portOnly(hostport: string): string {
  const colon = hostport.indexOf(":");
  if (colon < 0) return "";
  const i = hostport.indexOf("]:");
  if (i >= 0) return hostport.slice(i + 2);
  if (hostport.includes("]")) return "";
  return hostport.slice(colon + 1);
}

function urlString(u: ParsedUrl): string {
  if (u.opaque) return `${u.scheme}:${u.opaque}`;
  return `${u.scheme ? u.scheme + ":" : ""}${u.host || u.scheme ? "//" : ""}${u.host}${u.path}`;
}

/** The endpoint the user probably meant: https, with the default port when none is given. */
function fixEndpoint(u: ParsedUrl): string {
  const f = { ...u };
  if (f.scheme === "" && f.host === "" && f.path !== "") {
    f.host = f.path;
    f.path = "";
  }
  f.scheme = "https";
  if (portOnly(f.host) === "") f.host = `${f.host}:${DEFAULT_CONTROL_PLANE_PORT}`;
  return urlString(f);
}

/** Throws talosctl's error (with a hint) unless the endpoint is an https:// URL with a host. */
export function validateClusterEndpoint(endpoint: string): void {
  let u: ParsedUrl;
  try {
    u = parseUrl(endpoint);
  } catch (e) {
    if (endpoint.includes("/")) {
      throw new UserError(`failed to parse the cluster endpoint URL: ${(e as Error).message}`);
    }
    u = { scheme: "", opaque: "", host: endpoint, path: "" };
  }
  const hint = `\ntry: ${JSON.stringify(fixEndpoint(u))}`;
  if (u.scheme === "") {
    if (portOnly(u.host) === "") {
      throw new UserError(`no scheme and port specified for the cluster endpoint URL${hint}`);
    }
    throw new UserError(`no scheme specified for the cluster endpoint URL${hint}`);
  }
  if (u.scheme !== "https") {
    throw new UserError(`the control plane endpoint URL should have scheme https://${hint}`);
  }
  const host = u.host.replace(/:[0-9]*$/, "");
  const port = portOnly(u.host);
  if (host === "" || (port !== "" && !/^[0-9]+$/.test(port))) {
    throw new UserError(
      `error validating the cluster endpoint URL: invalid endpoint ${JSON.stringify(endpoint)}`,
    );
  }
}
