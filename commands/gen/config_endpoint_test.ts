import { assertEquals, assertThrows } from "../../tests/assert.ts";
import { validateClusterEndpoint } from "./config_endpoint.ts";

Deno.test("cluster endpoint: https URLs pass", () => {
  for (
    const ok of [
      "https://base:6443",
      "https://10.0.0.1",
      "https://[2001:db8::1]:6443/",
      "https://lb.example.com:443",
      "HTTPS://h:6443", // url.Parse lowers the scheme
      "https://h:", // an empty port is no port
      "https://h:65535",
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
    // siderolabs/net ValidateEndpointURI after a successful parse
    ["https://:6443", "error validating the cluster endpoint URL: hostname must not be blank"],
    [
      "https://h:0",
      "error validating the cluster endpoint URL: port number must be between 1 and 65535",
    ],
    [
      "https://h:65536",
      "error validating the cluster endpoint URL: port number must be between 1 and 65535",
    ],
    [
      "https://h:99999999999999999999",
      "error validating the cluster endpoint URL: port number must be numeric",
    ],
    // url.Parse failures (Go 1.26: the first colon of an unbracketed host starts the port)
    [
      "https://h:abc",
      'failed to parse the cluster endpoint URL: parse "https://h:abc": invalid port ":abc" after host',
    ],
    [
      "https://fd00::1:6443",
      'failed to parse the cluster endpoint URL: parse "https://fd00::1:6443": invalid port "::1:6443" after host',
    ],
    // a scheme-like prefix makes the rest opaque; the hint keeps it
    ["h:6443", 'the control plane endpoint URL should have scheme https://\ntry: "https:6443"'],
    [
      "[fd00::1]:6443",
      'no scheme specified for the cluster endpoint URL\ntry: "https://[fd00::1]:6443"',
    ],
  ];
  for (const [input, message] of cases) {
    const e = assertThrows(() => validateClusterEndpoint(input));
    assertEquals(e.message, message, input);
  }
});
