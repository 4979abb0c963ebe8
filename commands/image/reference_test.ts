import { assertEquals, assertThrows } from "../../tests/assert.ts";
import { cacheRegistryName, parseReference, repositoryName, schemes } from "./reference.ts";
import { parseTolerantSemver, semverFlagValue } from "./semver.ts";

Deno.test("references: Docker Hub defaults, ports, digests, cache folder names", () => {
  const nginx = parseReference("nginx");
  assertEquals([repositoryName(nginx), nginx.tag], ["index.docker.io/library/nginx", "latest"]);
  assertEquals(cacheRegistryName(nginx.registry, "nginx"), "docker.io");
  assertEquals(
    cacheRegistryName("index.docker.io", "index.docker.io/library/nginx"),
    "index.docker.io",
  );
  const local = parseReference("localhost:5000/a/b:v1");
  assertEquals([local.registry, local.repository, local.tag], ["localhost:5000", "a/b", "v1"]);
  assertEquals(cacheRegistryName(local.registry, local.original), "localhost_5000_");
  const d = "sha256:" + "a".repeat(64);
  const pinned = parseReference(`ghcr.io/siderolabs/kubelet:v1@${d}`);
  assertEquals([pinned.tag, pinned.digest], ["v1", d]);
  assertThrows(() => parseReference("UPPER/case"), "could not parse reference: UPPER/case");
  assertThrows(() => parseReference("a@sha256:zz"), "could not parse reference");
});

Deno.test("schemes: https only for public registries unless --insecure", () => {
  assertEquals(schemes("ghcr.io", false), ["https"]);
  assertEquals(schemes("ghcr.io", true), ["https", "http"]);
  for (const r of ["localhost:5000", "127.0.0.1:1", "10.0.0.5", "192.168.1.2:443", "[::1]:5000"]) {
    assertEquals(schemes(r, false), ["https", "http"], r);
  }
});

Deno.test("semver flags: blang's tolerant parsing and errors, the v prefix kept", () => {
  assertEquals(parseTolerantSemver(" v1.36 "), "1.36.0");
  assertEquals(parseTolerantSemver("1.037.0-rc.1"), "1.37.0-rc.1");
  assertEquals(semverFlagValue("1.35.2", "v1.37.0"), "v1.35.2");
  assertEquals(semverFlagValue("v3.6.0", "3.7.1"), "v3.6.0");
  assertEquals(semverFlagValue("3.6.0", "3.7.1"), "3.6.0");
  assertThrows(
    () => parseTolerantSemver("1.2-rc"),
    "Short version cannot contain PreRelease/Build meta data",
  );
  assertThrows(
    () => parseTolerantSemver("1.2.x"),
    'Invalid character(s) found in patch number "x"',
  );
  assertThrows(() => parseTolerantSemver("1.2.3-"), "Prerelease is empty");
});
