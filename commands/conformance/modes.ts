// The test selections of talosctl's conformance modes (and of `health --run-e2e`): which e2e
// tests run (ginkgo focus and skip regexps), how many ginkgo processes, the time limits, and
// whether results are kept. Kubernetes version: talosctl's default, the conformance image's tag.

import { DEFAULT_KUBERNETES_VERSION } from "../upgrade_k8s.ts";
import { parseTolerant } from "../semver.ts";

export interface RunOptions {
  runTests: string[];
  skip: string;
  /** ginkgo processes (--procs when above 1). */
  parallel: number;
  runTimeoutMs: number;
  deleteTimeoutMs: number;
  kubernetesVersion: string;
  useSpinner: boolean;
  /** Certified mode: the directory the results and PRODUCT.yaml go to. */
  resultsPath?: string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const base = {
  skip: "",
  parallel: 0,
  kubernetesVersion: DEFAULT_KUBERNETES_VERSION,
  useSpinner: false,
};

/** A few tests of basic operations (health --run-e2e). */
export function defaultOptions(): RunOptions {
  return {
    ...base,
    runTests: [
      "Pods should be submitted and removed",
      "Services should serve a basic endpoint from pods",
      "Services should be able to change the type from ExternalName to ClusterIP",
    ],
    parallel: 2,
    runTimeoutMs: 10 * MINUTE,
    deleteTimeoutMs: 3 * MINUTE,
  };
}

/** Two passes: the parallel-safe conformance tests on 16 processes, then the serial ones. */
export function fastOptions(): RunOptions[] {
  const pass = { ...base, runTimeoutMs: HOUR, deleteTimeoutMs: 5 * MINUTE, useSpinner: true };
  return [
    { ...pass, runTests: ["\\[Conformance\\]"], skip: "\\[Serial\\]", parallel: 16 },
    { ...pass, runTests: ["\\[Serial\\].*\\[Conformance\\]"] },
  ];
}

/** Every conformance test in one process, results kept in v<major>.<minor>/talos. */
export function certifiedOptions(): RunOptions {
  const v = parseTolerant(base.kubernetesVersion);
  return {
    ...base,
    runTests: ["\\[Conformance\\]"],
    runTimeoutMs: 2 * HOUR,
    deleteTimeoutMs: 5 * MINUTE,
    useSpinner: true,
    resultsPath: `v${v.major}.${v.minor}/talos`,
  };
}

/** The network policy tests only. */
export function networkPolicyOptions(): RunOptions {
  return {
    ...base,
    runTests: ["\\[Feature:NetworkPolicy\\]"],
    parallel: 4,
    runTimeoutMs: 15 * MINUTE,
    deleteTimeoutMs: 3 * MINUTE,
  };
}
