// The quick key reader agrees with key_parse.ts: the same ParsedKey for every key form Go,
// openssl and this project write, and nothing accepted that the full parser refuses.

import { assert, assertEquals } from "../tests/assert.ts";
import { seededRandom } from "../tests/harness.ts";
import { haveOpenssl, openssl } from "../tests/openssl.ts";
import { parsePrivateKeyPem } from "./key_parse.ts";
import { quickPrivateKeyPem } from "./key_quick.ts";
import {
  generateEcdsaP256,
  generateEd25519,
  generateRsa,
  pkcs8Pem,
  privateKeyPem,
} from "./keys.ts";
import { decodePem, encodePem } from "./pem.ts";

async function samples(): Promise<string[]> {
  const random = seededRandom(3);
  const keys = [
    await generateEd25519(random),
    await generateEcdsaP256(random),
    await generateRsa(1024),
  ];
  // Go's per-type labels (ED25519 / EC / RSA PRIVATE KEY), then generic PKCS#8.
  return [...keys.map(privateKeyPem), ...keys.map(pkcs8Pem)];
}

Deno.test("quick key reader: every label Go writes, with key_parse.ts's result", async () => {
  for (const pem of await samples()) {
    const q = quickPrivateKeyPem(pem);
    assert(q, `${decodePem(pem)!.label} in the quick subset`);
    assertEquals(q, parsePrivateKeyPem(pem));
  }
});

Deno.test("quick key reader: openssl's PKCS#1, SEC1 and PKCS#8 keys", async () => {
  if (!(await haveOpenssl())) return;
  const rsa = (await openssl(["genrsa", "1024"])).stdout;
  const pems = [
    rsa,
    (await openssl(["rsa", "-traditional"], { stdin: rsa })).stdout,
    (await openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout"])).stdout,
    (await openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"]))
      .stdout,
    (await openssl(["genpkey", "-algorithm", "ed25519"])).stdout,
  ];
  for (const pem of pems) {
    const q = quickPrivateKeyPem(pem);
    assert(q, `openssl ${decodePem(pem)!.label} in the quick subset`);
    assertEquals(q, parsePrivateKeyPem(pem));
  }
});

Deno.test("quick key reader: accepts nothing the full parser refuses", async () => {
  let accepted = 0, declined = 0;
  for (const pem of await samples()) {
    const { label, der } = decodePem(pem)!;
    const variants = [der.subarray(0, der.length - 1), new Uint8Array([...der, 0])];
    for (let i = 0; i < der.length; i++) {
      const m = der.slice();
      m[i] = [der[i] ^ 0x01, der[i] ^ 0x80, 0x00, 0xff][i % 4];
      if (m[i] !== der[i]) variants.push(m);
    }
    // The label decides the format: try each body under each label.
    for (const l of new Set([label, "PRIVATE KEY", "EC PRIVATE KEY"])) {
      for (const m of variants) {
        const text = encodePem(l, m);
        const q = quickPrivateKeyPem(text);
        if (!q) {
          declined++;
          continue;
        }
        accepted++;
        let full;
        try {
          full = parsePrivateKeyPem(text);
        } catch (e) {
          throw new Error(`quick reader accepted what the full parser refuses (${l}): ${e}`);
        }
        assertEquals(q, full);
      }
    }
  }
  assert(accepted > 300 && declined > 300, `accepted ${accepted}, declined ${declined}`);
});

Deno.test("quick key reader: declines unknown labels, redacted keys and trailing data", () => {
  assertEquals(quickPrivateKeyPem("******"), undefined);
  assertEquals(quickPrivateKeyPem(encodePem("CERTIFICATE", new Uint8Array([0x30, 0]))), undefined);
  assertEquals(
    quickPrivateKeyPem(encodePem("EC PRIVATE KEY", new Uint8Array([0x30, 0]))),
    undefined,
  );
});
