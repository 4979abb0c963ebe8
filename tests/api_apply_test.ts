// `apply-config` against the emulator over mutual TLS (and the maintenance API): modes, dry run,
// patches, warnings, several nodes, a node down, a denied role, and bad input that sends nothing.

import { assert, assertEquals, assertStringIncludes } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import { spkiOf } from "../rpc/transport.ts";
import { MachineService } from "../gen/machine/machine_pb.ts";
import {
  machineConfigOf,
  sampleMachineConfig,
  type SimNode,
  simNode,
  startEmulator,
} from "./emulator/mod.ts";

const APPLY = "/machine.MachineService/ApplyConfiguration";

/** The node's seeded config with an extra certificate SAN: a valid change. */
function changed(node: SimNode | string, san = "cp-1.example.org"): string {
  const text = typeof node === "string" ? node : machineConfigOf(node)!;
  return text.replace(/^ {4}certSANs: \[\]\n/m, `    certSANs:\n        - ${san}\n`);
}

async function setup(dir: string, opts: { roles?: string[]; nodes?: SimNode[] } = {}) {
  const nodes = opts.nodes ?? [simNode("10.5.0.2"), simNode("10.5.0.3")];
  const emu = await startEmulator({ nodes });
  const cfg = await emu.talosconfig(dir, {
    roles: opts.roles ?? ["os:admin"],
    nodes: nodes.map((n) => n.address),
  });
  return { emu, cfg, node: nodes[0] };
}

/** The value of the first `key:` line of a config. */
const field = (text: string, key: string) => new RegExp(`^ *${key}: (.*)$`, "m").exec(text)![1];

const applies = (emu: { calls: { path: string }[] }) =>
  emu.calls.filter((c) => c.path === APPLY).length;

Deno.test("apply-config: auto mode applies without a reboot, active and persistent configs", async () => {
  await using dir = await tempDir();
  const { emu, cfg, node } = await setup(dir.path);
  await using _ = emu;
  const text = changed(node);
  await Deno.writeTextFile(`${dir.path}/cp.yaml`, text);
  const r = await run(["apply-config", "-f", "cp.yaml", "--talosconfig", cfg, "-n", "10.5.0.2"], {
    cwd: dir.path,
  });
  assertEquals(r.stderr, "Applied configuration without a reboot\n");
  assertEquals(r.stdout, "");
  assertEquals(r.code, 0);
  assertEquals(machineConfigOf(node), text);
  assertEquals(machineConfigOf(node, "persistent"), text);
  assertEquals(node.extra.lastApplyMode, "auto(no_reboot)");
});

Deno.test("apply (alias) to several nodes: one reply per node, a node down is an error", async () => {
  await using dir = await tempDir();
  const nodes = [simNode("10.5.0.2"), simNode("10.5.0.3"), simNode("10.5.0.4")];
  const { emu, cfg } = await setup(dir.path, { nodes });
  await using _ = emu;
  nodes[2].faults.down = true;
  const text = changed(nodes[0]);
  await Deno.writeTextFile(`${dir.path}/cp.yaml`, text);
  const r = await run(["apply", "config", "-f", `${dir.path}/cp.yaml`, "--talosconfig", cfg]);
  assertEquals(r.code, 1);
  assertEquals(
    r.stderr,
    "Applied configuration without a reboot\nApplied configuration without a reboot\n" +
      '10.5.0.4: error applying configuration: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 10.5.0.4:50000: connect: connection refused"\n',
  );
  assertEquals(machineConfigOf(nodes[0]), text);
  assertEquals(machineConfigOf(nodes[1]), text);
  assert(machineConfigOf(nodes[2]) !== text);
});

Deno.test("apply-config --mode: no-reboot, staged (persistent only), try (rolled back)", async () => {
  await using dir = await tempDir();
  const { emu, cfg, node } = await setup(dir.path);
  await using _ = emu;
  const original = machineConfigOf(node)!;
  const args = ["--talosconfig", cfg, "-n", "10.5.0.2", "-f", `${dir.path}/c.yaml`];

  const staged1 = changed(original, "staged.example.org");
  await Deno.writeTextFile(`${dir.path}/c.yaml`, staged1);
  const staged = await run(["apply-config", ...args, "--mode", "staged"]);
  assertEquals(staged.stderr, "Staged configuration to be applied after the next reboot\n");
  assertEquals(staged.code, 0);
  assertEquals(machineConfigOf(node), original);
  assertEquals(machineConfigOf(node, "persistent"), staged1);

  const tried = changed(original, "tried.example.org");
  await Deno.writeTextFile(`${dir.path}/c.yaml`, tried);
  // Long enough to still see the tried config once the command returned on a loaded machine.
  const sent = Date.now();
  const t = await run(["apply-config", ...args, "-m", "try", "--timeout", "3s"]);
  assertEquals(
    t.stderr,
    "Applied configuration without a reboot\nThe config is applied in 'try' mode and will be automatically reverted back in 3s\n",
  );
  assertEquals(t.code, 0);
  assertEquals(machineConfigOf(node), tried);
  assertEquals(machineConfigOf(node, "persistent"), staged1);
  // Then it is rolled back, not before the timeout.
  while (machineConfigOf(node) === tried && Date.now() - sent < 60_000) {
    await new Promise((r) => setTimeout(r, 20));
  }
  assertEquals(machineConfigOf(node), original);
  assert(Date.now() - sent >= 2_900, "rolled back before its time");

  const kept = changed(original, "kept.example.org");
  await Deno.writeTextFile(`${dir.path}/c.yaml`, kept);
  const t2 = await run(["apply-config", ...args, "--mode=try"]);
  assertStringIncludes(t2.stderr, "automatically reverted back in 1m0s\n");
  const nr = await run(["apply-config", ...args, "--mode", "no-reboot"]);
  assertEquals(nr.stderr, "Applied configuration without a reboot\n");
  assertEquals(nr.code, 0);
  // A later apply in another mode cancels the pending rollback.
  assertEquals(machineConfigOf(node), kept);
  assertEquals(machineConfigOf(node, "persistent"), kept);

  const bad = await run(["apply-config", ...args, "--mode", "reboot"]);
  assertEquals(bad.code, 1);
  assert(
    bad.stderr.startsWith(
      'invalid argument "reboot" for "-m, --mode" flag: possible options are: auto, no-reboot, staged, try\n\nUsage:\n  talosctl apply-config [flags]\n',
    ),
    bad.stderr,
  );
});

Deno.test("apply-config --dry-run: the node's summary and diff, nothing changes", async () => {
  await using dir = await tempDir();
  const { emu, cfg, node } = await setup(dir.path);
  await using _ = emu;
  const original = machineConfigOf(node)!;
  await Deno.writeTextFile(`${dir.path}/c.yaml`, changed(node));
  const base = ["apply-config", "-f", `${dir.path}/c.yaml`, "--talosconfig", cfg, "-n", "10.5.0.2"];
  const r = await run([...base, "--dry-run"]);
  assertEquals(r.code, 0);
  assertEquals(r.stdout, "");
  const lines = r.stderr.split("\n");
  assertEquals(lines.slice(0, 7), [
    "Dry run summary:",
    "Applied configuration without a reboot (skipped in dry-run).",
    "Config diff:",
    "",
    "--- a",
    "+++ b",
    lines[6],
  ]);
  assertEquals(
    lines.slice(6, 16).join("\n"),
    [
      "@@ -7,7 +7,8 @@",
      `     ca:`,
      `         crt: ${field(original, "crt")}`,
      `         key: ${field(original, "key")}`,
      "-    certSANs: []",
      "+    certSANs:",
      "+        - cp-1.example.org",
      "     features:",
      "         diskQuotaSupport: true",
      " cluster:",
    ].join("\n"),
  );
  assertEquals(machineConfigOf(node), original);

  await Deno.writeTextFile(`${dir.path}/c.yaml`, original);
  const same = await run([...base, "--dry-run", "--mode", "staged"]);
  assertEquals(
    same.stderr,
    "Dry run summary:\nStaged configuration to be applied after the next reboot (skipped in dry-run).\nConfig diff:\n\nNo changes.\n",
  );
});

Deno.test("apply-config --config-patch: patches are applied before sending", async () => {
  await using dir = await tempDir();
  const { emu, cfg, node } = await setup(dir.path);
  await using _ = emu;
  await Deno.writeTextFile(`${dir.path}/c.yaml`, machineConfigOf(node)!);
  await Deno.writeTextFile(`${dir.path}/p.yaml`, "machine:\n  certSANs: [patched.example.org]\n");
  const r = await run([
    "apply-config",
    "-f",
    "c.yaml",
    "-p",
    "@p.yaml",
    "--config-patch",
    "apiVersion: v1alpha1\nkind: HostnameConfig\nhostname: patched\nauto: off\n",
    "--talosconfig",
    cfg,
    "-n",
    "10.5.0.2",
  ], { cwd: dir.path });
  assertEquals(r.stderr, "Applied configuration without a reboot\n");
  assertEquals(r.code, 0);
  const now = machineConfigOf(node)!;
  assertStringIncludes(now, "    certSANs:\n        - patched.example.org\n");
  assertStringIncludes(now, "kind: HostnameConfig\nauto: 'off'\nhostname: patched\n");
});

Deno.test("apply-config: the node's warnings and validation errors are printed as talosctl does", async () => {
  await using dir = await tempDir();
  const { emu, cfg, node } = await setup(dir.path);
  await using _ = emu;
  const withFiles = machineConfigOf(node)!.replace(
    /^machine:\n/m,
    "machine:\n    files:\n        - content: x\n          permissions: 0o644\n          path: /var/f\n          op: create\n",
  );
  await Deno.writeTextFile(`${dir.path}/c.yaml`, withFiles);
  const base = ["apply-config", "-f", `${dir.path}/c.yaml`, "--talosconfig", cfg, "-n", "10.5.0.2"];
  const r = await run(base);
  assertEquals(
    r.stderr,
    "WARNING: .machine.files is deprecated; use dedicated configuration documents instead\nApplied configuration without a reboot\n",
  );
  assertEquals(r.code, 0);

  // Valid for every platform, so it is sent; the metal node wants an install disk.
  const noDisk = machineConfigOf(node)!.replace(
    /^machine:\n/m,
    "machine:\n    install:\n        wipe: false\n",
  );
  await Deno.writeTextFile(`${dir.path}/c.yaml`, noDisk);
  const before = machineConfigOf(node);
  const bad = await run(base);
  assertEquals(bad.code, 1);
  assertEquals(
    bad.stderr,
    "10.5.0.2: error applying configuration: rpc error: code = InvalidArgument desc = 1 error occurred:\n\t* v1alpha1.Config: 1 error occurred:\n\t* either install disk or diskSelector should be defined\n\n\n\n\n",
  );
  assertEquals(machineConfigOf(node), before);
});

Deno.test("apply-config: every warning gets its own newline, as talosctl's cli.Warning adds one", async () => {
  await using dir = await tempDir();
  const { emu, cfg, node } = await setup(dir.path);
  await using _ = emu;
  emu.handle(MachineService.method.applyConfiguration, () => ({
    messages: [{ warnings: ["ends with a newline\n", "plain"], modeDetails: "Applied" }],
  }));
  await Deno.writeTextFile(`${dir.path}/c.yaml`, changed(node));
  const r = await run([
    "apply-config",
    "-f",
    `${dir.path}/c.yaml`,
    "--talosconfig",
    cfg,
    "-n",
    "10.5.0.2",
  ]);
  assertEquals(r.code, 0);
  assertEquals(r.stderr, "WARNING: ends with a newline\n\nWARNING: plain\nApplied\n");
});

Deno.test("apply-config: bad input is refused before anything is sent", async () => {
  await using dir = await tempDir();
  const { emu, cfg, node } = await setup(dir.path);
  await using _ = emu;
  const before = machineConfigOf(node);
  const base = ["apply-config", "--talosconfig", cfg, "-n", "10.5.0.2"];
  const opts = { cwd: dir.path };

  const none = await run(base, opts);
  assertEquals([none.code, none.stderr], [1, "no filename supplied for configuration\n"]);

  const missing = await run([...base, "-f", "nope.yaml"], opts);
  assertEquals(
    missing.stderr,
    'failed to read configuration from "nope.yaml": open nope.yaml: no such file or directory\n',
  );

  await Deno.writeTextFile(`${dir.path}/empty.yaml`, "");
  const empty = await run([...base, "-f", "empty.yaml"], opts);
  assertEquals(empty.stderr, "no configuration data read\n");

  await Deno.writeTextFile(
    `${dir.path}/typo.yaml`,
    machineConfigOf(node)!.replace(/^machine:\n/m, "machine:\n    tpye: worker\n"),
  );
  const typo = await run([...base, "-f", "typo.yaml"], opts);
  assertEquals(typo.code, 1);
  assertStringIncludes(typo.stderr, "typo.yaml: error decoding document /v1alpha1/ (line");
  assertStringIncludes(typo.stderr, "unknown keys found during decoding");

  await Deno.writeTextFile(
    `${dir.path}/invalid.yaml`,
    machineConfigOf(node)!.replace(/^( {4}type: )controlplane$/m, "$1worker"),
  );
  const invalid = await run([...base, "-f", "invalid.yaml"], opts);
  assertEquals(invalid.code, 1);
  assertEquals(
    invalid.stderr,
    "invalid.yaml is not a valid machine configuration, nothing was sent: 2 errors occurred:\n" +
      "\t* v1alpha1.Config: 2 errors occurred:\n" +
      "\t* etcd config is only allowed on control plane machines\n" +
      "\t* issuing Talos API CA key is not allowed on non-controlplane nodes (.machine.ca)\n\n\n" +
      "\t* the following document kinds are only allowed on control plane machines: [KubeAPIServerConfig KubeAdmissionControlConfig KubeAggregatorCAConfig KubeAuditPolicyConfig KubeAuthenticationConfig KubeAuthorizerConfig KubeControllerManagerConfig KubeCoreDNSConfig KubeEtcdEncryptionConfig KubeFlannelCNIConfig KubeProxyConfig KubeSchedulerConfig KubeServiceAccountConfig]\n",
  );

  const patch = await run([...base, "-f", "typo.yaml", "-p", "@missing-patch.yaml"], opts);
  assertEquals(patch.code, 1);
  assertStringIncludes(patch.stderr, "missing-patch.yaml");

  const unknownArg = await run([...base, "nodes", "-f", "x"], opts);
  assertEquals(unknownArg.stderr, "unknown positional argument nodes\n");
  assert(unknownArg.stdout.startsWith("Send a machine config to nodes\n\nUsage:\n"));
  const byName = await run([...base, "config", "-f", "x"], opts);
  assertEquals(byName.stderr, "expected no positional arguments\n");

  assertEquals(applies(emu), 0);
  assertEquals(machineConfigOf(node), before);
});

Deno.test("apply-config: a reader may not apply to a configured node", async () => {
  await using dir = await tempDir();
  const { emu, cfg, node } = await setup(dir.path, { roles: ["os:reader"] });
  await using _ = emu;
  const before = machineConfigOf(node);
  await Deno.writeTextFile(`${dir.path}/c.yaml`, changed(node));
  const r = await run(["apply-config", "-f", `${dir.path}/c.yaml`, "--talosconfig", cfg]);
  assertEquals(r.code, 1);
  assertEquals(
    r.stderr,
    "10.5.0.2: error applying configuration: rpc error: code = PermissionDenied desc = not authorized\n" +
      "10.5.0.3: error applying configuration: rpc error: code = PermissionDenied desc = not authorized\n",
  );
  assertEquals(machineConfigOf(node), before);
});

Deno.test("apply-config --insecure: a maintenance node takes its first config, then wants mTLS", async () => {
  await using dir = await tempDir();
  const node = simNode("10.5.0.2", { etcd: undefined });
  await using emu = await startEmulator({ nodes: [node], maintenance: true });
  assertEquals(machineConfigOf(node), undefined);
  const text = sampleMachineConfig(true);
  await Deno.writeTextFile(`${dir.path}/cp.yaml`, text);

  const wrong = await run([
    "apply-config",
    "-i",
    "-n",
    emu.endpoint,
    "-f",
    `${dir.path}/cp.yaml`,
    "--cert-fingerprint",
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
  ]);
  assertEquals(wrong.code, 1);
  assertStringIncludes(
    wrong.stderr,
    `${emu.endpoint}: error applying configuration: rpc error: code = Unavailable desc = connection error: desc = "transport: authentication handshake failed: leaf peer certificate doesn't match the provided fingerprints: [AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=]"`,
  );
  assertEquals(machineConfigOf(node), undefined);

  // Pinned to the key of the certificate the node serves.
  const der = Uint8Array.from(
    atob(emu.options.tls.cert.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "")),
    (c) => c.charCodeAt(0),
  );
  const sum = new Uint8Array(await crypto.subtle.digest("SHA-256", spkiOf(der)!.slice()));
  const fingerprint = btoa(String.fromCharCode(...sum));
  const r = await run([
    "apply-config",
    "--insecure",
    "-n",
    emu.endpoint,
    "-f",
    `${dir.path}/cp.yaml`,
    "--cert-fingerprint",
    fingerprint,
  ]);
  assertEquals(r.stderr, "Applied configuration without a reboot\n");
  assertEquals(r.code, 0);
  assertEquals(machineConfigOf(node), text);
  assertEquals(emu.calls.filter((c) => c.path === APPLY).map((c) => c.roles), [["os:reader"]]);

  // Configured: the maintenance API is gone.
  const again = await run(["apply-config", "-i", "-n", emu.endpoint, "-f", `${dir.path}/cp.yaml`]);
  assertEquals(again.code, 1);
  assertStringIncludes(again.stderr, `${emu.endpoint}: error applying configuration: rpc error:`);
});
