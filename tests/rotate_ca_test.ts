// `talosctl rotate-ca` against the emulator: the dry run (upstream's default) prints every step
// and changes nothing; the real rotation patches every node through ApplyConfiguration in
// upstream's order, the nodes' apid and the Kubernetes API double switch CAs as the configs say,
// and at the end only the new talosconfig (and a new kubeconfig) get in.

import { assertEquals, assertMatch, assertStringIncludes } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import { CP, otherBundle, WORKER } from "./credentials_fixture.ts";
import { simNode, startEmulator, type TestEmulator } from "./emulator/mod.ts";
import { clusterOf } from "./emulator/kubeconfig_handlers.ts";
import { machineConfigOf, setMachineConfig } from "./emulator/resources.ts";
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
