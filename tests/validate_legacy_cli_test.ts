// `talosctl validate` on the legacy v1alpha1 document: bond and wireguard device sections,
// logging destinations, node address sort algorithm, base runtime spec overrides.

import { assertEquals } from "./assert.ts";
import { run, tempDir } from "./harness.ts";

const BASE = `version: v1alpha1
machine:
  type: controlplane
  token: abc.def
  ca:
    crt: Y3J0
    key: a2V5
cluster:
  controlPlane:
    endpoint: https://10.0.0.1:6443
  ca:
    crt: Y3J0
    key: a2V5
  secretboxEncryptionSecret: c2VjcmV0
`;

async function validate(machineExtra: string) {
  const dir = await tempDir();
  await Deno.writeTextFile(
    `${dir.path}/c.yaml`,
    BASE.replace("    key: a2V5\ncluster:", `    key: a2V5\n${machineExtra}cluster:`),
  );
  const r = await run(["validate", "--config", "c.yaml", "-m", "cloud"], { cwd: dir.path });
  await dir[Symbol.asyncDispose]();
  return r;
}

/** The error output: the v1alpha1 document's error list inside the container's one-entry list. */
const list = (errs: string[]) =>
  `1 error occurred:\n\t* v1alpha1.Config: ` +
  `${errs.length} error${errs.length > 1 ? "s" : ""} occurred:\n\t` +
  errs.map((e) => `* ${e}`).join("\n\t") + "\n";

Deno.test("validate: legacy bond options are parsed and checked against the bond mode", async () => {
  const r = await validate(`  network:
    interfaces:
      - interface: bond0
        bond:
          interfaces: [eth0, eth1]
          mode: active-backup
          lacpRate: fast
          xmitHashPolicy: layer9
          miimon: 100
          updelay: 150
          arpIPTarget: [10.0.0.1]
          packetsPerSlave: 3
`);
  assertEquals(r.code, 1);
  assertEquals(
    r.stderr,
    list([
      "invalid xmit hash policy layer9",
      "bond.upDelay should be a multiple of miiMon",
      "bond.arpIPTarget is not supported",
      "bond.lacpRate is only available in 802.3ad mode",
      "bond.packetsPerSlave is not available in active-backup mode",
    ]),
  );
  const unknownMode = await validate(`  network:
    interfaces:
      - interface: bond0
        bond:
          mode: lacp
          primary: eth0
          updelay: 200
`);
  assertEquals(
    unknownMode.stderr,
    list([
      "invalid bond type lacp",
      "bond.upDelay can't be set if miiMon is zero",
      "bond.primary is not available in balance-rr mode",
    ]),
  );
});

Deno.test("validate: legacy wireguard keys, peer endpoints and allowed IPs", async () => {
  const key = "A".repeat(43) + "=";
  const r = await validate(`  network:
    interfaces:
      - interface: wg0
        wireguard:
          privateKey: c2hvcnQ=
          peers:
            - publicKey: ${key}
              endpoint: 192.168.1.2
              allowedIPs: [10.0.0.0/8, 10.0.0.0/33]
            - publicKey: "!"
              endpoint: "[fd00::1]:51820"
`);
  assertEquals(r.code, 1);
  assertEquals(
    r.stderr,
    list([
      `private key is invalid: wrong key "c2hvcnQ=" length: 5`,
      `peer endpoint "192.168.1.2" is invalid`,
      `peer allowed IP "10.0.0.0/33" is invalid: invalid CIDR address: 10.0.0.0/33`,
      "public key invalid: illegal base64 data at input byte 0",
    ]),
  );
});

Deno.test("validate: logging destinations, sort algorithm, runtime spec overrides", async () => {
  const r = await validate(`  logging:
    destinations:
      - endpoint: http://10.0.0.1:5000
        format: text
      - endpoint: udp://127.0.0.1:5514
        format: json_lines
      - format: json_lines
  features:
    nodeAddressSortAlgorithm: v3
  baseRuntimeSpecOverrides:
    process:
      rlimits: []
    hostname: 7
`);
  assertEquals(r.code, 1);
  assertEquals(
    r.stderr,
    `WARNING: .machine.baseRuntimeSpecOverrides is deprecated; use a CRIBaseRuntimeSpecConfig document instead\n` +
      list([
        `unexpected logging endpoint scheme "http"`,
        `unknown logging format "text"`,
        "empty logging endpoint",
        "invalid node address sort algorithm: v3 does not belong to AddressSortAlgorithm values",
        "failed to unmarshal base runtime spec overrides: json: cannot unmarshal number into Go struct field Spec.hostname of type string",
      ]),
  );
  const ok = await validate(`  features:
    nodeAddressSortAlgorithm: v2
  logging:
    destinations:
      - endpoint: tcp://10.0.0.1:5000
        format: json_lines
`);
  assertEquals(ok.code, 0, ok.stderr);
});

Deno.test("validate: duplicate keys are go-yaml v4 construct errors; a duplicated mapping is not descended into", async () => {
  const r = await validate(
    '  nodeLabels: {a: "1", a: "2", a: "3"}\n  kubelet:\n    extraConfig:\n      x: {y: 1, y: 2}\n      x: 3\n',
  );
  assertEquals(r.code, 1);
  assertEquals(
    r.stderr,
    "c.yaml: error decoding document /v1alpha1/ (line 1): error decoding  to *v1alpha1.Config: " +
      'yaml: construct errors: line 8: mapping key "a" already defined at line 8; ' +
      'line 8: mapping key "a" already defined at line 8; line 8: mapping key "a" already defined at line 8; ' +
      'line 12: mapping key "x" already defined at line 11\n',
  );
});

Deno.test("validate: construct errors name Go's type (package-qualified structs, integer widths, named lists)", async () => {
  const r = await validate(
    "  install: foo\n  network:\n    interfaces:\n      - interface: eth0\n        mtu: big\n        vlans: 1\n",
  );
  assertEquals(
    r.stderr,
    "c.yaml: error decoding document /v1alpha1/ (line 1): error decoding  to *v1alpha1.Config: " +
      "yaml: construct errors: line 8: cannot construct !!str `foo` into v1alpha1.InstallConfig; " +
      "line 12: cannot construct !!str `big` into int; " +
      "line 13: cannot construct !!int `1` into v1alpha1.VlanList\n",
  );
  const dir = await tempDir();
  await Deno.writeTextFile(
    `${dir.path}/c.yaml`,
    "apiVersion: v1alpha1\nkind: ContainerConfig\nname: a\nimage: x\nrunAs: {uid: abc}\n",
  );
  const c = await run(["validate", "--config", "c.yaml", "-m", "cloud"], { cwd: dir.path });
  await dir[Symbol.asyncDispose]();
  assertEquals(
    c.stderr,
    "c.yaml: error decoding document v1alpha1/ContainerConfig/a (line 1): error decoding ContainerConfig " +
      "to *container.ContainerConfigV1Alpha1: yaml: construct errors: line 5: cannot construct !!str `abc` into int32\n",
  );
});
