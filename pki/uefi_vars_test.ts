import { assertEquals, assertThrows } from "../tests/assert.ts";
import {
  EFI_CERT_X509_GUID,
  EFI_GLOBAL_VARIABLE,
  efiTime,
  guidBytes,
  KEK,
  SignatureDatabase,
  signedPayload,
} from "./uefi_vars.ts";
import { encodePem } from "./pem.ts";

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const u32At = (b: Uint8Array, off: number) =>
  new DataView(b.buffer, b.byteOffset).getUint32(off, true);

Deno.test("guidBytes: first three fields little-endian, the rest as written", () => {
  // The bytes efitools writes for EFI_GLOBAL_VARIABLE.
  assertEquals(hex(guidBytes(EFI_GLOBAL_VARIABLE)), "61dfe48bca93d211aa0d00e098032b8c");
  assertThrows(() => guidBytes("not-a-guid"), "invalid GUID not-a-guid");
});

Deno.test("efiTime: wall-clock fields, zero nanoseconds, zone and daylight", () => {
  const d = new Date(2031, 0, 2, 3, 4, 5, 678);
  assertEquals(hex(efiTime(d)), "ef07" + "0102030405" + "00" + "00000000" + "0000" + "00" + "00");
});

Deno.test("SignatureDatabase: same-size certificates share a list, others start one", () => {
  const db = new SignatureDatabase();
  const a = new Uint8Array(40).fill(1);
  const b = new Uint8Array(40).fill(2);
  const c = new Uint8Array(30).fill(3);
  const owner = "11111111-2222-3333-4444-555555555555";
  db.appendX509(owner, a);
  db.appendX509(owner, c);
  db.appendX509(owner, b);
  const bytes = db.bytes();
  // List 1: a and b (56-byte entries); list 2: c (46-byte entry).
  assertEquals(hex(bytes.subarray(0, 16)), hex(guidBytes(EFI_CERT_X509_GUID)));
  assertEquals([u32At(bytes, 16), u32At(bytes, 20), u32At(bytes, 24)], [28 + 2 * 56, 0, 56]);
  assertEquals(hex(bytes.subarray(28, 44)), hex(guidBytes(owner)));
  assertEquals(hex(bytes.subarray(44, 84)), hex(a));
  assertEquals(hex(bytes.subarray(100, 140)), hex(b));
  const second = 28 + 2 * 56;
  assertEquals([u32At(bytes, second + 16), u32At(bytes, second + 24)], [28 + 46, 46]);
  assertEquals(bytes.length, second + 28 + 46);
  assertThrows(() => db.appendX509(owner, b), "signature data exists already");
});

Deno.test("SignatureDatabase: PEM input is stored as its DER", () => {
  const der = new Uint8Array(50).fill(9);
  const db = new SignatureDatabase();
  db.appendX509(EFI_GLOBAL_VARIABLE, new TextEncoder().encode(encodePem("CERTIFICATE", der)));
  const bytes = db.bytes();
  assertEquals(u32At(bytes, 24), 16 + 50);
  assertEquals(hex(bytes.subarray(44)), hex(der));
});

Deno.test("signedPayload: UTF-16 name, vendor GUID, attributes, time, payload", () => {
  const t = new Uint8Array(16).fill(7);
  const p = signedPayload(KEK, t, new Uint8Array([0xaa, 0xbb]));
  assertEquals(
    hex(p),
    "4b0045004b00" + hex(guidBytes(EFI_GLOBAL_VARIABLE)) + "27000000" + hex(t) + "aabb",
  );
});
