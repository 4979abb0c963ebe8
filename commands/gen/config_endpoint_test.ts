import { assertEquals, assertThrows } from "../../tests/assert.ts";
import { validateClusterEndpoint } from "./config_endpoint.ts";

Deno.test("cluster endpoint: https URLs pass", () => {
  for (
    const ok of [
      "https://base:6443",
      "https://10.0.0.1",
      "https://[2001:db8::1]:6443/",
      "https://lb.example.com:443",
    ]
  ) {
    validateClusterEndpoint(ok);
  }
});

Deno.test("cluster endpoint: talosctl's errors and fix hints", () => {
  const cases: [string, string][] = [
    [
      "10.0.0.1",
      'no scheme and port specified for the cluster endpoint URL\ntry: "https://10.0.0.1:6443"',
    ],
    [
      "lb.example.com",
      'no scheme and port specified for the cluster endpoint URL\ntry: "https://lb.example.com:6443"',
    ],
    [
      "10.0.0.1:443",
      'no scheme specified for the cluster endpoint URL\ntry: "https://10.0.0.1:443"',
    ],
    [
      "http://10.0.0.1",
      'the control plane endpoint URL should have scheme https://\ntry: "https://10.0.0.1:6443"',
    ],
    [
      "tcp://h:6443",
      'the control plane endpoint URL should have scheme https://\ntry: "https://h:6443"',
    ],
    [
      "10.0.0.1:6443/x",
      'failed to parse the cluster endpoint URL: parse "10.0.0.1:6443/x": first path segment in URL cannot contain colon',
    ],
  ];
  for (const [input, message] of cases) {
    const e = assertThrows(() => validateClusterEndpoint(input));
    assertEquals(e.message, message, input);
  }
});
