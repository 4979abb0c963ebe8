// The Kubernetes API server CA rotation of `rotate-ca`, as upstream runs it: a Kubernetes client
// from the admin kubeconfig (through the Talos API), the current CA (KubernetesRoot), a check
// that every Kubernetes node is Ready, then the new CA accepted, made the issuing CA (old one
// accepted), a new client, the check, the old CA dropped, the check. Each machine config patch
// waits for the node's kubelet to restart and come back healthy.

import { errorText } from "./kit.ts";
import type { PemCertAndKey } from "../pki/secrets_types.ts";
import type { KubernetesAccess } from "./clustercheck/k8s_access.ts";
import type { Rotation, Talos } from "./rotate_ca_run.ts";
import type { ConfigDocument } from "../machineconfig/schema.ts";
import { ExpectedError, retryConstant } from "./retry.ts";

const EVENT_NAMES: Record<string, string> = {
  created: "Created",
  updated: "Updated",
  destroyed: "Destroyed",
  bootstrapped: "Bootstrapped",
  errored: "Errored",
};

async function buildClient(r: Rotation, talos: Talos, label: string): Promise<KubernetesAccess> {
  await r.print(`> Building ${label} Kubernetes client...\n`);
  const { KubernetesAccess } = await import("./clustercheck/k8s_access.ts");
  const first = r.firstControlPlane();
  const access = new KubernetesAccess(() => talos(first), r.o.k8sEndpoint, r.signal);
  try {
    await access.client(r.signal);
  } catch (e) {
    throw new Error(`error fetching kubeconfig: ${errorText(e)}`);
  }
  return access;
}

async function verify(r: Rotation, access: KubernetesAccess, label: string): Promise<void> {
  await r.print(`> Verifying connectivity with ${label}...\n`);
  if (r.o.dryRun) {
    await r.print(" - OK (dry-run mode)\n");
    return;
  }
  let client;
  try {
    client = await access.client(r.signal);
  } catch (e) {
    throw new Error(`error building Kubernetes client: ${errorText(e)}`);
  }
  const { isRetryable } = await import("../k8s/mod.ts");
  const { goQuote } = await import("../gofmt/mod.ts");
  const ready = await retryConstant(
    { timeoutMs: 180_000, unitMs: 1_000, signal: r.signal, log: r.log },
    async (signal) => {
      let nodes;
      try {
        nodes = await client.list("/api/v1/nodes", undefined, { signal });
      } catch (e) {
        if (isRetryable(e)) throw new ExpectedError(e);
        throw e;
      }
      const notReady = nodes.items.filter((n) =>
        (n.status?.conditions ?? []).some((c: { type: string; status: string }) =>
          c.type === "Ready" && c.status !== "True"
        )
      ).map((n) => String(n.metadata?.name ?? ""));
      if (notReady.length > 0) {
        throw new ExpectedError(
          new Error(`nodes not ready: [${notReady.map(goQuote).join(" ")}]`),
        );
      }
      return nodes.items.length;
    },
  );
  await r.print(` - OK (${ready} nodes ready)\n`);
}

/** Patches one node's config and waits for its kubelet to go down and come back healthy. */
async function patchWithKubeletRestart(
  r: Rotation,
  talos: Talos,
  node: string,
  patch: (docs: ConfigDocument[]) => ConfigDocument[],
): Promise<void> {
  const { cosiWatch } = await import("./clustercheck/cosi.ts");
  const stop = new AbortController();
  const signal = AbortSignal.any([r.signal, stop.signal]);
  try {
    let events;
    try {
      events = await cosiWatch(
        talos(node),
        signal,
        "runtime",
        "Services.v1alpha1.talos.dev",
        "kubelet",
      );
    } catch (e) {
      throw new Error(`error watching service: ${errorText(e)}`);
    }
    const next = async () => {
      const n = await events.next();
      if (n.done) throw new Error(r.signal.aborted ? "context canceled" : "watch closed");
      return n.value;
    };
    const healthy = (spec: { running?: boolean; healthy?: boolean } | undefined) =>
      spec?.running === true && spec?.healthy === true;
    let ev = await next();
    if (ev.type !== "created") {
      throw new Error(`unexpected event type: ${EVENT_NAMES[ev.type] ?? ev.type}`);
    }
    if (!healthy(ev.resource?.spec)) throw new Error("kubelet is not healthy");
    try {
      await r.patchNodeConfig(talos, node, patch);
    } catch (e) {
      throw new Error(`error patching node config: ${(e as Error).message}`);
    }
    do ev = await next(); while (ev.type !== "destroyed");
    for (;;) {
      ev = await next();
      if ((ev.type === "created" || ev.type === "updated") && healthy(ev.resource?.spec)) break;
    }
  } finally {
    stop.abort();
  }
}

/** Patches every node's config, each time waiting for its kubelet to restart. */
function patchAll(
  r: Rotation,
  talos: Talos,
  patch: (docs: ConfigDocument[]) => ConfigDocument[],
): Promise<void> {
  return r.patchAll((node) => patchWithKubeletRestart(r, talos, node, patch));
}

export async function rotateKubernetesCA(
  r: Rotation,
  talos: Talos,
  next: PemCertAndKey,
): Promise<void> {
  await r.print(`> Starting Kubernetes API PKI rotation, dry-run mode ${r.o.dryRun}...\n`);
  await r.printTopology();
  const current = await buildClient(r, talos, "current");
  let newAccess: KubernetesAccess | undefined;
  try {
    const currentCA = await r.currentCA(
      talos,
      "KubernetesRootSecrets.secrets.talos.dev",
      "k8s",
      "current Kubernetes CA",
    );
    await r.printCA("Current Kubernetes CA", currentCA);
    await r.printCA("New Kubernetes CA", next);
    await verify(r, current, "existing PKI");

    const { k8sAddAcceptedCA, k8sDeleteAcceptedCA, k8sSwapCA } = await import(
      "../machineconfig/rotate_ca.ts"
    );
    await r.print("> Adding new Kubernetes CA as accepted...\n");
    await patchAll(r, talos, (docs) => k8sAddAcceptedCA(docs, next.crt));
    await r.print(
      "> Making new Kubernetes CA the issuing CA, old Kubernetes CA the accepted CA...\n",
    );
    await patchAll(r, talos, (docs) => k8sSwapCA(docs, next, currentCA.crt));
    newAccess = await buildClient(r, talos, "new");
    await verify(r, newAccess, "new PKI");
    await r.print("> Removing old Kubernetes CA from the accepted CAs...\n");
    await patchAll(r, talos, (docs) => k8sDeleteAcceptedCA(docs, currentCA.crt));
    await verify(r, newAccess, "new PKI");
  } finally {
    current.close();
    newAccess?.close();
  }
}
