// The body of `conformance kubernetes`: one node's admin kubeconfig, then the mode's runs.

import type { RunContext } from "../spec.ts";
import { errorText, openSession, UserError } from "../kit.ts";
import { KubernetesAccess } from "../clustercheck/k8s_access.ts";
import { runConformance } from "./run.ts";
import { certifiedOptions, fastOptions, networkPolicyOptions, type RunOptions } from "./modes.ts";

export async function runKubernetesConformance(ctx: RunContext, mode: string): Promise<void> {
  const session = await openSession(ctx);
  const node = session.single("conformance");
  const { deps } = ctx;
  // talosctl's conformance reads health's --k8s-endpoint variable, which it never sets: the
  // kubeconfig's own server is used. Requests carry their own signals (cleanup outlives Ctrl-C).
  const access = new KubernetesAccess(
    () => session.forNode(node),
    "",
    new AbortController().signal,
  );
  const k8s = async () => {
    try {
      return await access.client(deps.signal);
    } catch (e) {
      throw new Error(errorText(e));
    }
  };
  const env = { deps, k8s, signal: deps.signal };
  try {
    let runs: RunOptions[];
    switch (mode) {
      case "fast":
        runs = fastOptions();
        break;
      case "certified": {
        const o = certifiedOptions();
        const { makeResultsDir } = await import("./results.ts");
        await makeResultsDir(deps, o.resultsPath!);
        runs = [o];
        break;
      }
      case "network-policy":
        runs = [networkPolicyOptions()];
        break;
      default:
        throw new UserError(`unsupported conformance mode ${mode}`);
    }
    for (const o of runs) await runConformance(env, o);
  } finally {
    access.close();
  }
}
