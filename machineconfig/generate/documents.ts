// The separate documents newer contracts generate next to the root document: discovery,
// unattended install, resolver, sysctls, volumes, security profile, registries and network.

import type { ConfigDocument, ValueMap } from "../schema.ts";
import { goQuote } from "../../gofmt/mod.ts";
import { DISCOVERY_SERVICE_ENDPOINT, type Input } from "./input.ts";
import { goURLString, parseGoURL } from "./gourl.ts";

/** A v1alpha1 document of the given kind. */
export function doc(kind: string, fields: ValueMap = {}): ConfigDocument {
  return { kind, data: { apiVersion: "v1alpha1", kind, ...fields } };
}

function hostDNS(input: Input): ValueMap {
  const h: ValueMap = { enabled: true };
  if (input.o.hostDNSForwardKubeDNSToHost || input.f.on("hostDNSForwardKubeDNSToHost")) {
    h.forwardKubeDNSToHost = true;
  }
  return h;
}

/** Documents placed between the root document and the registry/network documents. */
export function leadingDocuments(input: Input): ConfigDocument[] {
  const { f, o, secrets } = input;
  const docs: ConfigDocument[] = [];
  if (o.discoveryEnabled && f.on("discoveryServiceMultidoc")) {
    docs.push(doc("DiscoveryServiceConfig", {
      name: "default",
      endpoint: DISCOVERY_SERVICE_ENDPOINT,
    }));
  }
  if (f.on("discoveryIdentityMultidoc")) {
    docs.push(doc("DiscoveryIdentityConfig", {
      clusterID: secrets.cluster.id,
      clusterSecret: secrets.cluster.secret,
    }));
  }
  if (f.on("unattendedInstallConfig") && o.installDisk && !o.skipUnattendedInstallConfig) {
    docs.push(doc("UnattendedInstallConfig", {
      installer: { image: o.installImage ?? "" },
      provisioning: {
        // Upstream builds the CEL expression with %q and stores its parsed form, which prints
        // the string literal back with strconv.Quote: Go's escaping, not JSON's.
        diskSelector: { match: `disk.dev_path == ${goQuote(o.installDisk)}` },
        wipe: false,
      },
    }));
  }
  if (f.on("hostDNS") && f.on("hostDNSMultidoc")) {
    docs.push(doc("ResolverConfig", { hostDNS: hostDNS(input) }));
  }
  if (o.sysctls && Object.keys(o.sysctls).length > 0 && f.on("multidocSysctlConfig")) {
    docs.push(doc("SysctlConfig", { params: { ...o.sysctls } }));
  }
  if (f.on("filesystemTrimByDefault")) {
    docs.push(doc("VolumeConfig", { name: "EPHEMERAL", mount: { secure: true } }));
    docs.push(doc("FilesystemTrimConfig", { interval: "168h" }));
  }
  if (f.on("workloadIsolationByDefault")) {
    docs.push(doc("SecurityProfileConfig", { workloadIsolation: true }));
  }
  return docs;
}

/** Registry mirrors/TLS: root-document section for old contracts, documents for new ones. */
export function registryDocuments(input: Input, root: ValueMap): ConfigDocument[] {
  const { f, o } = input;
  const machine = root.machine as ValueMap;
  const mirrors = o.registryMirrors ?? [];
  if (!f.on("multidocNetworkConfig")) {
    const m: ValueMap = {};
    const c: ValueMap = {};
    if (f.on("kubernetesAlternateImageRegistries")) {
      m["k8s.gcr.io"] = { endpoints: ["https://registry.k8s.io", "https://k8s.gcr.io"] };
    }
    for (const [host, endpoints] of mirrors) m[host] = { endpoints: [...endpoints] };
    for (const [host, ca] of Object.entries(o.registryCACerts ?? {})) {
      c[host] = { tls: { ca: b64Text(ca) } };
    }
    for (const host of o.registryInsecure ?? []) {
      const entry = (c[host] ??= { tls: {} }) as ValueMap;
      (entry.tls as ValueMap).insecureSkipVerify = true;
    }
    machine.registries = { mirrors: m, config: c };
    return [];
  }
  // Each endpoint is parsed as a URL and stored re-printed (url.URL.String).
  const docs: ConfigDocument[] = mirrors.map(([host, endpoints]) =>
    doc("RegistryMirrorConfig", {
      name: host,
      endpoints: endpoints.map((ep) => {
        const u = parseGoURL(ep);
        if ("error" in u) {
          throw new Error(
            `failed to generate registry configs: failed to parse registry mirror endpoint ${
              goQuote(ep)
            }: ${u.error}`,
          );
        }
        return { url: goURLString(u) };
      }),
    })
  );
  const tls = new Map<string, ValueMap>();
  for (const [host, ca] of Object.entries(o.registryCACerts ?? {})) {
    tls.set(host, { name: host, ca });
  }
  for (const host of o.registryInsecure ?? []) {
    const t = tls.get(host) ?? { name: host };
    t.insecureSkipVerify = true;
    tls.set(host, t);
  }
  for (const t of tls.values()) docs.push(doc("RegistryTLSConfig", t));
  const key = (d: ConfigDocument) => `${d.kind}\u0000${d.data.name}`;
  return docs.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function b64Text(s: string): string {
  let bin = "";
  for (const b of new TextEncoder().encode(s)) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** Hostname and KubeSpan: root-document fields for old contracts, documents for new ones. */
export function networkDocuments(input: Input, root: ValueMap): ConfigDocument[] {
  const { f, o } = input;
  const machine = root.machine as ValueMap;
  const docs: ConfigDocument[] = [];
  if (machine.network === undefined && !f.on("kubeSpanMultidoc")) machine.network = {};
  if (f.on("stableHostname") && !f.on("multidocNetworkConfig")) {
    (machine.features as ValueMap).stableHostname = true;
  }
  if (f.on("multidocNetworkConfig")) docs.push(doc("HostnameConfig", { auto: "stable" }));
  if (o.kubeSpanEnabled !== undefined) {
    if (f.on("kubeSpanMultidoc")) docs.push(doc("KubeSpanConfig", { enabled: o.kubeSpanEnabled }));
    else (machine.network as ValueMap).kubespan = { enabled: o.kubeSpanEnabled };
  }
  return docs;
}
