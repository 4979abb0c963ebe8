// `talosctl kubeconfig --from-secrets / --from-controlplane-config`: the admin kubeconfig made
// locally has the layout of the one a node sends (compared with the emulated node's, which signs
// with the same Kubernetes CA), kubectl reads it, openssl accepts its certificate, and it is
// written and merged by the same rules as the downloaded one. No node is called.

import { assert, assertEquals, assertMatch } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import { kubectl } from "./kubeconfig_kubectl.ts";
import { checkClientCertificate, CP, otherBundle, startCluster } from "./credentials_fixture.ts";
import { parseKubeconfig } from "../clientconfig/kubeconfig.ts";
import { encodeSecretsBundle } from "../pki/secrets_encode.ts";
import { parseCertificatePem } from "../pki/cert_info.ts";

const HOUR = 3_600_000;

async function listDir(path: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(path)) out.push(e.name);
  return out.sort();
}

/** Everything but the client certificate and key, which are fresh on every issue. */
function shape(cfg: Awaited<ReturnType<typeof parseKubeconfig>>) {
  return {
    clusters: [...cfg.clusters],
    contexts: [...cfg.contexts],
    users: [...cfg.authInfos].map(([name, u]) => [name, Object.keys(u).sort()]),
    current: cfg.currentContext,
  };
}

Deno.test("kubeconfig --from-secrets: the node's layout, checked by kubectl and openssl, no call", async () => {
  await using dir = await tempDir();
  const { emu, bundle, secrets } = await startCluster(dir.path);
  await using _ = emu;
  const tc = await emu.talosconfig(dir.path, { nodes: [CP] });
  let r = await run(["kubeconfig", "--talosconfig", tc, "-m=false", `${dir.path}/online`]);
  assertEquals(r.code, 0, r.stderr);
  const calls = emu.calls.length;

  const out = `${dir.path}/offline/kubeconfig`;
  const started = new Date();
  r = await run([
    "kubeconfig",
    "--from-secrets",
    secrets,
    "--cluster-name",
    "test-cluster",
    "--cluster-endpoint",
    `https://${CP}:6443`,
    "-m=false",
    out,
  ], { home: "/nonexistent" });
  assertEquals([r.code, r.stdout, r.stderr], [0, "", ""]);
  assertEquals(emu.calls.length, calls, "offline: no node is called");
  assertEquals((await Deno.stat(out)).mode! & 0o777, 0o600);

  const text = await Deno.readTextFile(out);
  const offline = await parseKubeconfig(text);
  const online = await parseKubeconfig(await Deno.readTextFile(`${dir.path}/online`));
  assertEquals(shape(offline), shape(online));
  // Byte layout too, once the certificate and key are masked.
  const mask = (s: string) => s.replace(/(client-(?:certificate|key)-data): \S+/g, "$1: X");
  assertEquals(mask(text), mask(await Deno.readTextFile(`${dir.path}/online`)));

  const user = offline.authInfos.get("admin@test-cluster")!;
  const crt = atob(String(user["client-certificate-data"]));
  const key = atob(String(user["client-key-data"]));
  const info = parseCertificatePem(crt);
  const nodeInfo = parseCertificatePem(
    atob(String(online.authInfos.get("admin@test-cluster")!["client-certificate-data"])),
  );
  assertEquals(
    [info.commonName, info.subjectOrganizations, info.publicKeyAlgorithm, info.keyUsage],
    [
      nodeInfo.commonName,
      nodeInfo.subjectOrganizations,
      nodeInfo.publicKeyAlgorithm,
      nodeInfo.keyUsage,
    ],
  );
  assertMatch(key, /^-----BEGIN EC PRIVATE KEY-----\n/);
  await checkClientCertificate(dir.path, crt, key, {
    caPem: bundle.certs.k8s.crt,
    subject: "O = system:masters, CN = admin",
    lifetimeMs: 8760 * HOUR,
    issuedAt: started,
    backdateMs: 10_000,
    keyUsage: "Digital Signature, Key Encipherment",
  });

  const view = await kubectl(out, ["config", "view", "-o", "json"]);
  if (view) {
    assertEquals(view.code, 0, view.stderr);
    const v = JSON.parse(view.stdout);
    assertEquals(v["current-context"], "admin@test-cluster");
    assertEquals(v.clusters, [{
      name: "test-cluster",
      cluster: { server: `https://${CP}:6443`, "certificate-authority-data": "DATA+OMITTED" },
    }]);
    assertEquals(v.contexts, [{
      name: "admin@test-cluster",
      context: { cluster: "test-cluster", namespace: "default", user: "admin@test-cluster" },
    }]);
    assertEquals(v.users, [{
      name: "admin@test-cluster",
      user: { "client-certificate-data": "DATA+OMITTED", "client-key-data": "DATA+OMITTED" },
    }]);
    const raw = await kubectl(out, [
      "config",
      "view",
      "--raw",
      "-o",
      "jsonpath={.clusters[0].cluster.certificate-authority-data}",
    ]);
    assertEquals(atob(raw!.stdout), bundle.certs.k8s.crt);
  }
});

Deno.test("kubeconfig --from-controlplane-config: name, endpoint, CA and lifetime from the config (both layouts)", async () => {
  await using dir = await tempDir();
  const { emu, bundle, secrets } = await startCluster(dir.path);
  await using _ = emu;
  for (const version of ["", "v1.15"]) {
    const gen = `${dir.path}/gen${version}`;
    let r = await run([
      "gen",
      "config",
      "prod",
      "https://api.example.com:443",
      "--with-secrets",
      secrets,
      "--config-patch",
      '{"cluster": {"adminKubeconfig": {"certLifetime": "2h"}}}',
      "-o",
      gen,
      ...(version ? ["--talos-version", version] : []),
    ]);
    assertEquals(r.code, 0, r.stderr);
    const started = new Date();
    r = await run([
      "kubeconfig",
      "--from-controlplane-config",
      `${gen}/controlplane.yaml`,
      "-m=false",
      "-",
    ]);
    assertEquals([r.code, r.stderr], [0, ""]);
    const cfg = await parseKubeconfig(r.stdout);
    assertEquals(cfg.currentContext, "admin@prod", version);
    assertEquals(cfg.clusters.get("prod")?.server, "https://api.example.com:443");
    assertEquals(
      atob(String(cfg.clusters.get("prod")?.["certificate-authority-data"])),
      bundle.certs.k8s.crt,
    );
    const user = cfg.authInfos.get("admin@prod")!;
    await checkClientCertificate(
      dir.path,
      atob(String(user["client-certificate-data"])),
      atob(String(user["client-key-data"])),
      {
        caPem: bundle.certs.k8s.crt,
        subject: "O = system:masters, CN = admin",
        lifetimeMs: 2 * HOUR,
        issuedAt: started,
        backdateMs: 10_000,
        keyUsage: "Digital Signature, Key Encipherment",
      },
    );

    // The bundle and the config together: the CA from the bundle, the rest from the config;
    // flags override the config.
    r = await run([
      "kubeconfig",
      "--from-secrets",
      secrets,
      "--from-controlplane-config",
      `${gen}/controlplane.yaml`,
      "--cluster-name",
      "renamed",
      "-m=false",
      "-",
    ]);
    assertEquals([r.code, r.stderr], [0, ""]);
    const both = await parseKubeconfig(r.stdout);
    assertEquals([...both.clusters.keys()], ["renamed"]);
    assertEquals(both.clusters.get("renamed")?.server, "https://api.example.com:443");
  }
  assertEquals(emu.calls, []);
});

Deno.test("kubeconfig offline merges by the online rules", async () => {
  await using dir = await tempDir();
  const { emu, secrets } = await startCluster(dir.path);
  await using _ = emu;
  const tc = await emu.talosconfig(dir.path, { nodes: [CP] });
  const offline = [
    "--from-secrets",
    secrets,
    "--cluster-name",
    "test-cluster",
    "--cluster-endpoint",
    `https://${CP}:6443`,
  ];
  const kc = `${dir.path}/config`;
  // First the node's, then ours: a new client certificate, so user and context are renamed,
  // exactly as a second download would be.
  let r = await run(["kubeconfig", "--talosconfig", tc, kc]);
  assertEquals([r.code, r.stdout, r.stderr], [0, "", ""]);
  r = await run(["kubeconfig", ...offline], { env: { KUBECONFIG: kc } });
  assertEquals(r.code, 0, r.stderr);
  assertEquals(
    r.stdout,
    'renamed auth info "admin@test-cluster" -> "admin@test-cluster-1"\n' +
      'renamed context "admin@test-cluster" -> "admin@test-cluster-1"\n',
  );
  let cfg = await parseKubeconfig(await Deno.readTextFile(kc));
  assertEquals(cfg.currentContext, "admin@test-cluster-1");
  assertEquals([...cfg.clusters.keys()], ["test-cluster"], "the cluster entry is the same");

  r = await run(["kubeconfig", ...offline, "-f", "--force-context-name", "prod", kc]);
  assertEquals([r.code, r.stdout], [0, 'renamed context "admin@test-cluster" -> "prod"\n']);
  cfg = await parseKubeconfig(await Deno.readTextFile(kc));
  assertEquals(cfg.currentContext, "prod");
  assertEquals((await Deno.stat(kc)).mode! & 0o777, 0o600);

  // --merge=false keeps the online command's refusal to overwrite.
  const plain = `${dir.path}/plain`;
  await Deno.writeTextFile(plain, "mine\n");
  const online = await run(["kubeconfig", "--talosconfig", tc, "-m=false", plain]);
  const ours = await run(["kubeconfig", ...offline, "-m=false", plain]);
  assertEquals([ours.code, ours.stdout, ours.stderr], [online.code, online.stdout, online.stderr]);
  assertEquals(ours.code, 1);
  assertEquals(await Deno.readTextFile(plain), "mine\n");
});

Deno.test("kubeconfig offline: bad input is a clear error and writes nothing", async (t) => {
  await using dir = await tempDir();
  const { emu, secrets } = await startCluster(dir.path);
  await using _ = emu;
  await Deno.mkdir(`${dir.path}/out`);
  let r = await run([
    "gen",
    "config",
    "c",
    "https://1.2.3.4:6443",
    "--with-secrets",
    secrets,
    "-o",
    `${dir.path}/gen`,
  ]);
  assertEquals(r.code, 0, r.stderr);
  await Deno.writeTextFile(`${dir.path}/other.yaml`, encodeSecretsBundle(await otherBundle()));

  async function refused(args: string[], message: string | RegExp) {
    const r = await run(["kubeconfig", ...args, "-m=false", `${dir.path}/out/kubeconfig`], {
      cwd: dir.path,
    });
    assertEquals([r.code, r.stdout], [1, ""], r.stderr);
    if (typeof message === "string") assertEquals(r.stderr, message + "\n");
    else assertMatch(r.stderr, message);
    assertEquals(await listDir(`${dir.path}/out`), []);
  }
  const named = ["--cluster-name", "c", "--cluster-endpoint", "https://1.2.3.4:6443"];

  await t.step("a worker config", async () => {
    await refused(
      ["--from-controlplane-config", "gen/worker.yaml"],
      'controlplane config "gen/worker.yaml" is a worker config without the Kubernetes CA key: only control plane configs carry it; use controlplane.yaml or the secrets bundle (--from-secrets)',
    );
  });
  await t.step("a bundle of another cluster than the config", async () => {
    await refused(
      ["--from-secrets", "other.yaml", "--from-controlplane-config", "gen/controlplane.yaml"],
      'the Kubernetes CA of secrets bundle "other.yaml" is not the one of controlplane config "gen/controlplane.yaml": they belong to different clusters; pass the matching pair',
    );
  });
  await t.step("missing name or endpoint", async () => {
    await refused(
      ["--from-secrets", "secrets.yaml", "--cluster-name", "c"],
      "--cluster-endpoint is required with --from-secrets (the Kubernetes API URL, e.g. https://10.5.0.2:6443), unless --from-controlplane-config gives it",
    );
    await refused(
      ["--from-secrets", "secrets.yaml", "--cluster-endpoint", "https://1.2.3.4:6443"],
      "--cluster-name is required with --from-secrets (the name given to `talosctl gen config`), unless --from-controlplane-config gives it",
    );
  });
  await t.step("an endpoint that is not an https URL", async () => {
    await refused(
      ["--from-secrets", "secrets.yaml", "--cluster-name", "c", "--cluster-endpoint", "1.2.3.4"],
      'no scheme and port specified for the cluster endpoint URL\ntry: "https://1.2.3.4:6443"',
    );
  });
  await t.step("unreadable files", async () => {
    await refused(
      ["--from-secrets", "missing.yaml", ...named],
      "failed to read secrets bundle: open missing.yaml: no such file or directory",
    );
    await refused(
      ["--from-controlplane-config", "gen"],
      "failed to read controlplane config: read gen: is a directory",
    );
    await Deno.writeTextFile(`${dir.path}/junk.yaml`, "machine: [\n");
    await refused(
      ["--from-controlplane-config", "junk.yaml"],
      /^failed to load machine config "junk\.yaml": /,
    );
  });
  await t.step("online-only flags without a node", async () => {
    r = await run(["kubeconfig", "--cluster-endpoint", "https://1.2.3.4:6443"]);
    assertEquals([r.code, r.stderr], [
      1,
      "--cluster-endpoint is only used offline, with --from-secrets or --from-controlplane-config\n",
    ]);
  });
  assert(emu.calls.length === 0);
});
