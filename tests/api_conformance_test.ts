// `conformance kubernetes` against the emulator (the admin kubeconfig over mutual TLS) and the
// Kubernetes API double playing the conformance image: the pod talosctl deploys, its log on
// stdout, its exit code, cleanup before and after (also after Ctrl-C), certified mode's files.

import { assert, assertEquals } from "./assert.ts";
import { fakeDeps, run, tempDir } from "./harness.ts";
import { simNode, startEmulator, startKubernetes } from "./emulator/mod.ts";
import { clusterOf } from "./emulator/kubeconfig_handlers.ts";
import { ginkgoLog, simulateConformance } from "./k8s_double/conformance.ts";
import type { K8sDouble, Obj } from "./k8s_double/server.ts";
import { issueCertificate } from "../pki/client_cert.ts";
import { EKU_CLIENT_AUTH, KeyUsage } from "../pki/x509_build.ts";
import { K8sClient } from "../k8s/mod.ts";
import { runConformance } from "../commands/conformance/run.ts";
import { networkPolicyOptions } from "../commands/conformance/modes.ts";
import { productYaml } from "../commands/conformance/results.ts";
import { TALOS_VERSION } from "../contract/mod.ts";

const NOW = new Date("2026-12-05T08:00:00Z");
const VERSION = "1.37.0-rc.1";

async function cluster(dir: string, addresses = ["10.5.0.2"]) {
  const nodes = addresses.map((a, i) => simNode(a, { controlPlane: i === 0 }));
  const emu = await startEmulator({ nodes });
  const k8s = await startKubernetes(emu);
  const cfg = await emu.talosconfig(dir, { roles: ["os:admin"], nodes: [addresses[0]] });
  return { emu, k8s, cfg };
}

/** stderr without the log time stamps ("2006/01/02 15:04:05 "). */
const messages = (stderr: string) =>
  stderr.split("\n").filter((l) => l !== "").map((l) =>
    l.replace(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d /, "")
  );

const env = (pod: Obj) =>
  Object.fromEntries(
    pod.spec.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]),
  );

/** Nothing of a run is left in the cluster. */
function assertCleanedUp(k8s: K8sDouble) {
  assertEquals(k8s.get("v1", "Namespace", "conformance"), undefined);
  const rbac = "rbac.authorization.k8s.io/v1";
  assertEquals(k8s.get(rbac, "ClusterRole", "conformance-serviceaccount:conformance"), undefined);
  assertEquals(
    k8s.get(rbac, "ClusterRoleBinding", "conformance-serviceaccount-role:conformance"),
    undefined,
  );
  assertEquals(k8s.all("v1", "Pod").filter((p) => p.metadata.namespace === "conformance"), []);
}

const DEPLOYED = [
  "INFO Created namespace conformance.",
  "INFO Created ServiceAccount conformance-serviceaccount.",
  "INFO Created ClusterRole conformance-serviceaccount:conformance.",
  "INFO Created ClusterRoleBinding conformance-serviceaccount-role:conformance.",
  "INFO Created Pod e2e-conformance-test.",
  "INFO Waiting up to 5m0s for Pod to start...",
  "INFO Created ConformancePod e2e-conformance-test.",
];

const CLEANED = [
  "INFO Deleted ClusterRoleBinding conformance-serviceaccount-role:conformance.",
  "INFO Deleted ClusterRole conformance-serviceaccount:conformance.",
  "INFO Waiting for Namespace conformance to be deleted.",
  "INFO Deleted Namespace conformance.",
];

const PASSED = [
  ...DEPLOYED,
  "INFO Waiting for Pod to terminate...",
  "INFO Container conformance-container terminated.",
  ...CLEANED,
];

Deno.test("conformance kubernetes (fast): two passes, each deployed, streamed, cleaned up", async () => {
  await using dir = await tempDir();
  const { emu, k8s, cfg } = await cluster(dir.path);
  await using _e = emu;
  await using _k = k8s;
  const first = ginkgoLog(3, 0);
  const second = ginkgoLog(1, 0);
  const sim = simulateConformance(k8s, [
    { lines: first, exitCode: 0 },
    { lines: second, exitCode: 0 },
  ]);
  const r = await run(["conformance", "kubernetes", "--talosconfig", cfg], { now: NOW });
  assertEquals(r.code, 0, r.stderr);
  assertEquals(
    r.stdout,
    [
      `running conformance tests version ${VERSION}`,
      "running tests: \\[Conformance\\]",
      ...first,
      "tests finished after 0s.",
      "tests completed successfully",
      `running conformance tests version ${VERSION}`,
      "running tests: \\[Serial\\].*\\[Conformance\\]",
      ...second,
      "tests finished after 0s.",
      "tests completed successfully",
      "",
    ].join("\n"),
  );
  assertEquals(messages(r.stderr), [...PASSED, ...PASSED]);
  // The pods as hydrophone builds them.
  assertEquals(sim.pods.length, 2);
  const [p1, p2] = sim.pods;
  assertEquals(p1.spec.containers.map((c: Obj) => c.image), [
    `registry.k8s.io/conformance:v${VERSION}`,
    "registry.k8s.io/e2e-test-images/busybox:1.36.1-1",
  ]);
  assertEquals(env(p1), {
    E2E_FOCUS: "\\[Conformance\\]",
    E2E_SKIP: "\\[Serial\\]",
    E2E_PROVIDER: "skeleton",
    E2E_VERBOSITY: "4",
    E2E_USE_GO_RUNNER: "true",
    E2E_EXTRA_ARGS: "",
    E2E_EXTRA_GINKGO_ARGS: "--procs=16",
  });
  assertEquals(env(p2).E2E_FOCUS, "\\[Serial\\].*\\[Conformance\\]");
  assertEquals(env(p2).E2E_SKIP, "");
  assertEquals(env(p2).E2E_EXTRA_GINKGO_ARGS, "");
  assertEquals(p1.spec.serviceAccountName, "conformance-serviceaccount");
  assertEquals(p1.spec.restartPolicy, "Never");
  assertEquals(p1.spec.containers[1].command, ["/bin/sh", "-c", "sleep infinity"]);
  assertCleanedUp(k8s);
  // One admin kubeconfig from the node for both passes.
  const fetched = emu.calls.filter((c) => c.path === "/machine.MachineService/Kubeconfig");
  assertEquals(fetched.length, 1);
});

Deno.test("conformance k8s: failing tests exit 1 with talosctl's error; the second pass never runs", async () => {
  await using dir = await tempDir();
  const { emu, k8s, cfg } = await cluster(dir.path);
  await using _e = emu;
  await using _k = k8s;
  const lines = ginkgoLog(2, 1);
  const sim = simulateConformance(k8s, [{ lines, exitCode: 1 }, { lines: [], exitCode: 0 }]);
  const r = await run(["conformance", "k8s", "--talosconfig", cfg], { now: NOW });
  assertEquals(r.code, 1);
  assertEquals(
    r.stdout,
    [
      `running conformance tests version ${VERSION}`,
      "running tests: \\[Conformance\\]",
      ...lines,
      "tests finished after 0s.",
      "",
    ].join("\n"),
  );
  assertEquals(messages(r.stderr), [
    ...DEPLOYED,
    "INFO Waiting for Pod to terminate...",
    "INFO Container conformance-container terminated.",
    ...CLEANED,
    "tests failed: code 1",
  ]);
  assertEquals(sim.pods.length, 1);
  assertCleanedUp(k8s);
});

Deno.test("conformance kubernetes --mode network-policy: what an earlier run left is removed first", async () => {
  await using dir = await tempDir();
  const { emu, k8s, cfg } = await cluster(dir.path);
  await using _e = emu;
  await using _k = k8s;
  const rbac = "rbac.authorization.k8s.io/v1";
  k8s.put({ apiVersion: "v1", kind: "Namespace", metadata: { name: "conformance" } });
  k8s.put({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "leftover", namespace: "conformance" },
    data: {},
  });
  k8s.put({
    apiVersion: rbac,
    kind: "ClusterRole",
    metadata: { name: "conformance-serviceaccount:conformance" },
  });
  k8s.put({
    apiVersion: rbac,
    kind: "ClusterRoleBinding",
    metadata: { name: "conformance-serviceaccount-role:conformance" },
  });
  // The namespace takes a while to terminate, as a real one does.
  k8s.namespaceDeletionMs = 200;
  const lines = ginkgoLog(5, 0);
  const sim = simulateConformance(k8s, [{ lines, exitCode: 0 }]);
  const r = await run(["conformance", "k8s", "--mode", "network-policy", "--talosconfig", cfg], {
    now: NOW,
  });
  assertEquals(r.code, 0, r.stderr);
  assertEquals(messages(r.stderr), [...CLEANED, ...PASSED]);
  assertEquals(r.stdout.split("\n").slice(0, 2), [
    `running conformance tests version ${VERSION}`,
    "running tests: \\[Feature:NetworkPolicy\\]",
  ]);
  assertEquals(env(sim.pods[0]).E2E_EXTRA_GINKGO_ARGS, "--procs=4");
  assertEquals(env(sim.pods[0]).E2E_FOCUS, "\\[Feature:NetworkPolicy\\]");
  assertEquals(k8s.get("v1", "ConfigMap", "leftover", "conformance"), undefined);
  // The namespace was deleted (and waited for) before it was created again; deleted after the
  // run, and once more by the cleanup that always runs last (it finds nothing).
  const nsWrites = k8s.requests
    .filter((q) => q.path.startsWith("/api/v1/namespaces") && /POST|DELETE/.test(q.method))
    .filter((q) => q.path === "/api/v1/namespaces" || q.path === "/api/v1/namespaces/conformance")
    .map((q) => q.method);
  assertEquals(nsWrites, ["DELETE", "POST", "DELETE", "DELETE"]);
  assertCleanedUp(k8s);
});

Deno.test("conformance kubernetes: refusals before any test runs", async () => {
  await using dir = await tempDir();
  const { emu, k8s, cfg } = await cluster(dir.path, ["10.5.0.2", "10.5.0.3"]);
  await using _e = emu;
  await using _k = k8s;
  const mode = await run(["conformance", "kubernetes", "--mode", "slow", "--talosconfig", cfg]);
  assertEquals(mode.code, 1);
  assertEquals(mode.stderr, "unsupported conformance mode slow\n");
  assertEquals(mode.stdout, "");
  const two = await run([
    "conformance",
    "kubernetes",
    "--talosconfig",
    cfg,
    "-n",
    "10.5.0.2,10.5.0.3",
  ]);
  assertEquals(two.code, 1);
  assert(
    two.stderr.startsWith('command "conformance" requires exactly one node (got 2)\n'),
    two.stderr,
  );
  const args = await run(["conformance", "kubernetes", "extra", "--talosconfig", cfg]);
  assertEquals(args.code, 1);
  assert(
    args.stderr.startsWith('unknown command "extra" for "talosctl conformance kubernetes"'),
    args.stderr,
  );
  // Nothing reached either API.
  assertEquals(emu.calls.filter((c) => c.path.endsWith("/Kubeconfig")), []);
  assertEquals(k8s.requests, []);
  // A worker hands out no admin kubeconfig: its refusal is the error.
  const worker = await run(["conformance", "kubernetes", "--talosconfig", cfg, "-n", "10.5.0.3"]);
  assertEquals(worker.code, 1);
  assert(
    worker.stderr.startsWith("error getting kubernetes config: rpc error: code = "),
    worker.stderr,
  );
  assertEquals(k8s.requests, []);
  // A node that is down.
  emu.nodes.get("10.5.0.2")!.faults.down = true;
  const down = await run(["conformance", "kubernetes", "--talosconfig", cfg]);
  assertEquals(down.code, 1);
  assert(
    down.stderr.startsWith("error getting kubernetes config: rpc error: code = "),
    down.stderr,
  );
  assertEquals(down.stdout, "");
  assertEquals(k8s.requests, []);
});

Deno.test("conformance kubernetes: a pod that cannot pull its image fails the deployment; cleanup follows", async () => {
  await using dir = await tempDir();
  const { emu, k8s, cfg } = await cluster(dir.path);
  await using _e = emu;
  await using _k = k8s;
  const message =
    'rpc error: code = NotFound desc = failed to pull image "registry.k8s.io/conformance"';
  simulateConformance(k8s, [{
    lines: [],
    exitCode: 0,
    waiting: { reason: "ErrImagePull", message },
  }]);
  const r = await run(["conformance", "kubernetes", "--talosconfig", cfg], { now: NOW });
  assertEquals(r.code, 1);
  assertEquals(messages(r.stderr), [
    ...DEPLOYED.slice(0, 6),
    ...CLEANED,
    `failed to deploy tests: failed to create Pod: ${message}`,
  ]);
  assertCleanedUp(k8s);
});

Deno.test("conformance kubernetes: Ctrl-C while the tests run still removes the namespace", async () => {
  await using dir = await tempDir();
  const { emu, k8s, cfg } = await cluster(dir.path);
  await using _e = emu;
  await using _k = k8s;
  const lines = ginkgoLog(4, 0);
  simulateConformance(k8s, [{ lines, exitCode: 0, hangAfter: 2 }]);
  const ctl = new AbortController();
  // Interrupted once the first two lines were printed.
  const stop = k8s.observe((type, obj) => {
    if (type === "MODIFIED" && obj.kind === "Pod" && obj.status?.phase === "Running") {
      k8s.later(100, () => ctl.abort(new Error("context canceled")));
    }
  });
  const r = await run(["conformance", "kubernetes", "--talosconfig", cfg], {
    now: NOW,
    signal: ctl.signal,
  });
  stop();
  assertEquals(r.code, 1);
  assertEquals(r.stdout.split("\n").slice(2, 4), lines.slice(0, 2));
  assertEquals(messages(r.stderr), [
    ...DEPLOYED,
    ...CLEANED,
    "failed to get test logs: context canceled",
  ]);
  assertCleanedUp(k8s);
});

Deno.test("conformance kubernetes --mode certified: results and PRODUCT.yaml in v<major>.<minor>/talos", async () => {
  await using dir = await tempDir();
  const { emu, k8s, cfg } = await cluster(dir.path);
  await using _e = emu;
  await using _k = k8s;
  const lines = ginkgoLog(3, 0);
  // Big enough for several WebSocket frames.
  const e2eLog = lines.join("\n").repeat(2000) + "\n";
  const junit = '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites tests="3"></testsuites>\n';
  simulateConformance(k8s, [
    { lines, exitCode: 0, results: { "e2e.log": e2eLog, "junit_01.xml": junit } },
    { lines, exitCode: 0, results: { "e2e.log": "second\n" } },
  ]);
  const results = `${dir.path}/v1.37/talos`;
  // A PRODUCT.yaml of an earlier run is replaced, as talosctl does.
  await Deno.mkdir(results, { recursive: true });
  await Deno.writeTextFile(`${results}/PRODUCT.yaml`, "old\n");
  const r = await run(["conformance", "k8s", "--mode=certified", "--talosconfig", cfg], {
    now: NOW,
    cwd: dir.path,
  });
  assertEquals(r.code, 0, r.stderr);
  assertEquals(r.stdout.split("\n").slice(0, 2), [
    `running conformance tests version ${VERSION}`,
    "running tests: \\[Conformance\\]",
  ]);
  assertEquals(messages(r.stderr), [
    ...PASSED.slice(0, -CLEANED.length),
    "INFO Downloading e2e.log to v1.37/talos/e2e.log...",
    "INFO Downloading junit_01.xml to v1.37/talos/junit_01.xml...",
    ...CLEANED,
  ]);
  assertEquals(await Deno.readTextFile(`${results}/e2e.log`), e2eLog);
  assertEquals(await Deno.readTextFile(`${results}/junit_01.xml`), junit);
  const product = await Deno.readTextFile(`${results}/PRODUCT.yaml`);
  assertEquals(product, productYaml());
  assert(product.startsWith("vendor: Sidero Labs\nname: Talos Linux\n"), product);
  assert(product.includes(`\nversion: ${TALOS_VERSION}\n`), product);
  assertEquals((await Deno.stat(`${results}/PRODUCT.yaml`)).mode! & 0o777, 0o644);
  assertEquals(env(sim(k8s)).E2E_EXTRA_GINKGO_ARGS, "");
  assertEquals(k8s.kubelet.execCalls.map((c) => [c.container, c.command, c.protocol]), [
    ["output-container", ["cat", "/tmp/results/e2e.log"], "v5.channel.k8s.io"],
    ["output-container", ["cat", "/tmp/results/junit_01.xml"], "v5.channel.k8s.io"],
  ]);
  // A run whose report is missing: the download error, the earlier report left whole.
  const again = await run(["conformance", "k8s", "--mode=certified", "--talosconfig", cfg], {
    now: NOW,
    cwd: dir.path,
  });
  assertEquals(again.code, 1);
  // ("command" in the message: talosctl's main adds the usage, as here.)
  assertEquals(
    messages(again.stderr).find((l) => l.startsWith("failed to download")),
    "failed to download results: download failed: command terminated with exit code 1 (stderr: cat: can't open '/tmp/results/junit_01.xml': No such file or directory)",
  );
  assertEquals(await Deno.readTextFile(`${results}/e2e.log`), "second\n");
  assertEquals(await Deno.readTextFile(`${results}/junit_01.xml`), junit);
  assertCleanedUp(k8s);
});

/** The first e2e pod's spec stored in the double's request log. */
function sim(k8s: K8sDouble): Obj {
  return k8s.requests.find((q) => q.method === "POST" && q.path.endsWith("/pods"))!.body!;
}

Deno.test("conformance spinner: only on a terminal (stdout and stderr), never under CI", async () => {
  await using dir = await tempDir();
  const { emu, k8s, cfg } = await cluster(dir.path);
  await using _e = emu;
  await using _k = k8s;
  // Long enough (100 lines, 3 ms apart at least) for the 100 ms spinner to draw.
  const lines = Array.from({ length: 100 }, (_, i) => `line ${i}`).concat("Ginkgo ran 1 suite");
  simulateConformance(k8s, Array(6).fill({ lines, exitCode: 0 }));
  const args = ["conformance", "kubernetes", "--talosconfig", cfg];
  const tty = await run(args, { now: NOW, stdoutIsTTY: true, stderrIsTTY: true });
  assertEquals(tty.code, 0, tty.stderr);
  assert(tty.stdout.includes("\x1b[?7l\r⠈⠁\x1b[?7h"), tty.stdout.slice(0, 300));
  const ci = await run(args, {
    now: NOW,
    stdoutIsTTY: true,
    stderrIsTTY: true,
    env: { CI: "true" },
  });
  assertEquals(ci.code, 0, ci.stderr);
  assert(!ci.stdout.includes("\x1b"), "no spinner under CI");
  const piped = await run(args, { now: NOW, stderrIsTTY: true });
  assertEquals(piped.code, 0, piped.stderr);
  assert(!piped.stdout.includes("\x1b"), "no spinner into a pipe");
  assertEquals(piped.stdout.split("\n").filter((l) => l.startsWith("line ")).length, 200);
});

Deno.test("conformance run: a namespace stuck terminating times out; the second cleanup only warns", async () => {
  await using dir = await tempDir();
  const emu = await startEmulator({ nodes: [simNode("10.5.0.2", { controlPlane: true })] });
  await using _e = emu;
  const k8s = await startKubernetes(emu);
  await using _k = k8s;
  const ca = clusterOf(emu).k8sCA!;
  const now = Date.now();
  const admin = await issueCertificate(ca, {
    subject: { commonName: "admin", organizations: ["system:masters"] },
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 3600_000),
    keyUsage: KeyUsage.digitalSignature,
    extKeyUsage: [EKU_CLIENT_AUTH],
  });
  const client = new K8sClient({ server: k8s.url, ca: ca.crt, cert: admin.crt, key: admin.key });
  k8s.put({ apiVersion: "v1", kind: "Namespace", metadata: { name: "conformance" } });
  k8s.namespacesStuck = true;
  const { deps, stdout, stderr } = fakeDeps({ now: NOW, cwd: dir.path });
  const options = { ...networkPolicyOptions(), deleteTimeoutMs: 300 };
  let error: Error | undefined;
  try {
    await runConformance(
      { deps, k8s: () => Promise.resolve(client), signal: deps.signal },
      options,
    );
  } catch (e) {
    error = e as Error;
  } finally {
    client.close();
  }
  const timedOut =
    'timed out after 300ms waiting for the "conformance" namespace to be deleted: context deadline exceeded';
  assertEquals(error?.message, timedOut);
  assertEquals(stdout.chunks.length, 0);
  const text = new TextDecoder().decode(stderr.bytes());
  assertEquals(messages(text), [
    "INFO Waiting for Namespace conformance to be deleted.",
    // The deferred cleanup finds the namespace still terminating.
    `warning: failed to cleanup: Operation cannot be fulfilled on namespaces "conformance": The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.`,
  ]);
});

Deno.test("health --run-e2e: after the checks pass, the basic-operations tests run", async () => {
  await using dir = await tempDir();
  const { emu, k8s, cfg } = await cluster(dir.path);
  await using _e = emu;
  await using _k = k8s;
  const lines = ginkgoLog(3, 0);
  const sim = simulateConformance(k8s, [{ lines, exitCode: 0 }, { lines, exitCode: 2 }]);
  const args = ["health", "--talosconfig", cfg, "--server=false", "--run-e2e"];
  const r = await run(args, { now: NOW });
  assertEquals(r.code, 0, r.stderr);
  const focus = "Pods should be submitted and removed|" +
    "Services should serve a basic endpoint from pods|" +
    "Services should be able to change the type from ExternalName to ClusterIP";
  assertEquals(
    r.stdout,
    [
      `running conformance tests version ${VERSION}`,
      `running tests: ${focus}`,
      ...lines,
      "tests finished after 0s.",
      "tests completed successfully",
      "",
    ].join("\n"),
  );
  const stderr = messages(r.stderr);
  assertEquals(stderr[0], "waiting for etcd to be healthy: ...");
  assertEquals(stderr.slice(-PASSED.length), PASSED);
  assertEquals(env(sim.pods[0]).E2E_FOCUS, focus);
  assertEquals(env(sim.pods[0]).E2E_EXTRA_GINKGO_ARGS, "--procs=2");
  // Failing tests fail the command (the server-side checks first, here).
  const failed = await run(["health", "--talosconfig", cfg, "--run-e2e"], { now: NOW });
  assertEquals(failed.code, 1);
  assertEquals(failed.stderr.split("\n").at(-2), "tests failed: code 2");
  assertCleanedUp(k8s);
});
