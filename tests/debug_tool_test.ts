// `debug-tool air-gapped` on loopback: the patch it writes (parsed, its CA being the one the
// servers present), the manifest over HTTPS, CONNECT tunnels through the HTTP and the HTTPS
// proxy, plain forwarding, the reverse proxy in front of a local target, and the log lines.

import { parseAllDocuments } from "yaml";
import { assert, assertEquals, assertStringIncludes } from "./assert.ts";
import { fakeDeps, run, tempDir } from "./harness.ts";
import { main } from "../main.ts";
import { parseCertificatePem } from "../pki/cert_info.ts";
import { airGappedPatch } from "../commands/debug_tool/air_gapped_run.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function waitFor(what: string, probe: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Reads a whole response from a connection the server closes. */
async function readAll(conn: Deno.Conn): Promise<string> {
  const chunks: Uint8Array[] = [];
  const buf = new Uint8Array(16384);
  while (true) {
    const n = await conn.read(buf).catch(() => null);
    if (n === null) break;
    chunks.push(buf.slice(0, n));
  }
  return dec.decode(new Uint8Array(chunks.flatMap((c) => [...c])));
}

/** Reads until the end of a response head ("\r\n\r\n"). */
async function readHead(conn: Deno.Conn): Promise<string> {
  let text = "";
  const one = new Uint8Array(1);
  while (!text.endsWith("\r\n\r\n")) {
    const n = await conn.read(one);
    if (n === null) break;
    text += String.fromCharCode(one[0]);
  }
  return text;
}

/** CONNECT through a proxy connection, then one plain HTTP request through the tunnel. */
async function tunnelGet(proxy: Deno.Conn, to: string, path: string): Promise<[string, string]> {
  await proxy.write(enc.encode(`CONNECT ${to} HTTP/1.1\r\nHost: ${to}\r\n\r\n`));
  const head = await readHead(proxy);
  await proxy.write(
    enc.encode(`GET ${path} HTTP/1.1\r\nHost: ${to}\r\nConnection: close\r\n\r\n`),
  );
  return [head, await readAll(proxy)];
}

const body = (response: string) => response.slice(response.indexOf("\r\n\r\n") + 4);

Deno.test("debug-tool air-gapped: patch, manifest server, proxies and reverse proxy on loopback", async () => {
  await using dir = await tempDir();
  // talosctl replaces the patch of an earlier run (it names a CA that no longer exists).
  await Deno.writeTextFile(`${dir.path}/air-gapped-patch.yaml`, "stale\n");
  const [httpsPort, proxyPort, httpsProxyPort, reversePort, targetPort, closedPort] = [
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ];
  // The reverse proxy's target: echoes what it received.
  const target = Deno.serve(
    { hostname: "127.0.0.1", port: targetPort, onListen() {} },
    async (req) => {
      const url = new URL(req.url);
      return Response.json({
        method: req.method,
        path: url.pathname + url.search,
        host: req.headers.get("host"),
        forwardedFor: req.headers.get("x-forwarded-for"),
        body: await req.text(),
      });
    },
  );
  const stop = new AbortController();
  const { deps, stderr } = fakeDeps({ cwd: dir.path, signal: stop.signal });
  const running = main([
    "debug-tool",
    "air-gapped",
    "--advertised-address=127.0.0.1",
    `--https-port=${httpsPort}`,
    `--proxy-port=${proxyPort}`,
    `--https-proxy-port=${httpsProxyPort}`,
    `--https-reverse-proxy-port=${reversePort}`,
    `--https-reverse-proxy-target=http://127.0.0.1:${targetPort}/base/`,
  ], deps);
  try {
    const patchPath = `${dir.path}/air-gapped-patch.yaml`;
    await waitFor("the patch", async () => (await Deno.readTextFile(patchPath)) !== "stale\n");
    for (const port of [httpsPort, proxyPort, httpsProxyPort, reversePort]) {
      await waitFor(`port ${port}`, async () => {
        (await Deno.connect({ hostname: "127.0.0.1", port })).close();
        return true;
      });
    }

    // The patch: three documents, the CA in the last.
    const patchText = await Deno.readTextFile(patchPath);
    assertEquals((await Deno.stat(patchPath)).mode! & 0o777, 0o644);
    const docs = parseAllDocuments(patchText).map((d) => d.toJS());
    assertEquals(docs.map((d) => d.kind), [
      "KubeExternalManifestConfig",
      "EnvironmentConfig",
      "TrustedRootsConfig",
    ]);
    assertEquals(docs[0], {
      apiVersion: "v1alpha1",
      kind: "KubeExternalManifestConfig",
      name: "debug-manifest",
      url: `https://127.0.0.1:${httpsPort}/debug.yaml`,
    });
    assertEquals(docs[1].variables, {
      http_proxy: `http://127.0.0.1:${proxyPort}`,
      https_proxy: `http://127.0.0.1:${proxyPort}`,
      no_proxy: "127.0.0.1/24",
    });
    assertEquals(docs[2].name, "air-gapped-ca");
    const ca: string = docs[2].certificates;
    const caInfo = parseCertificatePem(ca);
    assertEquals([caInfo.commonName, caInfo.subjectOrganizations], ["talos.dev Root CA", [
      "talos.dev",
    ]]);
    assert(caInfo.isCA);

    // The manifest over HTTPS, trusting only the patch's CA.
    const client = Deno.createHttpClient({ caCerts: [ca] });
    try {
      const res = await fetch(`https://127.0.0.1:${httpsPort}/debug.yaml`, { client });
      assertEquals(res.status, 200);
      const manifest = parseAllDocuments(await res.text()).map((d) => d.toJS());
      assertEquals(manifest[0].kind, "DaemonSet");
      assert(manifest[0].spec.template.spec.containers[0].image);
      const missing = await fetch(`https://127.0.0.1:${httpsPort}/nope`, { client });
      assertEquals([missing.status, await missing.text()], [404, "404 page not found\n"]);

      // The reverse proxy: path joined to the target's, Host kept, X-Forwarded-For added.
      const rev = await fetch(`https://127.0.0.1:${reversePort}/some/path?q=1`, {
        client,
        method: "POST",
        body: "payload",
      });
      assertEquals(rev.status, 200);
      assertEquals(await rev.json(), {
        method: "POST",
        path: "/base/some/path?q=1",
        host: `127.0.0.1:${reversePort}`,
        forwardedFor: "127.0.0.1",
        body: "payload",
      });
    } finally {
      client.close();
    }
    // Without the CA the servers are not trusted.
    let untrusted = false;
    try {
      await fetch(`https://127.0.0.1:${httpsPort}/debug.yaml`);
    } catch {
      untrusted = true;
    }
    assert(untrusted, "the server certificate must not be trusted without the CA");

    // CONNECT through the HTTP proxy to the target.
    {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port: proxyPort });
      const [head, response] = await tunnelGet(conn, `127.0.0.1:${targetPort}`, "/tunnel");
      conn.close();
      assertEquals(head, "HTTP/1.0 200 Connection established\r\n\r\n");
      assertEquals(JSON.parse(body(response)).path, "/tunnel");
    }
    // CONNECT through the HTTPS proxy, the proxy's certificate checked against the CA.
    {
      const conn = await Deno.connectTls({
        hostname: "127.0.0.1",
        port: httpsProxyPort,
        caCerts: [ca],
      });
      const [head, response] = await tunnelGet(conn, `127.0.0.1:${targetPort}`, "/secure");
      conn.close();
      assertEquals(head, "HTTP/1.0 200 Connection established\r\n\r\n");
      assertEquals(JSON.parse(body(response)).path, "/secure");
    }
    // A plain request forwarded by the HTTP proxy.
    {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port: proxyPort });
      await conn.write(enc.encode(
        `GET http://127.0.0.1:${targetPort}/plain?a=1 HTTP/1.1\r\nHost: 127.0.0.1:${targetPort}\r\n` +
          "Proxy-Connection: keep-alive\r\n\r\n",
      ));
      const response = await readAll(conn);
      conn.close();
      assertStringIncludes(response, "HTTP/1.1 200 OK\r\n");
      assertEquals(JSON.parse(body(response)).path, "/plain?a=1");
    }
    // A tunnel to a closed port fails with 503 and Go's dial error.
    {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port: proxyPort });
      await conn.write(enc.encode(`CONNECT 127.0.0.1:${closedPort} HTTP/1.1\r\n\r\n`));
      const response = await readAll(conn);
      conn.close();
      assertStringIncludes(response, "HTTP/1.1 503 Service Unavailable\r\n");
      assertEquals(
        body(response),
        `dial tcp 127.0.0.1:${closedPort}: connect: connection refused\n`,
      );
    }
  } finally {
    stop.abort();
    const code = await running;
    await target.shutdown();
    assertEquals(code, 0);
  }
  const log = dec.decode(stderr.bytes());
  for (
    const line of [
      "writing config patch to air-gapped-patch.yaml",
      `starting HTTPS server with self-signed cert on :${httpsPort}`,
      `starting HTTP proxy on :${proxyPort}`,
      `starting HTTPS proxy on :${httpsProxyPort}`,
      `starting HTTPS reverse proxy on :${reversePort} to http://127.0.0.1:${targetPort}/base/`,
      "GET /debug.yaml",
      `HTTP CONNECT: tunneling to 127.0.0.1:${targetPort}`,
      `CONNECT 127.0.0.1:${targetPort}`,
      `GET http://127.0.0.1:${targetPort}/plain?a=1`,
      "POST /some/path?q=1",
    ]
  ) {
    assert(
      new RegExp(`^\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d ${RegExp.escape(line)}$`, "m")
        .test(log),
      `log line missing: ${line}\n${log}`,
    );
  }
});

Deno.test("debug-tool air-gapped: the proxy variables follow the flags", async () => {
  const base = {
    address: "10.5.0.2",
    httpsPort: 8001,
    proxyPort: 8002,
    httpsProxyPort: 8003,
    useSecureProxy: false,
    injectHttpProxy: true,
    reverseProxyPort: 8004,
    reverseProxyTarget: "http://localhost/",
  };
  const ca = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
  assertEquals(
    await airGappedPatch(base, ca),
    `apiVersion: v1alpha1
kind: KubeExternalManifestConfig
name: debug-manifest
url: https://10.5.0.2:8001/debug.yaml
---
apiVersion: v1alpha1
kind: EnvironmentConfig
variables:
    http_proxy: http://10.5.0.2:8002
    https_proxy: http://10.5.0.2:8002
    no_proxy: 10.5.0.2/24
---
apiVersion: v1alpha1
kind: TrustedRootsConfig
name: air-gapped-ca
certificates: |
    -----BEGIN CERTIFICATE-----
    AAAA
    -----END CERTIFICATE-----
`,
  );
  const secure = await airGappedPatch({ ...base, useSecureProxy: true, address: "fd00::2" }, ca);
  assertStringIncludes(secure, "url: https://[fd00::2]:8001/debug.yaml\n");
  assertStringIncludes(secure, "    https_proxy: https://[fd00::2]:8003\n");
  assertStringIncludes(secure, "    no_proxy: fd00::2/24\n");
  const none = await airGappedPatch({ ...base, injectHttpProxy: false }, ca);
  assertStringIncludes(none, "kind: EnvironmentConfig\nvariables: {}\n---\n");
});

Deno.test("debug-tool air-gapped: a bad address is refused as pflag does; the command is hidden", async () => {
  const r = await run(["debug-tool", "air-gapped", "--advertised-address", "nope"]);
  assertEquals(r.code, 1);
  assertStringIncludes(
    r.stderr,
    'invalid argument "nope" for "--advertised-address" flag: failed to parse IP: "nope"',
  );
  const help = await run(["--help"]);
  assert(!help.stdout.includes("debug-tool"));
  const own = await run(["debug-tool", "air-gapped", "--help"]);
  assertEquals(own.code, 0);
  assertStringIncludes(own.stdout, "--https-reverse-proxy-target string");
  assertStringIncludes(own.stdout, '(default "http://localhost/")');
  assertStringIncludes(own.stdout, "--advertised-address ip");
  assertStringIncludes(own.stdout, "(default 10.5.0.2)");
});
