import { assertEquals } from "../../tests/assert.ts";
import { machineConfigSchema } from "../registry.ts";
import { decodeConfig } from "../patch/mod.ts";
import { validateDocuments } from "./docs.ts";
import { validateV1Alpha1 } from "./v1alpha1.ts";
import { protectedKubeletFieldErrors } from "./kubelet.ts";

Deno.test("protected kubelet fields: one error each, in the protected list's order", () => {
  assertEquals(protectedKubeletFieldErrors({ maxPods: 10 }), []);
  assertEquals(protectedKubeletFieldErrors({ port: 1, apiVersion: "x", maxPods: 10 }), [
    `kubelet configuration field "apiVersion" can't be overridden`,
    `kubelet configuration field "port" can't be overridden`,
  ]);
});

Deno.test("protected kubelet fields are rejected in both the legacy and the KubeletConfig document", () => {
  const legacy = validateV1Alpha1(
    { machine: { kubelet: { extraConfig: { staticPodPath: "/x", maxPods: 1 } } } },
    { name: "metal", requiresInstall: true, inContainer: false },
  );
  assertEquals(
    legacy.errors.filter((e) => e.startsWith("kubelet configuration field")),
    [`kubelet configuration field "staticPodPath" can't be overridden`],
  );
  const schema = machineConfigSchema();
  const docs = decodeConfig(
    schema,
    "apiVersion: v1alpha1\nkind: KubeletConfig\nimage: k\nconfig:\n  kind: x\n  maxPods: 1\n",
    "t.yaml",
  );
  assertEquals(validateDocuments(schema, docs).errors, [
    `KubeletConfig: kubelet configuration field "kind" can't be overridden`,
  ]);
});
