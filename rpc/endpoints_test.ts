import { assertEquals } from "../tests/assert.ts";
import { normalizeEndpoint } from "./endpoints.ts";

Deno.test("endpoints are normalised as talosctl does", () => {
  assertEquals(normalizeEndpoint("10.5.0.2"), "10.5.0.2:50000");
  assertEquals(normalizeEndpoint("10.5.0.2:1234"), "10.5.0.2:1234");
  assertEquals(normalizeEndpoint("https://cp.example.com"), "cp.example.com:443");
  assertEquals(normalizeEndpoint("grpc://cp.example.com:9000"), "cp.example.com:9000");
  assertEquals(normalizeEndpoint("tcp://cp.example.com"), "cp.example.com:50000");
  assertEquals(normalizeEndpoint("::1"), "[::1]:50000");
  assertEquals(normalizeEndpoint("[fd00::1]:50001"), "[fd00::1]:50001");
  assertEquals(normalizeEndpoint("[fd00::1]"), "[fd00::1]:50000");
});
