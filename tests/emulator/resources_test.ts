// The resource store's MachineConfig helpers: active and persistent configs kept apart.

import { assertEquals } from "../assert.ts";
import { simNode } from "./node.ts";
import {
  getResource,
  MACHINE_CONFIG_TYPE,
  machineConfigOf,
  setMachineConfig,
} from "./resources.ts";

Deno.test("resources: active and persistent machine configs, with the yaml-spec annotation", () => {
  const node = simNode("10.5.0.2");
  const before = machineConfigOf(node, "persistent");
  assertEquals(before, undefined);
  const text = "version: v1alpha1\nmachine:\n    type: worker\n";
  setMachineConfig(node, text, new Date(), "persistent");
  const r = getResource(node, "config", MACHINE_CONFIG_TYPE, "persistent")!;
  assertEquals(r.spec, text);
  assertEquals(r.annotations, { "talos.dev/yaml-spec": "1" });
  assertEquals(machineConfigOf(node, "persistent"), text);
  setMachineConfig(node, "version: v1alpha1\n");
  assertEquals(machineConfigOf(node), "version: v1alpha1\n");
  assertEquals(machineConfigOf(node, "persistent"), text);
});
