// The helpers patch and edit share: reading a MachineConfig resource's body, comment stripping.

import { assertEquals, assertThrows } from "../tests/assert.ts";
import { create } from "@bufbuild/protobuf";
import { ResourceSchema } from "../gen/cosi/resource_pb.ts";
import { machineConfigBody, stripComments } from "./mc_update.ts";

const config =
  "version: v1alpha1\nmachine:\n    type: worker\n---\napiVersion: v1alpha1\nkind: X\n";

Deno.test("machineConfigBody: the config string of an annotated spec, the spec itself otherwise", () => {
  const quoted = "|\n    " + config.trimEnd().replaceAll("\n", "\n    ") + "\n";
  const annotated = create(ResourceSchema, {
    metadata: { annotations: { "talos.dev/yaml-spec": "1" } },
    spec: { yamlSpec: quoted },
  });
  assertEquals(machineConfigBody(annotated), config);
  // Talos releases before the annotation sent the document itself.
  const legacy = create(ResourceSchema, { metadata: {}, spec: { yamlSpec: config } });
  assertEquals(machineConfigBody(legacy), config);
  const broken = create(ResourceSchema, {
    metadata: { annotations: { "talos.dev/yaml-spec": "1" } },
    spec: { yamlSpec: "a: b\n" },
  });
  assertThrows(() => machineConfigBody(broken));
});

Deno.test("stripComments: comment-only differences vanish, real ones stay", () => {
  const commented = "# head\nversion: v1alpha1 # line\nmachine:\n    # inside\n    type: worker\n";
  assertEquals(
    stripComments(commented),
    stripComments("version: v1alpha1\nmachine:\n    type: worker\n"),
  );
  assertEquals(
    stripComments(commented) ===
      stripComments("version: v1alpha1\nmachine:\n    type: controlplane\n"),
    false,
  );
  assertEquals(stripComments("# only\n# comments\n").trim(), "");
  // Text that does not parse loses its comment lines only ("#!" lines stay).
  assertEquals(stripComments("a: [b\n# c\n#!keep\n"), "a: [b\n#!keep\n");
});
