// `talosctl rotate-ca` against the emulator: the dry run (upstream's default) prints every step
// and changes nothing; the real rotation patches every node through ApplyConfiguration in
// upstream's order, the nodes' apid and the Kubernetes API double switch CAs as the configs say,
// and at the end only the new talosconfig (and a new kubeconfig) get in.

import { assertEquals, assertMatch, assertStringIncludes } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import { checkClientCertificate, CP, otherBundle, WORKER } from "./credentials_fixture.ts";
import { kubectl } from "./kubeconfig_kubectl.ts";
import { parseTalosconfig } from "../clientconfig/talosconfig.ts";
import { simNode, startEmulator, type TestEmulator } from "./emulator/mod.ts";
import { clusterOf } from "./emulator/kubeconfig_handlers.ts";
import {
  machineConfigOf,
  putResource,
  resourceStore,
  setMachineConfig,
} from "./emulator/resources.ts";
import { followMachineConfigPki, type PkiFollower } from "./emulator/pki_handlers.ts";
import { type K8sDouble, startK8sDouble } from "./k8s_double/server.ts";
import { populateCluster } from "./k8s_double/cluster.ts";
import { encodeSecretsBundle } from "../pki/secrets_encode.ts";
import type { SecretsBundle } from "../pki/secrets_types.ts";
import { configCredentials } from "../machineconfig/credentials.ts";

const CP2 = "10.5.0.3";

interface Rig {
  emu: TestEmulator;
  k8s: K8sDouble;
  pki: PkiFollower;
  bundle: SecretsBundle;
  tc: string;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Two control planes and a worker whose configs come from one bundle; Kubernetes double up. */
async function rig(dir: string): Promise<Rig> {
  const emu = await startEmulator({
    nodes: [simNode(CP), simNode(CP2), simNode(WORKER, { controlPlane: false })],
  });
  for (const n of emu.nodes.values()) n.version = { ...n.version, tag: "v1.14.0" };
  const bundle = await otherBundle(11);
  bundle.certs.os = { crt: emu.ca.cert, key: emu.ca.key };
  await Deno.writeTextFile(`${dir}/secrets.yaml`, encodeSecretsBundle(bundle));
  const k8s = await startK8sDouble({ ca: bundle.certs.k8s });
  populateCluster(
    k8s,
    [...emu.nodes.values()].map((n) => ({
      address: n.address,
      hostname: n.hostname,
      controlPlane: n.controlPlane,
    })),
    "1.30.0",
  );
  const r = await run([
    "gen",
    "config",
    "test-cluster",
    `https://${CP}:6443`,
    "--with-secrets",
    `${dir}/secrets.yaml`,
    "-o",
    `${dir}/gen`,
  ]);
  assertEquals(r.code, 0, r.stderr);
  for (const n of emu.nodes.values()) {
    const file = n.controlPlane ? "controlplane.yaml" : "worker.yaml";
    setMachineConfig(n, await Deno.readTextFile(`${dir}/gen/${file}`));
  }
  clusterOf(emu).endpoint = k8s.url;
  const pki = followMachineConfigPki(emu, { k8s });
  await pki.settled();
  const tc = await emu.talosconfig(dir, { nodes: [CP] });
  return {
    emu,
    k8s,
    pki,
    bundle,
    tc,
    async [Symbol.asyncDispose]() {
      pki.stop();
      await k8s.close();
      await emu.close();
    },
  };
}

const B64 = "[A-Za-z0-9+/=]+";

Deno.test("rotate-ca: the dry run shows every step and changes nothing", async () => {
  await using dir = await tempDir();
  await using rg = await rig(dir.path);
  const before = [...rg.emu.nodes.values()].map((n) => machineConfigOf(n));
  await Deno.mkdir(`${dir.path}/work`);
  const r = await run(["rotate-ca", "--talosconfig", rg.tc, "-n", CP], {
    cwd: `${dir.path}/work`,
  });
  assertEquals([r.code, r.stderr], [0, ""]);
  const endpoints = `\\["${rg.emu.endpoint.replaceAll(".", "\\.")}"\\]`;
  const nodes = `  - control plane nodes: \\["10\\.5\\.0\\.2" "10\\.5\\.0\\.3"\\]\\n` +
    `  - worker nodes: \\["10\\.5\\.0\\.4"\\]\\n`;
  const ca = (title: string) => `> ${title}:\\n  crt: ${B64}\\n  key: ${B64}\\n`;
  const each = (what: string) =>
    ["10\\.5\\.0\\.2", "10\\.5\\.0\\.3", "10\\.5\\.0\\.4"].map((n) => `  - ${n}: ${what}\\n`)
      .join("");
  const dry = "> Dry-run mode enabled, no changes were made to the cluster, re-run with " +
    "`--dry-run=false` to apply the changes\\.\\n";
  assertMatch(
    r.stdout,
    new RegExp(
      "^> Starting Talos API PKI rotation, dry-run mode true\\.\\.\\.\\n" +
        '> Using config context: "test"\\n' +
        `> Using Talos API endpoints: ${endpoints}\\n` +
        "> Cluster topology:\\n" + nodes +
        ca("Current Talos CA") + ca("New Talos CA") +
        "> Generating new talosconfig:\\n" +
        "context: test\\ncontexts:\\n    test:\\n        endpoints:\\n" +
        `            - ${rg.emu.endpoint.replaceAll(".", "\\.")}\\n` +
        `        ca: ${B64}\\n        crt: ${B64}\\n        key: ${B64}\\n\\n` +
        "> Verifying connectivity with existing PKI:\\n" + each("OK \\(dry-run\\)") +
        "> Adding new Talos CA as accepted\\.\\.\\.\\n" + each("skipped \\(dry-run\\)") +
        "> Verifying connectivity with new client cert, but old server CA:\\n" +
        each("OK \\(dry-run\\)") +
        "> Making new Talos CA the issuing CA, old Talos CA the accepted CA\\.\\.\\.\\n" +
        each("skipped \\(dry-run\\)") +
        "> Verifying connectivity with new PKI:\\n" + each("OK \\(dry-run\\)") +
        "> Removing old Talos CA from the accepted CAs\\.\\.\\.\\n" +
        each("skipped \\(dry-run\\)") +
        "> Verifying connectivity with new PKI:\\n" + each("OK \\(dry-run\\)") +
        dry +
        "> Starting Kubernetes API PKI rotation, dry-run mode true\\.\\.\\.\\n" +
        "> Cluster topology:\\n" + nodes +
        "> Building current Kubernetes client\\.\\.\\.\\n" +
        ca("Current Kubernetes CA") + ca("New Kubernetes CA") +
        "> Verifying connectivity with existing PKI\\.\\.\\.\\n - OK \\(dry-run mode\\)\\n" +
        "> Adding new Kubernetes CA as accepted\\.\\.\\.\\n" + each("skipped \\(dry-run\\)") +
        "> Making new Kubernetes CA the issuing CA, old Kubernetes CA the accepted CA\\.\\.\\.\\n" +
        each("skipped \\(dry-run\\)") +
        "> Building new Kubernetes client\\.\\.\\.\\n" +
        "> Verifying connectivity with new PKI\\.\\.\\.\\n - OK \\(dry-run mode\\)\\n" +
        "> Removing old Kubernetes CA from the accepted CAs\\.\\.\\.\\n" +
        each("skipped \\(dry-run\\)") +
        "> Verifying connectivity with new PKI\\.\\.\\.\\n - OK \\(dry-run mode\\)\\n" +
        dry + "$",
    ),
  );
  // The current CAs printed are the cluster's.
  assertStringIncludes(r.stdout, `> Current Talos CA:\n  crt: ${btoa(rg.emu.ca.cert)}\n`);
  assertStringIncludes(
    r.stdout,
    `> Current Kubernetes CA:\n  crt: ${btoa(rg.bundle.certs.k8s.crt)}\n`,
  );
  assertEquals([...rg.emu.nodes.values()].map((n) => machineConfigOf(n)), before);
  assertEquals(rg.emu.calls.filter((c) => c.path.endsWith("/ApplyConfiguration")), []);
  assertEquals(rg.k8s.requests, [], "a dry run does not call the Kubernetes API");
  assertEquals([...Deno.readDirSync(`${dir.path}/work`)], [], "a dry run writes no talosconfig");
});

Deno.test("rotate-ca: refusals before anything changes", async (t) => {
  await using dir = await tempDir();
  await using rg = await rig(dir.path);
  await t.step("an --output that exists", async () => {
    await Deno.writeTextFile(`${dir.path}/talosconfig`, "mine\n");
    const r = await run(["rotate-ca", "--talosconfig", rg.tc, "-n", CP, "--dry-run=false"], {
      cwd: dir.path,
    });
    assertEquals([r.code, r.stdout], [1, ""]);
    assertEquals(
      r.stderr,
      'file "talosconfig" already exists: the new talosconfig is written there once the rotation is done; choose another --output (or --force to overwrite it)\n',
    );
    assertEquals(await Deno.readTextFile(`${dir.path}/talosconfig`), "mine\n");
    assertEquals(rg.emu.calls, []);
  });
  await t.step("several nodes", async () => {
    const r = await run(["rotate-ca", "--talosconfig", rg.tc, "-n", `${CP},${CP2}`]);
    assertEquals(r.code, 1);
    assertStringIncludes(r.stderr, 'command "rotate-ca" requires exactly one node (got 2)');
  });
  await t.step("a bad node list", async () => {
    const r = await run(["rotate-ca", "--talosconfig", rg.tc, "--control-plane-nodes", "1.2.3"]);
    assertEquals(r.code, 1);
    assertMatch(r.stderr, /^ParseAddr\("1\.2\.3"\): /);
  });
  await t.step("a role that may not read the CAs", async () => {
    const reader = await rg.emu.talosconfig(`${dir.path}/gen`, {
      nodes: [CP],
      roles: ["os:reader"],
    });
    const r = await run(["rotate-ca", "--talosconfig", reader]);
    assertEquals(r.code, 1);
    assertEquals(
      r.stderr,
      "error rotating Talos CA: error fetching existing Talos CA: rpc error: code = PermissionDenied desc = not authorized\n",
    );
  });
  assertEquals(
    rg.emu.calls.filter((c) => c.path.endsWith("/ApplyConfiguration")),
    [],
  );
  // The configs still name the original CAs.
  const creds = configCredentials(machineConfigOf(rg.emu.nodes.get(CP)!)!, "cp");
  assertEquals(creds.osCA?.crt, rg.emu.ca.cert);
});

Deno.test("rotate-ca --dry-run=false: both CAs rotated node by node; only the new credentials get in", async () => {
  await using dir = await tempDir();
  await using rg = await rig(dir.path);
  const work = `${dir.path}/work`;
  await Deno.mkdir(work);
  // The admin kubeconfig of the old CA, to see it refused afterwards.
  let r = await run(["kubeconfig", "--talosconfig", rg.tc, "-m=false", `${work}/old-kubeconfig`]);
  assertEquals(r.code, 0, r.stderr);
  const started = new Date();
  r = await run(
    ["rotate-ca", "--talosconfig", rg.tc, "-n", CP, "--dry-run=false", "-o", "new/talosconfig"],
    { cwd: work },
  );
  assertEquals([r.code, r.stderr], [0, ""]);
  const ips = ["10\\.5\\.0\\.2", "10\\.5\\.0\\.3", "10\\.5\\.0\\.4"];
  const each = (what: string) => ips.map((n) => `  - ${n}: ${what}\\n`).join("");
  const version = each("OK \\(version v1\\.14\\.0\\)");
  assertMatch(
    r.stdout,
    new RegExp(
      "> Verifying connectivity with existing PKI:\\n" + version +
        "> Adding new Talos CA as accepted\\.\\.\\.\\n" + each("OK") +
        "> Verifying connectivity with new client cert, but old server CA:\\n" + version +
        "> Making new Talos CA the issuing CA, old Talos CA the accepted CA\\.\\.\\.\\n" +
        each("OK") +
        "> Verifying connectivity with new PKI:\\n" + version +
        "> Removing old Talos CA from the accepted CAs\\.\\.\\.\\n" + each("OK") +
        "> Verifying connectivity with new PKI:\\n" + version +
        '> Writing new talosconfig to "new/talosconfig"\\n' +
        "> Starting Kubernetes API PKI rotation, dry-run mode false\\.\\.\\.\\n",
    ),
  );
  assertStringIncludes(
    r.stdout,
    "> Verifying connectivity with existing PKI...\n - OK (3 nodes ready)\n" +
      "> Adding new Kubernetes CA as accepted...\n" +
      "  - 10.5.0.2: OK\n  - 10.5.0.3: OK\n  - 10.5.0.4: OK\n" +
      "> Making new Kubernetes CA the issuing CA, old Kubernetes CA the accepted CA...\n" +
      "  - 10.5.0.2: OK\n  - 10.5.0.3: OK\n  - 10.5.0.4: OK\n" +
      "> Building new Kubernetes client...\n" +
      "> Verifying connectivity with new PKI...\n - OK (3 nodes ready)\n" +
      "> Removing old Kubernetes CA from the accepted CAs...\n" +
      "  - 10.5.0.2: OK\n  - 10.5.0.3: OK\n  - 10.5.0.4: OK\n" +
      "> Verifying connectivity with new PKI...\n - OK (3 nodes ready)\n" +
      "> Kubernetes CA rotation done, new 'kubeconfig' can be fetched with `talosctl kubeconfig`.\n",
  );

  // Three patches per node for each CA, node by node in upstream's order.
  const applies = rg.emu.calls.filter((c) => c.path.endsWith("/ApplyConfiguration"));
  assertEquals(applies.map((c) => c.node), Array(6).fill([CP, CP2, WORKER]).flat());

  // Written back with documentation and examples (upstream's defaults).
  assertStringIncludes(
    machineConfigOf(rg.emu.nodes.get(CP)!)!,
    "version: v1alpha1 # Format version of this document.\n",
  );

  // The printed new CAs are the ones the nodes now have, alone.
  const printed = (title: string) => {
    const m = new RegExp(`> ${title}:\\n  crt: (\\S+)\\n  key: (\\S+)\\n`).exec(r.stdout)!;
    return { crt: atob(m[1]), key: atob(m[2]) };
  };
  const newOs = printed("New Talos CA"), newK8s = printed("New Kubernetes CA");
  for (const n of rg.emu.nodes.values()) {
    const c = configCredentials(machineConfigOf(n)!, n.address);
    assertEquals(c.osCA, n.controlPlane ? newOs : { crt: newOs.crt, key: "" }, n.address);
    assertEquals(c.osAcceptedCAs, [], n.address);
    assertEquals(c.k8sCA, n.controlPlane ? newK8s : { crt: newK8s.crt, key: "" }, n.address);
    assertEquals(c.k8sAcceptedCAs, [newK8s.crt], n.address);
    // Every Kubernetes CA change restarted the kubelet: three times.
    const restarts = resourceStore(n).history.filter((e) =>
      e.type === "destroyed" && e.resource.id === "kubelet"
    );
    assertEquals(restarts.length, 3, n.address);
  }

  // The new talosconfig (0600) reaches every node; the old one is refused.
  const fresh = `${work}/new/talosconfig`;
  assertEquals((await Deno.stat(fresh)).mode! & 0o777, 0o600);
  r = await run(["version", "--talosconfig", fresh, "-n", `${CP},${CP2},${WORKER}`]);
  assertEquals([r.code, r.stderr], [0, ""]);
  r = await run(["version", "--talosconfig", rg.tc]);
  assertEquals(r.code, 1);
  assertMatch(r.stderr, /x509: certificate signed by unknown authority/);
  const ctx = parseTalosconfig(await Deno.readTextFile(fresh), fresh).contexts.test;
  assertEquals(atob(ctx.ca!), newOs.crt);
  assertEquals(ctx.endpoints, [rg.emu.endpoint]);
  await checkClientCertificate(work, atob(ctx.crt!), atob(ctx.key!), {
    caPem: newOs.crt,
    subject: "O = os:admin",
    lifetimeMs: 365 * 24 * 3_600_000,
    issuedAt: started,
    backdateMs: 10_000,
    keyUsage: "Digital Signature",
    toleranceMs: 60_000,
  });

  // Kubernetes: a fresh admin kubeconfig trusts and is trusted by the new CA; the old one is out.
  r = await run(["kubeconfig", "--talosconfig", fresh, "-n", CP, "-m=false", `${work}/kubeconfig`]);
  assertEquals(r.code, 0, r.stderr);
  const kc = await Deno.readTextFile(`${work}/kubeconfig`);
  assertStringIncludes(kc, `certificate-authority-data: ${btoa(newK8s.crt)}`);
  const nodesNow = await kubectl(`${work}/kubeconfig`, ["get", "nodes", "-o", "name"]);
  if (nodesNow) {
    assertEquals(nodesNow.code, 0, nodesNow.stderr);
    assertEquals(nodesNow.stdout.trim().split("\n").length, 3);
    const old = await kubectl(`${work}/old-kubeconfig`, ["get", "nodes", "-o", "name"]);
    assertEquals(old!.code, 1);
    assertMatch(old!.stderr, /certificate signed by unknown authority/);
  }
});

Deno.test("rotate-ca --kubernetes only: a kubelet that is not healthy stops the rotation there", async () => {
  await using dir = await tempDir();
  await using rg = await rig(dir.path);
  const worker = rg.emu.nodes.get(WORKER)!;
  putResource(
    worker,
    "runtime",
    "Services.v1alpha1.talos.dev",
    "kubelet",
    "running: true\nhealthy: false\n",
  );
  const r = await run([
    "rotate-ca",
    "--talosconfig",
    rg.tc,
    "-n",
    CP,
    "--dry-run=false",
    "--talos=false",
    "--with-docs=false",
    "--with-examples=false",
  ]);
  assertEquals(r.code, 1);
  assertEquals(
    r.stderr,
    "error rotating Kubernetes CA: error patching all machine configs: error patching node 10.5.0.4: kubelet is not healthy\n",
  );
  assertStringIncludes(
    r.stdout,
    "> Adding new Kubernetes CA as accepted...\n  - 10.5.0.2: OK\n  - 10.5.0.3: OK\n",
  );
  assertEquals(r.stdout.includes("Talos API PKI"), false);
  // The control planes accept the new CA already; the worker was left alone.
  const applies = rg.emu.calls.filter((c) => c.path.endsWith("/ApplyConfiguration"));
  assertEquals(applies.map((c) => c.node), [CP, CP2]);
  assertEquals(configCredentials(machineConfigOf(worker)!, "w").k8sAcceptedCAs.length, 1);
  assertEquals(machineConfigOf(rg.emu.nodes.get(CP)!)!.includes("#"), false, "no comments");
  assertEquals(
    configCredentials(machineConfigOf(rg.emu.nodes.get(CP)!)!, "cp").k8sAcceptedCAs.length,
    2,
  );
});
