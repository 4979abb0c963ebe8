// What machined's secrets controllers do when a node's machine config changes its CAs, for the
// CA rotation tests (opt in with followMachineConfigPki; other tests keep the fixed test PKI):
//
// - control plane nodes publish OSRoot (secrets/OSRootSecrets.secrets.talos.dev "os") and
//   KubernetesRoot (secrets/KubernetesRootSecrets.secrets.talos.dev "k8s") from their config:
//   the issuing CA (base64 crt/key) and the accepted CAs;
// - apid on the endpoint (the emulator's first node) accepts client certificates of machine.ca and
//   machine.acceptedCAs and serves a certificate issued by machine.ca, for connections made from
//   then on (an open connection keeps its handshake, as with gRPC);
// - the cluster issues talosconfigs and admin kubeconfigs from the first node's issuing CAs, and
//   the Kubernetes API double trusts the Kubernetes issuing and accepted CAs;
// - a node whose Kubernetes CAs changed restarts its kubelet: the kubelet Service resource is
//   destroyed, then comes back running and healthy.

import type { SimNode } from "./node.ts";
import type { Emulator } from "./server.ts";
import {
  deleteResource,
  getResource,
  MACHINE_CONFIG_TYPE,
  machineConfigOf,
  putResource,
  type ResourceEvent,
  resourceStore,
} from "./resources.ts";
import { registerType, T } from "./cosi_seed.ts";
import { yamlText } from "./cosi_types.ts";
import { clusterOf } from "./kubeconfig_handlers.ts";
import { configCredentials } from "../../machineconfig/credentials.ts";
import { issueCertificate } from "../../pki/client_cert.ts";
import { EKU_SERVER_AUTH, KeyUsage } from "../../pki/x509_build.ts";
import type { PemCertAndKey } from "../../pki/secrets_types.ts";

export const OS_ROOT_TYPE = "OSRootSecrets.secrets.talos.dev";
export const K8S_ROOT_TYPE = "KubernetesRootSecrets.secrets.talos.dev";

/** Something serving TLS whose CA and certificate can be replaced (the Kubernetes API double). */
export interface TlsServer {
  setTls(material: { ca: string; cert: string; key: string }): void;
}

export interface PkiFollowOptions {
  /** The Kubernetes API double to keep in step with the Kubernetes CA. */
  k8s?: TlsServer;
  /** Delay of a kubelet restart's two halves (default 20 ms). */
  kubeletRestartMs?: number;
}

const b64 = (s: string) => btoa(s);

async function servingCert(ca: PemCertAndKey, commonName: string): Promise<PemCertAndKey> {
  const now = Date.now();
  return await issueCertificate(ca, {
    subject: { commonName },
    notBefore: new Date(now - 3_600_000),
    notAfter: new Date(now + 24 * 3_600_000),
    keyUsage: KeyUsage.digitalSignature | KeyUsage.keyEncipherment,
    extKeyUsage: [EKU_SERVER_AUTH],
    ipAddresses: ["127.0.0.1", "::1"],
    dnsNames: ["localhost"],
  });
}

function rootSpec(issuing: PemCertAndKey, accepted: string[]): string {
  return yamlText({
    issuingCA: { crt: b64(issuing.crt), key: b64(issuing.key) },
    acceptedCAs: accepted.map((crt) => ({ crt: b64(crt) })),
  });
}

export interface PkiFollower {
  /** Resolves once every update queued so far is in effect. */
  settled(): Promise<void>;
  stop(): void;
}

/** Starts following every node's machine config. */
export function followMachineConfigPki(emu: Emulator, opts: PkiFollowOptions = {}): PkiFollower {
  const nodes = [...emu.nodes.values()];
  const endpointNode = emu.options.nodes[0];
  const k8sSeen = new Map<SimNode, string>();
  const pending = new Map<SimNode, Promise<void>>();
  const restartMs = opts.kubeletRestartMs ?? 20;
  const timers = new Set<ReturnType<typeof setTimeout>>();

  const later = (ms: number, f: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      f();
    }, ms);
    timers.add(t);
  };

  const restartKubelet = (node: SimNode) => {
    const spec = getResource(node, "runtime", T.service, "kubelet")?.spec;
    if (spec === undefined) return;
    later(restartMs, () => {
      deleteResource(node, "runtime", T.service, "kubelet");
      later(restartMs, () => {
        putResource(node, "runtime", T.service, "kubelet", spec, {
          owner: "v1alpha1.ServiceController",
        });
      });
    });
  };

  const update = async (node: SimNode) => {
    const text = machineConfigOf(node);
    if (text === undefined) return;
    let creds;
    try {
      creds = configCredentials(text, "config");
    } catch {
      return; // not a config we can read: leave the PKI as it is
    }
    const k8sAccepted = creds.k8sAcceptedCAs;
    const k8sKey = JSON.stringify([creds.k8sCA?.crt ?? "", k8sAccepted]);
    const before = k8sSeen.get(node);
    k8sSeen.set(node, k8sKey);
    if (before !== undefined && before !== k8sKey) restartKubelet(node);

    const os = creds.osCA;
    if (node.controlPlane && os?.key) {
      putResource(node, "secrets", OS_ROOT_TYPE, "os", rootSpec(os, creds.osAcceptedCAs), {
        owner: "secrets.RootController",
      });
    }
    if (node.controlPlane && creds.k8sCA?.key) {
      putResource(
        node,
        "secrets",
        K8S_ROOT_TYPE,
        "k8s",
        rootSpec(creds.k8sCA, k8sAccepted.filter((c) => c !== creds.k8sCA!.crt)),
        { owner: "secrets.RootController" },
      );
    }
    if (node !== endpointNode) return;
    if (os?.key) {
      const serving = await servingCert(os, "localhost");
      emu.setTls({
        ca: [os.crt, ...creds.osAcceptedCAs].join(""),
        cert: serving.crt,
        key: serving.key,
      });
      clusterOf(emu).osCA = os;
    }
    if (creds.k8sCA?.key) {
      clusterOf(emu).k8sCA = creds.k8sCA;
      if (opts.k8s) {
        const serving = await servingCert(creds.k8sCA, "kube-apiserver");
        opts.k8s.setTls({ ca: k8sAccepted.join(""), cert: serving.crt, key: serving.key });
      }
    }
  };

  const queue = (node: SimNode) => {
    const next = (pending.get(node) ?? Promise.resolve()).then(() => update(node));
    pending.set(node, next.catch(() => {}));
  };

  const watchers: [SimNode, (e: ResourceEvent) => void][] = [];
  for (const node of nodes) {
    for (
      const [type, displayType] of [[OS_ROOT_TYPE, "OSRootSecret"], [
        K8S_ROOT_TYPE,
        "KubernetesRootSecret",
      ]]
    ) {
      registerType(node, { type, displayType, defaultNamespace: "secrets", sensitive: true });
    }
    const w = (e: ResourceEvent) => {
      if (
        e.type !== "destroyed" && e.resource.type === MACHINE_CONFIG_TYPE &&
        e.resource.id === "v1alpha1"
      ) {
        queue(node);
      }
    };
    resourceStore(node).watchers.add(w);
    watchers.push([node, w]);
    queue(node);
  }
  return {
    async settled() {
      await Promise.all(pending.values());
    },
    stop() {
      for (const [node, w] of watchers) resourceStore(node).watchers.delete(w);
      for (const t of timers) clearTimeout(t);
    },
  };
}
