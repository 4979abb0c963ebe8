import { assertEquals } from "../tests/assert.ts";
import { computeStatus } from "./kstatus.ts";

const deploy = (status: Record<string, unknown>, generation = 2) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "d", generation },
  spec: { replicas: 2 },
  status,
});

Deno.test("kstatus: Deployment rules in kstatus' order", () => {
  assertEquals(computeStatus(deploy({ observedGeneration: 1 })), {
    status: "InProgress",
    message: "Deployment generation is 2, but latest observed generation is 1",
  });
  assertEquals(
    computeStatus(deploy({ observedGeneration: 2, replicas: 1 })).message,
    "Replicas: 1/2",
  );
  assertEquals(
    computeStatus(
      deploy({
        observedGeneration: 2,
        replicas: 2,
        updatedReplicas: 2,
        availableReplicas: 2,
        readyReplicas: 1,
      }),
    ).message,
    "Ready: 1/2",
  );
  const ok = deploy({
    observedGeneration: 2,
    replicas: 2,
    updatedReplicas: 2,
    availableReplicas: 2,
    readyReplicas: 2,
    conditions: [{ type: "Available", status: "True" }],
  });
  assertEquals(computeStatus(ok), {
    status: "Current",
    message: "Deployment is available. Replicas: 2",
  });
  const stuck = deploy({
    observedGeneration: 2,
    conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded" }],
  });
  assertEquals(computeStatus(stuck).status, "Failed");
});

Deno.test("kstatus: DaemonSet needs generations; ConfigMap always ready; Ready condition fallback", () => {
  const ds = { apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "x" }, status: {} };
  assertEquals(computeStatus(ds).message, "DaemonSet metadata.generation not found");
  assertEquals(
    computeStatus({
      ...ds,
      metadata: { generation: 1 },
      status: {
        observedGeneration: 1,
        desiredNumberScheduled: 3,
        currentNumberScheduled: 3,
        updatedNumberScheduled: 2,
      },
    }).message,
    "Updated: 2/3",
  );
  assertEquals(computeStatus({ apiVersion: "v1", kind: "ConfigMap" }).status, "Current");
  assertEquals(
    computeStatus({
      apiVersion: "example.com/v1",
      kind: "W",
      status: { conditions: [{ type: "Ready", status: "False", message: "m" }] },
    }),
    { status: "InProgress", message: "m" },
  );
  assertEquals(
    computeStatus({ apiVersion: "example.com/v1", kind: "W" }).message,
    "Resource is current",
  );
});
