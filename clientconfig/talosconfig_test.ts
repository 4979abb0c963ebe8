import { assertEquals, assertRejects, assertThrows } from "../tests/assert.ts";
import {
  base64Decode,
  base64Encode,
  contextPem,
  currentContext,
  defaultTalosconfigPaths,
  encodeTalosconfig,
  newTalosconfig,
  openTalosconfig,
  parseTalosconfig,
  resolveTalosconfigPath,
  saveTalosconfig,
  updateTalosconfig,
} from "./talosconfig.ts";

const CA = "-----BEGIN CERTIFICATE-----\nQ0E=\n-----END CERTIFICATE-----\n";

Deno.test("encodeTalosconfig writes the Go client's bytes", () => {
  const cfg = newTalosconfig("prod", ["10.5.0.2", "10.5.0.3"], CA, "crt\n", "key\n");
  cfg.contexts.prod.nodes = ["10.5.0.4"];
  cfg.contexts.prod.auth = { siderov1: { identity: "me@example.com" } };
  cfg.contexts.prod.cluster = "c1";
  cfg.contexts.prod.proxyUrl = "socks5://127.0.0.1:1080";
  cfg.contexts["dev-10"] = { endpoints: [] };
  cfg.contexts["dev-9"] = { endpoints: [], nodes: [] };
  assertEquals(
    encodeTalosconfig(cfg),
    `context: prod
contexts:
    dev-9:
        endpoints: []
    dev-10:
        endpoints: []
    prod:
        endpoints:
            - 10.5.0.2
            - 10.5.0.3
        nodes:
            - 10.5.0.4
        ca: ${base64Encode(CA)}
        crt: Y3J0Cg==
        key: a2V5Cg==
        auth:
            siderov1:
                identity: me@example.com
        cluster: c1
        proxy-url: socks5://127.0.0.1:1080
`,
  );
  assertEquals(encodeTalosconfig({ context: "", contexts: {} }), 'context: ""\ncontexts: {}\n');
});

Deno.test("parse: round trip, 2-space input, target folded into endpoints, unknown keys ignored", () => {
  const text = `context: a
contexts:
  a:
    target: 1.1.1.1
    endpoints: [2.2.2.2]
    nodes:
    - n1
    auth: {basic: {username: u, password: "p"}}
    extra: ignored
  b: ~
`;
  const cfg = parseTalosconfig(text, "cfg");
  assertEquals(cfg, {
    context: "a",
    contexts: {
      a: {
        endpoints: ["2.2.2.2", "1.1.1.1"],
        nodes: ["n1"],
        auth: { basic: { username: "u", password: "p" } },
      },
      b: { endpoints: [] },
    },
  });
  assertEquals(parseTalosconfig(encodeTalosconfig(cfg), "x"), cfg);
});

Deno.test("parse errors name the source and line", () => {
  assertThrows(
    () => parseTalosconfig("context: a\ncontexts:\n  a:\n    endpoints: [1\n  b: x\n", "/p/cfg"),
    /^\/p\/cfg: line 5: Flow sequence/,
  );
  assertThrows(
    () => parseTalosconfig("context: a\ncontexts:\n  a:\n    endpoints: {x: 1}\n", "f"),
    "f: line 4: contexts.a.endpoints: expected a list of strings, found a mapping",
  );
  assertThrows(() => parseTalosconfig("context: a\ncontext: b\n", "f"), /^f: line 2: Map keys/);
  assertThrows(() => parseTalosconfig("# nothing\n", "f"), "f: the file is empty");
  assertThrows(() => parseTalosconfig("- a\n", "f"), "f: line 1: talosconfig: expected a mapping");
});

Deno.test("base64Decode is strict like Go's StdEncoding", () => {
  assertEquals(new TextDecoder().decode(base64Decode("aGVs\nbG8=")), "hello");
  assertThrows(() => base64Decode("aGVsbG8"), "illegal base64 data at input byte 4");
  assertThrows(() => base64Decode("aG!s"), "illegal base64 data at input byte 2");
  assertThrows(() => base64Decode("aGVsbG8=x"), "illegal base64 data at input byte 8");
  assertThrows(() => base64Decode("a==="), "illegal base64 data at input byte 1");
});

Deno.test("currentContext and contextPem use the Go client's messages", () => {
  const cfg = newTalosconfig("a", [], CA, "c", "k");
  assertEquals(currentContext(cfg, {}).name, "a");
  assertThrows(() => currentContext(cfg, { context: "x" }), 'context "x" not found in config');
  assertThrows(
    () => currentContext({ context: "z", contexts: cfg.contexts }, {}),
    'default context "z" not found in config',
  );
  assertThrows(
    () => currentContext({ context: "", contexts: {} }, {}),
    "talos config file is empty",
  );
  const sel = currentContext(cfg, {});
  assertEquals(contextPem(sel, "ca"), CA);
  sel.ctx.crt = "not*base64";
  assertThrows(
    () => contextPem(sel, "crt"),
    'talosconfig context "a": crt is not valid base64: illegal base64 data at input byte 3',
  );
});

Deno.test("default paths: $TALOSCONFIG, then $TALOS_HOME or ~/.talos, then the service account", () => {
  const deps = { env: { TALOSCONFIG: "rel/tc" }, home: "/h", cwd: "/w" };
  assertEquals(defaultTalosconfigPaths(deps, "/sa"), [
    { path: "/w/rel/tc", writeAllowed: true, shown: "rel/tc" },
    { path: "/h/.talos/config", writeAllowed: true },
    { path: "/sa", writeAllowed: false },
  ]);
  assertEquals(
    defaultTalosconfigPaths({ env: { TALOS_HOME: "/th" }, home: "", cwd: "/" }, "/sa")[0].path,
    "/th/config",
  );
  // An empty $TALOSCONFIG is skipped (not the working directory), as in talosctl.
  assertEquals(
    defaultTalosconfigPaths({ env: { TALOSCONFIG: "" }, home: "/h", cwd: "/w" }, "/sa"),
    [
      { path: "/h/.talos/config", writeAllowed: true },
      { path: "/sa", writeAllowed: false },
    ],
  );
  assertThrows(
    () => defaultTalosconfigPaths({ env: {}, home: "", cwd: "/" }),
    "$HOME is not defined",
  );
});

Deno.test("open creates a missing file (0600, parent 0700); read-only path is never written", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const deps = { env: {}, home: dir, cwd: dir };
    const sa = `${dir}/sa-config`;
    const p = await resolveTalosconfigPath(deps, "", sa);
    assertEquals(p, { path: `${dir}/.talos/config`, writeAllowed: true });
    assertEquals(await Deno.readTextFile(p.path), 'context: ""\ncontexts: {}\n');
    assertEquals((await Deno.stat(p.path)).mode! & 0o777, 0o600);
    assertEquals((await Deno.stat(`${dir}/.talos`)).mode! & 0o777, 0o700);

    // An existing service-account file wins over creating ~/.talos/config, and is read-only.
    await Deno.remove(`${dir}/.talos`, { recursive: true });
    await Deno.writeTextFile(sa, "context: sa\ncontexts: {sa: {endpoints: [e]}}\n");
    const ro = await resolveTalosconfigPath(deps, "", sa);
    assertEquals(ro, { path: sa, writeAllowed: false });
    await assertRejects(
      () => saveTalosconfig(ro, { context: "", contexts: {} }),
      `not allowed to write to config: ${sa}`,
    );

    // --talosconfig: relative to the working directory, created if missing.
    const opened = await openTalosconfig(deps, { talosconfig: "sub/tc" });
    assertEquals(opened.path.path, `${dir}/sub/tc`);
    assertEquals(opened.cfg, { context: "", contexts: {} });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("saves are atomic and keep a symlinked config a symlink", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/real`, 'context: ""\ncontexts: {}\n');
    await Deno.symlink(`${dir}/real`, `${dir}/link`);
    const deps = { env: {}, home: dir, cwd: dir };
    await updateTalosconfig(deps, { talosconfig: "link" }, (cfg) => {
      cfg.contexts.x = { endpoints: ["e"] };
      cfg.context = "x";
    });
    assertEquals((await Deno.lstat(`${dir}/link`)).isSymlink, true);
    assertEquals(parseTalosconfig(await Deno.readTextFile(`${dir}/real`), "r").context, "x");
    const leftovers = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assertEquals(leftovers, ["link", "real"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("update skips the save when mutate returns false", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const deps = { env: {}, home: dir, cwd: dir };
    const before = "context: a\ncontexts:\n  a: {endpoints: []}\n"; // not in Go's layout
    await Deno.writeTextFile(`${dir}/tc`, before);
    await updateTalosconfig(deps, { talosconfig: "tc" }, () => false);
    assertEquals(await Deno.readTextFile(`${dir}/tc`), before);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("talosconfig is written with yaml/v4's quoting, as talosctl v1.12+ writes it", () => {
  const text = encodeTalosconfig(newTalosconfig("yes", ["on", "1:20"], "", "", ""));
  assertEquals(
    text,
    "context: 'yes'\ncontexts:\n    'yes':\n        endpoints:\n            - 'on'\n            - '1:20'\n",
  );
});
