// The quick certificate reader agrees with cert_info.ts: it reads the certificates Go, openssl
// and this project write, with the same subject bytes and key id, and it accepts nothing the
// full parser rejects (checked on every single-byte change, truncation and extension).

import { assert, assertEquals } from "../tests/assert.ts";
import { seededRandom } from "../tests/harness.ts";
import { haveOpenssl, openssl } from "../tests/openssl.ts";
import { parseCertificateDer, parseCertificatePem } from "./cert_info.ts";
import { quickCertificateDer, quickCertificatePem } from "./cert_quick.ts";
import { newSelfSignedCA } from "./ca.ts";
import { issueCertificate } from "./client_cert.ts";
import { concat } from "./der.ts";
import { generateRsa } from "./keys.ts";
import { decodePem } from "./pem.ts";
import { loadedFromDoc } from "./secrets_doc.ts";
import { KeyUsage } from "./x509_build.ts";
import { parse } from "yaml";

const NOW = new Date("2025-06-01T12:00:00Z");
const LATER = new Date("2035-06-01T12:00:00Z");

/** Certificates of every kind the CLI meets, as PEM. */
async function samples(): Promise<string[]> {
  const out: string[] = [];
  for (
    const f of [
      "tests/fixtures/gen_config/secrets.yaml",
      "/work/shared/conformance/secrets/secrets.yaml",
    ]
  ) {
    const path = f.startsWith("/") ? f : new URL(`../${f}`, import.meta.url).pathname;
    const certs = loadedFromDoc(parse(await Deno.readTextFile(path))).certs!;
    for (const p of [certs.etcd, certs.k8s, certs.k8sAggregator, certs.os]) out.push(p!.crt);
  }
  const random = seededRandom(7);
  const base = { notBefore: NOW, notAfter: LATER, random };
  const ec = await newSelfSignedCA({ ...base, algorithm: "ecdsa", organizations: ["k"] });
  const ed = await newSelfSignedCA({ ...base, algorithm: "ed25519", organizations: ["talos"] });
  const rsa = await newSelfSignedCA({ ...base, algorithm: "rsa" }, await generateRsa(1024));
  out.push(ec.crt, ed.crt, rsa.crt);
  for (const ca of [ec, ed]) {
    const leaf = await issueCertificate(ca, {
      subject: { organizations: ["system:masters"], commonName: "admin ü" },
      notBefore: NOW,
      notAfter: new Date("2051-01-01T00:00:00Z"), // GeneralizedTime
      keyUsage: KeyUsage.digitalSignature | KeyUsage.keyEncipherment,
      extKeyUsage: ["1.3.6.1.5.5.7.3.1"],
      dnsNames: ["node-1.example.org", "localhost"],
      ipAddresses: ["10.0.0.1", "fd00::1"],
      random,
    });
    out.push(leaf.crt);
  }
  return out;
}

function agree(der: Uint8Array): "accepted" | "declined" {
  const q = quickCertificateDer(der);
  if (!q) return "declined";
  const full = parseCertificateDer(der); // must not throw
  assertEquals(q.subjectDer, full.subjectDer);
  assertEquals(q.subjectKeyId, full.subjectKeyId);
  return "accepted";
}

Deno.test("quick certificate reader: reads Go's and our certificates as cert_info.ts does", async () => {
  for (const pem of await samples()) {
    const q = quickCertificatePem(pem);
    assert(q, "certificate in the quick subset");
    const full = parseCertificatePem(pem);
    assertEquals([q.subjectDer, q.subjectKeyId], [full.subjectDer, full.subjectKeyId]);
  }
});

Deno.test("quick certificate reader: kubeadm-style openssl CA (RSA, SHA-256, AKI) is read", async () => {
  if (!(await haveOpenssl())) return;
  const dir = await Deno.makeTempDir();
  try {
    await openssl([
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      "ca.key",
      "-out",
      "ca.crt",
      "-subj",
      "/CN=kubernetes",
      "-days",
      "3650",
      "-addext",
      "keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign",
    ], { cwd: dir });
    const pem = await Deno.readTextFile(`${dir}/ca.crt`);
    const q = quickCertificatePem(pem);
    assert(q, "openssl CA in the quick subset");
    assertEquals(q.subjectKeyId, parseCertificatePem(pem).subjectKeyId);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("quick certificate reader: accepts nothing the full parser rejects", async () => {
  // One certificate of each shape: ECDSA CA, Ed25519 CA (fixture), RSA CA, leaf with SANs.
  const all = await samples();
  let accepted = 0, declined = 0;
  for (const pem of [all[0], all[3], all[10], all[11]]) {
    const der = decodePem(pem)!.der;
    const variants: Uint8Array[] = [
      concat([der, new Uint8Array([0])]),
      der.subarray(0, der.length - 1),
      der.subarray(0, 40),
    ];
    // Every byte changed once, in turn: a bit flipped low or high, zeroed, or set to 0xff.
    for (let i = 0; i < der.length; i++) {
      const m = der.slice();
      m[i] = [der[i] ^ 0x01, der[i] ^ 0x80, 0x00, 0xff][i % 4];
      if (m[i] !== der[i]) variants.push(m);
    }
    for (const m of variants) {
      let r: "accepted" | "declined";
      try {
        r = agree(m);
      } catch (e) {
        throw new Error(`quick reader accepted what the full parser refuses: ${e}`);
      }
      if (r === "accepted") accepted++;
      else declined++;
    }
  }
  // Changed signature or key bytes stay well-formed; changed tags and lengths do not.
  assert(accepted > 300 && declined > 300, `accepted ${accepted}, declined ${declined}`);
});

Deno.test("quick certificate reader: declines what Go would refuse or it does not know", async () => {
  const der = decodePem((await samples())[0])!.der;
  assertEquals(quickCertificateDer(concat([der, new Uint8Array([0])])), undefined); // trailing data
  // The same certificate with a non-minimal (long-form) outer length.
  const longForm = concat([new Uint8Array([0x30, 0x83, 0x00]), der.subarray(2)]);
  assertEquals(der[1], 0x82);
  assertEquals(quickCertificateDer(longForm), undefined);
  assertEquals(quickCertificatePem("no PEM here"), undefined);
});
