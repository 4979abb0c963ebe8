// age encryption of the support bundle (age-encryption.org/v1), streamed: the file format, the
// header MAC and the payload STREAM come from the age-encryption package (typage); the SSH
// recipient types that package lacks, `ssh-ed25519` and `ssh-rsa` (what GitHub users publish
// as their keys), are implemented here following the age specification, beside native `age1...`
// recipients.

import { Encrypter, type Recipient, Stanza } from "age-encryption";
import { ed25519, x25519 } from "@noble/curves/ed25519.js";
import { chacha20poly1305 } from "@noble/ciphers/chacha.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bech32 } from "@scure/base";
import { goQuote } from "../../gofmt/mod.ts";

const ED25519_LABEL = new TextEncoder().encode("age-encryption.org/v1/ssh-ed25519");
const RSA_LABEL = new TextEncoder().encode("age-encryption.org/v1/ssh-rsa");

/** base64 without padding, as age writes stanza arguments. */
function b64(b: Uint8Array): string {
  return btoa(String.fromCharCode(...b)).replace(/=+$/, "");
}

function b64url(b: Uint8Array): string {
  return b64(b).replace(/\+/g, "-").replace(/\//g, "_");
}

/** The first 4 bytes of the SHA-256 of the key's SSH wire encoding, as the stanza tag. */
function sshTag(wire: Uint8Array): string {
  return b64(sha256(wire).subarray(0, 4));
}

/** Reads the length-prefixed fields of an SSH public key blob. */
function sshFields(blob: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  let off = 0;
  while (off < blob.length) {
    if (off + 4 > blob.length) throw new Error("short read");
    const n = view.getUint32(off);
    off += 4;
    if (off + n > blob.length) throw new Error("short read");
    out.push(blob.subarray(off, off + n));
    off += n;
  }
  return out;
}

class SshEd25519Recipient implements Recipient {
  readonly #tag: string;
  readonly #theirs: Uint8Array;
  constructor(readonly wire: Uint8Array, publicKey: Uint8Array) {
    this.#tag = sshTag(wire);
    this.#theirs = ed25519.utils.toMontgomery(publicKey);
  }

  wrapFileKey(fileKey: Uint8Array): Stanza[] {
    const ephemeral = crypto.getRandomValues(new Uint8Array(32));
    const share = x25519.scalarMultBase(ephemeral);
    let secret = x25519.scalarMult(ephemeral, this.#theirs);
    const tweak = hkdf(sha256, new Uint8Array(), this.wire, ED25519_LABEL, 32);
    secret = x25519.scalarMult(tweak, secret);
    const salt = new Uint8Array(64);
    salt.set(share);
    salt.set(this.#theirs, 32);
    const key = hkdf(sha256, secret, salt, ED25519_LABEL, 32);
    const body = chacha20poly1305(key, new Uint8Array(12)).encrypt(fileKey);
    return [new Stanza(["ssh-ed25519", this.#tag, b64(share)], body)];
  }
}

class SshRsaRecipient implements Recipient {
  readonly #tag: string;
  #key?: Promise<CryptoKey>;
  constructor(wire: Uint8Array, readonly e: Uint8Array, readonly n: Uint8Array) {
    this.#tag = sshTag(wire);
  }

  async wrapFileKey(fileKey: Uint8Array): Promise<Stanza[]> {
    const strip = (b: Uint8Array) => {
      let i = 0;
      while (i < b.length - 1 && b[i] === 0) i++;
      return b.subarray(i);
    };
    this.#key ??= crypto.subtle.importKey(
      "jwk",
      { kty: "RSA", n: b64url(strip(this.n)), e: b64url(strip(this.e)), ext: true },
      { name: "RSA-OAEP", hash: "SHA-256" },
      false,
      ["encrypt"],
    );
    const body = await crypto.subtle.encrypt(
      { name: "RSA-OAEP", label: RSA_LABEL },
      await this.#key,
      fileKey as Uint8Array<ArrayBuffer>,
    );
    return [new Stanza(["ssh-rsa", this.#tag], new Uint8Array(body))];
  }
}

/** A recipient ready for the encrypter: a native `age1...` string or an SSH key recipient. */
export type AgeRecipient = string | Recipient;

/**
 * Parses one recipient line (an `age1...` recipient, or an `ssh-ed25519`/`ssh-rsa` public key as
 * in authorized_keys), failing with age's words wrapped as the support bundle's encryption does.
 */
export function parseRecipient(line: string): AgeRecipient {
  const fail = (why: string): never => {
    throw new Error(`failed to parse recipient ${goQuote(line)}: ${why}`);
  };
  if (line.startsWith("age1")) {
    let decoded: { prefix: string; bytes: Uint8Array } | undefined;
    let why = "";
    try {
      decoded = bech32.decodeToBytes(line as `${string}1${string}`);
    } catch (e) {
      why = (e as Error).message;
    }
    if (!decoded) return fail(`malformed recipient ${goQuote(line)}: ${why}`);
    if (decoded.prefix.toLowerCase() !== "age") {
      return fail(`malformed recipient ${goQuote(line)}: invalid type ${goQuote(decoded.prefix)}`);
    }
    if (decoded.bytes.length !== 32) {
      return fail(`malformed recipient ${goQuote(line)}: invalid X25519 public key`);
    }
    return line;
  }
  const malformed = (why: string) => fail(`malformed SSH recipient: ${goQuote(line)}: ${why}`);
  const fields = line.trim().split(/\s+/);
  let blob: Uint8Array | undefined;
  try {
    if (fields.length >= 2) blob = Uint8Array.from(atob(fields[1]), (c) => c.charCodeAt(0));
  } catch { /* not base64 */ }
  if (!blob) return malformed("ssh: no key found");
  let parts: Uint8Array[];
  try {
    parts = sshFields(blob);
  } catch {
    return malformed("ssh: no key found");
  }
  const type = new TextDecoder().decode(parts[0] ?? new Uint8Array());
  if (type !== fields[0]) return malformed("ssh: no key found");
  if (type === "ssh-ed25519") {
    if (parts.length !== 2 || parts[1].length !== 32) {
      return malformed("ssh: invalid size for Ed25519 public key");
    }
    try {
      return new SshEd25519Recipient(blob, parts[1]);
    } catch {
      return malformed("ssh: invalid Ed25519 public key");
    }
  }
  if (type === "ssh-rsa") {
    if (parts.length !== 3) return malformed("ssh: no key found");
    return new SshRsaRecipient(blob, parts[1], parts[2]);
  }
  return fail(`unknown SSH recipient type: ${goQuote(type)}`);
}

/** A sink that encrypts what it is given to `recipients` and hands the ciphertext on. */
export interface EncryptingSink {
  write(chunk: Uint8Array): Promise<void>;
  /** Ends the payload (the last STREAM chunk) and waits until all of it reached the sink. */
  close(): Promise<void>;
  abort(reason: unknown): Promise<void>;
}

export async function encryptTo(
  recipients: AgeRecipient[],
  sink: (chunk: Uint8Array) => Promise<void>,
): Promise<EncryptingSink> {
  if (recipients.length === 0) throw new Error("no recipients to encrypt to");
  const enc = new Encrypter();
  for (const r of recipients) enc.addRecipient(r);
  const plain = new TransformStream<Uint8Array, Uint8Array>();
  const cipher = await enc.encrypt(plain.readable);
  const pump = (async () => {
    for await (const chunk of cipher) await sink(chunk);
  })();
  // Surfaced by write/close; keep an early failure from being reported as unhandled.
  pump.catch(() => {});
  const writer = plain.writable.getWriter();
  return {
    async write(chunk) {
      await Promise.race([writer.write(chunk), pump.then(() => {})]);
    },
    async close() {
      await writer.close();
      await pump;
    },
    async abort(reason) {
      await writer.abort(reason).catch(() => {});
      await pump.catch(() => {});
    },
  };
}
