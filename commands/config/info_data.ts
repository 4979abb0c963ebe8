// Data behind `talosctl config info`: the selected context plus the roles (subject O values) and
// expiry of its client certificate, rendered as talosctl's text, JSON or YAML.

import { UserError } from "../../errors.ts";
import type { TalosContext } from "../../clientconfig/talosconfig.ts";
import { goTrimSpace } from "./common.ts";

export interface ConfigInfo {
  context: string;
  nodes: string[] | null;
  endpoints: string[] | null;
  roles: string[] | null;
  certTTL: string;
  certNotAfter: string;
}

const SECOND = 1000, MINUTE = 60 * SECOND, HOUR = 60 * MINUTE, DAY = 24 * HOUR;
const WEEK = 7 * DAY, MONTH = 30 * DAY, YEAR = 12 * MONTH;

// go-humanize's default magnitudes: [upper bound, format, divisor].
const MAGNITUDES: [number, string, number][] = [
  [SECOND, "now", SECOND],
  [2 * SECOND, "1 second %s", 1],
  [MINUTE, "%d seconds %s", SECOND],
  [2 * MINUTE, "1 minute %s", 1],
  [HOUR, "%d minutes %s", MINUTE],
  [2 * HOUR, "1 hour %s", 1],
  [DAY, "%d hours %s", HOUR],
  [2 * DAY, "1 day %s", 1],
  [WEEK, "%d days %s", DAY],
  [2 * WEEK, "1 week %s", 1],
  [MONTH, "%d weeks %s", WEEK],
  [2 * MONTH, "1 month %s", 1],
  [YEAR, "%d months %s", MONTH],
  [18 * MONTH, "1 year %s", 1],
  [2 * YEAR, "2 years %s", 1],
  [37 * YEAR, "%d years %s", YEAR],
  [Number.MAX_SAFE_INTEGER, "a long while %s", 1],
];

/** go-humanize RelTime(a, b, "ago", "from now"), e.g. "10 years from now". */
export function relTime(a: Date, b: Date): string {
  let label = "ago";
  let diff = b.getTime() - a.getTime();
  if (a.getTime() > b.getTime()) {
    label = "from now";
    diff = -diff;
  }
  const mag = MAGNITUDES.find(([bound]) => bound > diff) ?? MAGNITUDES[MAGNITUDES.length - 1];
  return mag[1].replace("%d", String(Math.floor(diff / mag[2]))).replace("%s", label);
}

/** Builds the info for a context; `now` for the relative expiry. */
export async function configInfo(
  contextName: string,
  c: TalosContext,
  now: Date,
): Promise<ConfigInfo> {
  const { endpointsUnset } = await import("../../clientconfig/talosconfig.ts");
  let roles: string[] | null = null, certTTL = "", certNotAfter = "";
  if (c.crt) {
    const { base64Decode } = await import("../../clientconfig/talosconfig.ts");
    const { decodePem } = await import("../../pki/pem.ts");
    const { parseCertificateDer } = await import("../../pki/cert_info.ts");
    let pemText: string;
    try {
      pemText = new TextDecoder().decode(base64Decode(c.crt));
    } catch (e) {
      throw new UserError(
        `the client certificate (crt) of context ${JSON.stringify(contextName)} is not valid ` +
          `base64: ${(e as Error).message}`,
      );
    }
    const block = decodePem(pemText);
    if (!block) throw new UserError("error decoding PEM");
    let cert;
    try {
      cert = parseCertificateDer(block.der);
    } catch (e) {
      throw new UserError((e as Error).message);
    }
    const set = new Set(cert.subjectOrganizations.map(goTrimSpace).filter((o) => o !== ""));
    roles = set.size > 0 ? [...set].sort() : null;
    certTTL = relTime(cert.notAfter, now);
    certNotAfter = cert.notAfter.toISOString().slice(0, 10);
  }
  return {
    context: contextName,
    nodes: c.nodes ?? null,
    endpoints: endpointsUnset(c) ? null : c.endpoints,
    roles,
    certTTL,
    certNotAfter,
  };
}

const list = (v: string[] | null) => (v && v.length > 0 ? v.join(", ") : "not defined");

export function infoText(i: ConfigInfo): string {
  let out = `Current context:     ${i.context}\n` +
    `Nodes:               ${list(i.nodes)}\n` +
    `Endpoints:           ${list(i.endpoints)}`;
  if (i.roles && i.roles.length > 0) out += `\nRoles:               ${i.roles.join(", ")}`;
  if (i.certTTL) out += `\nCertificate expires: ${i.certTTL} (${i.certNotAfter})`;
  return out + "\n";
}

/** encoding/json with SetIndent("", "  "), including its HTML-safe escapes. */
export function infoJson(i: ConfigInfo): string {
  return JSON.stringify(i, null, 2).replace(
    /[<>&\u2028\u2029]/g,
    (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"),
  ) + "\n";
}

export async function infoYaml(i: ConfigInfo): Promise<string> {
  const { emitDocument, mapping, scalar, strings, TALOS_YAML } = await import(
    "../../goyaml/mod.ts"
  );
  return emitDocument(
    mapping([
      ["context", scalar(i.context)],
      ["nodes", strings(i.nodes ?? [])],
      ["endpoints", strings(i.endpoints ?? [])],
      ["roles", strings(i.roles ?? [])],
      ["certTTL", scalar(i.certTTL)],
      ["certNotAfter", scalar(i.certNotAfter)],
    ]),
    TALOS_YAML,
  );
}
