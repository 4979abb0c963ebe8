import { assert, assertEquals, assertStringIncludes } from "../../tests/assert.ts";
import { machineConfigSchema } from "../registry.ts";
import { encodeConfig } from "../encode.ts";
import { applyPatches, decodeConfig, loadPatch, loadPatches, stateText } from "./mod.ts";
import type { ConfigState, Patch } from "./mod.ts";

const schema = machineConfigSchema();
const opts = { schema, encode: encodeConfig };

const BASE = `version: v1alpha1
machine:
  type: worker
  token: abc
  certSANs: [a]
  network:
    hostname: host1
    interfaces:
      - interface: eth0
        dhcp: true
        vlans:
          - vlanId: 10
            addresses: [10.0.0.1/24]
  sysctls:
    a: "1"
cluster:
  network:
    podSubnets: [10.244.0.0/16]
  apiServer:
    auditPolicy:
      apiVersion: audit.k8s.io/v1
      kind: Policy
      rules:
        - level: Metadata
---
apiVersion: v1alpha1
kind: SideroLinkConfig
apiUrl: https://siderolink.example/join
---
apiVersion: v1alpha1
kind: LinkConfig
name: eth1
addresses:
  - address: 10.0.42.1/24
  - address: 10.0.42.2/24
`;

function patch(text: string): Patch {
  const p = loadPatch(schema, text, "patch.yaml");
  assert(p !== null);
  return p;
}

function apply(base: string, ...patches: string[]): string {
  const st: ConfigState = { form: "bytes", text: base, source: "config.yaml" };
  return stateText(applyPatches(st, patches.map(patch), opts), opts);
}

function err(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected an error");
}

Deno.test("strategic merge: scalars override, lists append, maps merge, zero values ignored", () => {
  const out = apply(
    BASE,
    `machine:
  certSANs: [b]
  network:
    hostname: ""
  sysctls:
    b: "2"
`,
  );
  const [doc] = decodeConfig(schema, out, "out");
  const m = doc.data.machine as Record<string, unknown>;
  assertEquals(m.certSANs, ["a", "b"]);
  assertEquals((m.network as Record<string, unknown>).hostname, "host1");
  assertEquals(m.sysctls, { a: "1", b: "2" });
});

Deno.test("strategic merge: interfaces merge by name, vlans by id, pod subnets and audit policy replace", () => {
  const out = apply(
    BASE,
    `machine:
  network:
    interfaces:
      - interface: eth0
        mtu: 9000
        vlans:
          - vlanId: 10
            addresses: [10.0.0.2/24]
          - vlanId: 20
      - interface: eth9
        dhcp: true
cluster:
  network:
    podSubnets: [10.10.0.0/16]
  apiServer:
    auditPolicy:
      apiVersion: audit.k8s.io/v1
      kind: Policy
      rules:
        - level: None
`,
  );
  assertStringIncludes(
    out,
    `        interfaces:
            - interface: eth0
              vlans:
                - addresses:
                    - 10.0.0.1/24
                    - 10.0.0.2/24
                  routes: []
                  vlanId: 10
                - routes: []
                  vlanId: 20
              mtu: 9000
              dhcp: true
            - interface: eth9
              dhcp: true
`,
  );
  assertStringIncludes(out, "podSubnets:\n            - 10.10.0.0/16\n");
  assertStringIncludes(out, "rules:\n                - level: None\n");
  assert(!out.includes("Metadata"));
});

Deno.test("strategic merge: field order comes from the schema, not from the patch", () => {
  const out = apply(BASE, `machine:\n  sysctls: {z: "1"}\n  type: worker\n  kubelet: {image: k}\n`);
  const keys = out.split("\n").filter((l) => /^ {4}\w/.test(l)).map((l) => l.trim().split(":")[0]);
  assertEquals(keys.slice(0, 6), ["type", "token", "certSANs", "kubelet", "network", "sysctls"]);
});

Deno.test("strategic merge: documents pair by kind and name; new ones are appended", () => {
  const out = apply(
    BASE,
    `apiVersion: v1alpha1
kind: LinkConfig
name: eth1
mtu: 1400
---
apiVersion: v1alpha1
kind: LinkConfig
name: eth2
mtu: 1500
---
apiVersion: v1alpha1
kind: SideroLinkConfig
apiUrl: https://other.example/join
`,
  );
  const docs = decodeConfig(schema, out, "out");
  assertEquals(docs.map((d) => `${d.kind}/${d.data.name ?? ""}`), [
    "v1alpha1/",
    "SideroLinkConfig/",
    "LinkConfig/eth1",
    "LinkConfig/eth2",
  ]);
  assertEquals(docs[1].data.apiUrl, "https://other.example/join");
  assertEquals(docs[2].data.mtu, 1400);
  assertEquals((docs[2].data.addresses as unknown[]).length, 2);
});

Deno.test("$patch: delete removes keys, list items and whole documents", () => {
  const out = apply(
    BASE,
    `machine:
  network:
    hostname:
      $patch: delete
    interfaces:
      - interface: eth0
        $patch: delete
  sysctls:
    a:
      $patch: delete
---
apiVersion: v1alpha1
kind: SideroLinkConfig
$patch: delete
---
apiVersion: v1alpha1
kind: LinkConfig
name: eth1
addresses:
  - address: 10.0.42.1/24
    $patch: delete
---
apiVersion: v1alpha1
kind: KubeSpanConfig
$patch: delete
`,
  );
  assert(!out.includes("host1"));
  assert(!out.includes("eth0"));
  assert(!out.includes("SideroLinkConfig"));
  assert(!out.includes("10.0.42.1/24"));
  assertStringIncludes(out, "10.0.42.2/24");
  assert(!out.includes("sysctls"), "an emptied omitempty map is omitted");
});

Deno.test("$patch: delete of a missing key fails naming the path and document", () => {
  const msg = err(() =>
    apply(
      "version: v1alpha1\nmachine: {}\n",
      "machine:\n  network:\n    hostname:\n      $patch: delete\n",
    )
  );
  assertStringIncludes(
    msg,
    "patch delete: path 'machine.network.hostname' in document '/v1alpha1': failed to delete path 'machine.network.hostname': lookup failed",
  );
  assertStringIncludes(msg, "patch.yaml");
});

Deno.test("JSON 6902: applied to single documents, keys sorted, multi-document refused", () => {
  const out = apply(
    "version: v1alpha1\nmachine:\n  type: worker\n  kubelet: {}\n",
    `[{"op": "add", "path": "/machine/kubelet/extraArgs", "value": {"cloud-provider": "external"}}]`,
  );
  assertEquals(
    out,
    "machine:\n  kubelet:\n    extraArgs:\n      cloud-provider: external\n  type: worker\nversion: v1alpha1\n",
  );
  const msg = err(() => apply(BASE, `- op: remove\n  path: /machine/certSANs\n`));
  assertEquals(msg, "JSON6902 patches are not supported for multi-document machine configuration");
});

Deno.test("JSON 6902: a missing path is an error naming the patch", () => {
  const msg = err(() =>
    apply("version: v1alpha1\nmachine: {}\n", `[{"op": "remove", "path": "/machine/nope"}]`)
  );
  assertStringIncludes(
    msg,
    "patch.yaml: failure applying rfc6902 patches to talos machine config: error in remove for path: '/machine/nope': Unable to remove nonexistent key: nope: missing value",
  );
  const add = err(() =>
    apply("version: v1alpha1\n", `[{"op": "add", "path": "/a/b/c", "value": 1}]`)
  );
  assertStringIncludes(
    add,
    `add operation does not apply: doc is missing path: "/a/b/c": missing value`,
  );
});

Deno.test("patch detection: strategic, JSON, YAML operations; JSON patches in a row are joined", async () => {
  const files: Record<string, string> = {
    "s.yaml": "machine:\n  network:\n    hostname: x\n",
    "j1.json": `[{"op": "add", "path": "/machine/a", "value": 1}]`,
    "j2.yaml": "- op: add\n  path: /machine/b\n  value: 2\n",
    "empty.yaml": "# nothing here\n",
  };
  const ps = await loadPatches(
    ["@s.yaml", "@j1.json", "j2.yaml", "@empty.yaml", `{"machine": {"type": "worker"}}`],
    { schema, readFile: (p) => Promise.resolve(files[p]) },
  );
  assertEquals(ps.map((p) => p.type), ["strategic", "json6902", "strategic"]);
  assertEquals(ps[1].type === "json6902" ? ps[1].ops.length : 0, 2);
});

Deno.test("bad patches: unknown keys (with line), malformed YAML, JSON errors", () => {
  const unknown = err(() => loadPatch(schema, "machine:\n  network:\n    hostnme: x\n", "p.yaml"));
  assertStringIncludes(unknown, "p.yaml");
  assertStringIncludes(unknown, "unknown keys found during decoding");
  assertStringIncludes(unknown, "machine.network.hostnme (line 3)");
  const malformed = err(() => loadPatch(schema, "machine: [\n  a: b\n", "m.yaml"));
  assertStringIncludes(malformed, "m.yaml");
  const json = err(() => loadPatch(schema, '[{"op": ', "j.json"));
  assertStringIncludes(json, "j.json");
  const typed = err(() => loadPatch(schema, "machine:\n  certSANs: notalist\n", "t.yaml"));
  assertStringIncludes(
    typed,
    "construct errors: line 2: cannot construct !!str `notalist` into []string",
  );
  const prefix = err(() =>
    loadPatch(
      schema,
      "apiVersion: v1alpha1\nkind: LinkConfig\nname: eth0\naddresses:\n  - address: 10.0.0.1/99\n",
      "l.yaml",
    )
  );
  assertStringIncludes(prefix, "l.yaml: error decoding document v1alpha1/LinkConfig/eth0 (line 1)");
  assertStringIncludes(
    prefix,
    'construct errors: line 5: netip.ParsePrefix("10.0.0.1/99"): prefix length out of range',
  );
});

Deno.test("an empty patch is a no-op", () => {
  assertEquals(loadPatch(schema, "\n# just a comment\n---\n", "e.yaml"), null);
  assertEquals(apply(BASE), BASE);
});

Deno.test("inline manifests lose leading blank lines when decoded, as upstream", () => {
  const out = apply(
    "version: v1alpha1\nmachine: {type: worker}\n",
    "cluster:\n  inlineManifests:\n    - name: m\n      contents: |\n\n        kind: A\n",
  );
  assertStringIncludes(out, "contents: |\n            kind: A\n");
});

Deno.test("strategic merge: URLs merge field by field as Go's struct merge of url.URL", () => {
  const base = BASE.replace(
    "cluster:\n",
    "cluster:\n  controlPlane:\n    endpoint: https://127.0.0.1:6443/\n",
  );
  const endpoint = (out: string) => {
    const [doc] = decodeConfig(schema, out, "out");
    const c = doc.data.cluster as Record<string, Record<string, unknown>>;
    return c.controlPlane.endpoint;
  };
  // The patch has no path: the target's "/" stays; its host (with port) replaces the target's.
  assertEquals(
    endpoint(apply(base, "cluster:\n  controlPlane:\n    endpoint: https://10.0.0.1\n")),
    "https://10.0.0.1/",
  );
  assertEquals(
    endpoint(apply(base, "cluster:\n  controlPlane:\n    endpoint: https://lb:443/k8s?x=1\n")),
    "https://lb:443/k8s?x=1",
  );
  // meta.URL fields (SideroLinkConfig apiUrl) merge the same way.
  const out = apply(base, "apiVersion: v1alpha1\nkind: SideroLinkConfig\napiUrl: grpc://other\n");
  assertStringIncludes(out, "apiUrl: grpc://other/join\n");
});
