// `talosctl config renew` against the emulator over real mutual TLS: online renewal through
// GenerateClientConfiguration, offline renewal from the secrets bundle or controlplane.yaml of an
// expired talosconfig, openssl checks of the new certificate, and bad input that must leave the
// talosconfig byte for byte as it was.

import {
  assert,
  assertEquals,
  assertMatch,
  assertNotEquals,
  assertStringIncludes,
} from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import {
  checkClientCertificate,
  CP,
  otherBundle,
  startCluster,
  WORKER,
} from "./credentials_fixture.ts";
import { encodeSecretsBundle } from "../pki/secrets_encode.ts";
import { parseTalosconfig } from "../clientconfig/talosconfig.ts";
import { parseCertificatePem } from "../pki/cert_info.ts";

const HOUR = 3_600_000, DAY = 24 * HOUR;

async function load(path: string, context?: string) {
  const cfg = parseTalosconfig(await Deno.readTextFile(path), path);
  const ctx = cfg.contexts[context ?? cfg.context];
  return { cfg, ctx, crt: parseCertificatePem(atob(ctx.crt!)), key: atob(ctx.key!) };
}

async function mode(path: string): Promise<number> {
  return (await Deno.stat(path)).mode! & 0o777;
}

const DATE = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC";

Deno.test("config renew online: same roles, endpoints, nodes and CA; new key; 0600; works", async () => {
  await using dir = await tempDir();
  const { emu } = await startCluster(dir.path);
  await using _ = emu;
  const tc = await emu.talosconfig(dir.path, {
    nodes: [CP, "10.5.0.3"],
    notAfter: new Date(Date.now() + 10 * DAY + HOUR),
  });
  await Deno.chmod(tc, 0o644);
  const before = await load(tc);

  // Ten days left: every command that dials warns once, on stderr only.
  let r = await run(["version", "--talosconfig", tc, "-n", CP]);
  assertEquals(r.code, 0, r.stderr);
  assertMatch(
    r.stderr,
    new RegExp(
      `^warning: the client certificate of talosconfig context "test" expires in 10 days \\(${DATE}\\); renew it now with \`talosctl config renew --talosconfig ${tc}\`\\n$`,
    ),
  );
  assert(!r.stdout.includes("warning"));

  const started = new Date();
  r = await run(["config", "renew", "--talosconfig", tc]);
  assertEquals(r.code, 0, r.stderr);
  assertEquals(r.stderr, "");
  assertMatch(
    r.stdout,
    new RegExp(
      `^renewed the client certificate of context "test" in ${tc}\\n` +
        `roles:      os:admin\\n` +
        `issued by:  endpoint 127\\.0\\.0\\.1:\\d+\\n` +
        `old expiry: ${DATE} \\(in 10 days\\)\\n` +
        `new expiry: ${DATE} \\(in 365 days\\)\\n$`,
    ),
  );
  // No node metadata: the endpoint itself answers.
  assertEquals(emu.calls.slice(-1).map((c) => [c.path, c.node]), [
    ["/machine.MachineService/GenerateClientConfiguration", CP],
  ]);
  assertEquals(await mode(tc), 0o600);
  const after = await load(tc);
  assertEquals(after.ctx.endpoints, before.ctx.endpoints);
  assertEquals(after.ctx.nodes, [CP, "10.5.0.3"]);
  assertEquals(after.ctx.ca, before.ctx.ca);
  assertNotEquals(after.ctx.key, before.ctx.key);
  assertEquals(after.crt.subjectOrganizations, ["os:admin"]);
  await checkClientCertificate(dir.path, atob(after.ctx.crt!), after.key, {
    caPem: emu.ca.cert,
    subject: "O = os:admin",
    lifetimeMs: 8760 * HOUR,
    issuedAt: started,
    backdateMs: 0,
    keyUsage: "Digital Signature",
  });

  // The renewed file works, without a warning.
  r = await run(["version", "--talosconfig", tc, "-n", CP]);
  assertEquals([r.code, r.stderr], [0, ""]);
});

Deno.test("config renew online: --crt-ttl, --context, -n, -o json, several roles", async () => {
  await using dir = await tempDir();
  const { emu } = await startCluster(dir.path);
  await using _ = emu;
  const tc = await emu.talosconfig(dir.path, {
    roles: ["os:admin", "os:etcd:backup"],
    contextName: "second",
  });
  // Another context is current; --context picks the one to renew.
  const text = (await Deno.readTextFile(tc)).replace("context: second", "context: other") +
    "    other:\n        endpoints:\n            - 10.9.9.9\n";
  await Deno.writeTextFile(tc, text);
  const started = new Date();
  const r = await run([
    "config",
    "renew",
    "--talosconfig",
    tc,
    "--context",
    "second",
    "-n",
    CP,
    "--crt-ttl",
    "48h",
    "-o",
    "json",
  ]);
  assertEquals(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assertEquals(Object.keys(out), [
    "context",
    "talosconfig",
    "roles",
    "issuedBy",
    "caReplaced",
    "oldNotAfter",
    "oldExpired",
    "newNotAfter",
  ]);
  assertEquals(
    [out.context, out.talosconfig, out.roles, out.issuedBy, out.caReplaced, out.oldExpired],
    ["second", tc, ["os:admin", "os:etcd:backup"], `node ${CP}`, false, false],
  );
  assertMatch(out.newNotAfter, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert(Math.abs(Date.parse(out.newNotAfter) - (started.getTime() + 48 * HOUR)) < 10_000);
  assertEquals(emu.calls.map((c) => [c.path, c.node]), [
    ["/machine.MachineService/GenerateClientConfiguration", CP],
  ]);
  const after = await load(tc, "second");
  assertEquals(after.crt.subjectOrganizations.sort(), ["os:admin", "os:etcd:backup"]);
  assertEquals(after.cfg.context, "other");
});

Deno.test("config renew online: refusals name the way out and change nothing", async (t) => {
  await using dir = await tempDir();
  const { emu } = await startCluster(dir.path);
  await using _ = emu;

  async function refused(args: string[], tc: string, message: string | RegExp) {
    const bytes = await Deno.readFile(tc);
    const r = await run(["config", "renew", "--talosconfig", tc, ...args]);
    assertEquals([r.code, r.stdout], [1, ""]);
    if (typeof message === "string") assertEquals(r.stderr, message + "\n");
    else assertMatch(r.stderr, message);
    assertEquals(await Deno.readFile(tc), bytes, "the talosconfig must be unchanged");
  }

  await t.step("expired certificate", async () => {
    const tc = await emu.talosconfig(dir.path, {
      notBefore: new Date("2020-01-01T00:00:00Z"),
      notAfter: new Date("2021-01-01T00:00:00Z"),
    });
    const calls = emu.calls.length;
    await refused(
      [],
      tc,
      'the client certificate of context "test" expired on 2021-01-01 00:00:00 UTC: nodes refuse it, so it cannot be renewed online; sign a new one with the cluster\'s Talos API CA instead: --from-secrets secrets.yaml or --from-controlplane-config controlplane.yaml',
    );
    assertEquals(emu.calls.length, calls);
  });
  await t.step("a role that may not issue certificates", async () => {
    const tc = await emu.talosconfig(dir.path, { roles: ["os:reader"] });
    await refused(
      [],
      tc,
      "rpc error: code = PermissionDenied desc = not authorized\nrenewing online takes a certificate with the os:admin role; renew offline with --from-secrets secrets.yaml or --from-controlplane-config controlplane.yaml",
    );
  });
  await t.step("a worker node", async () => {
    const tc = await emu.talosconfig(dir.path, {});
    await refused(
      ["-n", WORKER],
      tc,
      "rpc error: code = Unimplemented desc = generate client configuration is only available on control plane nodes\nask a control plane node: --nodes <control plane address>",
    );
  });
  await t.step("several nodes", async () => {
    const tc = await emu.talosconfig(dir.path, {});
    await refused(
      ["-n", `${CP},${WORKER}`],
      tc,
      /^command "config renew" requires exactly one node \(got 2\)\n/,
    );
  });
  await t.step("node down", async () => {
    const tc = await emu.talosconfig(dir.path, {});
    emu.nodes.get(CP)!.faults.down = true;
    await refused(["-n", CP], tc, /^rpc error: code = Unavailable desc = connection error: /);
    emu.nodes.get(CP)!.faults.down = false;
  });
  await t.step("a node whose CA is not the context's", async () => {
    const other = await otherBundle(5);
    const tc = await emu.talosconfig(dir.path, {});
    const { clusterOf } = await import("./emulator/kubeconfig_handlers.ts");
    const real = clusterOf(emu).osCA;
    clusterOf(emu).osCA = other.certs.os;
    await refused(
      [],
      tc,
      /^the Talos API CA of endpoint 127\.0\.0\.1:\d+ is not the CA of context "test" \(SHA-256 [0-9a-f:]+\.\.\. vs [0-9a-f:]+\.\.\.\): it belongs to another cluster, or the CA was rotated; nothing was changed \(--force signs with it anyway and makes it the context's CA\)\n$/,
    );
    clusterOf(emu).osCA = real;
  });
  await t.step("bad flags", async () => {
    const tc = await emu.talosconfig(dir.path, {});
    await refused(
      ["--crt-ttl", "0s"],
      tc,
      "invalid --crt-ttl 0s: a certificate must be valid for a positive time",
    );
    await refused(["-o", "yaml"], tc, 'unknown output format: "yaml" (use text or json)');
    await refused(
      ["--from-secrets", "a", "--from-controlplane-config", "b"],
      tc,
      "--from-secrets and --from-controlplane-config cannot be used together: pick one",
    );
  });
});

Deno.test("config renew --from-secrets: an expired talosconfig works again; the old one stays refused", async () => {
  await using dir = await tempDir();
  const { emu, secrets } = await startCluster(dir.path);
  await using _ = emu;
  // Expired an hour ago.
  const expiry = new Date(Math.floor(Date.now() / 1000) * 1000 - HOUR);
  const tc = await emu.talosconfig(dir.path, {
    nodes: [CP],
    notBefore: new Date(expiry.getTime() - 30 * DAY),
    notAfter: expiry,
  });
  const old = await Deno.readTextFile(tc);
  await Deno.writeTextFile(`${dir.path}/old-talosconfig`, old);

  let r = await run(["version", "--talosconfig", tc]);
  assertEquals(r.code, 1);
  assertEquals(
    r.stderr,
    `client certificate of talosconfig context "test" expired on ${
      expiry.toISOString().replace("T", " ").replace(".000Z", " UTC")
    }: nodes refuse it, so it cannot renew itself; issue a new one from the cluster's secrets bundle with \`talosctl config renew --talosconfig ${tc} --from-secrets secrets.yaml\` (or --from-controlplane-config controlplane.yaml)\n`,
  );

  const started = new Date();
  r = await run([
    "config",
    "renew",
    "--talosconfig",
    tc,
    "--from-secrets",
    secrets,
    "--crt-ttl",
    "1000h",
  ]);
  assertEquals(r.code, 0, r.stderr);
  assertMatch(
    r.stdout,
    new RegExp(
      `^renewed the client certificate of context "test" in ${tc}\\n` +
        `roles:      os:admin\\n` +
        `issued by:  secrets bundle "${secrets}"\\n` +
        `old expiry: ${
          expiry.toISOString().replace("T", " ").replace(".000Z", " UTC")
        } \\(expired\\)\\n` +
        `new expiry: ${DATE} \\(in 42 days\\)\\n$`,
    ),
  );
  assertEquals(emu.calls, [], "offline renewal makes no call");
  const after = await load(tc);
  await checkClientCertificate(dir.path, atob(after.ctx.crt!), after.key, {
    caPem: emu.ca.cert,
    subject: "O = os:admin",
    lifetimeMs: 1000 * HOUR,
    issuedAt: started,
    backdateMs: 10_000,
    keyUsage: "Digital Signature",
  });
  assertEquals(after.ctx.ca, btoa(emu.ca.cert));

  r = await run(["version", "--talosconfig", tc]);
  assertEquals([r.code, r.stderr], [0, ""]);
  assertStringIncludes(r.stdout, `\tNODE:        ${CP}\n`);

  // The node itself refuses the old certificate (seen with a clock from before its expiry, so
  // that the client's own check lets it through).
  r = await run(["version", "--talosconfig", `${dir.path}/old-talosconfig`], {
    now: new Date(expiry.getTime() - DAY),
  });
  assertEquals(r.code, 1);
  // By that clock it expires in a day: the warning comes first, then the node's refusal.
  assertMatch(
    r.stderr,
    new RegExp(
      `^warning: the client certificate of talosconfig context "test" expires in 1 day \\(${DATE}\\); renew it now with \`talosctl config renew --talosconfig ${dir.path}/old-talosconfig\`\n` +
        `error getting version from node 10\\.5\\.0\\.2: rpc error: code = Unavailable desc = connection error: desc = "error reading server preface: EOF \\(client certificate rejected\\? it must be valid and issued by the cluster's CA\\)"\n$`,
    ),
  );
});

Deno.test("config renew --from-controlplane-config: the controlplane.yaml signs, a worker.yaml cannot", async () => {
  await using dir = await tempDir();
  const { emu, secrets } = await startCluster(dir.path);
  await using _ = emu;
  let r = await run([
    "gen",
    "config",
    "test-cluster",
    `https://${CP}:6443`,
    "--with-secrets",
    secrets,
    "-o",
    `${dir.path}/gen`,
  ]);
  assertEquals(r.code, 0, r.stderr);
  const tc = await emu.talosconfig(dir.path, {
    nodes: [CP],
    roles: ["os:operator"],
    notBefore: new Date(Date.now() - 2 * DAY),
    notAfter: new Date(Date.now() - DAY),
  });
  const bytes = await Deno.readFile(tc);
  r = await run([
    "config",
    "renew",
    "--talosconfig",
    tc,
    "--from-controlplane-config",
    `${dir.path}/gen/worker.yaml`,
  ]);
  assertEquals([r.code, r.stdout], [1, ""]);
  assertEquals(
    r.stderr,
    `controlplane config "${dir.path}/gen/worker.yaml" is a worker config without the Talos API CA key (machine.ca.key): only control plane configs carry it; use controlplane.yaml or the secrets bundle (--from-secrets)\n`,
  );
  assertEquals(await Deno.readFile(tc), bytes);

  const started = new Date();
  r = await run([
    "config",
    "renew",
    "--talosconfig",
    tc,
    "--from-controlplane-config",
    `${dir.path}/gen/controlplane.yaml`,
  ]);
  assertEquals(r.code, 0, r.stderr);
  assertStringIncludes(
    r.stdout,
    `issued by:  controlplane config "${dir.path}/gen/controlplane.yaml"\n`,
  );
  const after = await load(tc);
  await checkClientCertificate(dir.path, atob(after.ctx.crt!), after.key, {
    caPem: emu.ca.cert,
    subject: "O = os:operator",
    lifetimeMs: 8760 * HOUR,
    issuedAt: started,
    backdateMs: 10_000,
    keyUsage: "Digital Signature",
  });
  r = await run(["version", "--talosconfig", tc]);
  assertEquals([r.code, r.stderr], [0, ""]);
  assertEquals(emu.calls.map((c) => c.roles), [["os:operator"]]);
});

Deno.test("config renew offline: bad input is a clear error and the talosconfig is unchanged", async (t) => {
  await using dir = await tempDir();
  const { emu, secrets } = await startCluster(dir.path);
  await using _ = emu;
  const tc = await emu.talosconfig(dir.path, {
    nodes: [CP],
    notBefore: new Date(Date.now() - 2 * DAY),
    notAfter: new Date(Date.now() - DAY),
  });

  async function refused(args: string[], message: string | RegExp, path = tc) {
    const bytes = await Deno.readFile(path);
    const r = await run(["config", "renew", "--talosconfig", path, ...args], { cwd: dir.path });
    assertEquals([r.code, r.stdout], [1, ""], r.stderr);
    if (typeof message === "string") assertEquals(r.stderr, message + "\n");
    else assertMatch(r.stderr, message);
    assertEquals(await Deno.readFile(path), bytes, "the talosconfig must be unchanged");
  }

  await t.step("another cluster's bundle", async () => {
    await Deno.writeTextFile(`${dir.path}/other.yaml`, encodeSecretsBundle(await otherBundle()));
    await refused(
      ["--from-secrets", "other.yaml"],
      /^the Talos API CA of secrets bundle "other\.yaml" is not the CA of context "test" \(SHA-256 [0-9a-f:]+\.\.\. vs [0-9a-f:]+\.\.\.\): it belongs to another cluster, or the CA was rotated; nothing was changed \(--force signs with it anyway and makes it the context's CA\)\n$/,
    );
  });
  await t.step("a context that does not exist", async () => {
    await refused(
      ["--from-secrets", secrets, "--context", "prod"],
      `context "prod" is not defined in ${tc} (contexts: "test")`,
    );
  });
  await t.step("a bundle that is missing, a directory, or not a bundle", async () => {
    await refused(
      ["--from-secrets", "missing.yaml"],
      "failed to read secrets bundle: open missing.yaml: no such file or directory",
    );
    await Deno.mkdir(`${dir.path}/adir`);
    await refused(
      ["--from-secrets", "adir"],
      "failed to read secrets bundle: read adir: is a directory",
    );
    await Deno.writeTextFile(`${dir.path}/junk.yaml`, "certs: [1, 2\n");
    await refused(["--from-secrets", "junk.yaml"], /^failed to load secrets bundle "junk\.yaml": /);
  });
  await t.step("a bundle whose OS CA key does not belong to its certificate", async () => {
    const b = await otherBundle();
    b.certs.os = { crt: emu.ca.cert, key: b.certs.os.key };
    await Deno.writeTextFile(`${dir.path}/mixed.yaml`, encodeSecretsBundle(b));
    await refused(
      ["--from-secrets", "mixed.yaml"],
      'secrets bundle "mixed.yaml": certs.os: the key does not belong to the certificate',
    );
  });
  await t.step("a machine config without machine.ca", async () => {
    await Deno.writeTextFile(
      `${dir.path}/bare.yaml`,
      "version: v1alpha1\nmachine:\n  type: controlplane\n",
    );
    await refused(
      ["--from-controlplane-config", "bare.yaml"],
      'controlplane config "bare.yaml" has no Talos API CA (machine.ca)',
    );
  });
  await t.step("an unreadable talosconfig", async () => {
    const broken = `${dir.path}/broken`;
    await Deno.writeTextFile(broken, "context: [\n");
    await refused(
      ["--from-secrets", secrets],
      /^error reading config: .*broken: line \d+: /,
      broken,
    );
    const r = await run([
      "config",
      "renew",
      "--talosconfig",
      `${dir.path}/nope`,
      "--from-secrets",
      secrets,
    ]);
    assertEquals([r.code, r.stderr], [
      1,
      `error reading config: open ${dir.path}/nope: no such file or directory\n`,
    ]);
    await Deno.stat(`${dir.path}/nope`).then(
      () => assert(false, "renew must not create a talosconfig"),
      () => {},
    );
  });
  await t.step("--force takes another cluster's CA, and says so", async () => {
    const r = await run(
      ["config", "renew", "--talosconfig", tc, "--from-secrets", "other.yaml", "--force"],
      { cwd: dir.path },
    );
    assertEquals(r.code, 0, r.stderr);
    assertStringIncludes(
      r.stdout,
      `CA:         replaced by the CA of secrets bundle "other.yaml" (--force)\n`,
    );
    const other = parseTalosconfig(await Deno.readTextFile(tc), tc).contexts.test;
    assertNotEquals(other.ca, btoa(emu.ca.cert));
  });
});

Deno.test("config renew: a context changed meanwhile by another process is not overwritten", async () => {
  await using dir = await tempDir();
  const { emu } = await startCluster(dir.path);
  await using _ = emu;
  const tc = await emu.talosconfig(dir.path, { nodes: [CP] });
  // While the node issues the certificate, someone else writes a new key into the context.
  const { MachineService } = await import("../gen/machine/machine_pb.ts");
  const { clusterOf } = await import("./emulator/kubeconfig_handlers.ts");
  const { issueClientCertificate } = await import("../pki/client_cert.ts");
  const issue = await issueClientCertificate(clusterOf(emu).osCA, ["os:admin"], DAY, new Date());
  const meanwhile = (await Deno.readTextFile(tc)).replace(/key: \S+/, `key: ${btoa(issue.key)}`);
  emu.handle(MachineService.method.generateClientConfiguration, async () => {
    await Deno.writeTextFile(tc, meanwhile);
    const enc = new TextEncoder();
    return {
      messages: [{
        ca: enc.encode(clusterOf(emu).osCA.crt),
        crt: enc.encode(issue.crt),
        key: enc.encode(issue.key),
        talosconfig: new Uint8Array(),
      }],
    };
  });
  const r = await run(["config", "renew", "--talosconfig", tc]);
  assertEquals([r.code, r.stdout], [1, ""]);
  assertEquals(
    r.stderr,
    `context "test" in ${tc} changed while it was being renewed; nothing was written, try again\n`,
  );
  assertEquals(await Deno.readTextFile(tc), meanwhile);
});
