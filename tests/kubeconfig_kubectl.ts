// Runs the real kubectl for interop tests. Without kubectl the caller's test is skipped with a
// warning, except under CI=true, where a missing kubectl fails the test loudly.

import { haveTool } from "./extern_tools.ts";

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `kubectl args...` against `kubeconfig` (set as the only $KUBECONFIG). Returns null when
 * kubectl is missing outside CI.
 */
export async function kubectl(kubeconfig: string, args: string[]): Promise<KubectlResult | null> {
  if (!(await haveTool("kubectl", ["version", "--client"]))) return null;
  const out = await new Deno.Command("kubectl", {
    args,
    env: { KUBECONFIG: kubeconfig, HOME: "/nonexistent" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}
