// The Kubernetes end of `conformance kubernetes`, as the hydrophone library (v0.7.0) that
// talosctl uses drives it: a namespace, a service account bound to an all-powerful cluster role,
// and one pod running the conformance image (ginkgo through go-runner, configured by E2E_*
// variables) beside a busybox that keeps the results volume readable. Its logs are followed to
// stdout, its exit code read from the pod's status, its result files read with `exec cat`.
// Progress goes to stderr as Go's default slog handler writes it ("<time> INFO <message>").

import { isNotFound, K8sApiError, type K8sClient, type K8sObject } from "../../k8s/mod.ts";
import { goDuration } from "../../gofmt/text.ts";
import { sleep } from "../../wait/mod.ts";

export const POD_NAME = "e2e-conformance-test";
export const CONFORMANCE_CONTAINER = "conformance-container";
export const OUTPUT_CONTAINER = "output-container";
export const SERVICE_ACCOUNT = "conformance-serviceaccount";
const CLUSTER_ROLE = "conformance-serviceaccount";
const CLUSTER_ROLE_BINDING = "conformance-serviceaccount-role";
const RBAC = "/apis/rbac.authorization.k8s.io/v1";
/** The results volume, as the conformance image writes it. */
const RESULTS_DIR = "/tmp/results";
/** go-runner's last word once ginkgo is done. */
const FINISHED = /Ginkgo ran (00|[1-9]\d{0,2}) suite/;

/** hydrophone's configuration (types.Configuration) as talosctl sets it. */
export interface E2EConfig {
  namespace: string;
  conformanceImage: string;
  busyboxImage: string;
  parallel: number;
  skip: string;
  verbosity: number;
  startupTimeoutMs: number;
}

/** hydrophone's defaults (types.NewDefaultConfiguration). */
export const DEFAULT_CONFIG: Omit<E2EConfig, "conformanceImage"> = {
  namespace: "conformance",
  busyboxImage: "registry.k8s.io/e2e-test-images/busybox:1.36.1-1",
  parallel: 1,
  skip: "",
  verbosity: 4,
  startupTimeoutMs: 5 * 60_000,
};

export type LogLevel = "INFO" | "ERROR";
export type Logger = (level: LogLevel, message: string) => Promise<void>;

const isAlreadyExists = (e: unknown) => e instanceof K8sApiError && e.status === 409;
const msg = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class E2ERunner {
  constructor(
    readonly k8s: K8sClient,
    readonly config: E2EConfig,
    readonly log: Logger,
  ) {}

  /** "<base>:<namespace>", the names of the cluster-wide RBAC objects. */
  #scoped(base: string): string {
    return `${base}:${this.config.namespace}`;
  }

  get #nsPath(): string {
    return `/api/v1/namespaces/${this.config.namespace}`;
  }

  /** Deletes the RBAC objects and the namespace, and waits until the namespace is gone. */
  async cleanup(signal: AbortSignal): Promise<void> {
    for (
      const [kind, path] of [
        ["ClusterRoleBinding", `${RBAC}/clusterrolebindings/${this.#scoped(CLUSTER_ROLE_BINDING)}`],
        ["ClusterRole", `${RBAC}/clusterroles/${this.#scoped(CLUSTER_ROLE)}`],
      ]
    ) {
      try {
        await this.k8s.request("DELETE", path, { signal });
        await this.log("INFO", `Deleted ${kind} ${path.slice(path.lastIndexOf("/") + 1)}.`);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    const ns = this.config.namespace;
    try {
      await this.k8s.request("DELETE", this.#nsPath, { signal });
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    await this.log("INFO", `Waiting for Namespace ${ns} to be deleted.`);
    // Until a watch reports the deletion (or a read finds the namespace gone: the deletion may
    // have finished before the watch started, or between two watches).
    for (;;) {
      let resourceVersion: string | undefined;
      try {
        resourceVersion = (await this.k8s.get(this.#nsPath, { signal })).metadata?.resourceVersion;
      } catch (e) {
        if (!isNotFound(e)) throw e;
        break;
      }
      let deleted = false;
      // From the version just read: a deletion in between is not missed.
      for await (
        const ev of this.k8s.watch("/api/v1/namespaces", {
          fieldSelector: `metadata.name=${ns}`,
          resourceVersion,
        }, signal)
      ) {
        if (ev.type === "ERROR") throw new Error("error watching waiting for namespace deletion");
        if (ev.type === "DELETED") {
          deleted = true;
          break;
        }
      }
      if (signal.aborted) throw signal.reason;
      if (deleted) break;
    }
    await this.log("INFO", `Deleted Namespace ${ns}.`);
  }

  /** Creates the namespace, RBAC objects and the pod; waits for the pod to leave Pending. */
  async deploy(signal: AbortSignal, focus: string, verboseGinkgo: boolean): Promise<void> {
    const c = this.config;
    const labels = { component: "conformance" };
    const create = async (
      path: string,
      body: K8sObject,
      what: string,
      exists: string,
      created: string,
    ) => {
      try {
        await this.k8s.request("POST", path, { body, signal });
      } catch (e) {
        if (isAlreadyExists(e)) throw new Error(exists);
        throw new Error(`failed to create ${what}: ${msg(e)}`);
      }
      await this.log("INFO", created);
    };
    await create(
      "/api/v1/namespaces",
      { apiVersion: "v1", kind: "Namespace", metadata: { name: c.namespace } },
      "namespace",
      `namespace ${c.namespace} already exists, please run with --cleanup first`,
      `Created namespace ${c.namespace}.`,
    );
    await create(
      `${this.#nsPath}/serviceaccounts`,
      {
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: { labels, name: SERVICE_ACCOUNT, namespace: c.namespace },
      },
      "ServiceAccount",
      `ServiceAccount ${SERVICE_ACCOUNT} already exist, please run --cleanup first`,
      `Created ServiceAccount ${SERVICE_ACCOUNT}.`,
    );
    const role = this.#scoped(CLUSTER_ROLE);
    await create(
      `${RBAC}/clusterroles`,
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRole",
        metadata: { labels, name: role },
        rules: [
          { apiGroups: ["*"], resources: ["*"], verbs: ["*"] },
          { nonResourceURLs: ["/metrics", "/logs", "/logs/*"], verbs: ["get"] },
        ],
      },
      "ClusterRole",
      `ClusterRole ${role} already exist, please run --cleanup first`,
      `Created ClusterRole ${role}.`,
    );
    const binding = this.#scoped(CLUSTER_ROLE_BINDING);
    await create(
      `${RBAC}/clusterrolebindings`,
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { labels, name: binding },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role },
        subjects: [{ kind: "ServiceAccount", name: SERVICE_ACCOUNT, namespace: c.namespace }],
      },
      "ClusterRoleBinding",
      `ClusterRoleBinding ${binding} already exist, please run --cleanup first`,
      `Created ClusterRoleBinding ${binding}.`,
    );
    try {
      await this.#createPod(signal, this.podSpec(focus, verboseGinkgo));
    } catch (e) {
      // As hydrophone: a refused pod would be "already exist", naming the binding (sic).
      if (isAlreadyExists(e)) {
        throw new Error(`Pod ${binding} already exist, please run --cleanup first`);
      }
      throw new Error(`failed to create Pod: ${msg(e)}`);
    }
    await this.log("INFO", `Created ConformancePod ${POD_NAME}.`);
  }

  /** The conformance pod. */
  podSpec(focus: string, verboseGinkgo: boolean): K8sObject {
    const c = this.config;
    const ginkgo: string[] = [];
    if (c.parallel > 1) ginkgo.push(`--procs=${c.parallel}`);
    if (verboseGinkgo) ginkgo.push("-v");
    const env = [
      { name: "E2E_FOCUS", value: focus },
      { name: "E2E_SKIP", value: c.skip },
      { name: "E2E_PROVIDER", value: "skeleton" },
      { name: "E2E_VERBOSITY", value: String(c.verbosity) },
      { name: "E2E_USE_GO_RUNNER", value: "true" },
      { name: "E2E_EXTRA_ARGS", value: "" },
      { name: "E2E_EXTRA_GINKGO_ARGS", value: ginkgo.join(" ") },
    ];
    const securityContext = {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      runAsNonRoot: true,
      runAsUser: 65534,
      seccompProfile: { type: "RuntimeDefault" },
    };
    const volumeMounts = [{ name: "output-volume", mountPath: RESULTS_DIR }];
    return {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: POD_NAME, namespace: c.namespace },
      spec: {
        containers: [
          {
            name: CONFORMANCE_CONTAINER,
            image: c.conformanceImage,
            imagePullPolicy: "IfNotPresent",
            env,
            volumeMounts,
            securityContext,
          },
          {
            name: OUTPUT_CONTAINER,
            image: c.busyboxImage,
            command: ["/bin/sh", "-c", "sleep infinity"],
            volumeMounts,
            securityContext,
          },
        ],
        volumes: [{ name: "output-volume", emptyDir: {} }],
        restartPolicy: "Never",
        serviceAccountName: SERVICE_ACCOUNT,
        tolerations: [{ operator: "Exists" }],
      },
    };
  }

  /** hydrophone's common.CreatePod: create, then watch until the pod is no longer Pending. */
  async #createPod(signal: AbortSignal, pod: K8sObject): Promise<void> {
    try {
      await this.k8s.request("POST", `${this.#nsPath}/pods`, { body: pod, signal });
    } catch (e) {
      if (isAlreadyExists(e)) throw e;
      throw new Error(`failed to create Pod: ${msg(e)}`);
    }
    await this.log("INFO", `Created Pod ${POD_NAME}.`);
    const timeout = this.config.startupTimeoutMs;
    await this.log("INFO", `Waiting up to ${goDuration(timeout)} for Pod to start...`);
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), timeout);
    let phase = "Unknown";
    try {
      const events = this.k8s.watch(`${this.#nsPath}/pods`, {
        fieldSelector: `metadata.name=${POD_NAME}`,
      }, AbortSignal.any([signal, deadline.signal]));
      for await (const ev of events) {
        if (ev.object?.kind !== "Pod") continue;
        const failed = failedPod(ev.object);
        if (failed !== undefined) throw new Error(failed);
        const p = String(ev.object.status?.phase ?? "");
        if (p !== "Pending") return;
        phase = p;
      }
      if (signal.aborted) throw signal.reason;
      if (deadline.signal.aborted) {
        throw new Error(`timed out waiting for Pod, last status was ${phase}`);
      }
    } catch (e) {
      if (deadline.signal.aborted && !signal.aborted) {
        throw new Error(`timed out waiting for Pod, last status was ${phase}`);
      }
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits for the pod to run, then prints the conformance container's log as it is written. */
  async printLogs(signal: AbortSignal, print: (text: string) => Promise<void>): Promise<void> {
    await this.#waitRunning(signal);
    for (;;) {
      await this.#followLog(signal, print);
      if (!(await this.#stillRunning(signal))) return;
      await this.log("INFO", "Tests are still running, restarting stream");
    }
  }

  async #waitRunning(signal: AbortSignal): Promise<void> {
    for (;;) {
      for await (
        const ev of this.k8s.watch(`${this.#nsPath}/pods`, {
          fieldSelector: `metadata.name=${POD_NAME}`,
        }, signal)
      ) {
        // Running; a pod that already ended has its logs too.
        const phase = ev.object?.status?.phase;
        if (["Running", "Succeeded", "Failed"].includes(phase)) return;
      }
      if (signal.aborted) throw signal.reason;
    }
  }

  async #followLog(signal: AbortSignal, print: (text: string) => Promise<void>): Promise<void> {
    const body = await this.k8s.stream(`${this.#nsPath}/pods/${POD_NAME}/log`, {
      container: CONFORMANCE_CONTAINER,
      follow: "true",
    }, signal);
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let pending = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        pending += value;
        let nl;
        while ((nl = pending.indexOf("\n")) >= 0) {
          await print(pending.slice(0, nl).replace(/\r$/, "") + "\n");
          pending = pending.slice(nl + 1);
        }
      }
    } catch (e) {
      if (signal.aborted) throw signal.reason;
      throw e;
    } finally {
      reader.cancel().catch(() => {});
    }
    if (pending !== "") await print(pending.replace(/\r$/, "") + "\n");
  }

  /**
   * After the log stream ended: true when ginkgo has not said it is done (the stream broke off)
   * and the conformance container still runs. Reads the last 30 lines, up to six tries 10 s
   * apart when the read fails.
   */
  async #stillRunning(signal: AbortSignal): Promise<boolean> {
    for (let i = 0; i < 6; i++) {
      let tail: string;
      try {
        const body = await this.k8s.stream(`${this.#nsPath}/pods/${POD_NAME}/log`, {
          container: CONFORMANCE_CONTAINER,
          tailLines: "30",
        }, signal);
        tail = await new Response(body).text();
      } catch {
        if (signal.aborted) throw signal.reason;
        await sleep(10_000, signal);
        continue;
      }
      if (tail.split("\n").some((l) => FINISHED.test(l))) return false;
      return !(await this.#containerTerminated(signal));
    }
    return false;
  }

  async #containerTerminated(signal: AbortSignal): Promise<boolean> {
    try {
      const pod = await this.k8s.get(`${this.#nsPath}/pods/${POD_NAME}`, { signal });
      return terminated(pod, CONFORMANCE_CONTAINER) !== undefined;
    } catch {
      return false;
    }
  }

  /** The conformance container's exit code, from the pod's status once it terminated. */
  async exitCode(signal: AbortSignal): Promise<number> {
    const events = this.k8s.watch(`${this.#nsPath}/pods`, {
      fieldSelector: `metadata.name=${POD_NAME}`,
    }, signal);
    await this.log("INFO", "Waiting for Pod to terminate...");
    for await (const ev of events) {
      const pod = ev.object;
      if (ev.type === "ERROR" || pod?.kind !== "Pod") {
        await this.log("ERROR", "Received unexpected *v1.Pod object from Watch.");
        return -1;
      }
      const phase = pod.status?.phase;
      if (phase === "Succeeded" || phase === "Failed") {
        await this.log("INFO", "Pod terminated.");
        const t = terminated(pod, CONFORMANCE_CONTAINER);
        if (t) return Number(t.exitCode ?? 0);
        throw new Error(`${CONFORMANCE_CONTAINER} container is not terminated`);
      }
      if (phase === "Running") {
        for (const cs of pod.status?.containerStatuses ?? []) {
          if (!cs.state?.terminated) continue;
          await this.log("INFO", `Container ${cs.name} terminated.`);
          if (cs.name === CONFORMANCE_CONTAINER) return Number(cs.state.terminated.exitCode ?? 0);
        }
      }
    }
    if (signal.aborted) throw signal.reason;
    return -1;
  }

  /** Copies a file of the results volume (`cat` in the output container) to `sink`. */
  async readResult(
    signal: AbortSignal,
    filename: string,
    sink: (chunk: Uint8Array) => Promise<void>,
  ): Promise<void> {
    const { execInPod, ExecError } = await import("../../k8s/exec.ts");
    try {
      await execInPod(this.k8s, {
        namespace: this.config.namespace,
        pod: POD_NAME,
        container: OUTPUT_CONTAINER,
        command: ["cat", `${RESULTS_DIR}/${filename}`],
        stdout: sink,
        signal,
      });
    } catch (e) {
      if (signal.aborted) throw signal.reason;
      const stderr = e instanceof ExecError ? e.stderr.trim() : "";
      throw new Error(`download failed: ${msg(e)} (stderr: ${stderr})`);
    }
  }
}

/** hydrophone's CheckFailedPod: the message of a container that cannot start or crashed. */
function failedPod(pod: K8sObject): string | undefined {
  const reasons = ["ErrImagePull", "ImagePullBackOff", "Error", "CrashLoopBackOff"];
  for (const cs of pod.status?.containerStatuses ?? []) {
    const w = cs.state?.waiting;
    if (w && reasons.includes(w.reason)) return String(w.message ?? "");
    const t = cs.state?.terminated;
    if (t && reasons.includes(t.reason)) {
      return String(t.message || "Pod has encountered an error");
    }
  }
  return undefined;
}

function terminated(pod: K8sObject, container: string): K8sObject | undefined {
  // deno-lint-ignore no-explicit-any
  const cs = (pod.status?.containerStatuses ?? []).find((c: any) => c.name === container);
  return cs?.state?.terminated;
}
