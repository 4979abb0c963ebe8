// UEFI signature databases and time-based authenticated variables (UEFI spec, "Signature
// Database" and "Variable Services"), byte for byte as go-uefi lays them out:
//
//   EFI_SIGNATURE_LIST: SignatureType GUID, ListSize u32, HeaderSize u32 (0), SignatureSize u32,
//                       then EFI_SIGNATURE_DATA entries (owner GUID + data), all one size.
//   .auth file:         EFI_TIME (16 bytes), WIN_CERTIFICATE_UEFI_GUID (Length u32, Revision
//                       0x0200, CertificateType 0x0EF1, CertType = EFI_CERT_TYPE_PKCS7_GUID,
//                       PKCS#7 SignedData), then the signature lists themselves.
//
// The PKCS#7 signature covers the variable name (UTF-16LE, no terminator), the vendor GUID,
// the attributes (u32), the EFI_TIME and the signature lists, concatenated.
// All integers little-endian; GUIDs in the EFI layout (first three fields little-endian).

import { concat } from "./der.ts";
import { decodePem } from "./pem.ts";
import { type Pkcs7Signer, signDetached } from "./pkcs7.ts";

/** EFI_CERT_X509_GUID: signature data is a DER X.509 certificate. */
export const EFI_CERT_X509_GUID = "a5c059a1-94e4-4aa7-87b5-ab155c2bf072";
/** EFI_CERT_TYPE_PKCS7_GUID: the CertType of WIN_CERTIFICATE_UEFI_GUID in .auth files. */
export const EFI_CERT_TYPE_PKCS7_GUID = "4aafd29d-68df-49ee-8aa9-347d375665a7";
/** EFI_GLOBAL_VARIABLE: vendor of PK and KEK. */
export const EFI_GLOBAL_VARIABLE = "8be4df61-93ca-11d2-aa0d-00e098032b8c";
/** EFI_IMAGE_SECURITY_DATABASE_GUID: vendor of db (and dbx). */
export const EFI_IMAGE_SECURITY_DATABASE = "d719b2cb-3d3a-4596-a3bc-dad00e67656f";

/** NON_VOLATILE | BOOTSERVICE_ACCESS | RUNTIME_ACCESS | TIME_BASED_AUTHENTICATED_WRITE_ACCESS. */
export const SECURE_BOOT_VAR_ATTRIBUTES = 0x01 | 0x02 | 0x04 | 0x20;

const WIN_CERT_REVISION = 0x0200;
const WIN_CERT_TYPE_EFI_GUID = 0x0ef1;

/** A GUID in its text form ("8be4df61-93ca-...") as the 16 bytes UEFI stores. */
export function guidBytes(guid: string): Uint8Array {
  const hex = guid.replaceAll("-", "");
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`invalid GUID ${guid}`);
  const b = Uint8Array.from({ length: 16 }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16));
  // Data1 (u32), Data2 and Data3 (u16) are little-endian; Data4 stays as written.
  return concat([
    b.slice(0, 4).reverse(),
    b.slice(4, 6).reverse(),
    b.slice(6, 8).reverse(),
    b.slice(8),
  ]);
}

function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
}

function u16(n: number): Uint8Array {
  const b = new Uint8Array(2);
  new DataView(b.buffer).setUint16(0, n, true);
  return b;
}

/**
 * EFI_TIME from the wall-clock fields of `d` in the local time zone (go-uefi takes Go's
 * time.Now() fields), nanoseconds, time zone and daylight zero.
 */
export function efiTime(d: Date): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setUint16(0, d.getFullYear(), true);
  b.set([d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()], 2);
  return b;
}

interface SignatureList {
  type: string;
  /** Size of each entry: owner GUID + data. */
  size: number;
  entries: { owner: string; data: Uint8Array }[];
}

export class SignatureDatabaseError extends Error {}

/**
 * A list of EFI_SIGNATURE_LISTs. Appending joins a list of the same type whose entries have
 * the size of the new data, or starts a new list (go-uefi's SignatureDatabase.Append).
 */
export class SignatureDatabase {
  readonly lists: SignatureList[] = [];

  /**
   * Adds an X.509 certificate owned by `owner`. PEM input is stored as the DER of its first
   * block; the size that picks the list is that of `data` as given.
   */
  appendX509(owner: string, data: Uint8Array): void {
    const given = data.length + 16;
    let list = this.lists.find((l) => l.type === EFI_CERT_X509_GUID && l.size === given);
    if (!list) {
      list = { type: EFI_CERT_X509_GUID, size: 0, entries: [] };
      this.lists.push(list);
    }
    const ownerKey = owner.toLowerCase();
    if (list.entries.some((e) => e.owner === ownerKey && equalBytes(e.data, data))) {
      throw new SignatureDatabaseError("signature data exists already");
    }
    const block = decodePem(new TextDecoder().decode(data));
    const stored = block ? block.der : data;
    list.entries.push({ owner: ownerKey, data: stored });
    list.size = stored.length + 16;
  }

  bytes(): Uint8Array {
    const parts: Uint8Array[] = [];
    for (const l of this.lists) {
      const listSize = 28 + l.entries.length * l.size;
      parts.push(guidBytes(l.type), u32(listSize), u32(0), u32(l.size));
      for (const e of l.entries) parts.push(guidBytes(e.owner), e.data);
    }
    return concat(parts);
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export interface EfiVariable {
  name: string;
  vendor: string;
  attributes: number;
}

export const PK: EfiVariable = {
  name: "PK",
  vendor: EFI_GLOBAL_VARIABLE,
  attributes: SECURE_BOOT_VAR_ATTRIBUTES,
};
export const KEK: EfiVariable = {
  name: "KEK",
  vendor: EFI_GLOBAL_VARIABLE,
  attributes: SECURE_BOOT_VAR_ATTRIBUTES,
};
export const DB: EfiVariable = {
  name: "db",
  vendor: EFI_IMAGE_SECURITY_DATABASE,
  attributes: SECURE_BOOT_VAR_ATTRIBUTES,
};

/** The bytes an authenticated write of `payload` to `v` at `timestamp` (EFI_TIME) signs. */
export function signedPayload(v: EfiVariable, timestamp: Uint8Array, payload: Uint8Array) {
  const name = new Uint8Array(v.name.length * 2);
  for (let i = 0; i < v.name.length; i++) name[2 * i] = v.name.charCodeAt(i) & 0xff;
  return concat([name, guidBytes(v.vendor), u32(v.attributes), timestamp, payload]);
}

/**
 * An EFI_VARIABLE_AUTHENTICATION_2 header followed by `payload`: the content of a `.auth` file
 * that firmware (or sd-boot's enrolment) writes to `v`.
 */
export async function authenticatedVariable(
  v: EfiVariable,
  payload: Uint8Array,
  signer: Pkcs7Signer,
  now: Date,
): Promise<Uint8Array> {
  const timestamp = efiTime(now);
  const signedData = await signDetached(signedPayload(v, timestamp, payload), signer, now);
  return concat([
    timestamp,
    u32(8 + 16 + signedData.length),
    u16(WIN_CERT_REVISION),
    u16(WIN_CERT_TYPE_EFI_GUID),
    guidBytes(EFI_CERT_TYPE_PKCS7_GUID),
    signedData,
    payload,
  ]);
}
