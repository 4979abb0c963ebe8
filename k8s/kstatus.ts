// kstatus (fluxcd/cli-utils): whether an object has reconciled. Generic rules first (deletion
// pending, generation not yet observed, Reconciling/Stalled conditions), then the built-in
// kinds' rules (Deployment, DaemonSet, StatefulSet, ReplicaSet, Pod, Service, PVC, Job, CRD,
// PDB, always-ready ConfigMap/Secret/CronJob), then a Ready condition, else Current.

import type { K8sObject } from "./client.ts";
import { splitApiVersion } from "./objects.ts";

export type Status = "InProgress" | "Failed" | "Current" | "Terminating" | "NotFound" | "Unknown";

export interface StatusResult {
  status: Status;
  message: string;
}

const inProgress = (message: string): StatusResult => ({ status: "InProgress", message });
const failed = (message: string): StatusResult => ({ status: "Failed", message });
const current = (message: string): StatusResult => ({ status: "Current", message });

function int(obj: K8sObject, path: string, dflt: number): number {
  // deno-lint-ignore no-explicit-any
  const v = path.split(".").reduce((o: any, k) => o?.[k], obj);
  return typeof v === "number" ? v : dflt;
}

function str(obj: K8sObject, path: string, dflt: string): string {
  // deno-lint-ignore no-explicit-any
  const v = path.split(".").reduce((o: any, k) => o?.[k], obj);
  return typeof v === "string" ? v : dflt;
}

const conditions = (obj: K8sObject): K8sObject[] =>
  Array.isArray(obj.status?.conditions) ? obj.status.conditions : [];

function generic(obj: K8sObject): StatusResult | undefined {
  if (obj.metadata?.deletionTimestamp) {
    return { status: "Terminating", message: "Resource scheduled for deletion" };
  }
  const gen = obj.metadata?.generation, observed = obj.status?.observedGeneration;
  if (typeof gen === "number" && typeof observed === "number" && gen !== observed) {
    return inProgress(
      `${obj.kind} generation is ${gen}, but latest observed generation is ${observed}`,
    );
  }
  for (const c of conditions(obj)) {
    if (c.type === "Reconciling" && c.status === "True") return inProgress(c.message ?? "");
    if (c.type === "Stalled" && c.status === "True") return failed(c.message ?? "");
  }
  return undefined;
}

function deployment(obj: K8sObject): StatusResult {
  let progressing = int(obj, "spec.progressDeadlineSeconds", 2147483647) === 2147483647;
  let available = false;
  for (const c of conditions(obj)) {
    if (c.type === "Progressing") {
      if (c.reason === "ProgressDeadlineExceeded") return failed("Progress deadline exceeded");
      if (c.status === "True" && c.reason === "NewReplicaSetAvailable") progressing = true;
    }
    if (c.type === "Available" && c.status === "True") available = true;
  }
  const spec = int(obj, "spec.replicas", 1);
  const replicas = int(obj, "status.replicas", 0);
  const updated = int(obj, "status.updatedReplicas", 0);
  const ready = int(obj, "status.readyReplicas", 0);
  const avail = int(obj, "status.availableReplicas", 0);
  if (spec > replicas) return inProgress(`Replicas: ${replicas}/${spec}`);
  if (spec > updated) return inProgress(`Updated: ${updated}/${spec}`);
  if (replicas > spec) return inProgress(`Pending termination: ${replicas - spec}`);
  if (updated > avail) return inProgress(`Available: ${avail}/${updated}`);
  if (spec > ready) return inProgress(`Ready: ${ready}/${spec}`);
  if (!progressing) return inProgress("ReplicaSet not Available");
  if (!available) return inProgress("Deployment not Available");
  return current(`Deployment is available. Replicas: ${replicas}`);
}

function daemonSet(obj: K8sObject): StatusResult {
  if (typeof obj.metadata?.generation !== "number") {
    return inProgress(`${obj.kind} metadata.generation not found`);
  }
  if (typeof obj.status?.observedGeneration !== "number") {
    return inProgress(`${obj.kind} status.observedGeneration not found`);
  }
  const desired = int(obj, "status.desiredNumberScheduled", -1);
  const cur = int(obj, "status.currentNumberScheduled", 0);
  const updated = int(obj, "status.updatedNumberScheduled", 0);
  const avail = int(obj, "status.numberAvailable", 0);
  const ready = int(obj, "status.numberReady", 0);
  if (desired === -1) return inProgress("Missing .status.desiredNumberScheduled");
  if (desired > cur) return inProgress(`Current: ${cur}/${desired}`);
  if (desired > updated) return inProgress(`Updated: ${updated}/${desired}`);
  if (desired > avail) return inProgress(`Available: ${avail}/${desired}`);
  if (desired > ready) return inProgress(`Ready: ${ready}/${desired}`);
  return current(`All replicas scheduled as expected. Replicas: ${desired}`);
}

function statefulSet(obj: K8sObject): StatusResult {
  if (str(obj, "spec.updateStrategy.type", "") === "OnDelete") {
    return current("StatefulSet is using the ondelete update strategy");
  }
  const spec = int(obj, "spec.replicas", 1);
  const ready = int(obj, "status.readyReplicas", 0);
  const cur = int(obj, "status.currentReplicas", 0);
  const updated = int(obj, "status.updatedReplicas", 0);
  const replicas = int(obj, "status.replicas", 0);
  const partition = int(obj, "spec.updateStrategy.rollingUpdate.partition", -1);
  if (spec > replicas) return inProgress(`Replicas: ${replicas}/${spec}`);
  if (spec > ready) return inProgress(`Ready: ${ready}/${spec}`);
  if (replicas > spec) return inProgress(`Pending termination: ${replicas - spec}`);
  if (partition !== -1) {
    if (updated < spec - partition) return inProgress(`updated: ${updated}/${spec - partition}`);
    return current(`Partition rollout complete. updated: ${updated}`);
  }
  if (spec > cur) return inProgress(`current: ${cur}/${spec}`);
  if (str(obj, "status.currentRevision", "") !== str(obj, "status.updateRevision", "")) {
    return inProgress("Waiting for updated revision to match current");
  }
  return current(`All replicas scheduled as expected. Replicas: ${replicas}`);
}

function replicaSet(obj: K8sObject): StatusResult {
  if (conditions(obj).some((c) => c.type === "ReplicaFailure" && c.status === "True")) {
    return inProgress("Replica Failure condition. Check Pods");
  }
  const spec = int(obj, "spec.replicas", 1);
  const replicas = int(obj, "status.replicas", 0);
  const ready = int(obj, "status.readyReplicas", 0);
  const avail = int(obj, "status.availableReplicas", 0);
  const labelled = int(obj, "status.fullyLabeledReplicas", 0);
  if (spec > labelled) return inProgress(`Labelled: ${labelled}/${spec}`);
  if (spec > avail) return inProgress(`Available: ${avail}/${spec}`);
  if (spec > ready) return inProgress(`Ready: ${ready}/${spec}`);
  if (replicas > spec) return inProgress(`Pending termination: ${replicas - spec}`);
  return current(`ReplicaSet is available. Replicas: ${replicas}`);
}

function pod(obj: K8sObject): StatusResult {
  const phase = str(obj, "status.phase", "");
  switch (phase) {
    case "Succeeded":
      return current("Pod has completed successfully");
    case "Failed":
      return current("Pod has completed, but not successfully");
    case "Running": {
      if (conditions(obj).some((c) => c.type === "Ready" && c.status === "True")) {
        return current("Pod is Ready");
      }
      const looping = ((obj.status?.containerStatuses ?? []) as K8sObject[])
        .filter((c) => c.state?.waiting?.reason === "CrashLoopBackOff").map((c) => c.name);
      if (looping.length > 0) return failed(`Containers in CrashLoop state: ${looping.join(",")}`);
      return inProgress("Pod is running but is not Ready");
    }
    case "Pending": {
      const c = conditions(obj).find((c) => c.type === "PodScheduled" && c.status === "False");
      if (c?.reason === "Unschedulable") {
        const created = Date.parse(obj.metadata?.creationTimestamp ?? "");
        if (Date.now() - 15_000 < created) return inProgress("Pod has not been scheduled");
        return failed("Pod could not be scheduled");
      }
      return inProgress("Pod is in the Pending phase");
    }
    case "":
      return inProgress("Pod phase not available");
  }
  throw new Error(`unknown phase ${phase}`);
}

function job(obj: K8sObject): StatusResult {
  const parallelism = int(obj, "spec.parallelism", 1);
  const completions = int(obj, "spec.completions", parallelism);
  const succeeded = int(obj, "status.succeeded", 0);
  const active = int(obj, "status.active", 0);
  const failures = int(obj, "status.failed", 0);
  for (const c of conditions(obj)) {
    if (c.type === "Complete" && c.status === "True") {
      return current(`Job Completed. succeeded: ${succeeded}/${completions}`);
    }
    if (c.type === "Failed" && c.status === "True") {
      return failed(`Job Failed. failed: ${failures}/${completions}`);
    }
  }
  if (str(obj, "status.startTime", "") === "") return inProgress("Job not started");
  return current(
    `Job in progress. success:${succeeded}, active: ${active}, failed: ${failures}`,
  );
}

function crd(obj: K8sObject): StatusResult {
  for (const c of conditions(obj)) {
    if (c.type === "NamesAccepted" && c.status === "False") return failed(c.message ?? "");
    if (c.type === "Established") {
      if (c.status === "False" && c.reason !== "Installing") return failed(c.message ?? "");
      if (c.status === "True") return current("CRD is established");
    }
  }
  return inProgress("Install in progress");
}

const always = () => current("Resource is always ready");

const RULES: Record<string, (o: K8sObject) => StatusResult> = {
  Service: (o) =>
    str(o, "spec.type", "ClusterIP") === "LoadBalancer" && str(o, "spec.clusterIP", "") === ""
      ? inProgress("ClusterIP not set. Service type: LoadBalancer")
      : current("Service is ready"),
  Pod: pod,
  Secret: always,
  ConfigMap: always,
  PersistentVolumeClaim: (o) => {
    const phase = str(o, "status.phase", "unknown");
    return phase === "Bound"
      ? current("PVC is Bound")
      : inProgress(`PVC is not Bound. phase: ${phase}`);
  },
  "apps/StatefulSet": statefulSet,
  "apps/DaemonSet": daemonSet,
  "extensions/DaemonSet": daemonSet,
  "apps/Deployment": deployment,
  "extensions/Deployment": deployment,
  "apps/ReplicaSet": replicaSet,
  "extensions/ReplicaSet": replicaSet,
  "policy/PodDisruptionBudget": () => current("AllowedDisruptions has been computed."),
  "batch/CronJob": always,
  "batch/Job": job,
  "apiextensions.k8s.io/CustomResourceDefinition": crd,
};

/** kstatus' Compute. */
export function computeStatus(obj: K8sObject): StatusResult {
  const g = generic(obj);
  if (g) return g;
  const group = splitApiVersion(String(obj.apiVersion ?? ""))[0];
  const rule = RULES[group ? `${group}/${obj.kind}` : String(obj.kind)];
  if (rule) return rule(obj);
  const ready = conditions(obj).find((c) => c.type === "Ready");
  if (ready?.status === "True") return current("Resource is Ready");
  if (ready?.status === "False" || ready?.status === "Unknown") {
    return inProgress(ready.message ?? "");
  }
  return current("Resource is current");
}
