// The conformance image, for the API double: when the e2e pod is created it starts (Running,
// both containers up), its conformance container writes a run's log lines a few milliseconds
// apart and exits with the run's code while the busybox keeps the pod Running; `cat` in the
// output container reads the run's result files. One scenario per pod created, in order.

import type { K8sDouble, Obj } from "./server.ts";

export interface E2EScenario {
  lines: string[];
  exitCode: number;
  /** Files under /tmp/results for `cat` in the output container. */
  results?: Record<string, string>;
  /** The container cannot start: its waiting state (e.g. ErrImagePull) instead of running. */
  waiting?: { reason: string; message: string };
  /** Stop after these many lines: the container runs on and never exits. */
  hangAfter?: number;
}

export interface E2ESimulation {
  /** Every e2e pod as it was created. */
  pods: Obj[];
  stop(): void;
}

const running = { running: { startedAt: "2024-01-01T00:00:00Z" } };

export function simulateConformance(k8s: K8sDouble, scenarios: E2EScenario[]): E2ESimulation {
  const pods: Obj[] = [];
  let current: E2EScenario | undefined;
  const stop = k8s.observe((type, obj) => {
    if (type !== "ADDED" || obj.kind !== "Pod" || obj.metadata.name !== "e2e-conformance-test") {
      return;
    }
    pods.push(structuredClone(obj));
    const sc = scenarios[pods.length - 1];
    if (!sc) throw new Error(`no scenario for e2e pod #${pods.length}`);
    current = sc;
    const ns = obj.metadata.namespace;
    const name = obj.metadata.name;
    const status = (cs: Obj[], phase = "Running") => {
      const pod = k8s.get("v1", "Pod", name, ns);
      if (!pod || pod.metadata.uid !== obj.metadata.uid) return;
      k8s.put({ ...pod, status: { ...pod.status, phase, containerStatuses: cs } });
    };
    if (sc.waiting) {
      k8s.later(5, () =>
        status([
          { name: "conformance-container", state: { waiting: sc.waiting } },
          { name: "output-container", state: running },
        ], "Pending"));
      return;
    }
    k8s.later(5, () => {
      status([
        { name: "conformance-container", state: running },
        { name: "output-container", state: running },
      ]);
      const last = sc.hangAfter ?? sc.lines.length;
      const write = (i: number) => {
        if (!k8s.get("v1", "Pod", name, ns)) return;
        if (i < last) {
          k8s.kubelet.appendLog(ns, name, "conformance-container", sc.lines[i] + "\n");
          k8s.later(3, () => write(i + 1));
          return;
        }
        if (sc.hangAfter !== undefined) return;
        status([
          {
            name: "conformance-container",
            state: { terminated: { exitCode: sc.exitCode, reason: "Completed" } },
          },
          { name: "output-container", state: running },
        ]);
        k8s.kubelet.endLog(ns, name, "conformance-container");
      };
      write(0);
    });
  });
  k8s.kubelet.exec = (call) => {
    const [cmd, path] = call.command;
    const files = current?.results ?? {};
    if (call.container !== "output-container" || cmd !== "cat") {
      return { stderr: `unexpected command ${call.command.join(" ")}`, exitCode: 127 };
    }
    const name = path.replace(/^\/tmp\/results\//, "");
    if (!(name in files)) {
      return { stderr: `cat: can't open '${path}': No such file or directory`, exitCode: 1 };
    }
    return { stdout: files[name], exitCode: 0 };
  };
  return { pods, stop };
}

/** A ginkgo run's log as go-runner prints it (the last line tells that the suite ended). */
export function ginkgoLog(passed: number, failed: number): string[] {
  return [
    "I1205 08:00:00.000000      20 e2e.go:109] Starting e2e run on Ginkgo node 1",
    `Will run ${passed + failed} of 7000 specs`,
    "•".repeat(passed),
    ...(failed ? [`[FAIL] [sig-network] Services should serve a basic endpoint from pods`] : []),
    `Ran ${passed + failed} of 7000 Specs in 1.000 seconds`,
    failed ? `FAIL! -- ${passed} Passed | ${failed} Failed` : `SUCCESS! -- ${passed} Passed`,
    "Ginkgo ran 1 suite in 2.5s",
  ];
}
