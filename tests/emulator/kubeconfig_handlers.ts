// Emulated MachineService/Kubeconfig and MachineService/GenerateClientConfiguration, as machined
// (HEAD) implements them:
//
// - Kubeconfig: control-plane only; issues a fresh Kubernetes admin client certificate from the
//   cluster's Kubernetes CA (key like the CA's: ECDSA P-256; CN=admin, O=system:masters,
//   NotBefore now-10s, NotAfter now+lifetime, KeyUsage digitalSignature|keyEncipherment, EKU
//   clientAuth), writes the admin kubeconfig as client-go does and sends ONE message holding a
//   .tar.gz with a single `kubeconfig` file (0600): gzip closed, tar not closed.
// - GenerateClientConfiguration: control-plane only; crt_ttl must be positive; roles are
//   parsed as role.Parse does (trimmed, empties skipped, unknown roles kept); a certificate from
//   the OS CA (O = sorted roles, NotBefore now, NotAfter now+ttl); a talosconfig whose context is
//   `<role without "os:">@<cluster>` for exactly one role, else `<cluster>`, with no endpoints.
//   By the node's version tag: before v1.7 the TTL is ignored (always 365 days); before v1.13
//   workers answer FailedPrecondition "client configuration (talosconfig) can't be generated
//   on worker nodes" instead of Unimplemented.

import { Code, ConnectError } from "@connectrpc/connect";
import { MachineService } from "../../gen/machine/machine_pb.ts";
import { emptyKubeconfig, encodeKubeconfig } from "../../clientconfig/kubeconfig.ts";
import { encodeTalosconfig, newTalosconfig } from "../../clientconfig/talosconfig.ts";
import { newSelfSignedCA } from "../../pki/ca.ts";
import { issueCertificate } from "../../pki/client_cert.ts";
import { EKU_CLIENT_AUTH, KeyUsage } from "../../pki/x509_build.ts";
import type { PemCertAndKey } from "../../pki/secrets_types.ts";
import { kubeconfigArchive } from "./kubeconfig_archive.ts";
import type { Emulator, NodeCall } from "./server.ts";
import { parseRoles } from "../../pki/roles.ts";

const HOUR = 3600_000;

/** Cluster-wide state the two handlers share; tests may change any field. */
export interface SimCluster {
  name: string;
  /** Kubernetes API endpoint written into the kubeconfig. */
  endpoint: string;
  /** Kubernetes CA; generated (ECDSA P-256) on first use when unset. */
  k8sCA?: PemCertAndKey;
  /** Talos OS CA that signs talosconfig client certificates. */
  osCA: PemCertAndKey;
  /** Admin kubeconfig certificate lifetime (machine config adminKubeconfig.certLifetime). */
  adminCertLifetimeMs: number;
  /**
   * Fault injection only: split the archive into messages of this many bytes (machined sends
   * one message), so that a stream can be dropped in the middle of the archive.
   */
  chunkSize?: number;
}

const clusters = new WeakMap<Emulator, SimCluster>();

/** The emulator's cluster state (created by registerKubeconfigHandlers). */
export function clusterOf(emu: Emulator): SimCluster {
  const c = clusters.get(emu);
  if (!c) throw new Error("kubeconfig handlers are not registered on this emulator");
  return c;
}

function controlPlaneOnly(call: NodeCall, api: string): void {
  if (!call.node.controlPlane) {
    throw new ConnectError(`${api} is only available on control plane nodes`, Code.Unimplemented);
  }
}

async function k8sCA(cluster: SimCluster): Promise<PemCertAndKey> {
  if (!cluster.k8sCA) {
    const now = Date.now();
    const ca = await newSelfSignedCA({
      algorithm: "ecdsa",
      organizations: ["kubernetes"],
      notBefore: new Date(now - 10_000),
      notAfter: new Date(now + 87600 * HOUR),
      random: (n) => crypto.getRandomValues(new Uint8Array(n)),
    });
    cluster.k8sCA = { crt: ca.crt, key: ca.key };
  }
  return cluster.k8sCA;
}

/** The admin kubeconfig a node generates right now. */
export async function adminKubeconfig(
  cluster: SimCluster,
  now = new Date(),
  minor = Infinity,
): Promise<string> {
  const ca = await k8sCA(cluster);
  const cert = await issueCertificate(ca, {
    subject: { commonName: "admin", organizations: ["system:masters"] },
    notBefore: new Date(now.getTime() - 10_000),
    notAfter: new Date(now.getTime() + cluster.adminCertLifetimeMs),
    keyUsage: KeyUsage.digitalSignature | KeyUsage.keyEncipherment,
    extKeyUsage: [EKU_CLIENT_AUTH],
  });
  const b64 = (s: string) => btoa(s);
  const user = `admin@${cluster.name}`;
  const cfg = emptyKubeconfig();
  cfg.clusters.set(cluster.name, {
    server: cluster.endpoint,
    "certificate-authority-data": b64(ca.crt),
  });
  cfg.authInfos.set(user, {
    "client-certificate-data": b64(cert.crt),
    "client-key-data": b64(cert.key),
  });
  cfg.contexts.set(user, { cluster: cluster.name, namespace: "default", user });
  cfg.currentContext = user;
  // Nodes before v1.11 used client-go < 0.34, which always writes `preferences: {}`.
  return encodeKubeconfig(cfg, { alwaysWritePreferences: minor < 11 });
}

/** Minor version of a "v1.N.x" tag; anything else counts as the newest. */
function talosMinor(call: NodeCall): number {
  const m = /^v1\.(\d+)\./.exec(call.node.version.tag);
  return m ? Number(m[1]) : Infinity;
}

function durationMs(d: { seconds: bigint; nanos: number } | undefined): number {
  if (!d) return 0;
  return Number(d.seconds) * 1000 + d.nanos / 1e6;
}

/** Registers both handlers on `emu`, with the cluster state they share. */
export function registerKubeconfigHandlers(
  emu: Emulator,
  init: Partial<SimCluster> & { osCA: PemCertAndKey },
): SimCluster {
  const firstCP = [...emu.nodes.values()].find((n) => n.controlPlane)?.address ?? "127.0.0.1";
  const cluster: SimCluster = {
    name: "test-cluster",
    endpoint: `https://${firstCP}:6443`,
    adminCertLifetimeMs: 8760 * HOUR,
    ...init,
  };
  clusters.set(emu, cluster);
  const M = MachineService.method;

  emu.handle(M.kubeconfig, async function* (_req, call: NodeCall) {
    controlPlaneOnly(call, "kubeconfig");
    const kubeconfig = await adminKubeconfig(cluster, new Date(), talosMinor(call));
    const archive = await kubeconfigArchive(kubeconfig);
    const size = cluster.chunkSize ?? archive.length;
    for (let off = 0; off < archive.length; off += size) {
      yield { bytes: archive.subarray(off, off + size) };
    }
  });

  emu.handle(M.generateClientConfiguration, async (req, call: NodeCall) => {
    const minor = talosMinor(call);
    if (minor < 13 && !call.node.controlPlane) {
      throw new ConnectError(
        "client configuration (talosconfig) can't be generated on worker nodes",
        Code.FailedPrecondition,
      );
    }
    controlPlaneOnly(call, "generate client configuration");
    let ttl = durationMs(req.crtTtl);
    if (ttl <= 0) throw new ConnectError("crt_ttl should be positive", Code.InvalidArgument);
    if (minor < 7) ttl = 365 * 24 * HOUR;
    const { roles } = parseRoles(req.roles as string[]);
    const now = new Date();
    const cert = await issueCertificate(cluster.osCA, {
      subject: { organizations: roles },
      notBefore: now,
      notAfter: new Date(now.getTime() + ttl),
      keyUsage: KeyUsage.digitalSignature,
      extKeyUsage: [EKU_CLIENT_AUTH],
    });
    const context = roles.length === 1
      ? `${roles[0].replace(/^os:/, "")}@${cluster.name}`
      : cluster.name;
    const talosconfig = encodeTalosconfig(
      newTalosconfig(context, [], cluster.osCA.crt, cert.crt, cert.key),
    );
    const enc = new TextEncoder();
    return {
      messages: [{
        ca: enc.encode(cluster.osCA.crt),
        crt: enc.encode(cert.crt),
        key: enc.encode(cert.key),
        talosconfig: enc.encode(talosconfig),
      }],
    };
  });
  return cluster;
}
