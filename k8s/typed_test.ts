import { assertEquals } from "../tests/assert.ts";
import type { JsonValue } from "../goyaml/mod.ts";
import { typedWorkload } from "./typed.ts";

Deno.test("typed: zero values are written or left out as the Go types do", () => {
  const pod = typedWorkload("v1/Pod", {
    apiVersion: "v1",
    kind: "Pod",
    unknownTopLevel: "dropped",
    metadata: { name: "p", creationTimestamp: null, labels: {}, generation: 0, bogus: 1 },
    spec: {
      hostNetwork: false,
      automountServiceAccountToken: false,
      nodeSelector: {},
      tolerations: [],
      securityContext: {},
      containers: [{
        name: "c",
        image: "",
        args: [],
        ports: [{ name: "http" }],
        env: [{ name: "A", value: "" }],
        securityContext: { privileged: false, readOnlyRootFilesystem: true },
        livenessProbe: { periodSeconds: 0, failureThreshold: 3, httpGet: { path: "/", port: 80 } },
      }],
    },
  });
  assertEquals(pod, {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p" },
    spec: {
      automountServiceAccountToken: false,
      securityContext: {},
      containers: [{
        name: "c",
        ports: [{ name: "http", containerPort: 0 }],
        env: [{ name: "A" }],
        securityContext: { privileged: false, readOnlyRootFilesystem: true },
        livenessProbe: { failureThreshold: 3, httpGet: { path: "/", port: 80 } },
        resources: {},
      }],
    },
    status: {},
  });
});

Deno.test("typed: a document that does not fit its type is not a workload", () => {
  const base = (spec: JsonValue) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p" },
    spec,
  });
  assertEquals(typedWorkload("v1/Pod", base([])), null);
  assertEquals(typedWorkload("v1/Pod", base({ containers: "c" })), null);
  assertEquals(typedWorkload("v1/Pod", base({ containers: [{ name: 7 }] })), null);
  assertEquals(
    typedWorkload(
      "v1/Pod",
      base({ containers: [{ name: "c", resources: { limits: { cpu: "x" } } }] }),
    ),
    null,
  );
  assertEquals(typedWorkload("v1/ConfigMap", base({})), null);
  // A null spec is the zero spec.
  assertEquals(typedWorkload("v1/Pod", base(null))?.spec, { containers: [] });
});
