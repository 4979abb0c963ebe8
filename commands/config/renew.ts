// `talosctl config renew` (ours; talosctl has none): give the current context (or --context) a
// new client certificate and key in place, online from a control-plane node or offline from the
// cluster's secrets bundle or controlplane.yaml.

import { bool, type CommandSpec, int, noArgs, str } from "../spec.ts";

const HOUR = 3_600_000;

export const spec: CommandSpec = {
  long: `Replaces the client certificate and key of the current context (or --context) with new
ones carrying the same roles, and keeps its endpoints, nodes and CA. The file is updated in place,
under the talosconfig lock, atomically and with mode 0600.

By default the cluster issues the certificate (GenerateClientConfiguration): the request goes to
the endpoint itself, or to the one node given with --nodes, and needs a certificate that still
works and holds the os:admin role.

Once the certificate has expired, sign the new one locally with the Talos API CA key from the
secrets bundle (--from-secrets secrets.yaml) or from a control plane machine config
(--from-controlplane-config controlplane.yaml). A CA that is not the context's CA is refused, so a
renewed context cannot end up pointing at another cluster; --force accepts it and writes it as
the context's CA (e.g. after the CA was rotated).

Prints the old and the new expiry; -o json prints them for scripts.`,
  args: noArgs,
  flags: [
    {
      name: "crt-ttl",
      kind: "duration",
      default: 8760 * HOUR,
      usage: "how long the new client certificate stays valid",
    },
    {
      name: "from-secrets",
      kind: "string",
      usage: "sign locally with the Talos API CA of this secrets bundle (offline)",
    },
    {
      name: "from-controlplane-config",
      kind: "string",
      usage: "sign locally with the Talos API CA of this control plane machine config (offline)",
    },
    {
      name: "force",
      short: "f",
      kind: "bool",
      usage: "accept a CA other than the context's, and make it the context's CA",
    },
    {
      name: "output",
      short: "o",
      kind: "string",
      default: "text",
      usage: "output format: text or json",
    },
  ],
  async run(ctx) {
    const { renewClientConfig } = await import("./renew_run.ts");
    await renewClientConfig(ctx, {
      ttlMs: int(ctx, "crt-ttl"),
      fromSecrets: str(ctx, "from-secrets"),
      fromControlplaneConfig: str(ctx, "from-controlplane-config"),
      force: bool(ctx, "force"),
      output: str(ctx, "output"),
    });
  },
};
