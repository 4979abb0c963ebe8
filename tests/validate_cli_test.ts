// `talosctl validate`: modes, strict decoding, semantic checks, warnings vs errors.

import { assert, assertEquals, assertStringIncludes } from "./assert.ts";
import { run, tempDir } from "./harness.ts";

const CONTROLPLANE = `version: v1alpha1
machine:
  type: controlplane
  token: abc.def
  ca:
    crt: Y3J0
    key: a2V5
  install:
    disk: /dev/sda
  features:
    hostDNS:
      enabled: true
      forwardKubeDNSToHost: true
cluster:
  controlPlane:
    endpoint: https://10.0.0.1:6443
  network:
    dnsDomain: cluster.local
    podSubnets: [10.244.0.0/16]
    serviceSubnets: [10.96.0.0/12]
  ca:
    crt: Y3J0
    key: a2V5
  secretboxEncryptionSecret: c2VjcmV0
`;

async function validate(config: string, ...args: string[]) {
  const dir = await tempDir();
  await Deno.writeTextFile(`${dir.path}/c.yaml`, config);
  const r = await run(["validate", "--config", "c.yaml", ...args], { cwd: dir.path });
  await dir[Symbol.asyncDispose]();
  return r;
}

Deno.test("validate: a good control plane config is valid in every mode", async () => {
  for (const mode of ["metal", "cloud", "container"]) {
    const r = await validate(CONTROLPLANE, "--mode", mode);
    assertEquals(r.code, 0, r.stderr);
    assertEquals(r.stdout, `c.yaml is valid for ${mode} mode\n`);
    assertEquals(r.stderr, "");
  }
});

Deno.test("validate: mode is required and must be known", async () => {
  const missing = await validate(CONTROLPLANE);
  assertEquals(missing.code, 1);
  assertStringIncludes(missing.stderr, `required flag(s) "mode" not set`);
  const bad = await validate(CONTROLPLANE, "-m", "vm");
  assertEquals(bad.code, 1);
  assertStringIncludes(bad.stderr, `unknown runtime mode: "vm"`);
});

Deno.test("validate: unknown keys are named with file and line", async () => {
  const r = await validate(
    CONTROLPLANE.replace("  token: abc.def\n", "  token: abc.def\n  tokn: x\n"),
    "-m",
    "cloud",
  );
  assertEquals(r.code, 1);
  assertStringIncludes(r.stderr, "c.yaml");
  assertStringIncludes(r.stderr, "unknown keys found during decoding: machine.tokn (line 5)");
});

Deno.test("validate: certificate material must fit the machine type", async () => {
  const worker = CONTROLPLANE.replace("type: controlplane", "type: worker");
  const r = await validate(worker, "-m", "cloud");
  assertEquals(r.code, 1);
  assertStringIncludes(
    r.stderr,
    "issuing Talos API CA key is not allowed on non-controlplane nodes (.machine.ca)",
  );
  assertStringIncludes(
    r.stderr,
    "cluster CA key is not allowed on non-controlplane nodes (.cluster.ca)",
  );
  assert(r.stderr.startsWith("1 error occurred:\n\t* v1alpha1.Config: "), r.stderr);
  const noKey = await validate(
    CONTROLPLANE.replace("    key: a2V5\n  install", "  install"),
    "-m",
    "cloud",
  );
  assertStringIncludes(
    noKey.stderr,
    "issuing CA key is required for controlplane nodes (.machine.ca.key)",
  );
});

Deno.test("validate: install disk needed for metal only; addresses and routes checked", async () => {
  const noDisk = CONTROLPLANE.replace("  install:\n    disk: /dev/sda\n", "  install: {}\n");
  assertEquals((await validate(noDisk, "-m", "cloud")).code, 0);
  const metal = await validate(noDisk, "-m", "metal");
  assertStringIncludes(metal.stderr, "either install disk or diskSelector should be defined");
  const badSelector = CONTROLPLANE.replace(
    "  install:\n    disk: /dev/sda\n",
    "  install:\n    diskSelector:\n      type: floppy\n",
  );
  const sel = await validate(badSelector, "-m", "metal");
  assertStringIncludes(
    sel.stderr,
    `install disk selector is invalid: unsupported disk type "floppy"`,
  );
  assertStringIncludes(sel.stderr, "either install disk or diskSelector should be defined");
  const goodSelector = badSelector.replace("floppy", "ssd");
  assertEquals((await validate(goodSelector, "-m", "metal")).code, 0);
  const net = CONTROLPLANE.replace(
    "  install:",
    "  network:\n    interfaces:\n      - interface: eth0\n        addresses: [10.0.0.300/24]\n        routes:\n          - gateway: nope\n  install:",
  );
  const r = await validate(net, "-m", "cloud");
  assertEquals(r.code, 1);
  assertStringIncludes(
    r.stderr,
    `[networking.os.device.addresses] "eth0": invalid CIDR address: 10.0.0.300/24`,
  );
  assertStringIncludes(
    r.stderr,
    `[networking.os.device.route[0].gateway] "nope": invalid network address`,
  );
  assertStringIncludes(r.stderr, "2 errors occurred:");
});

Deno.test("validate: warnings go to stderr, --strict turns them into errors", async () => {
  const join = CONTROLPLANE.replace("type: controlplane", "type: join")
    .replace("    key: a2V5\n  install", "  install")
    .replace("  ca:\n    crt: Y3J0\n    key: a2V5\n  secretbox", "  secretbox");
  const r = await validate(join, "-m", "cloud");
  assertEquals(r.code, 0, r.stderr);
  assertEquals(r.stderr, `WARNING: use "worker" instead of "join" for machine type\n`);
  const strict = await validate(join, "-m", "cloud", "--strict");
  assertEquals(strict.code, 1);
  assertStringIncludes(strict.stderr, `warning: use "worker" instead of "join" for machine type`);
});

Deno.test("validate: container mode needs host DNS; documents are checked by kind", async () => {
  const noDNS = CONTROLPLANE.replace(
    "  features:\n    hostDNS:\n      enabled: true\n      forwardKubeDNSToHost: true\n",
    "",
  );
  const c = await validate(noDNS, "-m", "container");
  assertStringIncludes(c.stderr, "hostDNS config is required in container mode");
  assertEquals((await validate(noDNS, "-m", "metal")).code, 0);
  const multi = CONTROLPLANE +
    "---\napiVersion: v1alpha1\nkind: SideroLinkConfig\napiUrl: http://example.com\n";
  const r = await validate(multi, "-m", "cloud");
  assertEquals(r.code, 1);
  assertStringIncludes(r.stderr, "SideroLinkConfig: apiUrl scheme must be https:// or grpc://");
  const link = CONTROLPLANE +
    "---\napiVersion: v1alpha1\nkind: LinkConfig\nname: eth1\naddresses:\n  - address: 0.0.0.0/0\nroutes:\n  - gateway: 10.0.0.1\n  - gateway: 0.0.0.0\n";
  const l = await validate(link, "-m", "cloud");
  assertEquals(l.code, 1);
  assertStringIncludes(
    l.stderr,
    "LinkConfig/eth1: address 0 must be a valid IP address\nroute 1 gateway must be a valid IP address",
  );
});
