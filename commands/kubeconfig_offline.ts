// `talosctl kubeconfig --from-secrets` / `--from-controlplane-config` (ours): the admin kubeconfig
// a control plane node would send, made locally from the cluster's Kubernetes CA, so that a
// cluster whose nodes do not answer still yields one. The layout is the node's: cluster <name>
// with the accepted CAs, user and context admin@<name> (namespace default), current context
// admin@<name>; the client certificate has CN=admin, O=system:masters, a key of the CA's type,
// KeyUsage digitalSignature+keyEncipherment, EKU clientAuth, NotBefore 10 s back and the
// admin kubeconfig lifetime (cluster.adminKubeconfig.certLifetime, default one year). It is
// written or merged exactly as the downloaded one (kubeconfig_run.ts).

import type { RunContext } from "./spec.ts";
import { UserError } from "../errors.ts";
import { goQuote } from "../gofmt/mod.ts";
import type { PemCertAndKey } from "../pki/secrets_types.ts";
import { deliverKubeconfig, type KubeconfigOptions, kubeconfigTarget } from "./kubeconfig_run.ts";

export interface OfflineOptions {
  fromSecrets: string;
  fromControlplaneConfig: string;
  clusterEndpoint: string;
  clusterName: string;
}

/** Upstream's KubernetesAdminCertDefaultLifetime: 365 days. */
const DEFAULT_LIFETIME_MS = 365 * 24 * 3_600_000;
/** Upstream's allowed time skew for the admin certificate's NotBefore. */
const SKEW_MS = 10_000;

export interface AdminKubeconfigInput {
  clusterName: string;
  endpoint: string;
  issuingCA: PemCertAndKey;
  /** PEM certificates the kubeconfig trusts for the API server, issuing CA first. */
  acceptedCAs: string[];
  lifetimeMs: number;
  now: Date;
  random: (n: number) => Uint8Array;
}

/** The admin kubeconfig text, as client-go writes it. */
export async function adminKubeconfig(i: AdminKubeconfigInput): Promise<string> {
  const { issueCertificate } = await import("../pki/client_cert.ts");
  const { EKU_CLIENT_AUTH, KeyUsage } = await import("../pki/x509_build.ts");
  const { emptyKubeconfig, encodeKubeconfig } = await import("../clientconfig/kubeconfig.ts");
  const { base64Encode } = await import("../pki/pem.ts");
  const cert = await issueCertificate(i.issuingCA, {
    subject: { commonName: "admin", organizations: ["system:masters"] },
    notBefore: new Date(i.now.getTime() - SKEW_MS),
    notAfter: new Date(i.now.getTime() + i.lifetimeMs),
    keyUsage: KeyUsage.digitalSignature | KeyUsage.keyEncipherment,
    extKeyUsage: [EKU_CLIENT_AUTH],
    random: i.random,
  });
  const b64 = (s: string) => base64Encode(new TextEncoder().encode(s));
  const user = `admin@${i.clusterName}`;
  const cfg = emptyKubeconfig();
  cfg.clusters.set(i.clusterName, {
    server: i.endpoint,
    "certificate-authority-data": b64(i.acceptedCAs.join("")),
  });
  cfg.authInfos.set(user, {
    "client-certificate-data": b64(cert.crt),
    "client-key-data": b64(cert.key),
  });
  cfg.contexts.set(user, { cluster: i.clusterName, namespace: "default", user });
  cfg.currentContext = user;
  return encodeKubeconfig(cfg);
}

function noKey(key: string): boolean {
  return key.trim() === "" || key === "******";
}

/** The Kubernetes CA, accepted CAs, name, endpoint and lifetime from the offline sources. */
async function offlineInput(
  ctx: RunContext,
  f: OfflineOptions,
): Promise<Omit<AdminKubeconfigInput, "now" | "random">> {
  const { loadConfigCredentials, loadSecrets, checkKeyMatches } = await import(
    "./credentials.ts"
  );
  const creds = f.fromControlplaneConfig !== ""
    ? await loadConfigCredentials(ctx.deps, f.fromControlplaneConfig)
    : undefined;
  const configSource = `controlplane config ${goQuote(f.fromControlplaneConfig)}`;
  let issuingCA: PemCertAndKey | undefined;
  let acceptedCAs: string[];
  let source: string;
  if (f.fromSecrets !== "") {
    const bundle = await loadSecrets(ctx.deps, f.fromSecrets);
    source = `secrets bundle ${goQuote(f.fromSecrets)}`;
    issuingCA = bundle.certs.k8s;
    if (!issuingCA || noKey(issuingCA.key) || issuingCA.crt === "") {
      throw new UserError(`${source} holds no Kubernetes CA with its key (certs.k8s)`);
    }
    if (creds?.k8sCA?.crt && creds.k8sCA.crt.trim() !== issuingCA.crt.trim()) {
      throw new UserError(
        `the Kubernetes CA of ${source} is not the one of ${configSource}: ` +
          `they belong to different clusters; pass the matching pair`,
      );
    }
    acceptedCAs = [issuingCA.crt, ...(creds?.k8sAcceptedCAs.slice(creds.k8sCA ? 1 : 0) ?? [])];
    await checkKeyMatches(issuingCA, `${source}: certs.k8s`);
  } else {
    source = configSource;
    issuingCA = creds!.k8sCA;
    if (!issuingCA || issuingCA.crt === "") {
      throw new UserError(
        `${source} has no Kubernetes CA (cluster.ca or a KubeAPIServerCAConfig document)`,
      );
    }
    if (noKey(issuingCA.key)) {
      const kind = creds!.machineType === "worker" ? "a worker config" : "a config";
      throw new UserError(
        `${source} is ${kind} without the Kubernetes CA key: only control plane configs ` +
          `carry it; use controlplane.yaml or the secrets bundle (--from-secrets)`,
      );
    }
    acceptedCAs = creds!.k8sAcceptedCAs;
    await checkKeyMatches(issuingCA, `${source}: Kubernetes CA`);
  }

  let endpoint = f.clusterEndpoint !== "" ? f.clusterEndpoint : creds?.endpoint ?? "";
  if (endpoint === "") {
    throw new UserError(
      "--cluster-endpoint is required with --from-secrets (the Kubernetes API URL, e.g. " +
        "https://10.5.0.2:6443), unless --from-controlplane-config gives it",
    );
  }
  if (f.clusterEndpoint !== "") {
    const { validateClusterEndpoint } = await import("./gen/config_endpoint.ts");
    validateClusterEndpoint(endpoint);
    const { goURLString, parseGoURL } = await import("../machineconfig/generate/gourl.ts");
    const u = parseGoURL(endpoint);
    if (!("error" in u)) endpoint = goURLString(u);
  }
  const clusterName = f.clusterName !== "" ? f.clusterName : creds?.clusterName ?? "";
  if (clusterName === "") {
    throw new UserError(
      "--cluster-name is required with --from-secrets (the name given to `talosctl gen config`), " +
        "unless --from-controlplane-config gives it",
    );
  }
  return {
    clusterName,
    endpoint,
    issuingCA,
    acceptedCAs: [...new Set(acceptedCAs.filter((c) => c !== ""))],
    lifetimeMs: creds?.adminCertLifetimeMs ?? DEFAULT_LIFETIME_MS,
  };
}

/** Builds the admin kubeconfig locally and writes or merges it as the online command does. */
export async function offlineKubeconfig(
  ctx: RunContext,
  o: KubeconfigOptions,
  f: OfflineOptions,
): Promise<void> {
  const input = await offlineInput(ctx, f);
  const target = await kubeconfigTarget(ctx, o);
  const text = await adminKubeconfig({ ...input, now: ctx.deps.now(), random: ctx.deps.random });
  await deliverKubeconfig(ctx, o, target, new TextEncoder().encode(text), "the kubeconfig");
}
