// upgrade-k8s manifest sync on Talos 1.13 nodes (server-side apply with an inventory): the first
// sync creates the objects and the inventory ConfigMap, a manifest removed later is pruned (not
// with --manifests-no-prune), a dry run prints the changes and writes nothing, inventory policies
// refuse objects owned elsewhere, --manifests-force recreates an object whose immutable field
// changed, and the reconcile wait (its timeout, and --manifests-reconcile-timeout 0).

import { assert, assertEquals } from "./assert.ts";
import { tempDir } from "./harness.ts";
import type { Obj } from "./k8s_double/server.ts";
import {
  configMap,
  created,
  deleted,
  deployment,
  diffLines,
  INVENTORY,
  setManifests,
  syncCluster,
  upgrade,
} from "./upgrade_k8s_sync_fixture.ts";

const TALOS = "v1.13.9";
const OWNER = `    config.k8s.io/owning-inventory: ${INVENTORY}`;

const cfgYaml = (a: string) => [
  "apiVersion: v1",
  "data:",
  `  a: "${a}"`,
  "kind: ConfigMap",
  "metadata:",
  "  annotations:",
  OWNER,
  "  name: sync-test-cfg",
  "  namespace: kube-system",
];

const deploymentYaml = (app = "sync-test") => [
  "apiVersion: apps/v1",
  "kind: Deployment",
  "metadata:",
  "  annotations:",
  OWNER,
  "  name: sync-test",
  "  namespace: kube-system",
  "spec:",
  "  replicas: 1",
  "  selector:",
  "    matchLabels:",
  `      app: ${app}`,
  "  template:",
  "    metadata:",
  "      labels:",
  `        app: ${app}`,
  "    spec:",
  "      containers:",
  "      - image: registry.k8s.io/pause:3.10",
  "        name: app",
];

const CFG = "v1.ConfigMap/kube-system/sync-test-cfg";
const DEPLOY = "apps/v1.Deployment/kube-system/sync-test";

const inventoryKeys = (k8s: { get: (...a: string[]) => Obj | undefined }) =>
  Object.keys(k8s.get("v1", "ConfigMap", INVENTORY, "kube-system")?.data ?? {}).sort();

/** The YAML of a stored ConfigMap as the prune diff shows it (server fields included). */
const liveCfgYaml = (live: Obj, a: string) => [
  "apiVersion: v1",
  "data:",
  `  a: "${a}"`,
  "kind: ConfigMap",
  "metadata:",
  "  annotations:",
  OWNER,
  `  creationTimestamp: "${live.metadata.creationTimestamp}"`,
  "  name: sync-test-cfg",
  "  namespace: kube-system",
  `  resourceVersion: "${live.metadata.resourceVersion}"`,
  `  uid: ${live.metadata.uid}`,
];

Deno.test("upgrade-k8s SSA sync (Talos 1.13): created in stages, inventory written, then pruned", async () => {
  await using dir = await tempDir();
  await using c = await syncCluster(dir.path, TALOS);
  setManifests(c.node, {
    "10-test": [deployment("sync-test"), configMap("sync-test-cfg", { a: "1" })],
  });
  const r = await upgrade(c);
  assertEquals(r.stderr, "");
  // ConfigMaps go in a stage before the Deployment, whatever the manifest order.
  assertEquals(r.lines, [
    "updating manifests",
    " < created ConfigMap/kube-system/sync-test-cfg",
    ...created(CFG, cfgYaml("1")),
    " < created Deployment/kube-system/sync-test",
    ...created(DEPLOY, deploymentYaml()),
    "waiting for kubernetes objects to be fully reconciled",
    "done",
    "",
  ]);
  assertEquals(r.code, 0);
  assertEquals(inventoryKeys(c.k8s), [
    "kube-system_sync-test-cfg__ConfigMap",
    "kube-system_sync-test_apps_Deployment",
  ]);
  const applies = c.k8s.requests.filter((q) =>
    q.method === "PATCH" && q.query.get("dryRun") !== "All"
  );
  assertEquals(
    applies.map((q) => [
      q.path,
      q.contentType,
      q.query.get("fieldManager"),
      q.query.get("force"),
    ]),
    [
      [
        "/api/v1/namespaces/kube-system/configmaps/sync-test-cfg",
        "application/apply-patch+yaml",
        "talos",
        "true",
      ],
      [
        "/apis/apps/v1/namespaces/kube-system/deployments/sync-test",
        "application/apply-patch+yaml",
        "talos",
        "true",
      ],
    ],
  );
  const d = c.k8s.get("apps/v1", "Deployment", "sync-test", "kube-system")!;
  assertEquals(d.metadata.managedFields.map((m: Obj) => [m.manager, m.operation]), [
    ["talos", "Apply"],
  ]);

  // The ConfigMap leaves the manifests: the next sync deletes it.
  const live = c.k8s.get("v1", "ConfigMap", "sync-test-cfg", "kube-system")!;
  setManifests(c.node, { "10-test": [deployment("sync-test")] });
  const p = await upgrade(c);
  assertEquals(p.lines, [
    "updating manifests",
    " > skipped Deployment/kube-system/sync-test: no changes",
    " < deleted ConfigMap/kube-system/sync-test-cfg",
    ...deleted(CFG, liveCfgYaml(live, "1")),
    "waiting for kubernetes objects to be fully reconciled",
    "done",
    "",
  ]);
  assertEquals(p.code, 0);
  assertEquals(c.k8s.get("v1", "ConfigMap", "sync-test-cfg", "kube-system"), undefined);
  assertEquals(inventoryKeys(c.k8s), ["kube-system_sync-test_apps_Deployment"]);
});

Deno.test("upgrade-k8s SSA sync: --manifests-no-prune keeps an object the manifests dropped", async () => {
  await using dir = await tempDir();
  await using c = await syncCluster(dir.path, TALOS);
  setManifests(c.node, {
    "10-test": [configMap("sync-test-cfg", { a: "1" }), deployment("sync-test")],
  });
  assertEquals((await upgrade(c)).code, 0);
  setManifests(c.node, { "10-test": [deployment("sync-test")] });
  const r = await upgrade(c, "--manifests-no-prune");
  assertEquals(r.lines, [
    "updating manifests",
    " > skipped Deployment/kube-system/sync-test: no changes",
    "waiting for kubernetes objects to be fully reconciled",
    "done",
    "",
  ]);
  assertEquals(r.code, 0);
  assert(c.k8s.get("v1", "ConfigMap", "sync-test-cfg", "kube-system"));
  assertEquals(inventoryKeys(c.k8s), [
    "kube-system_sync-test-cfg__ConfigMap",
    "kube-system_sync-test_apps_Deployment",
  ]);
});

Deno.test("upgrade-k8s SSA sync --dry-run: pruned, configured and created with diffs, nothing written", async () => {
  await using dir = await tempDir();
  await using c = await syncCluster(dir.path, TALOS);
  setManifests(c.node, {
    "10-test": [configMap("sync-test-cfg", { a: "1" }), configMap("old", { x: "y" })],
  });
  assertEquals((await upgrade(c)).code, 0);
  const old = c.k8s.get("v1", "ConfigMap", "old", "kube-system")!;
  setManifests(c.node, {
    "10-test": [configMap("sync-test-cfg", { a: "2" }), deployment("sync-test")],
  });
  const before = c.k8s.requests.length;
  const r = await upgrade(c, "--dry-run");
  assertEquals(r.lines, [
    "updating manifests (dry run)",
    " < Pruned ConfigMap/kube-system/old",
    ...deleted("v1.ConfigMap/kube-system/old", [
      "apiVersion: v1",
      "data:",
      '  x: "y"',
      "kind: ConfigMap",
      "metadata:",
      "  annotations:",
      OWNER,
      `  creationTimestamp: "${old.metadata.creationTimestamp}"`,
      "  name: old",
      "  namespace: kube-system",
      `  resourceVersion: "${old.metadata.resourceVersion}"`,
      `  uid: ${old.metadata.uid}`,
    ]),
    " < configured ConfigMap/kube-system/sync-test-cfg",
    ...diffLines(CFG, [
      "@@ -1,6 +1,6 @@",
      " apiVersion: v1",
      " data:",
      '-  a: "1"',
      '+  a: "2"',
      " kind: ConfigMap",
      " metadata:",
      "   annotations:",
    ]),
    " < created Deployment/kube-system/sync-test",
    ...created(DEPLOY, deploymentYaml()),
    "",
  ]);
  assertEquals(r.code, 0);
  const writes = c.k8s.requests.slice(before).filter((q) =>
    q.method !== "GET" && q.query.get("dryRun") !== "All" && !q.path.includes("/pods")
  );
  assertEquals(writes, []);
  assertEquals(c.k8s.get("v1", "ConfigMap", "sync-test-cfg", "kube-system")!.data, { a: "1" });
  assert(c.k8s.get("v1", "ConfigMap", "old", "kube-system"));
  assertEquals(c.k8s.get("apps/v1", "Deployment", "sync-test", "kube-system"), undefined);
});

Deno.test("upgrade-k8s SSA sync: inventory policies refuse objects owned elsewhere", async () => {
  await using dir = await tempDir();
  await using c = await syncCluster(dir.path, TALOS);
  c.k8s.put({
    ...configMap("sync-test-cfg", { a: "0" }),
    metadata: {
      name: "sync-test-cfg",
      namespace: "kube-system",
      annotations: { "config.k8s.io/owning-inventory": "other-inventory" },
    },
  });
  setManifests(c.node, { "10-test": [configMap("sync-test-cfg", { a: "1" })] });
  const refused = (status: string, policy: string) =>
    "error applying manifests: failed to diff object v1.ConfigMap/kube-system/sync-test-cfg, " +
    "inventory policy check failure for object v1.ConfigMap/kube-system/sync-test-cfg, " +
    `inventory policy prevented actuation (status: ${status}, policy: ${policy})\n`;
  for (const policy of ["MustMatch", "AdoptIfNoInventory"]) {
    const r = await upgrade(c, "--manifests-inventory-policy", policy);
    assertEquals(r.lines, ["updating manifests", ""]);
    assertEquals(r.stderr, refused("NoMatch", policy));
    assertEquals(r.code, 1);
  }
  assertEquals(c.k8s.get("v1", "ConfigMap", "sync-test-cfg", "kube-system")!.data, { a: "0" });

  // An object no inventory owns: only MustMatch refuses it.
  c.k8s.put(configMap("sync-test-cfg", { a: "0" }));
  const must = await upgrade(c, "--manifests-inventory-policy", "MustMatch");
  assertEquals(must.stderr, refused("Empty", "MustMatch"));
  assertEquals(must.code, 1);
  const adopt = await upgrade(c);
  assertEquals(adopt.code, 0, adopt.stderr);
  assertEquals(adopt.lines[1], " < configured ConfigMap/kube-system/sync-test-cfg");
  const cm = c.k8s.get("v1", "ConfigMap", "sync-test-cfg", "kube-system")!;
  assertEquals(cm.data, { a: "1" });
  assertEquals(cm.metadata.annotations, { "config.k8s.io/owning-inventory": INVENTORY });

  const bad = await upgrade(c, "--manifests-inventory-policy", "Whatever");
  assertEquals(
    bad.stderr,
    'invalid inventory policy "Whatever": must be one of MustMatch, AdoptIfNoInventory, or AdoptAll\n',
  );
  assertEquals(bad.code, 1);
});

Deno.test("upgrade-k8s SSA sync: an immutable field change fails, --manifests-force recreates", async () => {
  await using dir = await tempDir();
  await using c = await syncCluster(dir.path, TALOS);
  setManifests(c.node, { "10-test": [deployment("sync-test")] });
  assertEquals((await upgrade(c)).code, 0);
  const uid = c.k8s.get("apps/v1", "Deployment", "sync-test", "kube-system")!.metadata.uid;
  setManifests(c.node, { "10-test": [deployment("sync-test", 1, "sync-test-2")] });
  const r = await upgrade(c);
  assertEquals(r.lines, ["updating manifests", ""]);
  assertEquals(
    r.stderr,
    "error applying manifests: failed to diff object apps/v1.Deployment/kube-system/sync-test, " +
      "apply dry run failed for Deployment/kube-system/sync-test: 1 error(s) occurred:\n" +
      "\tDeployment/kube-system/sync-test dry-run failed (Invalid): " +
      'Deployment.apps "sync-test" is invalid: spec.selector: Invalid value: ' +
      'v1.LabelSelector{MatchLabels:map[string]string{"app":"sync-test-2"}, ' +
      "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable\n",
  );
  assertEquals(r.code, 1);

  const f = await upgrade(c, "--manifests-force");
  assertEquals(f.lines, [
    "updating manifests",
    " < created Deployment/kube-system/sync-test",
    ...created(DEPLOY, deploymentYaml("sync-test-2")),
    "waiting for kubernetes objects to be fully reconciled",
    "done",
    "",
  ]);
  assertEquals(f.code, 0);
  const d = c.k8s.get("apps/v1", "Deployment", "sync-test", "kube-system")!;
  assert(d.metadata.uid !== uid);
  assertEquals(d.spec.selector, { matchLabels: { app: "sync-test-2" } });
  const deletes = c.k8s.requests.filter((q) => q.method === "DELETE");
  assertEquals(deletes.map((q) => [q.path, q.body?.propagationPolicy]), [
    ["/apis/apps/v1/namespaces/kube-system/deployments/sync-test", "Background"],
  ]);
});

Deno.test("upgrade-k8s SSA sync: a Deployment that never rolls out times out, naming it", async () => {
  await using dir = await tempDir();
  await using c = await syncCluster(dir.path, TALOS);
  c.k8s.rollout = "never";
  setManifests(c.node, { "10-test": [deployment("sync-test")] });
  const r = await upgrade(c, "--manifests-reconcile-timeout", "300ms");
  assertEquals(r.lines, [
    "updating manifests",
    " < created Deployment/kube-system/sync-test",
    ...created(DEPLOY, deploymentYaml()),
    "waiting for kubernetes objects to be fully reconciled",
    "",
  ]);
  assertEquals(
    r.stderr,
    "1 error(s) occurred:\n\ttimeout waiting for: [Deployment/kube-system/sync-test status: 'InProgress']\n",
  );
  assertEquals(r.code, 1);

  // Changed again, still never rolled out: with timeout 0 nothing waits.
  setManifests(c.node, { "10-test": [deployment("sync-test", 2)] });
  const skip = await upgrade(c, "--manifests-reconcile-timeout", "0");
  assertEquals(skip.lines[1], " < configured Deployment/kube-system/sync-test");
  assertEquals(skip.lines.slice(-3), ["", "skipping waiting for manifest reconciliation", ""]);
  assertEquals(skip.stderr, "");
  assertEquals(skip.code, 0);
  assertEquals(c.k8s.get("apps/v1", "Deployment", "sync-test", "kube-system")!.spec.replicas, 2);
});

Deno.test("upgrade-k8s SSA sync: CRD and Namespace first, then Secrets, then the custom resource; Secret values masked in diffs", async () => {
  await using dir = await tempDir();
  await using c = await syncCluster(dir.path, TALOS);
  const secret = (token: string) => ({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "sync-secret", namespace: "kube-system" },
    data: { token, same: "eA==" },
  });
  setManifests(c.node, {
    "10-test": [
      { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w", namespace: "demo" } },
      secret("YQ=="),
    ],
    "05-crd": [
      {
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        metadata: { name: "widgets.example.com" },
        spec: {
          group: "example.com",
          names: { kind: "Widget", plural: "widgets" },
          scope: "Namespaced",
          versions: [{ name: "v1", served: true, storage: true }],
        },
      },
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "demo" } },
    ],
  });
  const r = await upgrade(c);
  assertEquals(r.stderr, "");
  assertEquals(
    r.lines.filter((l) => l.startsWith(" <") || !l.startsWith(" ") && !/^[-+@]/.test(l)),
    [
      "updating manifests",
      " < created CustomResourceDefinition/widgets.example.com",
      "",
      " < created Namespace/demo",
      "",
      " < created Secret/kube-system/sync-secret",
      "",
      " < created Widget/demo/w",
      "",
      "waiting for kubernetes objects to be fully reconciled",
      "done",
      "",
    ],
  );
  assertEquals(r.code, 0);
  assertEquals(c.k8s.get("example.com/v1", "Widget", "w", "demo")?.metadata.annotations, {
    "config.k8s.io/owning-inventory": INVENTORY,
  });
  assertEquals(inventoryKeys(c.k8s), [
    "_demo__Namespace",
    "_widgets.example.com_apiextensions.k8s.io_CustomResourceDefinition",
    "demo_w_example.com_Widget",
    "kube-system_sync-secret__Secret",
  ]);

  // Manifest "05-crd" stays (and comes first: the manifests are listed by resource id).
  setManifests(c.node, {
    "10-test": [
      { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w", namespace: "demo" } },
      secret("Yg=="),
    ],
  });
  const s = await upgrade(c, "--dry-run");
  assertEquals(s.lines, [
    "updating manifests (dry run)",
    " < unchanged CustomResourceDefinition/widgets.example.com",
    " < unchanged Namespace/demo",
    " < unchanged Widget/demo/w",
    " < configured Secret/kube-system/sync-secret",
    ...diffLines("v1.Secret/kube-system/sync-secret", [
      "@@ -1,7 +1,7 @@",
      " apiVersion: v1",
      " data:",
      "   same: '***'",
      "-  token: '*** (before)'",
      "+  token: '*** (after)'",
      " kind: Secret",
      " metadata:",
      "   annotations:",
    ]),
    "",
  ]);
  assertEquals(s.code, 0);
});
