import { assertEquals } from "../tests/assert.ts";
import { inventoryKey, manifestDiff, parseInventoryKey, pathWithGV, subject } from "./objects.ts";

Deno.test("objects: inventory keys as cli-utils writes them, RBAC colons doubled", () => {
  const m = {
    namespace: "",
    name: "system:coredns",
    group: "rbac.authorization.k8s.io",
    kind: "ClusterRole",
  };
  assertEquals(inventoryKey(m), "_system__coredns_rbac.authorization.k8s.io_ClusterRole");
  assertEquals(parseInventoryKey(inventoryKey(m)), m);
  const cm = { namespace: "kube-system", name: "a_b", group: "", kind: "ConfigMap" };
  assertEquals(inventoryKey(cm), "kube-system_a_b__ConfigMap");
  assertEquals(parseInventoryKey("kube-system_a_b__ConfigMap"), cm);
});

Deno.test("objects: subjects, paths and a created diff", () => {
  const obj = {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: "p", namespace: "ns" },
  };
  assertEquals(
    subject({ group: "apps", kind: "DaemonSet", namespace: "ns", name: "p" }),
    "DaemonSet/ns/p",
  );
  assertEquals(pathWithGV(obj), "apps/v1.DaemonSet/ns/p");
  assertEquals(
    pathWithGV({ apiVersion: "v1", kind: "Namespace", metadata: { name: "x" } }),
    "v1.Namespace/x",
  );
  assertEquals(
    manifestDiff(undefined, {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "x", labels: { a: "true" } },
    }),
    "--- a/v1.Namespace/x\n+++ b/v1.Namespace/x\n@@ -0,0 +1,6 @@\n+apiVersion: v1\n+kind: Namespace\n" +
      '+metadata:\n+  labels:\n+    a: "true"\n+  name: x\n',
  );
});
