// Runs the real openssl for PKI interop tests. Without openssl the calling test is skipped with
// a warning, except under CI=true, where a missing openssl fails loudly.

export interface OpensslResult {
  code: number;
  stdout: string;
  stderr: string;
}

let available: boolean | undefined;

export async function haveOpenssl(): Promise<boolean> {
  if (available !== undefined) return available;
  try {
    available = (await new Deno.Command("openssl", { args: ["version"], stdout: "null" }).output())
      .success;
  } catch {
    available = false;
  }
  if (!available) {
    if (Deno.env.get("CI") === "true") throw new Error("openssl is required by the PKI tests");
    console.warn("WARNING: openssl not found, PKI interop checks skipped");
  }
  return available;
}

/** Runs `openssl args...` in `cwd`; throws with stderr when it fails (unless `allowFail`). */
export async function openssl(
  args: string[],
  opts: { cwd?: string; stdin?: Uint8Array | string; allowFail?: boolean } = {},
): Promise<OpensslResult> {
  const child = new Deno.Command("openssl", {
    args,
    cwd: opts.cwd,
    stdin: opts.stdin !== undefined ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (opts.stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(
      typeof opts.stdin === "string" ? new TextEncoder().encode(opts.stdin) : opts.stdin,
    );
    await w.close();
  }
  const out = await child.output();
  const dec = new TextDecoder();
  const r = { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
  if (r.code !== 0 && !opts.allowFail) {
    throw new Error(`openssl ${args.join(" ")} failed (${r.code}):\n${r.stderr}`);
  }
  return r;
}

/** Go labels Ed25519 PKCS#8 keys `ED25519 PRIVATE KEY`; openssl only reads `PRIVATE KEY`. */
export function asPkcs8Label(pem: string): string {
  return pem.replaceAll("ED25519 PRIVATE KEY", "PRIVATE KEY");
}

/** DER SubjectPublicKeyInfo of a certificate or private key PEM, as openssl computes it. */
export async function opensslSpki(pem: string, kind: "cert" | "key"): Promise<string> {
  const pub = kind === "cert"
    ? (await openssl(["x509", "-noout", "-pubkey"], { stdin: pem })).stdout
    : (await openssl(["pkey", "-pubout"], { stdin: asPkcs8Label(pem) })).stdout;
  return pub.trim();
}
