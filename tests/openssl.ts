// Runs the real openssl for PKI interop tests. Without openssl the calling test is skipped with
// a warning, except under CI=true, where a missing openssl fails loudly (extern_tools.ts).

import { haveTool, runTool, type ToolResult } from "./extern_tools.ts";

export type OpensslResult = ToolResult;

/** True when openssl runs here; throws under CI when it does not. */
export function haveOpenssl(): Promise<boolean> {
  return haveTool("openssl", ["version"]);
}

/** Runs `openssl args...` in `cwd`; throws with stderr when it fails (unless `allowFail`). */
export function openssl(
  args: string[],
  opts: { cwd?: string; stdin?: Uint8Array | string; allowFail?: boolean } = {},
): Promise<OpensslResult> {
  return runTool("openssl", args, opts);
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
