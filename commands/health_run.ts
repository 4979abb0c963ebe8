// The body of `health`: server-side (HealthCheck stream, each progress message to stderr) or
// client-side (the default checks run here, reported on stderr as talosctl's reporter does);
// then, with --run-e2e, a few Kubernetes e2e tests in the cluster (conformance/run.ts).

import type { RunContext } from "./spec.ts";
import { Code, ConnectError } from "@connectrpc/connect";
import { errorText, openSession, UserError } from "./kit.ts";
import {
  type ClusterInfo,
  explicitClusterInfo,
  ipsToNodeInfos,
  membersClusterInfo,
} from "./clustercheck/cluster.ts";

export async function runHealth(ctx: RunContext): Promise<void> {
  const init = String(ctx.flags["init-node"] ?? "");
  const controlPlane = (ctx.flags["control-plane-nodes"] as string[] | undefined) ?? [];
  const workers = (ctx.flags["worker-nodes"] as string[] | undefined) ?? [];
  // As talosctl: the node lists are checked before anything is dialed.
  try {
    ipsToNodeInfos([...(init ? [init] : []), ...controlPlane, ...workers]);
  } catch (e) {
    throw new UserError((e as Error).message);
  }
  const waitMs = Number(ctx.flags["wait-timeout"] ?? 0);
  const endpoint = String(ctx.flags["k8s-endpoint"] ?? "");
  if (ctx.flags.server !== false) {
    await healthOnServer(ctx, { init, controlPlane, workers, waitMs, endpoint });
  } else {
    await healthOnClient(ctx, { init, controlPlane, workers, waitMs, endpoint });
  }
  if (ctx.flags["run-e2e"] === true) await runE2E(ctx, waitMs, endpoint);
}

/**
 * talosctl's health --run-e2e: the basic-operations e2e tests (with the spinner), the whole run
 * bounded by --wait-timeout; --k8s-endpoint applies.
 */
async function runE2E(ctx: RunContext, waitMs: number, endpoint: string): Promise<void> {
  const session = await openSession(ctx);
  const node = session.single("health");
  const { KubernetesAccess } = await import("./clustercheck/k8s_access.ts");
  const { runConformance } = await import("./conformance/run.ts");
  const { defaultOptions } = await import("./conformance/modes.ts");
  const { withTimeout } = await import("../wait/mod.ts");
  const { deps } = ctx;
  // Requests carry their own signals: the cleanup outlives Ctrl-C and the time-out.
  const k8s = new KubernetesAccess(
    () => session.forNode(node),
    endpoint,
    new AbortController().signal,
  );
  using signal = withTimeout(deps.signal, waitMs);
  try {
    await runConformance({
      deps,
      signal,
      k8s: async () => {
        try {
          return await k8s.client(signal);
        } catch (e) {
          throw new Error(errorText(e));
        }
      },
    }, { ...defaultOptions(), useSpinner: true });
  } finally {
    k8s.close();
  }
}

interface HealthOptions {
  init: string;
  controlPlane: string[];
  workers: string[];
  waitMs: number;
  endpoint: string;
}

async function healthOnServer(ctx: RunContext, o: HealthOptions): Promise<void> {
  const session = await openSession(ctx);
  const node = session.single("health");
  const { client, options } = session.forNode(node);
  const controlPlaneNodes = o.init ? [...o.controlPlane, o.init] : o.controlPlane;
  const seconds = Math.floor(o.waitMs / 1000);
  const err = ctx.deps.io.stderr;
  try {
    const stream = client.cluster.healthCheck({
      waitTimeout: {
        seconds: BigInt(seconds),
        nanos: Math.round((o.waitMs - seconds * 1000) * 1e6),
      },
      clusterInfo: { controlPlaneNodes, workerNodes: o.workers, forceEndpoint: o.endpoint },
    }, options);
    for await (const m of stream) await err.write(m.message + "\n");
  } catch (e) {
    // As talosctl: the end of the stream and a cancellation are a normal end.
    if (e instanceof ConnectError && e.code === Code.Canceled) return;
    if (ctx.deps.signal.aborted) return;
    throw new UserError(errorText(e));
  }
}

async function healthOnClient(ctx: RunContext, o: HealthOptions): Promise<void> {
  const session = await openSession(ctx);
  const node = session.single("health");
  const { waitChecks, withTimeout } = await import("./clustercheck/conditions.ts");
  const { defaultClusterChecks } = await import("./clustercheck/checks.ts");
  const { ConsoleReporter } = await import("./clustercheck/reporter.ts");
  const { reporterFor } = await import("./lifecycle/reporter.ts");
  const { KubernetesAccess } = await import("./clustercheck/k8s_access.ts");
  let info: ClusterInfo;
  if (o.controlPlane.length > 0 || o.workers.length > 0) {
    info = explicitClusterInfo(o.init ? [o.init] : [], o.controlPlane, o.workers);
  } else {
    try {
      info = await membersClusterInfo(session.forNode(node), ctx.deps.signal);
    } catch (e) {
      throw new UserError(errorText(e));
    }
  }
  using signal = withTimeout(ctx.deps.signal, o.waitMs);
  const k8s = new KubernetesAccess(() => session.forNode(node), o.endpoint, signal);
  try {
    await waitChecks(
      signal,
      {
        info,
        talos: (n?: string) => session.forNode(n ?? node),
        k8s: (s: AbortSignal) => k8s.client(s),
      },
      defaultClusterChecks(),
      new ConsoleReporter(reporterFor(ctx.deps)),
    );
  } catch (e) {
    throw new UserError((e as Error).message);
  } finally {
    k8s.close();
  }
}
