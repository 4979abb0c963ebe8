// A throwaway CA and a serving certificate it signs, as talosctl makes them for its local helper
// servers (`image cache-cert-gen`, `debug-tool air-gapped`): an ECDSA P-256 CA
// "talos.dev Root CA" (O=talos.dev) and a server certificate (CN=server, O=talos.dev) for the
// given IP addresses and DNS names, both valid for a year.

import { generateEcdsaP256, privateKeyPem, type Random } from "./keys.ts";
import {
  buildCertificate,
  EKU_CLIENT_AUTH,
  EKU_SERVER_AUTH,
  KeyUsage,
  newSerial,
} from "./x509_build.ts";
import { encodePem } from "./pem.ts";
import { issueCertificate } from "./client_cert.ts";

const YEAR_MS = 365 * 24 * 3600_000;

export interface SelfSigned {
  /** The CA certificate and key (PEM). */
  ca: { crt: string; key: string };
  /** The serving certificate and its key (PEM). */
  server: { crt: string; key: string };
}

export async function selfSignedServing(o: {
  ipAddresses: string[];
  dnsNames: string[];
  random: Random;
  now: Date;
}): Promise<SelfSigned> {
  const { random, now } = o;
  const caKey = await generateEcdsaP256(random);
  const caDer = await buildCertificate(
    {
      serial: newSerial(random),
      subject: { organizations: ["talos.dev"], commonName: "talos.dev Root CA" },
      notBefore: now,
      notAfter: new Date(now.getTime() + YEAR_MS),
      spki: caKey.spki,
      isCA: true,
      keyUsage: KeyUsage.certSign | KeyUsage.digitalSignature,
      extKeyUsage: [EKU_SERVER_AUTH, EKU_CLIENT_AUTH],
      subjectKeyId: random(20),
    },
    caKey,
    null,
  );
  const ca = { crt: encodePem("CERTIFICATE", caDer), key: privateKeyPem(caKey) };
  const server = await issueCertificate(ca, {
    subject: { organizations: ["talos.dev"], commonName: "server" },
    notBefore: now,
    notAfter: new Date(now.getTime() + YEAR_MS),
    keyUsage: KeyUsage.digitalSignature | KeyUsage.keyEncipherment,
    extKeyUsage: [EKU_SERVER_AUTH],
    ipAddresses: o.ipAddresses,
    dnsNames: o.dnsNames,
    random,
  });
  return { ca, server: { crt: server.crt, key: server.key } };
}
