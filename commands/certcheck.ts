// Checks the client certificate before dialing: a TLS handshake failure on an expired
// certificate says little, so name the date and how to renew instead. Only a certificate that
// has certainly expired is refused here; anything else (a certificate we cannot parse, one whose
// validity starts in this machine's future, e.g. after clock skew) is left for the node to judge,
// as talosctl does, so a certificate the node accepts is never blocked. A certificate that
// expires soon is let through with a one-line warning (stderr) that names the renewal command.

import { UserError } from "../errors.ts";
import { parseCertificatePem } from "../pki/cert_info.ts";

const MINUTE = 60_000, HOUR = 60 * MINUTE, DAY = 24 * HOUR;

/** Certificates expiring within this window get a warning. */
export const EXPIRY_WARNING_MS = 30 * DAY;

/** "2025-03-04 05:06:07 UTC". */
export function formatUtc(d: Date): string {
  return d.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

/** How the user reaches this context again, for commands we suggest ("" = the defaults). */
export interface ContextFlags {
  talosconfig?: string;
  context?: string;
}

/** `talosctl config renew` with the flags that select the same file and context. */
export function renewCommand(sel: ContextFlags, extra = ""): string {
  let cmd = "talosctl config renew";
  if (sel.talosconfig) cmd += ` --talosconfig ${shellWord(sel.talosconfig)}`;
  if (sel.context) cmd += ` --context ${shellWord(sel.context)}`;
  return cmd + extra;
}

function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}

/** "3 days" (rounded), "5 hours", "12 minutes" (rounded down, at least one minute). */
export function timeLeft(ms: number): string {
  const unit = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
  if (ms >= DAY) return unit(Math.round(ms / DAY), "day");
  if (ms >= HOUR) return unit(Math.floor(ms / HOUR), "hour");
  return unit(Math.max(1, Math.floor(ms / MINUTE)), "minute");
}

/** The expiry of a PEM certificate, or undefined when it cannot be read. */
export function certificateNotAfter(certPem: string): Date | undefined {
  if (certPem === "") return undefined;
  try {
    return parseCertificatePem(certPem).notAfter;
  } catch {
    return undefined;
  }
}

/** Why a certificate that has expired can only be renewed offline, and the command for it. */
export function expiredAdvice(flags: ContextFlags): string {
  return `nodes refuse it, so it cannot renew itself; issue a new one from the cluster's ` +
    `secrets bundle with \`${renewCommand(flags, " --from-secrets secrets.yaml")}\` ` +
    `(or --from-controlplane-config controlplane.yaml)`;
}

/**
 * The warning line (with its newline) for a certificate expiring within EXPIRY_WARNING_MS, or
 * "" when it has longer (or has already expired: see `expiredAdvice`).
 */
export function expiryWarning(
  contextName: string,
  notAfter: Date,
  now: Date,
  flags: ContextFlags = {},
): string {
  const left = notAfter.getTime() - now.getTime();
  if (left < 0 || left > EXPIRY_WARNING_MS) return "";
  return `warning: the client certificate of talosconfig context ${
    JSON.stringify(contextName)
  } expires in ${timeLeft(left)} (${formatUtc(notAfter)}); renew it now with \`${
    renewCommand(flags)
  }\`\n`;
}

/**
 * Throws a UserError when the PEM client certificate has expired at `now`; returns a warning
 * line (with its newline) when it expires within EXPIRY_WARNING_MS, else "".
 */
export function checkClientCertificate(
  contextName: string,
  certPem: string,
  now: Date,
  flags: ContextFlags = {},
): string {
  const notAfter = certificateNotAfter(certPem);
  if (!notAfter) return ""; // the TLS stack reports what is wrong with it
  if (notAfter.getTime() < now.getTime()) {
    throw new UserError(
      `client certificate of talosconfig context ${JSON.stringify(contextName)} expired on ${
        formatUtc(notAfter)
      }: ${expiredAdvice(flags)}`,
    );
  }
  return expiryWarning(contextName, notAfter, now, flags);
}
