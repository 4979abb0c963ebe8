// `talosctl debug-tool air-gapped`: writes air-gapped-patch.yaml and serves the manifest, the
// proxies and the reverse proxy until interrupted (air_gapped_run.ts).

import { bool, type CommandSpec, int, noArgs, str } from "../spec.ts";
import { parseIp } from "../../pki/ip.ts";
import { ipv6Text } from "../../gofmt/ip.ts";
import { goQuote } from "../../gofmt/quote.ts";

/** net.IP's text of an address pflag accepted (IPv4 dotted, IPv6 RFC 5952). */
function canonicalIp(s: string): string {
  const b = parseIp(s.trim())!;
  return b.length === 4 ? b.join(".") : ipv6Text(b);
}

export const spec: CommandSpec = {
  args: noArgs,
  flags: [
    {
      name: "advertised-address",
      kind: "string",
      typeName: "ip",
      default: "10.5.0.2",
      defaultText: "10.5.0.2",
      usage: "address of this machine as the cluster's nodes reach it",
      check: (v) => parseIp(v.trim()) ? undefined : `failed to parse IP: ${goQuote(v)}`,
    },
    { name: "https-port", kind: "int", default: 8001, usage: "port of the HTTPS manifest server" },
    { name: "proxy-port", kind: "int", default: 8002, usage: "port of the HTTP proxy" },
    { name: "https-proxy-port", kind: "int", default: 8003, usage: "port of the HTTPS proxy" },
    {
      name: "use-secure-proxy",
      kind: "bool",
      usage: "point the patch's proxy variables at the HTTPS proxy instead of the HTTP one",
    },
    {
      name: "inject-http-proxy",
      kind: "bool",
      default: true,
      usage: "set http_proxy, https_proxy and no_proxy in the patch",
    },
    {
      name: "https-reverse-proxy-port",
      kind: "int",
      default: 8004,
      usage: "port of the HTTPS reverse proxy",
    },
    {
      name: "https-reverse-proxy-target",
      kind: "string",
      default: "http://localhost/",
      usage: "URL the HTTPS reverse proxy forwards to",
    },
  ],
  async run(ctx) {
    const { airGappedRun } = await import("./air_gapped_run.ts");
    await airGappedRun(ctx, {
      address: canonicalIp(str(ctx, "advertised-address")),
      httpsPort: int(ctx, "https-port"),
      proxyPort: int(ctx, "proxy-port"),
      httpsProxyPort: int(ctx, "https-proxy-port"),
      useSecureProxy: bool(ctx, "use-secure-proxy"),
      injectHttpProxy: bool(ctx, "inject-http-proxy"),
      reverseProxyPort: int(ctx, "https-reverse-proxy-port"),
      reverseProxyTarget: str(ctx, "https-reverse-proxy-target"),
    });
  },
};
