// Test PKI for the emulator: an Ed25519 OS CA, apid server certificates and client certificates
// whose Organization carries Talos roles, as `talosctl gen config` and apid issue them.

import "reflect-metadata";
import * as x509 from "@peculiar/x509";

const alg = { name: "Ed25519" } as const;
x509.cryptoProvider.set(crypto);

export interface Issued {
  /** PEM certificate. */
  cert: string;
  /** PKCS#8 PEM under Talos's label `ED25519 PRIVATE KEY`. */
  key: string;
}

export interface TestCA extends Issued {
  caCert: x509.X509Certificate;
  keys: CryptoKeyPair;
}

function pem(label: string, der: ArrayBuffer): string {
  const b64 = btoa(String.fromCharCode(...new Uint8Array(der)));
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

async function keyPem(key: CryptoKey): Promise<string> {
  return pem("ED25519 PRIVATE KEY", await crypto.subtle.exportKey("pkcs8", key));
}

function serial(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[0] &= 0x7f;
  return [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
}

const DAY = 24 * 3600 * 1000;

/** A self-signed OS CA (O=talos), like Talos's machine CA. */
export async function createCA(opts: { notBefore?: Date; notAfter?: Date } = {}): Promise<TestCA> {
  const keys = await crypto.subtle.generateKey(alg, true, ["sign", "verify"]) as CryptoKeyPair;
  const now = Date.now();
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: "O=talos",
    notBefore: opts.notBefore ?? new Date(now - DAY),
    notAfter: opts.notAfter ?? new Date(now + 3650 * DAY),
    keys,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.digitalSignature,
        true,
      ),
    ],
  });
  return { caCert, keys, cert: caCert.toString("pem") + "\n", key: await keyPem(keys.privateKey) };
}

async function issue(
  ca: TestCA,
  name: string,
  eku: string,
  extra: x509.Extension[],
  validity: { notBefore?: Date; notAfter?: Date },
): Promise<Issued> {
  const keys = await crypto.subtle.generateKey(alg, true, ["sign", "verify"]) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: name,
    issuer: ca.caCert.subject,
    notBefore: validity.notBefore ?? new Date(now - 600_000),
    notAfter: validity.notAfter ?? new Date(now + 365 * DAY),
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([eku]),
      ...extra,
    ],
  });
  return { cert: cert.toString("pem") + "\n", key: await keyPem(keys.privateKey) };
}

/** An apid serving certificate for the given IP addresses and DNS names. */
export function issueServer(
  ca: TestCA,
  opts: { ips?: string[]; dns?: string[]; notBefore?: Date; notAfter?: Date } = {},
): Promise<Issued> {
  const ips = opts.ips ?? ["127.0.0.1"];
  const dns = opts.dns ?? ["localhost"];
  const san = new x509.SubjectAlternativeNameExtension([
    ...ips.map((value) => ({ type: "ip" as const, value })),
    ...dns.map((value) => ({ type: "dns" as const, value })),
  ]);
  return issue(ca, `CN=${dns[0] ?? "talos"}`, x509.ExtendedKeyUsage.serverAuth, [san], opts);
}

/** A client certificate with the roles in its Organization (e.g. ["os:admin"]). */
export function issueClient(
  ca: TestCA,
  roles: string[],
  validity: { notBefore?: Date; notAfter?: Date } = {},
): Promise<Issued> {
  const name = roles.length > 0 ? roles.map((r) => `O=${r}`).join(", ") : "CN=nobody";
  return issue(ca, name, x509.ExtendedKeyUsage.clientAuth, [], validity);
}
