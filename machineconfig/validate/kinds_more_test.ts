// Each multi-document kind's own checks (upstream's Validate of every registered kind): the
// fixtures in testdata/ hold one or more faulty documents per kind; the expected texts were
// checked line by line against upstream's Validate methods at HEAD.

import { assertEquals } from "../../tests/assert.ts";
import { machineConfigSchema } from "../registry.ts";
import { decodeConfig } from "../patch/mod.ts";
import { validateDocuments } from "./docs.ts";

const schema = machineConfigSchema();
const check = (name: string) => {
  const path = new URL(`./testdata/${name}.yaml`, import.meta.url);
  return validateDocuments(schema, decodeConfig(schema, Deno.readTextFileSync(path), "t.yaml"));
};

Deno.test("ContainerConfig: name, image, environment, mounts, security, resources, dependsOn, runAs", () => {
  const r = check("container");

  assertEquals(r.errors, [
    'ContainerConfig/Bad_Name: name "Bad_Name": name can only contain lowercase ASCII letters, digits and hyphens\ninvalid image reference "UPPER/x": could not parse reference: UPPER/x\nenvironment[0]: "FOO" must be in KEY=value form\nmounts[0]: unsupported mount option "bogus"\nmount options ro and rw are mutually exclusive\nmounts[1]: hostPath.source "rel" must be an absolute path\nmounts[3]: duplicate destination "/tmp"\nmounts[4]: exactly one of userVolume, tmpfs or hostPath must be set\nunsupported security profile "weird", expected restricted or privileged\ncapabilities.add does not accept ALL, use profile: privileged instead\ncapabilities.add: capability "CAP_NET_ADMIN" must be given without the CAP_ prefix\ncapabilities.add: capability "net_raw" must be upper case\ncapabilities.add: capability "SYS-ADMIN" may only contain upper case letters and underscores\ncapability "ALL" appears in both add and drop\ncapability "NET_ADMIN" appears in both add and drop\nunsupported network mode "bridge", expected none or host\nlimits.memory "lots" is not a valid size: strconv.ParseFloat: parsing "": invalid syntax\nlimits.cpu "2" must be expressed in millicores, e.g. 1500m\ndependsOn.paths entry "x" must be an absolute path\nunsupported dependsOn.networks condition "foo"\ndependsOn.containers entry must not be empty\ncontainer "Bad_Name" cannot depend on itself\nrunAs.uid must be non-negative, got -1\nrunAs.gid must be non-negative, got -2',
  ]);

  assertEquals(r.warnings, [
    'container "ok": image "alpine:3" is not digest-pinned, the running image may change on restart',
  ]);
});

Deno.test("network documents without links: BGP, blackhole routes, DHCP, probes, rules, time sync", () => {
  const r = check("network_extra");

  assertEquals(r.errors, [
    'BGPInstanceConfig/b: localASN must be specified\nrouterID must be an IPv4 address\nneighbor[1]: holdTime must not be negative\nneighbor[1]: duplicate neighbor "10.0.0.1"\nneighbor[2]: exactly one of address or link must be set\nimportRoutes[0]: cannot import from the same BGP instance "b"\nimportRoutes[0].prefixes[1]: prefix 10.1.0.1/16 must be masked\nimportRoutes[0].prefixes[1]: prefix 10.1.0.1/16 overlaps prefixes[0] 10.0.0.0/8\nimportRoutes[1]: prefix 10.2.0.0/16 overlaps importRoutes[0] prefix 10.0.0.0/8\nimportRoutes[2]: at least one prefix must be specified\nimportRoutes[2]: duplicate source BGP instance "other"',
    "BlackholeRouteConfig/10.0.0.0: name must be a valid address prefix: netip.ParsePrefix(\"10.0.0.0\"): no '/'",
    "DHCPv4Config/eth0: duidRaw must be set if clientIdentifier is 'duid'",
    'HTTPProbeConfig/p: HTTP probe URL scheme must be http or https, got "ftp"\nHTTP probe timeout cannot be negative: -2s\nprobe interval cannot be negative: -1m30s\nprobe failure threshold cannot be negative: -1',
    "TCPProbeConfig/: probe name is required\nTCP probe endpoint is required",
    "RoutingRuleConfig/32766: priority must be between 1 and 32765 (excluding reserved priorities [0 32500 32766 32767])\neither table or a non-unicast action must be specified\nfwMask requires fwMark to be set",
    "NetworkRuleConfig/r: invalid port range: 150-150, overlaps with 100-200",
    'TimeSyncConfig: bootTimeout cannot be negative\nonly one of ntp or ptp configuration can be specified\nNTS requires hostnames, not IP addresses: "1.2.3.4"',
  ]);

  assertEquals(r.warnings, []);
});

Deno.test("Kubernetes documents: images, arguments, resources, subnets, node labels, CAs, roles", () => {
  const r = check("k8s");

  assertEquals(r.errors, [
    'KubeAPIServerConfig: kube-apiserver image cannot be empty\nkube-apiserver extra argument "anonymous-auth" is not allowed: use KubeAuthenticationConfig\nkube-apiserver extra argument "oidc-issuer-url" is not allowed: use KubeAuthenticationConfig\nunsupported pod resource "gpu"',
    'KubeletConfig: kubelet configuration field "kind" can\'t be overridden\nkubelet configuration field "port" can\'t be overridden',
    "KubeNetworkConfig: nodeCIDRMaskSizeIPv4 must be between 1 and 32\npod subnets: invalid subnet: fd00::/8 is too large for the per-node pod CIDR mask size /64, the difference must be at most 16 bits\nservice subnets: invalid subnet: 10.0.0.0/8 is too large, it must be at least /12 (at most 20 host identifier bits)\nthe number of pod subnets must match the number of service subnets",
    'KubeNodeConfig: nodeIP subnet is not valid: "10.0.0.0/33"\ninvalid node labels: 1 error occurred:\n\t* invalid format: too many slashes: "a/b/c"\n\n',
    "KubeAuthorizerConfig/w: authorizer type Foo is not allowed, allowed types are [Node RBAC Webhook]",
    "KubeAggregatorCAConfig: issuing CA is not set\naccepted CA #0: no PEM blocks found",
    'KubeServiceAccountConfig: service issuer private key is invalid: unsupported key type "FOO"\nservice issuer URL is required',
    'KubeStaticPodConfig/Bad_Pod: static pod name is invalid: domain doesn\'t match required format: "Bad_Pod"\nstatic pod spec is required',
    'KubeTalosAPIAccessConfig: invalid role "os:nope" in .allowedRoles',
    "KubePrismConfig: invalid port 0: must be in range 1-65535",
    "KubeClusterConfig: cluster endpoint is invalid: hostname must not be blank",
    'KubeExternalManifestConfig/m: manifest URL scheme must be http or https: "ftp"',
  ]);

  assertEquals(r.warnings, [
    'proxy mode "ipvs" is not recommended, please switch to nftables if possible',
    "extra arguments for kube-proxy may not work as expected, please use configuration instead",
    "authorizer webhook configuration is not allowed non-Webhook authorizer types",
  ]);
});

Deno.test("runtime, CRI, discovery, image verification, LVM and RAID documents", () => {
  const r = check("runtime");

  assertEquals(r.errors, [
    'EnvironmentConfig: invalid environment variable name: "1BAD"\ninvalid environment variable name: "A-B"',
    'EtcFileConfig/ssl/foo.conf: user etc file "ssl/foo.conf" is managed by Talos',
    "WatchdogTimerConfig: watchdog timeout: minimum value is 10s",
    "UnattendedInstallConfig: provisioning.volumeSelector.match is required",
    'CRICustomizationConfig/customization: name "customization" is reserved for the legacy CRI customization',
    "RegistryAuthConfig/r: only one of username/password or identityToken authentication can be specified\nonly one of auth, username/password or identityToken authentication can be specified",
    'RegistryTLSConfig/t: ca must be a valid PEM-encoded certificate\nclient identity: certificate: unexpected PEM block type "FOO", expected one of ["CERTIFICATE"]',
    "DiscoveryIdentityConfig: invalid clusterSecret: expected 32 bytes, got 3: YWJj",
    "DiscoveryServiceConfig/d: endpoint scheme must be http://, https:// or grpc://",
    "ImageVerificationConfig: rule 0: at least one verifier must be configured\nrule 1: skip and deny cannot both be true\nrule 1: verifiers cannot be configured if skip or deny is true\nrule 1: only one of keyless or publicKey verifier can be configured\nrule 1: verifier OIDC issuer must be specified\nrule 1: verifier subject or subjectRegex must be specified\nrule 1: verifier certificates must be specified",
    "LVMVolumeGroupConfig/vg.0: name can only contain ASCII letters, digits, hyphens and underscores\nprovisioning.volumeSelector.match is required",
    "LVMLogicalVolumeConfig/lv: mirrors is only valid for raid1/raid10, not linear\nprovisioning.volumeGroup is required\nprovisioning.minSize must not exceed provisioning.maxSize",
    "RAIDArrayConfig/this-name-is-way-too-long-for-raid-arrays: name must be between 1 and 32 characters long",
    "OOMConfig: OOM sample interval must be longer than 0",
  ]);

  assertEquals(r.warnings, [
    "installer.image is not set, if Talos is not booted from asset built by Image Factory, installation will fail",
    "rule 0: imagePattern does not contain a '/', image references like 'nginx' are matched as 'docker.io/nginx' (normalized)",
    "rule 1: imagePattern contains '@' but matching only applies to the image registry and repository, not the tag or digest",
  ]);
});
