// The Kubernetes API double's server-side apply, read through the project's own client: field
// ownership per manager, conflicts unless forced, dry runs, fields dropped when their applier
// stops listing them, immutable fields, merge patches and discovery of CRD-served kinds.

import { assertEquals } from "./assert.ts";
import { newSelfSignedCA } from "../pki/ca.ts";
import { issueCertificate } from "../pki/client_cert.ts";
import { EKU_CLIENT_AUTH, KeyUsage } from "../pki/x509_build.ts";
import { K8sApiError, K8sClient, type K8sObject } from "../k8s/mod.ts";
import { RestMapper } from "../k8s/restmapper.ts";
import { startK8sDouble } from "./k8s_double/server.ts";

async function setup() {
  const now = Date.now();
  const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
  const ca = await newSelfSignedCA({
    algorithm: "ecdsa",
    organizations: ["kubernetes"],
    notBefore: new Date(now - 10_000),
    notAfter: new Date(now + 3600_000),
    random,
  });
  const k8s = await startK8sDouble({ ca: { crt: ca.crt, key: ca.key } });
  k8s.put({ apiVersion: "v1", kind: "Namespace", metadata: { name: "kube-system" } });
  const admin = await issueCertificate({ crt: ca.crt, key: ca.key }, {
    subject: { commonName: "admin", organizations: ["system:masters"] },
    notBefore: new Date(now - 10_000),
    notAfter: new Date(now + 3600_000),
    keyUsage: KeyUsage.digitalSignature,
    extKeyUsage: [EKU_CLIENT_AUTH],
  });
  const client = new K8sClient({ server: k8s.url, ca: ca.crt, cert: admin.crt, key: admin.key });
  return {
    k8s,
    client,
    async [Symbol.asyncDispose]() {
      client.close();
      await k8s.close();
    },
  };
}

const CM = "/api/v1/namespaces/kube-system/configmaps";

function apply(client: K8sClient, obj: K8sObject, manager: string, q: Record<string, string> = {}) {
  return client.request("PATCH", `${CM}/${obj.metadata.name}`, {
    query: { fieldManager: manager, ...q },
    contentType: "application/apply-patch+yaml",
    body: obj,
  });
}

const cm = (data: Record<string, string>) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name: "c", namespace: "kube-system" },
  data,
});

async function refusal(p: Promise<unknown>): Promise<K8sApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof K8sApiError) return e;
    throw e;
  }
  throw new Error("expected a refusal");
}

Deno.test("k8s double: server-side apply owns fields per manager; a conflict needs force", async () => {
  await using s = await setup();
  const first = await apply(s.client, cm({ a: "1", b: "1" }), "alice");
  assertEquals(first.data, { a: "1", b: "1" });
  assertEquals(first.metadata.managedFields.map((m: K8sObject) => [m.manager, m.fieldsV1]), [
    ["alice", { "f:data": { "f:a": {}, "f:b": {} } }],
  ]);
  // Same value: no conflict, shared ownership.
  await apply(s.client, cm({ a: "1" }), "bob");
  const e = await refusal(apply(s.client, cm({ a: "2" }), "bob"));
  assertEquals([e.status, e.reason], [409, "Conflict"]);
  assertEquals(e.message, 'Apply failed with 1 conflict: conflict with "alice" using v1: .data.a');
  // Dry run with force: the answer shows the change, the store does not.
  const dry = await apply(s.client, cm({ a: "2" }), "bob", { force: "true", dryRun: "All" });
  assertEquals(dry.data.a, "2");
  assertEquals(s.k8s.get("v1", "ConfigMap", "c", "kube-system")!.data.a, "1");
  const forced = await apply(s.client, cm({ a: "2" }), "bob", { force: "true" });
  assertEquals(forced.data, { a: "2", b: "1" });
  assertEquals(forced.metadata.managedFields.map((m: K8sObject) => [m.manager, m.fieldsV1]), [
    ["alice", { "f:data": { "f:b": {} } }],
    ["bob", { "f:data": { "f:a": {} } }],
  ]);
  // alice stops listing b: it is removed (nobody else owns it).
  const dropped = await apply(s.client, cm({}), "alice");
  assertEquals(dropped.data, { a: "2" });
  const missing = await refusal(
    s.client.request("PATCH", `${CM}/c`, {
      contentType: "application/apply-patch+yaml",
      body: cm({}),
    }),
  );
  assertEquals([missing.status, missing.reason], [400, "BadRequest"]);
});

Deno.test("k8s double: immutable selector, merge patch, generation, CRD kinds in discovery", async () => {
  await using s = await setup();
  const path = "/apis/apps/v1/namespaces/kube-system/deployments/d";
  const deploy = (app: string, replicas: number) => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "d", namespace: "kube-system" },
    spec: { replicas, selector: { matchLabels: { app } } },
  });
  const opts = (body: K8sObject) => ({
    query: { fieldManager: "m" },
    contentType: "application/apply-patch+yaml",
    body,
  });
  const created = await s.client.request("PATCH", path, opts(deploy("a", 1)));
  assertEquals(created.metadata.generation, 1);
  const scaled = await s.client.request("PATCH", path, opts(deploy("a", 3)));
  assertEquals(scaled.metadata.generation, 2);
  const e = await refusal(s.client.request("PATCH", path, opts(deploy("b", 3))));
  assertEquals([e.status, e.reason], [422, "Invalid"]);
  assertEquals(
    e.message,
    'Deployment.apps "d" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"b"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
  );
  const patched = await s.client.request("PATCH", path, {
    contentType: "application/merge-patch+json",
    body: { spec: { replicas: null } },
  });
  assertEquals(patched.spec.replicas, undefined);
  // A namespaced object in a namespace that does not exist.
  const ns = await refusal(
    s.client.request("POST", "/api/v1/namespaces/nope/configmaps", { body: cm({}) }),
  );
  assertEquals([ns.status, ns.message], [404, 'namespaces "nope" not found']);

  const mapper = new RestMapper(s.client);
  let err: unknown;
  try {
    await mapper.mapping("example.com", "Widget", "v1");
  } catch (e) {
    err = e;
  }
  assertEquals((err as Error).message, 'no matches for kind "Widget" in version "example.com/v1"');
  await s.client.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", {
    body: {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "widgets.example.com" },
      spec: {
        group: "example.com",
        names: { kind: "Widget", plural: "widgets" },
        scope: "Namespaced",
        versions: [{ name: "v1", served: true, storage: true }],
      },
    },
  });
  assertEquals(await mapper.mapping("example.com", "Widget"), {
    group: "example.com",
    version: "v1",
    kind: "Widget",
    resource: "widgets",
    namespaced: true,
  });
});
