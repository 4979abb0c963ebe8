// `gen secureboot uki | pcr | database` through the CLI. Certificates and keys are checked with
// openssl; the .auth files are taken apart by the small parser below (written from the UEFI
// spec, independent of pki/uefi_vars.ts), their signature lists compared with what efitools'
// cert-to-efi-sig-list builds, and their PKCS#7 signatures verified by `openssl cms` over the
// bundle efitools' sign-efi-sig-list says is to be signed.

import { assert, assertEquals, assertStringIncludes } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import { haveOpenssl, openssl } from "./openssl.ts";
import { haveTool, runTool } from "./extern_tools.ts";

const NOW = new Date("2025-06-01T12:00:00Z");
const HOUR = 3600_000;
const opts = (cwd: string) => ({ cwd, now: NOW, seed: 7 });

const X509_GUID = "a5c059a1-94e4-4aa7-87b5-ab155c2bf072";
const PKCS7_GUID = "4aafd29d-68df-49ee-8aa9-347d375665a7";
const GLOBAL_GUID = "8be4df61-93ca-11d2-aa0d-00e098032b8c";
const DB_GUID = "d719b2cb-3d3a-4596-a3bc-dad00e67656f";
const MICROSOFT_GUID = "77fa9abd-0359-4d32-bd60-28f4e78f784b";

const mode = async (path: string) => (await Deno.stat(path)).mode! & 0o777;
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

// ---- a minimal reader of EFI_VARIABLE_AUTHENTICATION_2 + EFI_SIGNATURE_LIST files ----------

function guidAt(b: Uint8Array, off: number): string {
  const v = new DataView(b.buffer, b.byteOffset + off, 16);
  const p = (n: number, w: number) => n.toString(16).padStart(w, "0");
  const tail = hex(b.subarray(off + 8, off + 16));
  return `${p(v.getUint32(0, true), 8)}-${p(v.getUint16(4, true), 4)}-${
    p(v.getUint16(6, true), 4)
  }-${tail.slice(0, 4)}-${tail.slice(4)}`;
}

interface Auth {
  time: number[];
  timeBytes: Uint8Array;
  nanos: number;
  length: number;
  revision: number;
  certType: number;
  certGuid: string;
  signedData: Uint8Array;
  esl: Uint8Array;
  lists: {
    type: string;
    headerSize: number;
    size: number;
    entries: { owner: string; data: Uint8Array }[];
  }[];
}

/** DER TLV length at `off` (tag byte at off): total element size. */
function derElementSize(b: Uint8Array, off: number): number {
  const first = b[off + 1];
  if (first < 0x80) return 2 + first;
  let len = 0;
  for (let i = 0; i < (first & 0x7f); i++) len = len * 256 + b[off + 2 + i];
  return 2 + (first & 0x7f) + len;
}

function parseAuth(b: Uint8Array): Auth {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const time = [v.getUint16(0, true), b[2], b[3], b[4], b[5], b[6]];
  assertEquals([b[7], v.getInt16(12, true), b[14], b[15]], [0, 0, 0, 0], "EFI_TIME padding");
  const length = v.getUint32(16, true);
  const signedData = b.subarray(40, 16 + length);
  assertEquals(signedData[0], 0x30, "SignedData is a SEQUENCE");
  assertEquals(derElementSize(signedData, 0), signedData.length, "dwLength covers SignedData");
  const esl = b.subarray(16 + length);
  const lists: Auth["lists"] = [];
  for (let p = 0; p < esl.length;) {
    const e = new DataView(esl.buffer, esl.byteOffset + p);
    const listSize = e.getUint32(16, true);
    const headerSize = e.getUint32(20, true);
    const size = e.getUint32(24, true);
    assert(listSize >= 28 && p + listSize <= esl.length, "list inside the file");
    assertEquals((listSize - 28 - headerSize) % size, 0, "whole entries");
    const entries = [];
    for (let q = p + 28 + headerSize; q < p + listSize; q += size) {
      entries.push({ owner: guidAt(esl, q), data: esl.subarray(q + 16, q + size) });
    }
    lists.push({ type: guidAt(esl, p), headerSize, size, entries });
    p += listSize;
  }
  return {
    time,
    timeBytes: b.slice(0, 16),
    nanos: v.getUint32(8, true),
    length,
    revision: v.getUint16(20, true),
    certType: v.getUint16(22, true),
    certGuid: guidAt(b, 24),
    signedData,
    esl,
    lists,
  };
}

function der(tag: number, body: Uint8Array): Uint8Array {
  const n = body.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return new Uint8Array([tag, ...len, ...body]);
}

/** ContentInfo { id-signedData, [0] SignedData }: what openssl reads. */
function contentInfo(signedData: Uint8Array): Uint8Array {
  const oid = new Uint8Array([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02]);
  return der(0x30, new Uint8Array([...oid, ...der(0xa0, signedData)]));
}

function pemDer(pem: string): Uint8Array {
  const body = pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
  return Uint8Array.from(atob(body), (c) => c.charCodeAt(0));
}

/** Owner GUID talosctl derives: SHA-256 name-based UUID (X.500 namespace), version 4 bits. */
async function expectedOwner(file: Uint8Array): Promise<string> {
  const ns = [
    0x6b,
    0xa7,
    0xb8,
    0x14,
    0x9d,
    0xad,
    0x11,
    0xd1,
    0x80,
    0xb4,
    0,
    0xc0,
    0x4f,
    0xd4,
    0x30,
    0xc8,
  ];
  const h = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new Uint8Array([...ns, ...file])),
  ).slice(0, 16);
  h[6] = (h[6] & 0x0f) | 0x40;
  h[8] = (h[8] & 0x3f) | 0x80;
  const s = hex(h);
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

const p2 = (n: number) => String(n).padStart(2, "0");
/** NOW's wall-clock fields as EFI_TIME carries them (local time, as talosctl takes them). */
const nowFields = [
  NOW.getFullYear(),
  NOW.getMonth() + 1,
  NOW.getDate(),
  NOW.getHours(),
  NOW.getMinutes(),
  NOW.getSeconds(),
];
const efitoolsTime = `${nowFields[0]}-${p2(nowFields[1])}-${p2(nowFields[2])} ${p2(nowFields[3])}:${
  p2(nowFields[4])
}:${p2(nowFields[5])}`;

// ---- uki / pcr ---------------------------------------------------------------------------

Deno.test("gen secureboot uki: RSA-4096 CA, O = common name, 87600h, PEM/DER pair, 0600", async () => {
  if (!(await haveOpenssl())) return;
  await using dir = await tempDir();
  const r = await run(
    ["gen", "secureboot", "uki", "-o", "out/sb", "--common-name", "Acme UKI"],
    opts(dir.path),
  );
  assertEquals([r.code, r.stdout], [0, ""]);
  assertEquals(
    r.stderr,
    "writing out/sb/uki-signing-cert.pem\nwriting out/sb/uki-signing-cert.der\n" +
      "writing out/sb/uki-signing-key.pem\n",
  );
  const out = `${dir.path}/out/sb`;
  assertEquals((await Array.fromAsync(Deno.readDir(out))).map((e) => e.name).sort(), [
    "uki-signing-cert.der",
    "uki-signing-cert.pem",
    "uki-signing-key.pem",
  ]);
  for (const f of ["uki-signing-cert.der", "uki-signing-cert.pem", "uki-signing-key.pem"]) {
    assertEquals(await mode(`${out}/${f}`), 0o600, f);
  }
  assertEquals(await mode(out), 0o700);

  const text =
    (await openssl(["x509", "-noout", "-text", "-in", `${out}/uki-signing-cert.pem`])).stdout;
  assertStringIncludes(text, "Subject: O = Acme UKI\n");
  assertStringIncludes(text, "Issuer: O = Acme UKI\n");
  assertStringIncludes(text, "Public-Key: (4096 bit)");
  assertStringIncludes(text, "Signature Algorithm: sha512WithRSAEncryption");
  assertStringIncludes(text, "CA:TRUE");
  const dates = (await openssl([
    "x509",
    "-noout",
    "-startdate",
    "-enddate",
    "-in",
    `${out}/uki-signing-cert.pem`,
  ]))
    .stdout;
  const [start, end] = dates.trim().split("\n").map((l) => new Date(l.split("=")[1]).getTime());
  assertEquals(start, NOW.getTime());
  assertEquals((end - start) / HOUR, 87600);

  // The .der file is exactly the PEM's certificate, as openssl converts it.
  const derFile = await Deno.readFile(`${out}/uki-signing-cert.der`);
  const conv = await openssl(["x509", "-in", `${out}/uki-signing-cert.pem`, "-outform", "DER"]);
  assertEquals(hex(derFile), hex(conv.stdoutBytes));
  assertEquals(hex(derFile), hex(pemDer(await Deno.readTextFile(`${out}/uki-signing-cert.pem`))));

  // PKCS#1 key of the certificate.
  const keyPem = await Deno.readTextFile(`${out}/uki-signing-key.pem`);
  assert(keyPem.startsWith("-----BEGIN RSA PRIVATE KEY-----\n"), keyPem.slice(0, 40));
  await openssl(["rsa", "-check", "-noout", "-in", `${out}/uki-signing-key.pem`]);
  const keyMod =
    (await openssl(["rsa", "-noout", "-modulus", "-in", `${out}/uki-signing-key.pem`])).stdout;
  const crtMod =
    (await openssl(["x509", "-noout", "-modulus", "-in", `${out}/uki-signing-cert.pem`])).stdout;
  assertEquals(keyMod, crtMod);
});

Deno.test("gen secureboot uki: default common name and _out, refuses to overwrite, -f replaces", async () => {
  if (!(await haveOpenssl())) return;
  await using dir = await tempDir();
  const r = await run(["gen", "secureboot", "uki"], opts(dir.path));
  assertEquals(r.code, 0, r.stderr);
  assertStringIncludes(r.stderr, "writing _out/uki-signing-cert.pem\n");
  const cert = `${dir.path}/_out/uki-signing-cert.pem`;
  assertStringIncludes(
    (await openssl(["x509", "-noout", "-subject", "-in", cert])).stdout,
    "subject=O = Test UKI Signing Key",
  );
  const before = await Deno.readTextFile(cert);

  // Only the key is missing: the certificate is named, and nothing is written.
  await Deno.remove(`${dir.path}/_out/uki-signing-key.pem`);
  const again = await run(["gen", "secureboot", "uki"], opts(dir.path));
  assertEquals(again.code, 1);
  assertEquals(
    again.stderr,
    'file "_out/uki-signing-cert.pem" already exists, use --force to overwrite\n',
  );
  assertEquals(await Deno.readTextFile(cert), before);
  await Deno.stat(`${dir.path}/_out/uki-signing-key.pem`).then(
    () => assert(false, "the key must not be written"),
    () => {},
  );

  const forced = await run(["gen", "secureboot", "uki", "--force"], opts(dir.path));
  assertEquals(forced.code, 0, forced.stderr);
  assert((await Deno.readTextFile(cert)) !== before, "a new certificate");
  assertEquals(await mode(`${dir.path}/_out/uki-signing-key.pem`), 0o600);
});

Deno.test("gen secureboot pcr: a lone RSA-2048 PKCS#1 key, 0600", async () => {
  if (!(await haveOpenssl())) return;
  await using dir = await tempDir();
  const r = await run(["gen", "secureboot", "pcr", "--output", "keys"], opts(dir.path));
  assertEquals([r.code, r.stderr], [0, "writing keys/pcr-signing-key.pem\n"]);
  assertEquals((await Array.fromAsync(Deno.readDir(`${dir.path}/keys`))).map((e) => e.name), [
    "pcr-signing-key.pem",
  ]);
  const key = `${dir.path}/keys/pcr-signing-key.pem`;
  assertEquals(await mode(key), 0o600);
  assert((await Deno.readTextFile(key)).startsWith("-----BEGIN RSA PRIVATE KEY-----\n"));
  const t = (await openssl(["rsa", "-check", "-noout", "-text", "-in", key])).stdout;
  assertStringIncludes(t, "Private-Key: (2048 bit, 2 primes)");
  const again = await run(["gen", "secureboot", "pcr", "-o", "keys"], opts(dir.path));
  assertEquals([again.code, again.stderr], [
    1,
    'file "keys/pcr-signing-key.pem" already exists, use --force to overwrite\n',
  ]);
  const extra = await run(["gen", "secureboot", "pcr", "extra"], opts(dir.path));
  assertEquals(extra.code, 1);
  assertStringIncludes(extra.stderr, 'unknown command "extra" for "talosctl gen secureboot pcr"');
});

// ---- database ----------------------------------------------------------------------------

const VARS = [
  { file: "db.auth", name: "db", vendor: DB_GUID },
  { file: "KEK.auth", name: "KEK", vendor: GLOBAL_GUID },
  { file: "PK.auth", name: "PK", vendor: GLOBAL_GUID },
];

/** Verifies the .auth's PKCS#7 signature over `bundle` with openssl, trusting the certificate at `certPath`. */
async function cmsVerify(work: string, auth: Auth, bundle: Uint8Array, certPath: string) {
  await Deno.writeFile(`${work}/sig.p7`, contentInfo(auth.signedData));
  await Deno.writeFile(`${work}/bundle`, bundle);
  return await openssl([
    "cms",
    "-verify",
    "-inform",
    "DER",
    "-in",
    `${work}/sig.p7`,
    "-binary",
    "-content",
    `${work}/bundle`,
    "-CAfile",
    certPath,
    "-purpose",
    "any",
    "-attime",
    String(NOW.getTime() / 1000 + 60),
    "-out",
    "/dev/null",
  ], { allowFail: true });
}

/** The bytes to be signed: efitools' view when it is here, else the UEFI spec's concatenation. */
async function bundleFor(work: string, v: typeof VARS[number], auth: Auth): Promise<Uint8Array> {
  if (await haveTool("sign-efi-sig-list", ["--help"])) {
    await Deno.writeFile(`${work}/var.esl`, auth.esl);
    await runTool("sign-efi-sig-list", [
      "-o",
      "-t",
      efitoolsTime,
      v.name,
      `${work}/var.esl`,
      `${work}/var.bundle`,
    ]);
    return await Deno.readFile(`${work}/var.bundle`);
  }
  const name = Uint8Array.from([...v.name].flatMap((c) => [c.charCodeAt(0), 0]));
  const raw = Uint8Array.from(v.vendor.replaceAll("-", "").match(/../g)!, (x) => parseInt(x, 16));
  const vendor = [
    ...raw.slice(0, 4).reverse(),
    ...raw.slice(4, 6).reverse(),
    ...raw.slice(6, 8).reverse(),
    ...raw.slice(8),
  ];
  return new Uint8Array([...name, ...vendor, 0x27, 0, 0, 0, ...auth.timeBytes, ...auth.esl]);
}

Deno.test("gen secureboot database: PK/KEK/db enrol the UKI certificate, signed by it", async () => {
  if (!(await haveOpenssl())) return;
  await using dir = await tempDir();
  assertEquals((await run(["gen", "secureboot", "uki"], opts(dir.path))).code, 0);
  const r = await run(["gen", "secureboot", "database"], opts(dir.path));
  assertEquals([r.code, r.stdout], [0, ""]);
  assertEquals(r.stderr, "writing _out/db.auth\nwriting _out/KEK.auth\nwriting _out/PK.auth\n");

  const certPath = `${dir.path}/_out/uki-signing-cert.pem`;
  const certPemBytes = await Deno.readFile(certPath);
  const certDer = await Deno.readFile(`${dir.path}/_out/uki-signing-cert.der`);
  const owner = await expectedOwner(certPemBytes);
  for (const v of VARS) {
    const path = `${dir.path}/_out/${v.file}`;
    assertEquals(await mode(path), 0o600, v.file);
    const auth = parseAuth(await Deno.readFile(path));
    assertEquals(auth.time, nowFields, `${v.file}: EFI_TIME`);
    assertEquals(auth.nanos, 0);
    assertEquals([auth.revision, auth.certType, auth.certGuid], [0x0200, 0x0ef1, PKCS7_GUID]);
    assertEquals(auth.lists.length, 1, `${v.file}: one signature list`);
    const [list] = auth.lists;
    assertEquals([list.type, list.headerSize, list.size], [X509_GUID, 0, 16 + certDer.length]);
    assertEquals(list.entries.length, 1);
    assertEquals(list.entries[0].owner, owner);
    assertEquals(hex(list.entries[0].data), hex(certDer), `${v.file}: enrolled certificate`);

    const bundle = await bundleFor(dir.path, v, auth);
    const ok = await cmsVerify(dir.path, auth, bundle, certPath);
    assertEquals(ok.code, 0, `${v.file}: ${ok.stderr}`);
    assertStringIncludes(ok.stderr, "Verification successful");
    // One flipped bit in the signed bytes (here: the variable's time) breaks the signature.
    const tampered = bundle.slice();
    tampered[bundle.length - auth.esl.length - 16 + 5] ^= 1;
    const bad = await cmsVerify(dir.path, auth, tampered, certPath);
    assert(bad.code !== 0, `${v.file}: tampered bundle must not verify`);
  }

  // efitools builds the same signature list from the certificate and owner.
  if (await haveTool("cert-to-efi-sig-list", ["--help"])) {
    await runTool("cert-to-efi-sig-list", ["-g", owner, certPath, `${dir.path}/pk.esl`]);
    const auth = parseAuth(await Deno.readFile(`${dir.path}/_out/PK.auth`));
    assertEquals(hex(auth.esl), hex(await Deno.readFile(`${dir.path}/pk.esl`)));
  }

  const again = await run(["gen", "secureboot", "database"], opts(dir.path));
  assertEquals([again.code, again.stderr], [
    1,
    'file "_out/db.auth" already exists, use --force to overwrite\n',
  ]);
  const forced = await run(["gen", "-f", "secureboot", "database"], opts(dir.path));
  assertEquals(forced.code, 0, forced.stderr);
});

Deno.test("gen secureboot database --include-well-known-uefi-certs: Microsoft CAs in KEK and db", async () => {
  if (!(await haveOpenssl())) return;
  await using dir = await tempDir();
  const o = opts(dir.path);
  assertEquals((await run(["gen", "secureboot", "uki", "-o", "a"], o)).code, 0);
  assertEquals((await run(["gen", "secureboot", "pcr", "-o", "b"], o)).code, 0);
  const r = await run([
    "gen",
    "secureboot",
    "database",
    "-o",
    "db",
    "--enrolled-certificate",
    "a/uki-signing-cert.der",
    "--signing-certificate",
    "a/uki-signing-cert.pem",
    "--signing-key",
    "a/uki-signing-key.pem",
    "--include-well-known-uefi-certs",
  ], o);
  assertEquals([r.code, r.stderr], [
    0,
    "writing db/db.auth\nwriting db/KEK.auth\nwriting db/PK.auth\n",
  ]);
  const certDer = await Deno.readFile(`${dir.path}/a/uki-signing-cert.der`);
  const owner = await expectedOwner(certDer);
  const subjects = async (data: Uint8Array) =>
    (await openssl(["x509", "-inform", "DER", "-noout", "-subject"], { stdin: data })).stdout
      .trim();

  const expected: Record<string, string[]> = {
    "PK.auth": [],
    "KEK.auth": [
      "Microsoft Corporation KEK CA 2011",
      "Microsoft Corporation KEK 2K CA 2023",
    ],
    "db.auth": [
      "Microsoft Corporation UEFI CA 2011",
      "Microsoft Option ROM UEFI CA 2023",
      "Microsoft UEFI CA 2023",
    ],
  };
  for (const v of VARS) {
    const auth = parseAuth(await Deno.readFile(`${dir.path}/db/${v.file}`));
    // The enrolled certificate first, in a list of its own; each Microsoft CA differs in size.
    assertEquals(auth.lists.length, 1 + expected[v.file].length, v.file);
    assertEquals(auth.lists[0].entries.map((e) => [e.owner, hex(e.data)]), [[owner, hex(certDer)]]);
    const ms = auth.lists.slice(1);
    for (const l of ms) {
      assertEquals([l.type, l.headerSize, l.entries.length], [X509_GUID, 0, 1]);
      assertEquals(l.entries[0].owner, MICROSOFT_GUID);
      assertEquals(l.size, 16 + l.entries[0].data.length);
    }
    const names = [];
    for (const l of ms) names.push((await subjects(l.entries[0].data)).replace(/.*CN = /, ""));
    assertEquals(names, expected[v.file], v.file);
    const ok = await cmsVerify(
      dir.path,
      auth,
      await bundleFor(dir.path, v, auth),
      `${dir.path}/a/uki-signing-cert.pem`,
    );
    assertEquals(ok.code, 0, `${v.file}: ${ok.stderr}`);
  }

  // A key that does not belong to the signing certificate gives signatures that do not verify.
  const m = await run([
    "gen",
    "secureboot",
    "database",
    "-o",
    "mismatch",
    "--enrolled-certificate",
    "a/uki-signing-cert.pem",
    "--signing-certificate",
    "a/uki-signing-cert.pem",
    "--signing-key",
    "b/pcr-signing-key.pem",
  ], o);
  assertEquals(m.code, 0, m.stderr);
  const auth = parseAuth(await Deno.readFile(`${dir.path}/mismatch/PK.auth`));
  const bad = await cmsVerify(
    dir.path,
    auth,
    await bundleFor(dir.path, VARS[2], auth),
    `${dir.path}/a/uki-signing-cert.pem`,
  );
  assert(bad.code !== 0, "signed with the wrong key");
});

Deno.test("gen secureboot database: signer and input errors read as talosctl's", async () => {
  if (!(await haveOpenssl())) return;
  await using dir = await tempDir();
  const o = opts(dir.path);
  const db = (...args: string[]) => run(["gen", "secureboot", "database", ...args], o);

  let r = await db();
  assertEquals([r.code, r.stderr], [
    1,
    "failed to create signer: open _out/uki-signing-key.pem: no such file or directory\n",
  ]);
  r = await db("--signing-key", "");
  assertEquals(r.stderr, "failed to create signer: unsupported SecureBoot signer\n");

  assertEquals((await run(["gen", "key", "--name", "ed"], o)).code, 0);
  r = await db("--signing-key", "ed.key");
  assertEquals(
    r.stderr,
    "failed to create signer: failed to parse private RSA key: x509: failed to parse private " +
      "key (use ParsePKCS8PrivateKey instead for this key format)\n",
  );
  await Deno.writeTextFile(`${dir.path}/junk.pem`, "not a key\n");
  r = await db("--signing-key", "junk.pem");
  assertEquals(r.stderr, "failed to create signer: failed to decode private key\n");

  assertEquals((await run(["gen", "secureboot", "pcr", "-o", "."], o)).code, 0);
  r = await db("--signing-key", "pcr-signing-key.pem");
  assertEquals(
    r.stderr,
    "failed to create signer: open _out/uki-signing-cert.pem: no such file or directory\n",
  );
  r = await db("--signing-key", "pcr-signing-key.pem", "--signing-certificate", "junk.pem");
  assertEquals(r.stderr, "failed to create signer: failed to decode certificate\n");

  assertEquals((await run(["gen", "secureboot", "uki"], o)).code, 0);
  r = await db("--enrolled-certificate", "missing.pem");
  assertEquals([r.code, r.stderr], [1, "open missing.pem: no such file or directory\n"]);
  await Deno.stat(`${dir.path}/_out/db.auth`).then(
    () => assert(false, "nothing written"),
    () => {},
  );
});
