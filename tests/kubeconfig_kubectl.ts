// Runs the real kubectl for interop tests. Without kubectl the caller's test is skipped with a
// warning, except under CI=true, where a missing kubectl fails the test loudly.

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

let available: boolean | undefined;

async function haveKubectl(): Promise<boolean> {
  if (available !== undefined) return available;
  try {
    const out = await new Deno.Command("kubectl", {
      args: ["version", "--client"],
      stdout: "null",
      stderr: "null",
    }).output();
    available = out.success;
  } catch {
    available = false;
  }
  return available;
}

/**
 * Runs `kubectl args...` against `kubeconfig` (set as the only $KUBECONFIG). Returns null when
 * kubectl is missing outside CI.
 */
export async function kubectl(kubeconfig: string, args: string[]): Promise<KubectlResult | null> {
  if (!(await haveKubectl())) {
    if (Deno.env.get("CI") === "true") {
      throw new Error("kubectl is required by the kubeconfig interop tests (CI=true)");
    }
    console.warn("WARNING: kubectl not found, kubeconfig interop checks skipped");
    return null;
  }
  const out = await new Deno.Command("kubectl", {
    args,
    env: { KUBECONFIG: kubeconfig, HOME: "/nonexistent" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}
