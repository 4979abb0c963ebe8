// `gen config` inputs beyond the stability goldens, each pinned to the upstream (talosctl HEAD)
// code path that decides it. Expected values are derived from upstream's generator and encoder
// rules and checked against output made from the project's own bundle
// (tests/fixtures/gen_config/secrets.yaml).

import { assert, assertEquals, assertStringIncludes } from "./assert.ts";
import { run, tempDir } from "./harness.ts";

const SECRETS = new URL("./fixtures/gen_config/secrets.yaml", import.meta.url).pathname;
const fixed = ["--with-secrets", SECRETS, "--with-docs=false", "--with-examples=false"];

/** One machine type's config on stdout. */
async function gen(
  type: "controlplane" | "worker",
  endpoint: string,
  args: string[],
): Promise<string> {
  const r = await run(["gen", "config", "c", endpoint, ...fixed, ...args, "-t", type, "-o", "-"]);
  assertEquals(r.code, 0, r.stderr);
  return r.stdout;
}

/** The `kind:` of every document after the first (the v1alpha1 root has none). */
function kinds(text: string): string[] {
  return text.split("\n---\n").slice(1).map((d) => /^kind: (\S+)$/m.exec(d)?.[1] ?? "?");
}

/** Keys of the map that follows `header` (a line), at the next indentation level. */
function mapKeys(text: string, header: string): string[] {
  const lines = text.split("\n");
  const start = lines.indexOf(header);
  assert(start >= 0, `no line ${JSON.stringify(header)}`);
  const indent = header.search(/\S/) + 4;
  const keys: string[] = [];
  for (const l of lines.slice(start + 1)) {
    const at = l.search(/\S/);
    if (at < indent) break;
    if (at === indent) keys.push(l.trim().replace(/:.*$/, ""));
  }
  return keys;
}

Deno.test("map keys are sorted byte-wise (Talos encoder sorts map keys itself, not yaml.v3's digit-aware order)", async () => {
  const text = await gen("worker", "https://c:6443", [
    "--talos-version",
    "v1.11",
    "--registry-mirror",
    "z.io=https://z,a9.io=https://a9,a10.io=https://a10,_u=https://u,B.io=https://b",
  ]);
  assertEquals(mapKeys(text, "        mirrors:"), ["B.io", "_u", "a10.io", "a9.io", "z.io"]);
});

Deno.test("endpoint is stored as url.URL.String prints it; older contracts add its Hostname as SAN", async () => {
  // The raw path holds a space, so it is no valid encoding and the decoded path is re-escaped
  // ("%2F" becomes "/"), as URL.EscapedPath does.
  const ep = "HTTPS://LB.Example:6443/a%2Fb/c d";
  const legacy = await gen("controlplane", ep, ["--talos-version", "v1.11"]);
  assertStringIncludes(legacy, "        endpoint: https://LB.Example:6443/a/b/c%20d\n");
  assertStringIncludes(legacy, "        certSANs:\n            - LB.Example\n");
  const multidoc = await gen("controlplane", ep, ["--talos-version", "v1.15"]);
  assertStringIncludes(multidoc, "\nendpoint: https://LB.Example:6443/a/b/c%20d\n");
  assertStringIncludes(multidoc, "    issuerURL: https://LB.Example:6443/a/b/c%20d\n");
  // IPv6: the SAN is the bare address; pod/service subnets stay IPv4 because upstream tests the
  // whole endpoint text with netip.ParseAddr, which a URL never passes.
  const v6 = await gen("controlplane", "https://[fd00::1]:6443", ["--talos-version", "v1.11"]);
  assertStringIncludes(v6, "        certSANs:\n            - fd00::1\n");
  assertStringIncludes(v6, "        podSubnets:\n            - 10.244.0.0/16\n");
  assertStringIncludes(v6, "        serviceSubnets:\n            - 10.96.0.0/12\n");
});

Deno.test("registry mirrors: legacy section keeps endpoint text, documents re-print parsed URLs", async () => {
  const mirror = ["--registry-mirror", "docker.io=HTTP://Mirror.local/x y"];
  const legacy = await gen("worker", "https://c:6443", ["--talos-version", "v1.11", ...mirror]);
  assertStringIncludes(legacy, "                    - HTTP://Mirror.local/x y\n");
  const docs = await gen("worker", "https://c:6443", ["--talos-version", "v1.12", ...mirror]);
  assertStringIncludes(docs, "name: docker.io\nendpoints:\n    - url: http://Mirror.local/x%20y\n");
  const r = await run([
    "gen",
    "config",
    "c",
    "https://c:6443",
    ...fixed,
    "--talos-version",
    "v1.12",
    "--registry-mirror",
    "docker.io=https://a:b:c",
    "-t",
    "worker",
    "-o",
    "-",
  ]);
  assertEquals([r.code, r.stdout], [1, ""]);
  assertEquals(
    r.stderr,
    "generating PKI and tokens\nfailed to generate config bundle: failed to generate registry configs: " +
      'failed to parse registry mirror endpoint "https://a:b:c": parse "https://a:b:c": ' +
      'invalid port ":b:c" after host\n',
  );
});

const K8S_NODE = [
  "KubeClusterConfig",
  "KubeNodeConfig",
  "KubeletConfig",
  "KubeNetworkConfig",
  "KubeAPIServerCAConfig",
  "KubePrismConfig",
];
const K8S_CONTROL_PLANE = [
  "KubeAggregatorCAConfig",
  "KubeAdmissionControlConfig",
  "KubeAuditPolicyConfig",
  "KubeAuthenticationConfig",
  "KubeAuthorizerConfig",
  "KubeAuthorizerConfig",
  "KubeEtcdEncryptionConfig",
  "KubeServiceAccountConfig",
  "KubeAPIServerConfig",
  "KubeControllerManagerConfig",
  "KubeSchedulerConfig",
  "KubeProxyConfig",
  "KubeFlannelCNIConfig",
  "KubeCoreDNSConfig",
];
const NODE_V114 = [
  "ResolverConfig",
  "VolumeConfig",
  "FilesystemTrimConfig",
  "SecurityProfileConfig",
];

// Upstream's init()/worker(): v1alpha1, discovery service, discovery identity, unattended install
// (only with an install disk), resolver, sysctls, volume + trim, security profile, registry
// documents (sorted by kind, then name), hostname, KubeSpan, Kubernetes node documents, then
// (control planes) Kubernetes control-plane documents. Each appears from its contract on.
const documentCases: [string, "controlplane" | "worker", string[], string[]][] = [
  ["v1.11", "controlplane", ["--with-kubespan", "--registry-mirror", "a=https://a"], []],
  ["v1.12", "worker", ["--with-kubespan"], ["HostnameConfig"]],
  [
    "v1.12",
    "controlplane",
    ["--registry-mirror", "z.io=https://z,a.io=https://a"],
    ["RegistryMirrorConfig", "RegistryMirrorConfig", "HostnameConfig"],
  ],
  ["v1.13", "worker", ["--with-kubespan"], ["HostnameConfig", "KubeSpanConfig"]],
  ["v1.13", "controlplane", ["--with-cluster-discovery=false"], ["HostnameConfig"]],
  [
    "v1.14",
    "controlplane",
    [],
    [
      "DiscoveryServiceConfig",
      "DiscoveryIdentityConfig",
      "UnattendedInstallConfig",
      ...NODE_V114,
      "HostnameConfig",
      ...K8S_NODE,
      ...K8S_CONTROL_PLANE,
    ],
  ],
  [
    "v1.15",
    "worker",
    ["--with-cluster-discovery=false", "--with-kubespan", "--registry-mirror", "d.io=https://d"],
    [
      "DiscoveryIdentityConfig",
      "UnattendedInstallConfig",
      ...NODE_V114,
      "RegistryMirrorConfig",
      "HostnameConfig",
      "KubeSpanConfig",
      ...K8S_NODE,
    ],
  ],
  [
    "v1.15",
    "worker",
    ["--install-disk", ""],
    [
      "DiscoveryServiceConfig",
      "DiscoveryIdentityConfig",
      ...NODE_V114,
      "HostnameConfig",
      ...K8S_NODE,
    ],
  ],
];

for (const [v, type, args, want] of documentCases) {
  Deno.test(`documents of ${v} ${type} ${args.join(" ")}: upstream's kinds and order`, async () => {
    const text = await gen(type, "https://c:6443", ["--talos-version", v, ...args]);
    assertEquals(kinds(text), want);
  });
}

Deno.test("UnattendedInstallConfig: the disk selector quotes the disk as strconv.Quote (CEL unparser)", async () => {
  const text = await gen("worker", "https://c:6443", [
    "--talos-version",
    "v1.15",
    "--install-disk",
    '/dev/disk/by-id/a"b\\c\u00a0d\x07',
  ]);
  assertStringIncludes(
    text,
    '        match: disk.dev_path == "/dev/disk/by-id/a\\"b\\\\c\\u00a0d\\a"\n',
  );
});

Deno.test("--talos-version v0.0 is upstream's 'current' contract (Greater treats 0.0 as nil)", async () => {
  for (const type of ["controlplane", "worker"] as const) {
    const current = await gen(type, "https://c:6443", []);
    assertEquals(await gen(type, "https://c:6443", ["--talos-version", "v0.0"]), current);
  }
});

Deno.test("--skip-k8s-etcd: HEAD's Kubernetes-less config (no etcd, no Kubernetes documents)", async () => {
  const cp = await gen("controlplane", "https://c:6443", ["--skip-k8s-etcd"]);
  assertEquals(kinds(cp), [
    "DiscoveryServiceConfig",
    "DiscoveryIdentityConfig",
    "UnattendedInstallConfig",
    ...NODE_V114,
    "HostnameConfig",
  ]);
  // the control plane's cluster section keeps nothing: no bootstrap token, no etcd CA
  assertStringIncludes(cp, "\ncluster: {}\n---\n");
  assertEquals(
    await gen("controlplane", "https://c:6443", ["--skip-k8s-etcd", "--talos-version", "v1.15"]),
    cp,
  );
  // workers keep the bundle's bootstrap token ...
  const w = await gen("worker", "https://c:6443", ["--skip-k8s-etcd"]);
  assertStringIncludes(w, "\ncluster:\n    token: 7m9ezw.irjunl100aixxxtp\n---\n");
  // ... which a fresh bundle for a Kubernetes-less contract does not have
  const r = await run([
    "gen",
    "config",
    "c",
    "https://c:6443",
    "--skip-k8s-etcd",
    "-t",
    "worker",
    "-o",
    "-",
  ]);
  assertEquals(r.code, 0, r.stderr);
  assertStringIncludes(r.stdout, "\ncluster: {}\n---\n");
});

Deno.test("aescbc bundle (contract <= v1.2 style) with newer contracts: upstream's per-contract choice", async () => {
  await using dir = await tempDir();
  const aescbc = `${dir.path}/aescbc.yaml`;
  const text = await Deno.readTextFile(SECRETS);
  const secret = /secretboxencryptionsecret: (\S+)/.exec(text)![1];
  await Deno.writeTextFile(
    aescbc,
    text.replace("secretboxencryptionsecret", "aescbcencryptionsecret"),
  );
  const cp = (v: string) =>
    gen("controlplane", "https://c:6443", ["--talos-version", v, "--with-secrets", aescbc]);
  // v1.2: the legacy aescbc field
  assertStringIncludes(await cp("v1.2"), `    aescbcEncryptionSecret: ${secret}\n`);
  // v1.3..v1.13: the secretbox field, empty and so omitted; no aescbc field either
  assert(!/EncryptionSecret/.test(await cp("v1.13")));
  // v1.14+: the encryption document names the aescbc secret key1, still as a secretbox provider
  assertStringIncludes(
    await cp("v1.15"),
    `            - secretbox:\n                keys:\n                    - name: key1\n` +
      `                      secret: ${secret}\n`,
  );
});

Deno.test("-o naming a directory with --force: os.WriteFile's error after generation", async () => {
  await using dir = await tempDir();
  await Deno.mkdir(`${dir.path}/d`);
  const args = ["gen", "config", "c", "https://c:6443", ...fixed, "-t", "worker", "-o", "d"];
  const a = await run(args, { cwd: dir.path });
  assertEquals([a.code, a.stderr], [1, 'file "d" already exists, use --force to overwrite\n']);
  const b = await run([...args, "--force"], { cwd: dir.path });
  assertEquals([b.code, b.stderr], [1, "generating PKI and tokens\nopen d: is a directory\n"]);
});

Deno.test("--additional-sans: machine and API server SANs in the order given, never deduplicated", async () => {
  const args = ["--additional-sans", "b,lb,a", "--additional-sans", "b"];
  const list = (xs: string[], indent: string) => xs.map((x) => `${indent}- ${x}\n`).join("");
  for (const v of ["v1.11", "v1.12", "v1.15"]) {
    const cp = await gen("controlplane", "https://lb:6443", ["--talos-version", v, ...args]);
    assertStringIncludes(cp, `    certSANs:\n${list(["b", "lb", "a", "b"], "        ")}`);
    if (v === "v1.15") {
      assertStringIncludes(cp, `\ncertExtraSANs:\n${list(["b", "lb", "a", "b"], "    ")}`);
    } else {
      // up to v1.11 the endpoint's host comes first (PopulateClusterSANsFromEndpoint)
      const api = v === "v1.11" ? ["lb", "b", "lb", "a", "b"] : ["b", "lb", "a", "b"];
      assertStringIncludes(cp, `        certSANs:\n${list(api, "            ")}`);
    }
  }
});

Deno.test("talosconfig: no endpoints for any contract (HEAD never sets WithEndpointList)", async () => {
  for (const v of ["v1.5", "v1.13", "v1.15"]) {
    const r = await run([
      "gen",
      "config",
      "c",
      "https://10.0.0.1:6443",
      ...fixed,
      "--talos-version",
      v,
      "-t",
      "talosconfig",
      "-o",
      "-",
    ]);
    assertEquals(r.code, 0, r.stderr);
    assert(
      r.stdout.startsWith("context: c\ncontexts:\n    c:\n        endpoints: []\n        ca: "),
    );
  }
});

Deno.test("--skip-k8s-etcd --with-secrets: a bundle without the etcd and Kubernetes parts is enough", async () => {
  await using dir = await tempDir();
  const partial = `${dir.path}/partial.yaml`;
  // Drop the etcd and Kubernetes CAs, the service-account key and the encryption secret.
  const text = (await Deno.readTextFile(SECRETS)).split("\n").filter((line, i, all) => {
    const owner = all.slice(0, i + 1).reverse().find((l) => /^ {4}\S/.test(l) || /^\S/.test(l));
    return !/^ {4}(etcd|k8s|k8saggregator|k8sserviceaccount):/.test(owner ?? "") &&
      !line.includes("secretboxencryptionsecret");
  }).join("\n");
  await Deno.writeTextFile(partial, text);
  const args = [
    "gen",
    "config",
    "c",
    "https://c:6443",
    ...fixed,
    "--with-secrets",
    partial,
    "-o",
    "-",
  ];
  const w = await run([...args, "--skip-k8s-etcd", "-t", "worker"]);
  assertEquals(w.code, 0, w.stderr);
  assertStringIncludes(w.stdout, "\ncluster:\n    token: 7m9ezw.irjunl100aixxxtp\n");
  const cp = await run([...args, "--skip-k8s-etcd", "-t", "controlplane"]);
  assertEquals(cp.code, 0, cp.stderr);
  // Contracts with Kubernetes still need every part, as upstream's Bundle.Validate says.
  const full = await run([...args, "-t", "controlplane"]);
  assertEquals(full.code, 1);
  assertEquals(
    full.stderr,
    "failed to validate secrets bundle: 5 errors occurred:\n" +
      "\t* one of [secrets.secretboxencryptionsecret, secrets.aescbcencryptionsecret] is required\n" +
      "\t* certs.etcd is required\n\t* certs.k8s is required\n" +
      "\t* certs.k8saggregator is required\n\t* certs.k8sserviceaccount is required\n\n\n",
  );
});
