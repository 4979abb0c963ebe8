// Client certificate expiry: the one-line stderr warning of commands that dial a node (30 days
// ahead), and the expiry in `config info` and `config contexts`, whose stdout stays talosctl's.

import { assertEquals, assertMatch } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import { createCA, issueClient, simNode, startEmulator } from "./emulator/mod.ts";
import { base64Encode, encodeTalosconfig, type Talosconfig } from "../clientconfig/talosconfig.ts";

const NOW = new Date("2026-06-01T12:00:00Z");
const DAY = 86_400_000;

/** A talosconfig with one context per entry, each with a certificate expiring at that time. */
async function contexts(path: string, entries: [string, Date | null][], current: string) {
  const ca = await createCA({ notBefore: new Date("2020-01-01T00:00:00Z") });
  const cfg: Talosconfig = { context: current, contexts: {} };
  for (const [name, notAfter] of entries) {
    cfg.contexts[name] = { endpoints: ["10.5.0.2"], nodes: ["10.5.0.2", "10.5.0.3"] };
    if (notAfter) {
      const c = await issueClient(ca, ["os:admin"], {
        notBefore: new Date("2020-01-01T00:00:00Z"),
        notAfter,
      });
      Object.assign(cfg.contexts[name], {
        ca: base64Encode(ca.cert),
        crt: base64Encode(c.cert),
        key: base64Encode(c.key),
      });
    }
  }
  await Deno.writeTextFile(path, encodeTalosconfig(cfg), { mode: 0o600 });
}

Deno.test("config contexts: talosctl's table on stdout, expiry with -o wide, a note on stderr", async () => {
  await using dir = await tempDir();
  const tc = `${dir.path}/talosconfig`;
  await contexts(tc, [
    ["fresh", new Date(NOW.getTime() + 200 * DAY)],
    ["old", new Date("2026-05-01T00:00:00Z")],
    ["soon", new Date(NOW.getTime() + 12 * DAY + 3_600_000)],
    ["nocert", null],
  ], "fresh");
  const table = "CURRENT   NAME     ENDPOINTS   NODES\n" +
    "*         fresh    10.5.0.2    10.5.0.2,10.5.0.3\n" +
    "          nocert   10.5.0.2    10.5.0.2,10.5.0.3\n" +
    "          old      10.5.0.2    10.5.0.2,10.5.0.3\n" +
    "          soon     10.5.0.2    10.5.0.2,10.5.0.3\n";
  const note =
    'warning: client certificates expired or expiring within 30 days: "old", "soon" (see `talosctl config contexts -o wide`; renew with `talosctl config renew --context NAME`)\n';
  let r = await run(["config", "contexts", "--talosconfig", tc], { now: NOW });
  assertEquals([r.code, r.stdout, r.stderr], [0, table, note]);

  r = await run(["config", "get-contexts", "-o", "wide", "--talosconfig", tc], { now: NOW });
  assertEquals([r.code, r.stderr], [0, note]);
  assertEquals(
    r.stdout,
    "CURRENT   NAME     ENDPOINTS   NODES               EXPIRES\n" +
      "*         fresh    10.5.0.2    10.5.0.2,10.5.0.3   2026-12-18 (in 200 days)\n" +
      "          nocert   10.5.0.2    10.5.0.2,10.5.0.3   -\n" +
      "          old      10.5.0.2    10.5.0.2,10.5.0.3   2026-05-01 (expired)\n" +
      "          soon     10.5.0.2    10.5.0.2,10.5.0.3   2026-06-13 (in 12 days)\n",
  );

  // Nothing due: no note at all.
  r = await run(["config", "contexts", "--talosconfig", tc], {
    now: new Date(NOW.getTime() - 400 * DAY),
  });
  assertEquals([r.code, r.stdout, r.stderr], [0, table, ""]);

  r = await run(["config", "contexts", "-o", "json", "--talosconfig", tc], { now: NOW });
  assertEquals([r.code, r.stdout, r.stderr], [
    1,
    "",
    'unknown output format: "json" (use table or wide)\n',
  ]);
});

Deno.test("config info: talosctl's lines on stdout, a renewal note on stderr when due", async () => {
  await using dir = await tempDir();
  const tc = `${dir.path}/talosconfig`;
  await contexts(tc, [
    ["fresh", new Date(NOW.getTime() + 200 * DAY)],
    ["old", new Date("2026-05-01T00:00:00Z")],
    ["soon", new Date(NOW.getTime() + 29 * DAY)],
  ], "soon");
  const info = (ctx: string, expires: string) =>
    `Current context:     ${ctx}\n` +
    "Nodes:               10.5.0.2, 10.5.0.3\n" +
    "Endpoints:           10.5.0.2\n" +
    "Roles:               os:admin\n" +
    `Certificate expires: ${expires}\n`;

  let r = await run(["config", "info", "--talosconfig", tc], { now: NOW });
  assertEquals(r.code, 0);
  assertEquals(r.stdout, info("soon", "4 weeks from now (2026-06-30)"));
  assertEquals(
    r.stderr,
    `warning: the client certificate of talosconfig context "soon" expires in 29 days (2026-06-30 12:00:00 UTC); renew it now with \`talosctl config renew --talosconfig ${tc}\`\n`,
  );

  r = await run(["config", "info", "--talosconfig", tc, "--context", "old"], { now: NOW });
  assertEquals(r.code, 0);
  assertEquals(r.stdout, info("soon", "1 month ago (2026-05-01)"));
  assertEquals(
    r.stderr,
    `warning: the client certificate of talosconfig context "old" expired on 2026-05-01 00:00:00 UTC: nodes refuse it, so it cannot renew itself; issue a new one from the cluster's secrets bundle with \`talosctl config renew --talosconfig ${tc} --context old --from-secrets secrets.yaml\` (or --from-controlplane-config controlplane.yaml)\n`,
  );

  r = await run(["config", "info", "--talosconfig", tc, "--context", "fresh", "-o", "json"], {
    now: NOW,
  });
  assertEquals([r.code, r.stderr], [0, ""]);
  assertEquals(JSON.parse(r.stdout).certNotAfter, "2026-12-18");
});

Deno.test("commands that dial a node warn once on stderr within 30 days of expiry, never on stdout", async () => {
  await using dir = await tempDir();
  await using emu = await startEmulator({
    nodes: [simNode("10.5.0.2"), simNode("10.5.0.3")],
  });
  const in31 = await emu.talosconfig(dir.path, {
    nodes: ["10.5.0.2", "10.5.0.3"],
    notAfter: new Date(Date.now() + 31 * DAY),
  });
  let r = await run(["version", "--talosconfig", in31]);
  assertEquals([r.code, r.stderr], [0, ""]);

  const in5h = await emu.talosconfig(dir.path, {
    nodes: ["10.5.0.2", "10.5.0.3"],
    notAfter: new Date(Date.now() + 5 * 3_600_000 + 60_000),
    contextName: "prod cluster",
  });
  r = await run(["version", "--talosconfig", in5h, "--context", "prod cluster"]);
  assertEquals(r.code, 0, r.stderr);
  assertMatch(
    r.stderr,
    new RegExp(
      `^warning: the client certificate of talosconfig context "prod cluster" expires in 5 hours \\(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC\\); renew it now with \`talosctl config renew --talosconfig ${in5h} --context 'prod cluster'\`\\n$`,
    ),
  );
  assertEquals(r.stdout.includes("warning"), false);
  // Two nodes, one line.
  assertEquals(r.stdout.split("NODE:").length - 1, 2);
});
