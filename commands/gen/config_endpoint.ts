// Validation of the cluster endpoint argument of `gen config`, with talosctl's messages and
// "try:" hints: URLs are split by Go's net/url rules (machineconfig/generate/gourl.ts), then
// checked as siderolabs/net's ValidateEndpointURI does (bracketed IPv6, a host, a port in
// 1..65535).

import { UserError } from "../../errors.ts";
import { goQuote } from "../../gofmt/mod.ts";
import {
  emptyGoURL,
  type GoURL,
  goURLHostname,
  goURLPort,
  goURLString,
  parseGoURL,
} from "../../machineconfig/generate/gourl.ts";

const DEFAULT_CONTROL_PLANE_PORT = 6443;

/** The endpoint the user probably meant: https, with the default port when none is given. */
function fixEndpoint(parsed: GoURL): string {
  const u = { ...parsed };
  if (u.scheme === "" && u.host === "" && u.path !== "") {
    u.host = u.path;
    u.path = "";
    u.rawPath = "";
  }
  u.scheme = "https";
  if (goURLPort(u) === "") u.host = `${u.host}:${DEFAULT_CONTROL_PLANE_PORT}`;
  return goURLString(u);
}

/** siderolabs/net ValidateEndpointURI's verdict on an URL that parsed. */
function endpointURIError(u: GoURL): string | undefined {
  const colons = u.host.split(":").length - 1;
  if (colons > 2 && (!u.host.includes("[") || !u.host.includes("]"))) {
    return "IPv6 addresses MUST be enclosed by square brackets";
  }
  if (goURLHostname(u) === "") return "hostname must not be blank";
  const port = goURLPort(u);
  if (port === "") return undefined;
  // The port is digits only (url.Parse checked); strconv.Atoi still fails past int64.
  const n = BigInt(port);
  if (n > 9223372036854775807n) return "port number must be numeric";
  if (n < 1n || n > 65535n) return "port number must be between 1 and 65535";
  return undefined;
}

/** Throws talosctl's error (with a hint) unless the endpoint is an https:// URL with a host. */
export function validateClusterEndpoint(endpoint: string): void {
  let u: GoURL;
  const parsed = parseGoURL(endpoint);
  if ("error" in parsed) {
    if (endpoint.includes("/")) {
      throw new UserError(`failed to parse the cluster endpoint URL: ${parsed.error}`);
    }
    u = emptyGoURL(endpoint); // not a URL: perhaps host:port
  } else u = parsed;
  const hint = `\ntry: ${goQuote(fixEndpoint(u))}`;
  if (u.scheme === "") {
    if (goURLPort(u) === "") {
      throw new UserError(`no scheme and port specified for the cluster endpoint URL${hint}`);
    }
    throw new UserError(`no scheme specified for the cluster endpoint URL${hint}`);
  }
  if (u.scheme !== "https") {
    throw new UserError(`the control plane endpoint URL should have scheme https://${hint}`);
  }
  const err = endpointURIError(u);
  if (err !== undefined) {
    throw new UserError(`error validating the cluster endpoint URL: ${err}`);
  }
}
