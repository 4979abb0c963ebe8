// The resource store's MachineConfig helpers: the wire form of the spec and the round trip.

import { assertEquals } from "../assert.ts";
import { simNode } from "./node.ts";
import {
  getResource,
  MACHINE_CONFIG_TYPE,
  machineConfigOf,
  setMachineConfig,
} from "./resources.ts";

Deno.test("resources: a MachineConfig spec is the config text as one YAML string", () => {
  const node = simNode("10.5.0.2");
  assertEquals(machineConfigOf(node), undefined);
  const text =
    "version: v1alpha1\nmachine:\n    type: worker\n---\napiVersion: v1alpha1\nkind: X\n";
  setMachineConfig(node, text);
  const r = getResource(node, "config", MACHINE_CONFIG_TYPE, "v1alpha1")!;
  assertEquals(
    r.spec,
    "|\n    version: v1alpha1\n    machine:\n        type: worker\n    ---\n    apiVersion: v1alpha1\n    kind: X\n",
  );
  assertEquals(r.annotations, { "talos.dev/yaml-spec": "1" });
  assertEquals(r.version, 1);
  assertEquals(machineConfigOf(node), text);
  setMachineConfig(node, "version: v1alpha1\n", new Date(), "persistent");
  assertEquals(machineConfigOf(node, "persistent"), "version: v1alpha1\n");
  assertEquals(machineConfigOf(node), text);
});
