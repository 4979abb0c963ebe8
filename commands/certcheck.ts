// Checks the client certificate before dialing: a TLS handshake failure on an expired
// certificate says little, so name the date and how to renew instead. Only a certificate that
// has certainly expired is refused here; anything else (a certificate we cannot parse, one whose
// validity starts in this machine's future, e.g. after clock skew) is left for the node to judge,
// as talosctl does, so a certificate the node accepts is never blocked.

import { UserError } from "../errors.ts";
import { parseCertificatePem } from "../pki/cert_info.ts";

function fmt(d: Date): string {
  return d.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

/** Throws a UserError when the PEM client certificate is not valid at `now`. */
export function checkClientCertificate(contextName: string, certPem: string, now: Date): void {
  if (certPem === "") return;
  let info;
  try {
    info = parseCertificatePem(certPem);
  } catch {
    return; // the TLS stack reports what is wrong with it
  }
  const renew = "renew it with `talosctl config new` through a context that still works, " +
    "or issue a new one from the cluster's secrets bundle " +
    "(`talosctl gen config --with-secrets secrets.yaml ...` writes a fresh talosconfig)";
  if (now.getTime() > info.notAfter.getTime()) {
    throw new UserError(
      `client certificate of talosconfig context ${JSON.stringify(contextName)} expired on ${
        fmt(info.notAfter)
      }: ${renew}`,
    );
  }
}
