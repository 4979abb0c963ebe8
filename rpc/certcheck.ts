// Checks the client certificate's validity window before dialing: a TLS handshake failure on an
// expired certificate says little, so name the date and how to renew instead.

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
  } catch (e) {
    throw new UserError(
      `talosconfig context ${
        JSON.stringify(contextName)
      }: client certificate (crt) cannot be read: ${(e as Error).message}`,
    );
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
  if (now.getTime() < info.notBefore.getTime()) {
    throw new UserError(
      `client certificate of talosconfig context ${
        JSON.stringify(contextName)
      } is not valid until ${fmt(info.notBefore)} (check this machine's clock, or wait until then)`,
    );
  }
}
