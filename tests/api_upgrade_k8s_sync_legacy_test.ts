// upgrade-k8s manifest sync on Talos 1.12 nodes (the legacy path): objects created with their
// diff, a second sync with no changes, a dry run that shows the diff and changes nothing, an
// update, the rollout wait for Deployments, and a kind the API server does not serve.

import { assert, assertEquals } from "./assert.ts";
import { tempDir } from "./harness.ts";
import {
  configMap,
  created,
  deployment,
  diffLines,
  setManifests,
  syncCluster,
  upgrade,
} from "./upgrade_k8s_sync_fixture.ts";

const WARNING = "WARNING: 10.5.0.2: server version 1.12.0 is older than client version 1.13.9\n";

const CFG_YAML = (a: string) => [
  "apiVersion: v1",
  "data:",
  `  a: "${a}"`,
  "kind: ConfigMap",
  "metadata:",
  "  name: sync-test-cfg",
  "  namespace: kube-system",
];

const DEPLOYMENT_YAML = [
  "apiVersion: apps/v1",
  "kind: Deployment",
  "metadata:",
  "  name: sync-test",
  "  namespace: kube-system",
  "spec:",
  "  replicas: 1",
  "  selector:",
  "    matchLabels:",
  "      app: sync-test",
  "  template:",
  "    metadata:",
  "      labels:",
  "        app: sync-test",
  "    spec:",
  "      containers:",
  "      - image: registry.k8s.io/pause:3.10",
  "        name: app",
];

const DAEMONSET = {
  apiVersion: "apps/v1",
  kind: "DaemonSet",
  metadata: { name: "sync-test-ds", namespace: "kube-system" },
  spec: {
    selector: { matchLabels: { app: "ds" } },
    template: {
      metadata: { labels: { app: "ds" } },
      spec: { containers: [{ name: "c", image: "registry.k8s.io/pause:3.10" }] },
    },
  },
};

const DAEMONSET_YAML = [
  "apiVersion: apps/v1",
  "kind: DaemonSet",
  "metadata:",
  "  name: sync-test-ds",
  "  namespace: kube-system",
  "spec:",
  "  selector:",
  "    matchLabels:",
  "      app: ds",
  "  template:",
  "    metadata:",
  "      labels:",
  "        app: ds",
  "    spec:",
  "      containers:",
  "      - image: registry.k8s.io/pause:3.10",
  "        name: c",
];

Deno.test("upgrade-k8s legacy sync (Talos 1.12): create with diffs, rollout wait, then no changes", async () => {
  await using dir = await tempDir();
  await using c = await syncCluster(dir.path, "v1.12.0");
  c.k8s.rolloutDelayMs = 100;
  setManifests(c.node, {
    "10-test": [DAEMONSET, configMap("sync-test-cfg", { a: "1" }), deployment("sync-test")],
  });
  const r = await upgrade(c);
  assertEquals(r.stderr, WARNING);
  // Deployments are waited for before DaemonSets, whatever the manifest order.
  assertEquals(r.lines, [
    "updating manifests",
    " > processing manifest apps/v1.DaemonSet/kube-system/sync-test-ds",
    ...created("apps/v1.DaemonSet/kube-system/sync-test-ds", DAEMONSET_YAML),
    " < applied successfully",
    " > processing manifest v1.ConfigMap/kube-system/sync-test-cfg",
    ...created("v1.ConfigMap/kube-system/sync-test-cfg", CFG_YAML("1")),
    " < applied successfully",
    " > processing manifest apps/v1.Deployment/kube-system/sync-test",
    ...created("apps/v1.Deployment/kube-system/sync-test", DEPLOYMENT_YAML),
    " < applied successfully",
    "waiting for all manifests to be applied",
    " > waiting for apps/v1.Deployment/kube-system/sync-test",
    " > waiting for apps/v1.DaemonSet/kube-system/sync-test-ds",
    "",
  ]);
  assertEquals(r.code, 0);
  // The wait saw the Deployment before and after its controller observed generation 1.
  const gets = c.k8s.requests.filter((q) =>
    q.method === "GET" && q.path === "/apis/apps/v1/namespaces/kube-system/deployments/sync-test"
  );
  assert(gets.length >= 3, `${gets.length} GETs`);
  const d = c.k8s.get("apps/v1", "Deployment", "sync-test", "kube-system")!;
  assertEquals([d.metadata.generation, d.status.observedGeneration, d.status.readyReplicas], [
    1,
    1,
    1,
  ]);
  // Resources were found through discovery, not guessed.
  assert(c.k8s.requests.some((q) => q.path === "/apis/apps/v1"));
  // Created over POST, updated over PUT: no server-side apply, no inventory.
  assertEquals(c.k8s.requests.filter((q) => q.method === "PATCH"), []);
  assertEquals(
    c.k8s.get("v1", "ConfigMap", "talos-bootstrap-manifests-inventory", "kube-system"),
    undefined,
  );

  const ds = c.k8s.get("apps/v1", "DaemonSet", "sync-test-ds", "kube-system")!;
  assertEquals([ds.status.observedGeneration, ds.status.numberReady], [1, 1]);

  const again = await upgrade(c);
  assertEquals(again.lines, [
    "updating manifests",
    " > processing manifest apps/v1.DaemonSet/kube-system/sync-test-ds",
    " < no changes",
    " > processing manifest v1.ConfigMap/kube-system/sync-test-cfg",
    " < no changes",
    " > processing manifest apps/v1.Deployment/kube-system/sync-test",
    " < no changes",
    "waiting for all manifests to be applied",
    "",
  ]);
  assertEquals(again.code, 0);
});

Deno.test("upgrade-k8s legacy sync: dry run shows the diff and changes nothing; the update follows", async () => {
  await using dir = await tempDir();
  await using c = await syncCluster(dir.path, "v1.12.0");
  c.k8s.put({ ...configMap("sync-test-cfg", { a: "1" }) });
  setManifests(c.node, {
    "10-test": [configMap("sync-test-cfg", { a: "2" }), deployment("sync-test")],
  });
  const cfgDiff = diffLines("v1.ConfigMap/kube-system/sync-test-cfg", [
    "@@ -1,6 +1,6 @@",
    " apiVersion: v1",
    " data:",
    '-  a: "1"',
    '+  a: "2"',
    " kind: ConfigMap",
    " metadata:",
    "   name: sync-test-cfg",
  ]);
  const dry = await upgrade(c, "--dry-run");
  assertEquals(dry.lines, [
    "updating manifests",
    " > processing manifest v1.ConfigMap/kube-system/sync-test-cfg",
    ...cfgDiff,
    " < dry run, change skipped",
    " > processing manifest apps/v1.Deployment/kube-system/sync-test",
    ...created("apps/v1.Deployment/kube-system/sync-test", DEPLOYMENT_YAML),
    " < dry run, change skipped",
    "",
  ]);
  assertEquals(dry.code, 0);
  assertEquals(c.k8s.get("v1", "ConfigMap", "sync-test-cfg", "kube-system")!.data, { a: "1" });
  assertEquals(c.k8s.get("apps/v1", "Deployment", "sync-test", "kube-system"), undefined);
  const writes = c.k8s.requests.filter((q) =>
    q.method !== "GET" && q.query.get("dryRun") !== "All" && !q.path.includes("/pods")
  );
  assertEquals(writes, []);

  const r = await upgrade(c);
  assertEquals(r.lines.slice(0, 3 + cfgDiff.length), [
    "updating manifests",
    " > processing manifest v1.ConfigMap/kube-system/sync-test-cfg",
    ...cfgDiff,
    " < applied successfully",
  ]);
  assertEquals(r.code, 0);
  assertEquals(c.k8s.get("v1", "ConfigMap", "sync-test-cfg", "kube-system")!.data, { a: "2" });
});

Deno.test("upgrade-k8s legacy sync: a kind the API server does not serve fails with the mapping error", async () => {
  await using dir = await tempDir();
  await using c = await syncCluster(dir.path, "v1.12.0");
  setManifests(c.node, {
    "10-test": [{ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } }],
  });
  const r = await upgrade(c);
  assertEquals(r.lines, ["updating manifests", ""]);
  assertEquals(
    r.stderr,
    WARNING +
      "1 error(s) occurred:\n\terror creating mapping for object w: " +
      'no matches for kind "Widget" in version "example.com/v1"\n',
  );
  assertEquals(r.code, 1);
});
