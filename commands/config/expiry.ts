// Client certificate expiry of talosconfig contexts, for `config info` and `config contexts`:
// read from the context's crt, and worded with the renewal advice of certcheck.ts.

import { base64Decode, type TalosContext } from "../../clientconfig/talosconfig.ts";
import {
  certificateNotAfter,
  type ContextFlags,
  expiredAdvice,
  EXPIRY_WARNING_MS,
  expiryWarning,
  formatUtc,
  timeLeft,
} from "../certcheck.ts";

/** The context's client certificate expiry; undefined without a readable certificate. */
export function contextExpiry(c: TalosContext): Date | undefined {
  if (!c.crt) return undefined;
  try {
    return certificateNotAfter(new TextDecoder().decode(base64Decode(c.crt)));
  } catch {
    return undefined;
  }
}

/** One stderr line for an expired or soon expiring certificate, else "". */
export function expiryNotice(
  name: string,
  c: TalosContext,
  now: Date,
  flags: ContextFlags,
): string {
  const notAfter = contextExpiry(c);
  if (!notAfter) return "";
  const sel = flags;
  if (notAfter.getTime() < now.getTime()) {
    return `warning: the client certificate of talosconfig context ${
      JSON.stringify(name)
    } expired on ${formatUtc(notAfter)}: ${expiredAdvice(sel)}\n`;
  }
  return expiryWarning(name, notAfter, now, sel);
}

/** The EXPIRES cell of `config contexts -o wide`. */
export function expiresCell(c: TalosContext, now: Date): string {
  if (!c.crt) return "-";
  const notAfter = contextExpiry(c);
  if (!notAfter) return "unreadable";
  const left = notAfter.getTime() - now.getTime();
  const date = notAfter.toISOString().slice(0, 10);
  return left < 0 ? `${date} (expired)` : `${date} (in ${timeLeft(left)})`;
}

/** True when the context's certificate has expired or expires within 30 days. */
export function needsRenewal(c: TalosContext, now: Date): boolean {
  const notAfter = contextExpiry(c);
  return notAfter !== undefined && notAfter.getTime() - now.getTime() <= EXPIRY_WARNING_MS;
}
