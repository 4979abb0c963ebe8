// Encryption of the bundle against the real age tool: a payload encrypted to an ssh-ed25519, an
// ssh-rsa and an age1 recipient at once decrypts with each one's private key (`age -d -i`), and
// with age-encryption's own decrypter; recipient lines are refused with age's words.

import { Decrypter, generateX25519Identity, identityToRecipient } from "age-encryption";
import { assert, assertEquals } from "../../tests/assert.ts";
import { haveTool, runTool } from "../../tests/extern_tools.ts";
import { encryptTo, parseRecipient } from "./age.ts";
import { crc32 } from "./zip.ts";

function payload(n: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = 99;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

async function encrypt(lines: string[], data: Uint8Array): Promise<Uint8Array> {
  const out: Uint8Array[] = [];
  const sink = await encryptTo(lines.map(parseRecipient), (c) => {
    out.push(c.slice());
    return Promise.resolve();
  });
  // Uneven writes across the 64 KiB STREAM chunk boundaries.
  for (let off = 0; off < data.length; off += 10_007) {
    await sink.write(data.slice(off, off + 10_007));
  }
  await sink.close();
  const all = new Uint8Array(out.reduce((n, c) => n + c.length, 0));
  let off = 0;
  for (const c of out) {
    all.set(c, off);
    off += c.length;
  }
  return all;
}

Deno.test("age: SSH and native recipients decrypt with the age tool", async () => {
  if (!(await haveTool("age")) || !(await haveTool("ssh-keygen", ["-?"]))) return;
  const dir = await Deno.makeTempDir();
  try {
    for (const [type, bits] of [["ed25519", []], ["rsa", ["-b", "2048"]]] as const) {
      await runTool("ssh-keygen", ["-q", "-t", type, ...bits, "-N", "", "-f", `${dir}/${type}`]);
    }
    const identity = await generateX25519Identity();
    await Deno.writeTextFile(`${dir}/age.key`, identity + "\n");
    const lines = [
      (await Deno.readTextFile(`${dir}/ed25519.pub`)).trim(),
      (await Deno.readTextFile(`${dir}/rsa.pub`)).trim(),
      await identityToRecipient(identity),
    ];
    const data = payload(300_000);
    const sealed = await encrypt(lines, data);
    assertEquals(new TextDecoder().decode(sealed.subarray(0, 22)), "age-encryption.org/v1\n");
    await Deno.writeFile(`${dir}/bundle.zip.age`, sealed);
    for (const key of ["ed25519", "rsa", "age.key"]) {
      const r = await runTool("age", ["-d", "-i", `${dir}/${key}`, `${dir}/bundle.zip.age`]);
      assertEquals(r.stdoutBytes.length, data.length, key);
      assertEquals(crc32(0, r.stdoutBytes), crc32(0, data), key);
    }
    const d = new Decrypter();
    d.addIdentity(identity);
    assertEquals(crc32(0, await d.decrypt(sealed)), crc32(0, data));
    // A key that is not a recipient cannot open it.
    await runTool("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", `${dir}/other`]);
    const other = await runTool("age", ["-d", "-i", `${dir}/other`, `${dir}/bundle.zip.age`], {
      allowFail: true,
    });
    assert(other.code !== 0);
    assert(other.stderr.includes("no identity matched any of the recipients"), other.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("age: an empty payload is still a valid file", async () => {
  const identity = await generateX25519Identity();
  const sealed = await encrypt([await identityToRecipient(identity)], new Uint8Array());
  const d = new Decrypter();
  d.addIdentity(identity);
  assertEquals((await d.decrypt(sealed)).length, 0);
});

Deno.test("age: recipient lines refused with age's words", () => {
  const refused = (line: string) => {
    try {
      parseRecipient(line);
    } catch (e) {
      return (e as Error).message;
    }
    return "accepted";
  };
  assertEquals(
    refused("not a key"),
    `failed to parse recipient "not a key": malformed SSH recipient: "not a key": ssh: no key found`,
  );
  const ecdsa =
    "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEmKSENjQEezOmxkZMy7opKgwFB9nkt5YRrYMjNuG5N87uRgg6CLrbo5wAdT/y6v0mKV0U2w0WZ2YB/++Tpockg=";
  assertEquals(
    refused(ecdsa),
    `failed to parse recipient "${ecdsa}": unknown SSH recipient type: "ecdsa-sha2-nistp256"`,
  );
  assert(
    refused("age1notbech32").startsWith(
      `failed to parse recipient "age1notbech32": malformed recipient "age1notbech32": `,
    ),
  );
  assertEquals(
    refused("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAAQA="),
    `failed to parse recipient "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAAQA=": malformed SSH recipient: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAAQA=": ssh: invalid size for Ed25519 public key`,
  );
});
