// `talosctl validate` over multi-document configs: per-kind checks, warnings of new documents,
// conflicts with the v1alpha1 document, container-level conflicts, custom decoder errors.

import { assertEquals } from "./assert.ts";
import { run, tempDir } from "./harness.ts";

const BASE = `version: v1alpha1
machine:
  type: controlplane
  token: abc.def
  ca:
    crt: Y3J0
    key: a2V5
  install:
    disk: /dev/sda
cluster:
  controlPlane:
    endpoint: https://10.0.0.1:6443
  ca:
    crt: Y3J0
    key: a2V5
  secretboxEncryptionSecret: c2VjcmV0
`;

const doc = (kind: string, body: string) => `---\napiVersion: v1alpha1\nkind: ${kind}\n${body}`;

async function validate(config: string, ...args: string[]) {
  const dir = await tempDir();
  await Deno.writeTextFile(`${dir.path}/c.yaml`, config);
  const r = await run(["validate", "--config", "c.yaml", "-m", "metal", ...args], {
    cwd: dir.path,
  });
  await dir[Symbol.asyncDispose]();
  return r;
}

Deno.test("validate: ExtensionServiceConfig is accepted and checked", async () => {
  const good = BASE +
    doc("ExtensionServiceConfig", "name: nut\nconfigFiles:\n  - content: x\n    mountPath: /a\n");
  const ok = await validate(good);
  assertEquals([ok.code, ok.stdout, ok.stderr], [0, "c.yaml is valid for metal mode\n", ""]);
  const bad = await validate(BASE + doc("ExtensionServiceConfig", "name: nut\n"));
  assertEquals(bad.code, 1);
  assertEquals(
    bad.stderr,
    `1 error occurred:\n\t* ExtensionServiceConfig/nut: no config files found for extension "nut"\n`,
  );
});

Deno.test("validate: per-kind errors, document warnings, legacy conflicts, container checks", async () => {
  const config = BASE +
    doc("BondConfig", "name: bond0\nlinks: [eth0, eth1]\nbondMode: 802.3ad\nmiimon: 100\n") +
    doc(
      "UserVolumeConfig",
      "name: data\nprovisioning:\n  diskSelector:\n    match: disk.rotational\n  minSize: 10GiB\n  maxSize: 5GiB\n",
    ) +
    doc("KubeAPIServerCAConfig", "") +
    doc("KubeSpanConfig", "enabled: true\nmtu: 1000\n");
  const r = await validate(config);
  assertEquals(r.code, 1);
  assertEquals(
    r.stderr,
    "WARNING: updelay was not specified for 802.3ad bond\n" +
      "WARNING: downdelay was not specified for 802.3ad bond\n" +
      "4 errors occurred:\n" +
      "\t* UserVolumeConfig/data: min size is greater than max size\n" +
      "\t* KubeSpanConfig: kubespan link MTU must be at least 1280\n" +
      "\t* kube-apiserver CA is already set in v1alpha1 config (.cluster.ca)\n" +
      "\t* KubeSpan requires cluster discovery to be enabled\n",
  );
  // document warnings stay warnings under --strict (only v1alpha1's become errors)
  const bond = BASE + doc("BondConfig", "name: bond0\nlinks: [eth0]\nbondMode: 802.3ad\n");
  const strict = await validate(bond, "--strict");
  assertEquals(strict.code, 0);
  assertEquals(strict.stderr.split("\n").filter((l) => l.startsWith("WARNING: ")).length, 3);
});

Deno.test("validate: container-level conflicts stop before validation", async () => {
  const dup = await validate(
    BASE + doc("LinkConfig", "name: eth0\n") + doc("BridgeConfig", "name: eth0\n"),
  );
  assertEquals(dup.code, 1);
  assertEquals(
    dup.stderr,
    "c.yaml: conflicting documents: LinkConfig/eth0 and BridgeConfig/eth0\n",
  );
  const veth = await validate(
    BASE + doc("VethConfig", "name: v0\npeer:\n  name: eth1\n") + doc("LinkConfig", "name: eth1\n"),
  );
  assertEquals(
    veth.stderr,
    `c.yaml: conflicting link configurations: VethConfig/v0 and LinkConfig/eth1 both configure "eth1"\n`,
  );
});

Deno.test("validate: custom decoders reject bad base64, URLs and sizes", async () => {
  const b64 = await validate(
    BASE.replace("crt: Y3J0\n    key: a2V5\n  install", "crt: Y3J0x\n    key: a2V5\n  install"),
  );
  assertEquals(
    b64.stderr,
    "c.yaml: error decoding document /v1alpha1/ (line 1): error decoding  to *v1alpha1.Config: yaml: construct errors: line 6: illegal base64 data at input byte 4\n",
  );
  const url = await validate(BASE.replace("https://10.0.0.1:6443", "https://10.0.0.1:port"));
  assertEquals(
    url.stderr,
    `c.yaml: error decoding document /v1alpha1/ (line 1): error decoding  to *v1alpha1.Config: yaml: construct errors: line 12: parse "https://10.0.0.1:port": invalid port ":port" after host\n`,
  );
  const size = await validate(
    BASE + doc("RawVolumeConfig", "name: r\nprovisioning:\n  maxSize: 10 parsecs\n"),
  );
  assertEquals(
    size.stderr,
    "c.yaml: error decoding document v1alpha1/RawVolumeConfig/r (line 18): error decoding RawVolumeConfig to *block.RawVolumeConfigV1Alpha1: yaml: construct errors: line 22: unhandled size name: parsecs\n",
  );
});

Deno.test("validate: control plane component resources and authorizers", async () => {
  const config = BASE.replace(
    "  secretboxEncryptionSecret",
    "  apiServer:\n    extraArgs:\n      authorization-mode: RBAC\n    authorizationConfig: []\n" +
      "  scheduler:\n    resources:\n      limits:\n        gpu: 1\n  secretboxEncryptionSecret",
  );
  const r = await validate(config);
  assertEquals(r.code, 1);
  assertEquals(
    r.stderr,
    "1 error occurred:\n\t* v1alpha1.Config: 2 errors occurred:\n" +
      "\t* authorization-mode cannot be used in conjunction with AuthorizationConfig, use eitherr AuthorizationConfig or authorization-mode\n" +
      `\t* scheduler resource validation failed: unsupported pod resource "gpu"\n`,
  );
  const authz = await validate(BASE.replace(
    "  secretboxEncryptionSecret",
    "  apiServer:\n    authorizationConfig:\n      - type: ABAC\n        name: x\n  secretboxEncryptionSecret",
  ));
  assertEquals(
    authz.stderr,
    "1 error occurred:\n\t* v1alpha1.Config: 1 error occurred:\n" +
      "\t* apiserver authorization config validation failed: authorizer type ABAC is not allowed, allowed types are [Node RBAC Webhook]\n",
  );
});

Deno.test("validate: selector expressions are parsed as CEL", async () => {
  const r = await validate(
    BASE +
      doc(
        "UserVolumeConfig",
        "name: data\nprovisioning:\n  diskSelector:\n    match: disk.size >\n  minSize: 1GiB\n",
      ) +
      doc("LinkAliasConfig", "name: net0\nselector:\n  match: lnk.driver == 'e1000'\n"),
  );
  assertEquals(
    r.stderr,
    "2 errors occurred:\n" +
      "\t* UserVolumeConfig/data: disk selector is invalid: ERROR: <input>:1:12: Syntax error: unexpected <EOF>\n" +
      " | disk.size >\n | ...........^\n" +
      "\t* LinkAliasConfig/net0: link selector is invalid: ERROR: <input>:1:1: undeclared reference to 'lnk' (in container '')\n" +
      " | lnk.driver == 'e1000'\n | ^\n",
  );
});
