import { assertEquals } from "../../tests/assert.ts";
import { machineConfigSchema } from "../registry.ts";
import { decodeConfig } from "../patch/mod.ts";
import { validateDocuments } from "./docs.ts";
import { containerConflict, v1alpha1Conflicts } from "./conflicts.ts";

const schema = machineConfigSchema();
const docs = (yaml: string) => decodeConfig(schema, yaml, "t.yaml");
const check = (yaml: string) => validateDocuments(schema, docs(yaml));
const doc = (kind: string, body: string) => `apiVersion: v1alpha1\nkind: ${kind}\n${body}`;

Deno.test("volume documents: names, provisioning, encryption, intervals", () => {
  assertEquals(
    check(
      doc("UserVolumeConfig", "name: ok-1\nprovisioning:\n  diskSelector:\n    match: 'true'\n"),
    ),
    { errors: ["UserVolumeConfig/ok-1: min size or max size is required"], warnings: [] },
  );
  const r = check(doc(
    "UserVolumeConfig",
    "name: bad_name\nvolumeType: directory\nprovisioning:\n  minSize: 1GB\nfilesystem:\n  type: ext4\nmount:\n  disableAccessTime: true\n",
  ));
  assertEquals(r.errors, [
    "UserVolumeConfig/bad_name: name can only contain lowercase and uppercase ASCII letters, digits, and hyphens\n" +
    "provisioning spec is invalid for volumeType directory\n" +
    "filesystem spec is invalid for volumeType directory\n" +
    "mount.disableAccessTime is invalid for volumeType directory",
  ]);
  assertEquals(
    check(doc(
      "RawVolumeConfig",
      "name: r\nprovisioning:\n  minSize: -1GB\n  grow: true\nencryption:\n  provider: luks2\n  keys:\n    - slot: 0\n    - slot: 0\n      tpm:\n        options:\n          pcrs: [7, 24]\n",
    )).errors,
    [
      "RawVolumeConfig/r: disk selector is required\nmin size cannot be negative\n" +
      "at least one encryption key type must be specified for slot 0\nduplicate key slot 0\n" +
      "TPM PCR 24 is out of range (0-23)",
    ],
  );
  assertEquals(
    check(doc("VolumeConfig", "name: STATE\nprovisioning:\n  grow: true\nmount:\n  secure: true\n"))
      .errors,
    [
      `VolumeConfig/STATE: provisioning config is not allowed for the "STATE" volume\n` +
      `mount config is not allowed for the "STATE" volume`,
    ],
  );
  assertEquals(
    check(doc("VolumeConfig", "name: ETCD\nmount:\n  secure: true\nscrub:\n  interval: 5s\n"))
      .errors,
    [
      `VolumeConfig/ETCD: mount config for the "ETCD" volume is only supported when it is provisioned onto a dedicated partition\n` +
      "scrub interval: minimum value is 10s",
    ],
  );
  assertEquals(
    check(
      doc("ExistingVolumeConfig", "name: e\n") + "---\n" +
        doc("ExternalVolumeConfig", "name: x\nfilesystemType: virtiofs\nmount:\n  virtiofs: {}\n") +
        "---\n" + doc("ZswapConfig", "maxPoolPercent: 101\n") + "---\n" +
        doc("FilesystemTrimConfig", "interval: -1h\n"),
    ).errors,
    [
      "ExistingVolumeConfig/e: volume selector is required",
      "ExternalVolumeConfig/x: virtiofs tag is required",
      "ZswapConfig: maxPoolPercent must be between 0 and 100",
      "FilesystemTrimConfig: interval cannot be negative",
    ],
  );
});

Deno.test("link documents: bonds, VLANs, WireGuard, veth, VRF, VIPs, aliases", () => {
  const r = check(
    doc(
      "BondConfig",
      "name: bond0\nlinks: [a, b]\nbondMode: active-backup\nprimaryReselect: always\n",
    ) +
      "---\n" + doc("VLANConfig", "name: v\nvlanID: 4095\n") + "---\n" +
      doc("WireguardConfig", "name: wg\nprivateKey: invalid-key\npeers:\n  - publicKey: YQ==\n") +
      "---\n" + doc("VethConfig", "name: a-very-long-veth-name\npeer:\n  name: 'b c'\n") +
      "---\n" + doc("VRFConfig", "name: vrf0\ntable: main\n") + "---\n" +
      doc("HCloudVIPConfig", "name: net4\n") + "---\n" +
      doc("LinkAliasConfig", "name: net%s\n"),
  );
  assertEquals(r.warnings, ["primaryReselect has no effect unless primary is specified"]);
  assertEquals(r.errors, [
    "VLANConfig/v: vlanID must be specified and between 1 and 4094\nparent must be specified",
    "WireguardConfig/wg: wireguard private key is invalid: illegal base64 data at input byte 7\n" +
    "wireguard peer public key is invalid (peer index 0): invalid wireguard key length",
    "VethConfig/a-very-long-veth-name: name must not exceed 15 bytes\n" +
    "peer name must not contain whitespace or non-printable characters",
    "VRFConfig/vrf0: cannot create vrf with reserved table main",
    `HCloudVIPConfig/net4: name must be a valid IP address: ParseAddr("net4"): unable to parse IP\n` +
    "link must be specified\napiToken must be specified",
    `LinkAliasConfig/net%s: name "net%s" contains an invalid format verb, use %d suffix\n` +
    "link selector is required",
  ]);
});

Deno.test("container conflicts: duplicates, exclusive kinds, links claimed twice", () => {
  const link = (kind: string, name: string, extra = "") => doc(kind, `name: ${name}\n${extra}`);
  assertEquals(
    containerConflict(
      schema,
      docs(
        link("Layer2VIPConfig", "1.2.3.4", "link: a\n") + "---\n" +
          link("HCloudVIPConfig", "1.2.3.4", "link: a\n"),
      ),
    ),
    "conflicting documents: Layer2VIPConfig/1.2.3.4 and HCloudVIPConfig/1.2.3.4",
  );
  assertEquals(
    containerConflict(
      schema,
      docs(link("LinkConfig", "eth0") + "---\n" + link("BondConfig", "eth0")),
    ),
    "conflicting documents: LinkConfig/eth0 and BondConfig/eth0",
  );
  assertEquals(
    containerConflict(
      schema,
      docs(
        link("VethConfig", "v0", "peer:\n  name: eth1\n") + "---\n" + link("LinkConfig", "eth1"),
      ),
    ),
    `conflicting link configurations: VethConfig/v0 and LinkConfig/eth1 both configure "eth1"`,
  );
  assertEquals(
    containerConflict(
      schema,
      docs(link("LinkConfig", "eth0") + "---\n" + link("LinkConfig", "eth1")),
    ),
    null,
  );
});

Deno.test("new-style documents conflict with their legacy v1alpha1 settings", () => {
  const legacy = {
    machine: { network: { kubespan: { enabled: true }, hostname: "n1" }, kubelet: {} },
    cluster: { clusterName: "c", secretboxEncryptionSecret: "x", id: "i" },
  };
  const others = docs(
    [
      doc("KubeSpanConfig", "enabled: true\n"),
      doc("HostnameConfig", "hostname: n2\n"),
      doc("KubeletConfig", "{}\n").replace("{}\n", ""),
      doc("KubeClusterConfig", ""),
      doc("KubeEtcdEncryptionConfig", ""),
      doc("DiscoveryIdentityConfig", ""),
      doc("LinkConfig", "name: eth0\n"),
    ].join("---\n"),
  );
  assertEquals(v1alpha1Conflicts(legacy, others), [
    "kubespan is already configured in v1alpha1 machine.network.kubespan",
    "static hostname is already set in v1alpha1 config",
    "kubelet config is already set in v1alpha1 config (.machine.kubelet)",
    "cluster name is already set in the v1alpha1 config (.cluster.clusterName). Please remove it and use only the new KubeClusterConfig document to avoid conflicts",
    "etcd encryption config is already set in v1alpha1 config",
    "cluster identity is already configured in .cluster.id/.cluster.secret of the v1alpha1 config",
  ]);
});
