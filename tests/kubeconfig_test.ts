// `talosctl kubeconfig` against the emulator over real mutual TLS on loopback: download, write,
// merge (rename / overwrite / prompt), paths, stdout, and every fault leaving files untouched.
// kubectl reads what we write.

import { assert, assertEquals, assertMatch, assertStringIncludes } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import { kubectl } from "./kubeconfig_kubectl.ts";
import { simNode, startEmulator, type TestEmulator } from "./emulator/mod.ts";
import { clusterOf } from "./emulator/kubeconfig_handlers.ts";
import { parseKubeconfig } from "../clientconfig/kubeconfig.ts";
import { parseCertificatePem } from "../pki/cert_info.ts";

const CP = "10.5.0.2";

async function setup(dir: string, opts: { roles?: string[]; nodes?: string[] } = {}) {
  const emu = await startEmulator({
    nodes: [simNode(CP), simNode("10.5.0.3"), simNode("10.5.0.4", { controlPlane: false })],
  });
  const tc = await emu.talosconfig(dir, { roles: opts.roles, nodes: opts.nodes ?? [CP] });
  return { emu, tc };
}

function talosctl(tc: string, args: string[], o: Parameters<typeof run>[1] = {}) {
  return run([...args, "--talosconfig", tc], o);
}

async function mode(path: string): Promise<number> {
  return (await Deno.stat(path)).mode! & 0o777;
}

async function listDir(path: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(path)) out.push(e.name);
  return out.sort();
}

function b64text(s: unknown): string {
  return atob(String(s));
}

Deno.test("kubeconfig writes the node's admin kubeconfig (0600) that kubectl reads", async () => {
  await using dir = await tempDir();
  const { emu, tc } = await setup(dir.path);
  await using _ = emu;
  const out = `${dir.path}/out/kubeconfig`;
  const r = await talosctl(tc, ["kubeconfig", out]);
  assertEquals([r.code, r.stdout, r.stderr], [0, "", ""]);
  assertEquals(await mode(out), 0o600);
  const cfg = await parseKubeconfig(await Deno.readTextFile(out));
  assertEquals(cfg.currentContext, "admin@test-cluster");
  assertEquals(cfg.clusters.get("test-cluster")?.server, `https://${CP}:6443`);
  const user = cfg.authInfos.get("admin@test-cluster")!;
  const crt = parseCertificatePem(b64text(user["client-certificate-data"]));
  assertEquals(
    [crt.commonName, crt.subjectOrganizations, crt.issuerOrganizations, crt.publicKeyAlgorithm],
    ["admin", ["system:masters"], ["kubernetes"], "ecdsa"],
  );
  assertEquals(crt.extKeyUsage, ["1.3.6.1.5.5.7.3.2"]);
  assert(Math.abs(crt.notBefore.getTime() - (Date.now() - 10_000)) < 60_000);
  // openssl checks the signature against the cluster's Kubernetes CA.
  await Deno.writeTextFile(`${dir.path}/k8s-ca.pem`, clusterOf(emu).k8sCA!.crt);
  await Deno.writeTextFile(`${dir.path}/admin.pem`, b64text(user["client-certificate-data"]));
  const verify = await new Deno.Command("openssl", {
    args: ["verify", "-CAfile", `${dir.path}/k8s-ca.pem`, `${dir.path}/admin.pem`],
  }).output();
  assertEquals(verify.code, 0, new TextDecoder().decode(verify.stderr));
  assertEquals(
    b64text(cfg.clusters.get("test-cluster")?.["certificate-authority-data"]),
    clusterOf(emu).k8sCA!.crt,
  );
  assertEquals(emu.calls.map((c) => [c.path, c.node]), [[
    "/machine.MachineService/Kubeconfig",
    CP,
  ]]);

  const contexts = await kubectl(out, ["config", "get-contexts"]);
  if (contexts) {
    assertEquals(contexts.code, 0, contexts.stderr);
    assertMatch(
      contexts.stdout,
      /^\*\s+admin@test-cluster\s+test-cluster\s+admin@test-cluster\s+default\s*$/m,
    );
  }
  const view = await kubectl(out, [
    "config",
    "view",
    "--raw",
    "-o",
    "jsonpath={.users[0].user.client-key-data}",
  ]);
  if (view) assertEquals(view.stdout, user["client-key-data"]);
});

Deno.test("kubeconfig merges: renames on changed entries, --force overwrites, context name forced", async () => {
  await using dir = await tempDir();
  const { emu, tc } = await setup(dir.path);
  await using _ = emu;
  const kc = `${dir.path}/config`;
  await Deno.writeTextFile(
    kc,
    "apiVersion: v1\nkind: Config\nclusters:\n- name: other\n  cluster: {server: 'https://other:6443'}\n" +
      "users:\n- name: someone\n  user: {token: abc}\n" +
      "contexts:\n- name: other\n  context: {cluster: other, user: someone}\ncurrent-context: other\n",
    { mode: 0o644 },
  );
  let r = await talosctl(tc, ["kubeconfig", kc], { env: {} });
  assertEquals([r.code, r.stdout, r.stderr], [0, "", ""]);
  assertEquals(await mode(kc), 0o600);

  // A second download has a new client certificate: the user (and with it the context) is renamed.
  r = await talosctl(tc, ["kubeconfig"], { env: { KUBECONFIG: kc } });
  assertEquals(r.code, 0, r.stderr);
  assertEquals(
    r.stdout,
    'renamed auth info "admin@test-cluster" -> "admin@test-cluster-1"\n' +
      'renamed context "admin@test-cluster" -> "admin@test-cluster-1"\n',
  );
  let cfg = await parseKubeconfig(await Deno.readTextFile(kc));
  assertEquals([...cfg.contexts.keys()].sort(), [
    "admin@test-cluster",
    "admin@test-cluster-1",
    "other",
  ]);
  assertEquals(cfg.currentContext, "admin@test-cluster-1");
  assertEquals(cfg.contexts.get("admin@test-cluster-1")?.user, "admin@test-cluster-1");
  assertEquals(cfg.authInfos.get("someone"), { token: "abc" });

  r = await talosctl(tc, ["kubeconfig", "--force", kc]);
  assertEquals([r.code, r.stdout], [0, ""]);
  cfg = await parseKubeconfig(await Deno.readTextFile(kc));
  assertEquals(cfg.authInfos.size, 3);
  assertEquals(cfg.currentContext, "admin@test-cluster");

  r = await talosctl(tc, ["kubeconfig", "-f", "--force-context-name", "prod", kc]);
  assertEquals([r.code, r.stdout], [0, 'renamed context "admin@test-cluster" -> "prod"\n']);
  const got = await kubectl(kc, ["config", "get-contexts", "-o", "name"]);
  if (got) {
    assertEquals(got.code, 0, got.stderr);
    assertEquals(got.stdout.split("\n").filter(Boolean).sort(), [
      "admin@test-cluster",
      "admin@test-cluster-1",
      "other",
      "prod",
    ]);
    const cur = await kubectl(kc, ["config", "current-context"]);
    assertEquals(cur?.stdout, "prod\n");
  }
});

Deno.test("kubeconfig asks on a terminal: rename or overwrite, repeating on other answers", async () => {
  await using dir = await tempDir();
  const { emu, tc } = await setup(dir.path);
  await using _ = emu;
  const kc = `${dir.path}/config`;
  assertEquals((await talosctl(tc, ["kubeconfig", kc])).code, 0);
  const before = await Deno.readTextFile(kc);
  let r = await talosctl(tc, ["kubeconfig", kc], { stdoutIsTTY: true, stdin: "maybe\no\n" });
  assertEquals(r.code, 0, r.stderr);
  const q = 'auth "admin@test-cluster" already exists [(r)ename/(o)verwrite]: ';
  assertEquals(r.stdout, q + q);
  const after = await parseKubeconfig(await Deno.readTextFile(kc));
  assertEquals(after.authInfos.size, 1);
  assert(before !== await Deno.readTextFile(kc));

  r = await talosctl(tc, ["kubeconfig", kc], { stdoutIsTTY: true, stdin: "Rename\n" });
  assertEquals(
    r.stdout,
    q + 'renamed auth info "admin@test-cluster" -> "admin@test-cluster-1"\n' +
      'renamed context "admin@test-cluster" -> "admin@test-cluster-1"\n',
  );

  const unchanged = await Deno.readTextFile(kc);
  r = await talosctl(tc, ["kubeconfig", kc], { stdoutIsTTY: true, stdin: "" });
  assertEquals([r.code, r.stderr], [1, "EOF\n"]);
  assertEquals(await Deno.readTextFile(kc), unchanged);
});

Deno.test("kubeconfig paths: directories, working directory, stdout, existing files", async () => {
  await using dir = await tempDir();
  const { emu, tc } = await setup(dir.path);
  await using _ = emu;
  const work = `${dir.path}/work`;
  await Deno.mkdir(work);
  let r = await talosctl(tc, ["kubeconfig", "--merge=false"], { cwd: work });
  assertEquals(r.code, 0, r.stderr);
  assertEquals(await listDir(work), ["kubeconfig"]);
  r = await talosctl(tc, ["kubeconfig", "-m=false"], { cwd: work });
  assertEquals([r.code, r.stderr.split("\n")[0]], [
    1,
    `kubeconfig file already exists, use --force to overwrite: "${work}/kubeconfig"`,
  ]);
  r = await talosctl(tc, ["kubeconfig", "--merge=false", "."], { cwd: work });
  assertEquals(
    r.stderr,
    'kubeconfig file already exists, use --force to overwrite: "kubeconfig"\n',
  );
  r = await talosctl(tc, ["kubeconfig", "--merge=false", "--force", "."], { cwd: work });
  assertEquals(r.code, 0, r.stderr);

  r = await talosctl(tc, ["kubeconfig", "--merge=false", "-"], { cwd: work });
  assertEquals(r.code, 0, r.stderr);
  assertStringIncludes(r.stdout, "current-context: admin@test-cluster\n");
  assertEquals((await parseKubeconfig(r.stdout)).contexts.size, 1);
  assertEquals(await listDir(work), ["kubeconfig"]);

  r = await talosctl(tc, ["kubeconfig"], { cwd: work, env: { KUBECONFIG: "a:b" } });
  assertEquals([r.code, r.stderr], [1, "multiple kubeconfig files defined\n"]);
  r = await talosctl(tc, ["kubeconfig"], { cwd: work, env: {}, home: `${dir.path}/home` });
  assertEquals(r.code, 0, r.stderr);
  assertEquals(await mode(`${dir.path}/home/.kube/config`), 0o600);
});

Deno.test("kubeconfig needs exactly one node", async () => {
  await using dir = await tempDir();
  const { emu, tc } = await setup(dir.path, { nodes: [CP, "10.5.0.3"] });
  await using _ = emu;
  const r = await talosctl(tc, ["kubeconfig", `${dir.path}/k`]);
  assertEquals(r.code, 1);
  assertStringIncludes(
    r.stderr,
    'command "kubeconfig" requires exactly one node (got 2)\n\nUsage:',
  );
  assertEquals(emu.calls, []);
});

Deno.test("kubeconfig faults: nothing is written and the error names the cause", async (t) => {
  await using dir = await tempDir();
  const { emu, tc } = await setup(dir.path);
  await using _ = emu;
  const kc = `${dir.path}/kc`;
  await Deno.writeTextFile(kc, "apiVersion: v1\nkind: Config\ncurrent-context: keep\n", {
    mode: 0o640,
  });
  const fresh = `${dir.path}/fresh/kubeconfig`;

  async function expectFailure(
    args: string[],
    tcPath: string,
    message: string | RegExp,
    failsBeforePaths = false,
  ) {
    for (const target of [kc, fresh]) {
      const r = await talosctl(tcPath, ["kubeconfig", ...args, target]);
      assertEquals(r.code, 1);
      assertEquals(r.stdout, "");
      if (typeof message === "string") assertEquals(r.stderr, message + "\n");
      else assertMatch(r.stderr, message);
      assertEquals(
        await Deno.readTextFile(kc),
        "apiVersion: v1\nkind: Config\ncurrent-context: keep\n",
      );
      assertEquals(await mode(kc), 0o640);
      // As talosctl, a new target's parent directory is made before the download; no file.
      const made = target === fresh && !failsBeforePaths ? ["fresh"] : [];
      assertEquals(await listDir(dir.path), [...made, "kc", "talosconfig"]);
      if (made.length > 0) {
        assertEquals(await listDir(`${dir.path}/fresh`), []);
        await Deno.remove(`${dir.path}/fresh`);
      }
    }
  }

  await t.step("a role without access", async () => {
    const reader = await emu.talosconfig(`${dir.path}`, { roles: ["os:reader"], nodes: [CP] });
    await expectFailure(
      [],
      reader,
      "error initializing gzip: rpc error: code = PermissionDenied desc = not authorized",
    );
    await emu.talosconfig(`${dir.path}`, { nodes: [CP] });
  });
  await t.step("node down behind the endpoint", async () => {
    emu.nodes.get(CP)!.faults.down = true;
    await expectFailure(
      [],
      tc,
      /^error initializing gzip: rpc error: code = Unavailable desc = connection error: /,
    );
    emu.nodes.get(CP)!.faults.down = false;
  });
  await t.step("worker node", async () => {
    await expectFailure(
      ["-n", "10.5.0.4"],
      tc,
      "error initializing gzip: rpc error: code = Unimplemented desc = kubeconfig is only available on control plane nodes",
    );
  });
  await t.step("stream dropped in the middle of the archive", async () => {
    clusterOf(emu).chunkSize = 64;
    emu.nodes.get(CP)!.faults.dropAfter = 2;
    // How many messages arrive before the reset depends on buffering; either way nothing is written.
    await expectFailure([], tc, /^(error initializing gzip: )?rpc error: code = Internal desc = /);
    emu.nodes.get(CP)!.faults.dropAfter = undefined;
    clusterOf(emu).chunkSize = undefined;
  });
  await t.step("endpoint not listening", async () => {
    await expectFailure(
      ["-e", "127.0.0.1:1"],
      tc,
      /^error copying: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 127.0.0.1:1: connect: connection refused"/,
    );
  });
  await t.step("server certificate from another CA", async () => {
    await using other = await startEmulator({ nodes: [simNode(CP)] });
    const wrong = await emuTalosconfigWithCA(emu, dir.path, other);
    await expectFailure(
      [],
      wrong,
      /^error copying: rpc error: code = Unavailable desc = connection error: desc = "transport: authentication handshake failed: tls: failed to verify certificate: x509: certificate signed by unknown authority/,
    );
    await emu.talosconfig(`${dir.path}`, { nodes: [CP] });
  });
  await t.step("expired client certificate", async () => {
    const expired = await emu.talosconfig(dir.path, {
      nodes: [CP],
      notBefore: new Date(Date.now() - 3 * 86400_000),
      notAfter: new Date(Date.now() - 86400_000),
    });
    // The certificate is checked while building the client, before the target path.
    await expectFailure([], expired, /expired on \d{4}-\d\d-\d\d/, true);
    await emu.talosconfig(`${dir.path}`, { nodes: [CP] });
  });
});

/** A talosconfig for `emu`'s endpoint that trusts `other`'s CA instead (wrong CA). */
function emuTalosconfigWithCA(emu: TestEmulator, dir: string, other: TestEmulator) {
  return emu.talosconfig(dir, { nodes: [CP], caPem: other.ca.cert });
}

Deno.test("kubeconfig from a Talos v1.5 node: its bytes as sent, merged the current way", async () => {
  await using dir = await tempDir();
  const { emu, tc } = await setup(dir.path);
  await using _ = emu;
  emu.nodes.get(CP)!.version.tag = "v1.5.5";
  let r = await talosctl(tc, ["kubeconfig", "-m=false", "-"]);
  assertEquals(r.code, 0, r.stderr);
  assertStringIncludes(r.stdout, "kind: Config\npreferences: {}\nusers:\n");
  emu.nodes.get(CP)!.version.tag = "v1.14.0";
  r = await talosctl(tc, ["kubeconfig", "-m=false", "-"]);
  assertStringIncludes(r.stdout, "kind: Config\nusers:\n");

  const kc = `${dir.path}/config`;
  await Deno.writeTextFile(kc, "");
  emu.nodes.get(CP)!.version.tag = "v1.5.5";
  r = await talosctl(tc, ["kubeconfig", kc]);
  assertEquals(r.code, 0, r.stderr);
  const text = await Deno.readTextFile(kc);
  assert(!text.includes("preferences"), text);
  assertStringIncludes(text, "current-context: admin@test-cluster\n");
});
