import { assertEquals } from "../tests/assert.ts";
import { encodeConfig } from "./encode.ts";
import type { ConfigDocument } from "./schema.ts";

const root = (data: ConfigDocument["data"]): ConfigDocument => ({ kind: "v1alpha1", data });

Deno.test("encoder: schema order regardless of key order, omitempty and pointer rules", () => {
  const text = encodeConfig([root({
    cluster: { network: { serviceSubnets: ["b"], podSubnets: ["a"], dnsDomain: "d" } },
    machine: {
      features: {},
      install: { wipe: false, disk: "" },
      certSANs: [],
      type: "worker",
    },
    persist: true,
    version: "v1alpha1",
  })]);
  assertEquals(
    text,
    [
      "version: v1alpha1",
      "persist: true",
      "machine:",
      "    type: worker",
      '    token: ""', // not omitempty: zero value written
      "    certSANs: []",
      "    install:",
      "        wipe: false", // pointer: kept although false
      "    features: {}", // non-nil pointer to an empty struct
      "cluster:",
      "    network:",
      "        dnsDomain: d",
      "        podSubnets:",
      "            - a",
      "        serviceSubnets:",
      "            - b",
      "",
    ].join("\n"),
  );
});

Deno.test("encoder: zero structs, coercions, durations, sorted maps, documents", () => {
  const text = encodeConfig([
    root({
      version: "v1alpha1",
      machine: { type: "w", token: "t", sysctls: { "b.y": 1, "a.x": true } },
      cluster: { discovery: { enabled: true } },
    }),
    {
      kind: "FilesystemTrimConfig",
      data: { kind: "FilesystemTrimConfig", apiVersion: "v1alpha1", interval: "90m" },
    },
    { kind: "Unknown", data: { z: 1, a: [1.5, null] } },
  ]);
  assertEquals(
    text,
    [
      "version: v1alpha1",
      "machine:",
      "    type: w",
      "    token: t",
      "    certSANs: []",
      "    sysctls:",
      '        a.x: "true"',
      '        b.y: "1"',
      "cluster:",
      "    discovery:",
      "        enabled: true",
      "        registries:",
      "            kubernetes: {}",
      "            service: {}",
      "---",
      "apiVersion: v1alpha1",
      "kind: FilesystemTrimConfig",
      "interval: 1h30m0s",
      "---",
      "a:",
      "    - 1.5",
      "    - null",
      "z: 1",
      "",
    ].join("\n"),
  );
});

Deno.test("encoder: strings YAML 1.1 would read as bools are quoted as yaml/v4 does", () => {
  const text = encodeConfig([root({
    version: "v1alpha1",
    machine: { type: "worker", network: { hostname: "on" }, certSANs: ["yes", "1:20"] },
  })]);
  assertEquals(text.includes("        hostname: 'on'\n"), true, text);
  assertEquals(text.includes("    certSANs:\n        - 'yes'\n        - '1:20'\n"), true, text);
});
