// reboot --drain and upgrade (whose --drain is on by default) against the emulator and a
// Kubernetes API double: cordon and evict before the reboot, wait for Ready and uncordon after,
// with disruption budgets, drain timeouts and an unreachable API server.

import { assert, assertEquals, assertMatch, assertStringIncludes } from "./assert.ts";
import { tempDir } from "./harness.ts";
import { lifeOf, startKubernetes } from "./emulator/mod.ts";
import { addPod, notReadyFor, refuseEvictions } from "./k8s_double/cluster.ts";
import type { K8sDouble } from "./k8s_double/server.ts";
import { lifecycleSetup, linesOf, NODES3, runFast } from "./lifecycle_fixture.ts";

const IMAGE = "ghcr.io/siderolabs/installer:v1.14.0";
const name = (a: string) => `talos-${a.replaceAll(".", "-")}`;
const podNames = (k8s: K8sDouble) => k8s.all("v1", "Pod").map((p) => p.metadata.name).sort();
const cordoned = (k8s: K8sDouble, node: string) =>
  k8s.get("v1", "Node", node)?.spec?.unschedulable === true;

Deno.test("reboot --drain: cordon, evict (not DaemonSet or mirror pods), reboot, Ready, uncordon", async () => {
  await using dir = await tempDir();
  const { emu, cfg, node } = await lifecycleSetup(dir.path, ["10.5.0.2", "10.5.0.3"]);
  await using _ = emu;
  await using kube = await startKubernetes(emu, { nodesOnly: true });
  for (const a of ["10.5.0.2", "10.5.0.3"]) {
    addPod(kube, name(a), "default", `web-${a}`);
    addPod(kube, name(a), "kube-system", `kube-proxy-${a}`, { daemonSet: true });
    addPod(kube, name(a), "kube-system", `kube-apiserver-${a}`, { mirror: true });
  }
  addPod(kube, name("10.5.0.3"), "default", "db-0");
  refuseEvictions(kube, "default", "db-0", 2);
  notReadyFor(kube, name("10.5.0.2"), 2);
  const r = await runFast(["reboot", "--drain", "--talosconfig", cfg]);
  assertEquals(r.code, 0, r.stderr);
  assertEquals(
    podNames(kube),
    [
      "kube-apiserver-10.5.0.2",
      "kube-apiserver-10.5.0.3",
      "kube-proxy-10.5.0.2",
      "kube-proxy-10.5.0.3",
    ],
  );
  for (const a of ["10.5.0.2", "10.5.0.3"]) {
    assertEquals(cordoned(kube, name(a)), false);
    const patches = kube.requests.filter((q) => q.method === "PATCH" && q.path.endsWith(name(a)));
    assertEquals(patches.map((q) => q.body), [
      { spec: { unschedulable: true } },
      { spec: { unschedulable: null } },
    ]);
    assertEquals(lifeOf(node(a)).boots, 2);
    assertEquals(linesOf(r.stderr, a).at(-1), "post check passed");
  }
  // Drained before the reboot started, uncordoned after the nodes were back.
  const drained = r.stderr.indexOf(`${name("10.5.0.3")}: node drained`);
  const firstTracked = r.stderr.indexOf('"10.5.0.2": waiting for actor ID');
  const uncordoned = r.stderr.indexOf(`${name("10.5.0.2")}: node uncordoned`);
  assert(drained >= 0 && drained < firstTracked && firstTracked < uncordoned, r.stderr);
  assertStringIncludes(r.stderr, `${name("10.5.0.3")}: evicted pod default/db-0\n`);
  assertStringIncludes(r.stderr, `${name("10.5.0.2")}: waiting for node to become Ready\n`);
  const evictions = kube.requests.filter((q) => q.path.endsWith("/db-0/eviction"));
  assertEquals(evictions.length, 3);
});

Deno.test("upgrade drains by default: three nodes, each back on the new version and uncordoned", async () => {
  await using dir = await tempDir();
  const { emu, cfg, node } = await lifecycleSetup(dir.path, NODES3);
  await using _ = emu;
  await using kube = await startKubernetes(emu, { nodesOnly: true });
  for (const a of NODES3) addPod(kube, name(a), "default", `app-${a}`);
  const r = await runFast(["upgrade", "-i", IMAGE, "--talosconfig", cfg]);
  assertEquals(r.code, 0, r.stderr);
  assertEquals(podNames(kube), []);
  for (const a of NODES3) {
    assertEquals(node(a).version.tag, "v1.14.0");
    assertEquals(cordoned(kube, name(a)), false);
    assertEquals(linesOf(r.stderr, a).at(-1), "post check passed");
  }
  assertStringIncludes(
    r.stderr,
    NODES3.map((a) => `${name(a)}: node drained\n`).join(""),
  );
  assert(
    r.stderr.endsWith(NODES3.map((a) => `${name(a)}: node uncordoned\n`).join("")),
    r.stderr.slice(-400),
  );
});

Deno.test("drain that does not finish in --drain-timeout: no reboot, the node is named", async () => {
  await using dir = await tempDir();
  const { emu, cfg, node } = await lifecycleSetup(dir.path, ["10.5.0.2", "10.5.0.3"]);
  await using _ = emu;
  await using kube = await startKubernetes(emu, { nodesOnly: true });
  addPod(kube, name("10.5.0.3"), "default", "db-0");
  refuseEvictions(kube, "default", "db-0", Infinity);
  const r = await runFast(["reboot", "--drain", "--drain-timeout", "200ms", "--talosconfig", cfg]);
  assertEquals(r.code, 1);
  const n = name("10.5.0.3");
  assert(
    r.stderr.endsWith(
      `error draining nodes: error draining node "${n}": failed to drain node "${n}": global timeout reached: 200ms\n`,
    ),
    r.stderr,
  );
  for (const a of ["10.5.0.2", "10.5.0.3"]) assertEquals(lifeOf(node(a)).requests, []);

  const u = await runFast([
    "upgrade",
    "-i",
    IMAGE,
    "--drain-timeout",
    "200ms",
    "--talosconfig",
    cfg,
  ]);
  assertEquals(u.code, 1);
  assert(
    u.stderr.endsWith(
      `error draining node "${n}": failed to drain node "${n}": global timeout reached: 200ms\n`,
    ),
    u.stderr,
  );
  assert(!lifeOf(node("10.5.0.2")).requests.some((x) => x.method === "Reboot"));
});

Deno.test("drain: an unreachable Kubernetes API fails before anything is rebooted", async () => {
  await using dir = await tempDir();
  const { emu, cfg, node } = await lifecycleSetup(dir.path, ["10.5.0.2"]);
  await using _ = emu;
  const kube = await startKubernetes(emu, { nodesOnly: true });
  await kube.close();
  const r = await runFast(["reboot", "--drain", "--talosconfig", cfg]);
  assertEquals(r.code, 1);
  assertMatch(
    r.stderr,
    /error draining nodes: error cordoning node "talos-10-5-0-2": failed to get node "talos-10-5-0-2": .+\n$/,
  );
  assertEquals(lifeOf(node("10.5.0.2")).requests, []);
});
