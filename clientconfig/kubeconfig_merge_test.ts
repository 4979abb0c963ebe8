import { assertEquals } from "../tests/assert.ts";
import { emptyKubeconfig, type Kubeconfig } from "./kubeconfig.ts";
import { type Component, type Decision, mergeKubeconfig } from "./kubeconfig_merge.ts";
import { talosKubeconfig } from "../tests/kubeconfig_fixture.ts";

const talos = talosKubeconfig;

async function merge(
  target: Kubeconfig,
  incoming: Kubeconfig,
  decide: Decision,
  forceContextName = "",
) {
  const conflicts: [Component, string][] = [];
  const lines: string[] = [];
  await mergeKubeconfig(target, incoming, {
    activateContext: true,
    forceContextName,
    onConflict: (c, n) => {
      conflicts.push([c, n]);
      return Promise.resolve(decide);
    },
    report: (l) => {
      lines.push(l);
      return Promise.resolve();
    },
  });
  return { conflicts, lines };
}

Deno.test("merging into an empty config adds everything and activates the context", async () => {
  const target = emptyKubeconfig();
  const r = await merge(target, talos("prod", "https://a:6443", "c1"), "rename");
  assertEquals(r, { conflicts: [], lines: [] });
  assertEquals([...target.contexts.keys()], ["admin@prod"]);
  assertEquals(target.currentContext, "admin@prod");
});

Deno.test("identical entries are not conflicts", async () => {
  const target = talos("prod", "https://a:6443", "c1");
  target.currentContext = "other";
  const r = await merge(target, talos("prod", "https://a:6443", "c1"), "rename");
  assertEquals(r, { conflicts: [], lines: [] });
  assertEquals(target.currentContext, "admin@prod");
  assertEquals(target.authInfos.size, 1);
});

Deno.test("a new certificate renames the user and, through it, the context", async () => {
  const target = talos("prod", "https://a:6443", "c1");
  const r = await merge(target, talos("prod", "https://a:6443", "c2"), "rename");
  assertEquals(r.conflicts, [["auth", "admin@prod"]]);
  assertEquals(r.lines, [
    'renamed auth info "admin@prod" -> "admin@prod-1"',
    'renamed context "admin@prod" -> "admin@prod-1"',
  ]);
  assertEquals(target.contexts.get("admin@prod-1"), {
    cluster: "prod",
    namespace: "default",
    user: "admin@prod-1",
  });
  assertEquals(target.authInfos.get("admin@prod")?.["client-certificate-data"], btoa("c1"));
  assertEquals(target.currentContext, "admin@prod-1");
});

Deno.test("a changed cluster is renamed to the first free suffix; users follow", async () => {
  const target = talos("prod", "https://a:6443", "c1");
  target.clusters.set("prod-1", { server: "https://other" });
  const r = await merge(target, talos("prod", "https://b:6443", "c2"), "rename");
  assertEquals(r.conflicts, [["cluster", "prod"]]);
  assertEquals(r.lines, [
    'renamed cluster "prod" -> "prod-2"',
    'renamed auth info "admin@prod" -> "admin@prod-2"',
    'renamed context "admin@prod" -> "admin@prod-2"',
  ]);
  assertEquals(target.contexts.get("admin@prod-2")?.cluster, "prod-2");
  assertEquals(target.clusters.get("prod-2")?.server, "https://b:6443");
});

Deno.test("overwrite replaces conflicting entries in place", async () => {
  const target = talos("prod", "https://a:6443", "c1");
  const r = await merge(target, talos("prod", "https://b:6443", "c2"), "overwrite");
  assertEquals(r.conflicts, [["cluster", "prod"], ["auth", "admin@prod"]]);
  assertEquals(r.lines, []);
  assertEquals(target.clusters.get("prod")?.server, "https://b:6443");
  assertEquals(target.authInfos.get("admin@prod")?.["client-certificate-data"], btoa("c2"));
});

Deno.test("--force-context-name names the merged context", async () => {
  const target = emptyKubeconfig();
  const r = await merge(target, talos("prod", "https://a:6443", "c1"), "rename", "mine");
  assertEquals(r.lines, ['renamed context "admin@prod" -> "mine"']);
  assertEquals(target.currentContext, "mine");
  assertEquals(target.contexts.get("mine")?.user, "admin@prod");
});

Deno.test("quirk: a context name is checked against cluster names, not contexts", async () => {
  const target = emptyKubeconfig();
  target.clusters.set("admin@prod", { server: "https://x" });
  target.contexts.set("admin@prod", { cluster: "x", user: "y" });
  const r = await merge(target, talos("prod", "https://a:6443", "c1"), "rename");
  assertEquals(r.conflicts, [["cluster", "admin@prod"]]);
  assertEquals(r.lines, ['renamed context "admin@prod" -> "admin@prod-1"']);
  // The old context of the same name is untouched; the new one went to the free cluster name.
  assertEquals(target.contexts.get("admin@prod"), { cluster: "x", user: "y" });
  assertEquals(target.contexts.get("admin@prod-1")?.cluster, "prod");

  const plain = talos("prod", "https://a:6443", "c1");
  plain.contexts.set("admin@prod", { cluster: "elsewhere", user: "someone" });
  const r2 = await merge(plain, talos("prod", "https://a:6443", "c1"), "rename");
  assertEquals(r2, { conflicts: [], lines: [] });
  assertEquals(plain.contexts.get("admin@prod")?.cluster, "prod");
});

Deno.test("rename reports quote names as Go's %q (\\x01, not JSON's \\u0001)", async () => {
  const target = talos("p\x01", "https://a:6443", "c1");
  const r = await merge(target, talos("p\x01", "https://b:6443", "c2"), "rename");
  assertEquals(r.lines, [
    'renamed cluster "p\\x01" -> "p\\x01-1"',
    'renamed auth info "admin@p\\x01" -> "admin@p\\x01-1"',
    'renamed context "admin@p\\x01" -> "admin@p\\x01-1"',
  ]);
});
