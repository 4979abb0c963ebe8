// Recovering a secrets bundle from a control-plane machine config (`gen secrets
// --from-controlplane-config`), reading the same fields upstream's NewBundleFromConfig reads:
// machine.ca/.token, cluster.ca/.aggregatorCA/.serviceAccount/.etcd.ca/.token, the encryption
// secrets, the cluster identity (v1alpha1 cluster.id/.secret, else a DiscoveryIdentityConfig
// document) and the first secretbox key for "secrets" in a KubeEtcdEncryptionConfig document.

import { parseYaml } from "../goyaml/parse.ts";
import { UserError } from "../errors.ts";
import { base64Decode } from "./pem.ts";
import { type PemCertAndKey, REDACTED, type SecretsBundle } from "./secrets_types.ts";

type Raw = Record<string, unknown>;

const isMap = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);
const get = (v: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((o, k) => (isMap(o) ? o[k] : undefined), v);
const str = (v: unknown): string => (v === null || v === undefined || isMap(v) ? "" : String(v));

function pem(v: unknown, what: string): string {
  const s = str(v);
  if (s === REDACTED) return s;
  try {
    return new TextDecoder().decode(base64Decode(s));
  } catch (e) {
    throw new UserError(`failed to load controlplane config: ${what}: ${(e as Error).message}`);
  }
}

function pair(v: unknown, what: string): PemCertAndKey | undefined {
  if (!isMap(v)) return undefined;
  return { crt: pem(v.crt, `${what}.crt`), key: pem(v.key, `${what}.key`) };
}

/** The first secretbox key protecting "secrets" in an etcd encryption config, as upstream. */
function secretboxFromEncryptionConfig(config: unknown): string | undefined {
  const resources = get(config, "resources");
  if (!Array.isArray(resources)) return undefined;
  for (const r of resources) {
    const names = get(r, "resources");
    if (!Array.isArray(names) || !names.includes("secrets")) continue;
    const providers = get(r, "providers");
    if (!Array.isArray(providers) || providers.length === 0) continue;
    // Only the first provider counts.
    const keys = get(providers[0], "secretbox", "keys");
    if (Array.isArray(keys) && keys.length > 0) return str(get(keys[0], "secret"));
    return undefined;
  }
  return undefined;
}

/** Builds the bundle; fields absent from the config stay empty (as upstream writes them). */
export function bundleFromControlPlaneConfig(text: string): SecretsBundle {
  const values: unknown[] = [];
  for (const d of parseYaml(text)) {
    if (d.errors.length > 0) {
      throw new UserError(
        `failed to load controlplane config: ${d.errors[0].message.split("\n")[0]}`,
      );
    }
    values.push(d.toJS());
  }
  const v1 = values.find((d) => isMap(d) && !d.kind && (d.machine || d.cluster));
  if (!v1) {
    throw new UserError("failed to load controlplane config: no v1alpha1 config document found");
  }
  const machine = get(v1, "machine");
  const cluster = get(v1, "cluster");
  let id = str(get(cluster, "id"));
  let secret = str(get(cluster, "secret"));
  if (!id && !secret) {
    const identity = values.find((d) => get(d, "kind") === "DiscoveryIdentityConfig");
    id = str(get(identity, "clusterID"));
    secret = str(get(identity, "clusterSecret"));
  }
  const secrets: SecretsBundle["secrets"] = { bootstrapToken: str(get(cluster, "token")) };
  const aescbc = str(get(cluster, "aescbcEncryptionSecret"));
  let secretbox = str(get(cluster, "secretboxEncryptionSecret"));
  const encryption = values.find((d) => get(d, "kind") === "KubeEtcdEncryptionConfig");
  if (encryption) secretbox = secretboxFromEncryptionConfig(get(encryption, "config")) ?? secretbox;
  if (aescbc) secrets.aescbcEncryptionSecret = aescbc;
  if (secretbox) secrets.secretboxEncryptionSecret = secretbox;
  const sa = get(cluster, "serviceAccount");
  return {
    cluster: { id, secret },
    secrets,
    trustdInfo: { token: str(get(machine, "token")) },
    certs: {
      etcd: pair(get(cluster, "etcd", "ca"), "cluster.etcd.ca")!,
      k8s: pair(get(cluster, "ca"), "cluster.ca")!,
      k8sAggregator: pair(get(cluster, "aggregatorCA"), "cluster.aggregatorCA"),
      k8sServiceAccount: isMap(sa) ? { key: pem(sa.key, "cluster.serviceAccount.key") } : undefined,
      os: pair(get(machine, "ca"), "machine.ca")!,
    },
  };
}
