import { assertEquals } from "../../tests/assert.ts";
import { parseTolerant, semverString } from "../semver.ts";
import { checkCompatibility, minimumTalosVersion, supportsSSAManifestSync } from "./compat.ts";

const nv = (node: string, v: string) => ({ node, version: parseTolerant(v) });

Deno.test("upgrade-k8s compat: the lowest Talos version decides the manifest sync", () => {
  const versions = [nv("a", "v1.13.2"), nv("b", "v1.12.9"), nv("c", "v1.13.0-beta.1")];
  assertEquals(semverString(minimumTalosVersion(versions)!), "1.12.9");
  assertEquals(supportsSSAManifestSync(minimumTalosVersion(versions)!), false);
  const newer = [nv("a", "v1.13.2"), nv("c", "v1.13.0-beta.1"), nv("d", "v2.0.0")];
  assertEquals(semverString(minimumTalosVersion(newer)!), "1.13.0-beta.1");
  assertEquals(supportsSSAManifestSync(minimumTalosVersion(newer)!), true);
  assertEquals(minimumTalosVersion([]), undefined);
});

Deno.test("upgrade-k8s compat: SupportedWith's ranges and texts, first failing node in order", () => {
  assertEquals(checkCompatibility("1.31.98", [nv("a", "v1.8.0")]), undefined);
  assertEquals(
    checkCompatibility("1.31.99", [nv("a", "v1.8.0")]),
    'node "a": version of Kubernetes 1.31.99 is too new to be used with Talos 1.8.0',
  );
  assertEquals(
    checkCompatibility("1.31.99", [nv("a", "v1.9.0"), nv("b", "v1.7.3")]),
    'node "b": version of Kubernetes 1.31.99 is too new to be used with Talos 1.7.3',
  );
  // Pre-release and build parts do not count against the range, but are printed.
  assertEquals(checkCompatibility("1.26.0-rc.0", [nv("a", "v1.8.0")]), undefined);
  assertEquals(
    checkCompatibility("1.25.9+k3s", [nv("a", "v1.8.0-alpha.1")]),
    'node "a": version of Kubernetes 1.25.9+k3s is too old to be used with Talos 1.8.0-alpha.1',
  );
  assertEquals(
    checkCompatibility("1.30.0", [nv("a", "v2.1.0")]),
    'node "a": compatibility with version 2.1.0 is not supported',
  );
});
