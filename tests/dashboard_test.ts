// `dashboard` driven in tmux against the emulator: the summary (node facts, hostname, version,
// the kernel log as it grows), node switching, the monitor's graphs and process table, the
// resource browser, and quitting with q or Ctrl-C with the terminal given back as it was. Plus
// the refusal without a terminal and the restore after a failure, in-process.

import { assert, assertEquals, assertRejects, assertStringIncludes } from "./assert.ts";
import { fakeDeps, run, tempDir } from "./harness.ts";
import { appendDmesg, seedDashboardResources, simNode, startEmulator } from "./emulator/mod.ts";
import { haveTmux, shq, TmuxSession } from "./tmux.ts";
import { runDashboard } from "../commands/dashboard/app.ts";
import { openSession, type Session } from "../commands/session.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const NODES = ["10.5.0.2", "10.5.0.3"];

async function cluster(dir: string) {
  const nodes = NODES.map((a) => simNode(a));
  const emu = await startEmulator({ nodes });
  for (const n of nodes) seedDashboardResources(n, { clusterName: "tmux-test" });
  const cfg = await emu.talosconfig(dir, { roles: ["os:admin"], nodes: NODES });
  return { emu, nodes, cfg };
}

/** The shell line run in the pane: the dashboard, then its exit code and the tty's modes. */
function paneCommand(cfg: string): string {
  const dash = [Deno.execPath(), "run", "-A", MAIN, "--talosconfig", cfg, "dashboard", "-d", "1s"]
    .map(shq).join(" ");
  const modes =
    "stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e -icanon -e echo -e -echo | tr '\\n' ' '";
  // One line, written at once, so that a capture never sees half of it.
  return `${dash}; code=$?; modes=$(${modes}); echo "DASHBOARD-EXIT=$code TTY: $modes"; sleep 600`;
}

const has = (...parts: string[]) => (s: string) => parts.every((p) => s.includes(p));

/** The shell shows the exit code and a cooked, echoing tty; the alternate screen is off. */
async function assertRestored(t: TmuxSession): Promise<void> {
  const screen = await t.waitFor("the dashboard to exit", has("DASHBOARD-EXIT="));
  assertStringIncludes(screen, "DASHBOARD-EXIT=0 TTY: icanon echo\n");
  assert(!screen.includes("[F1: Summary]") && !screen.includes("[Summary]"), screen);
  assertEquals(await t.attr("alternate_on"), "0");
  assertEquals(await t.attr("cursor_flag"), "1");
}

Deno.test({
  name: "dashboard in tmux: summary, log follow, node switch, monitor, resources, q",
  ignore: !(await haveTmux()),
  async fn() {
    await using dir = await tempDir();
    const { emu, nodes, cfg } = await cluster(dir.path);
    await using _ = emu;
    await using t = await TmuxSession.start(paneCommand(cfg), 120, 40);

    // Summary of the first node: top bar, panes, kernel log, bottom bar.
    let screen = await t.waitFor(
      "the summary of 10.5.0.2",
      has(
        "talos-10-5-0-2 Talos (v1.5.5): uptime",
        "Linux version 6.1.58-talos",
        "CLUSTER    tmux-test (2 machines)",
        "PROCS 9,",
      ),
    );
    const lines = screen.split("\n");
    assert(
      /^[┐┘└┌] talos-10-5-0-2 Talos \(v1\.5\.5\): uptime \d+h\d+m\d+s, 2x2\.\d+GHz, 7\.8 GiB RAM, PROCS 9, CPU \d+\.\d%, RAM 17\.5%$/
        .test(lines[0]),
      lines[0],
    );
    assertStringIncludes(screen, "HOST         talos-10-5-0-2");
    assertStringIncludes(screen, "IP           10.5.0.2/24");
    assertStringIncludes(screen, "STAGE      √ Running");
    assertStringIncludes(screen, "KUBERNETES         v1.30.0");
    assertStringIncludes(screen, "── Logs ──");
    assert(
      lines[39].startsWith(
        "[10.5.0.2 | 10.5.0.3] --- [Summary] --- [F2: Monitor] --- [F3: Resources]──",
      ),
      lines[39],
    );

    // A kernel record written now reaches the open log stream.
    appendDmesg(nodes[0], "kern:    info: [2024-01-01T00:00:05.000000Z]: tmux test record\n");
    await t.waitFor("the new kernel record", has("]: tmux test record"));

    // l: the node to the right.
    await t.keys("l");
    screen = await t.waitFor(
      "the summary of 10.5.0.3",
      (s) => /^. talos-10-5-0-3 /.test(s) && s.includes("HOST         talos-10-5-0-3"),
    );
    assert(!screen.includes("tmux test record"), "the log pane is the selected node's");
    // Left: back.
    await t.keys("Left");
    await t.waitFor(
      "the summary of 10.5.0.2 again",
      has("HOST         talos-10-5-0-2", "tmux test record"),
    );

    // F2: the monitor, with its graphs, sparklines and process table.
    await t.keys("F2");
    screen = await t.waitFor(
      "the monitor",
      has(
        "CPU USER/SYSTEM",
        "MEM USED",
        "LOAD AVG 60sec",
        " NET",
        " DISK",
        "PID S CPU% MEM%",
        "1010 S",
      ),
    );
    assertStringIncludes(
      screen,
      "[10.5.0.2 | 10.5.0.3] --- [F1: Summary] --- [Monitor] --- [F3: Resources]",
    );
    assertStringIncludes(screen, "Total    8.3 GB");

    // F3: the resource types; Enter on a type lists its resources.
    await t.keys("F3");
    await t.waitFor(
      "the resource types",
      has("Resource Types (Enter: select, /: filter)", "HostnameStatuses.net.talos.dev"),
    );
    await t.keys("/", "h", "o", "s", "t", "n", "Enter", "Enter");
    screen = await t.waitFor(
      "the hostname resources",
      has("HostnameStatus (ns: network)", "HOSTNAME", "talos-10-5-0-2"),
    );
    await t.keys("Enter");
    await t.waitFor(
      "the resource's YAML",
      has("network / hostname (Esc: back)", "hostname: talos-10-5-0-2"),
    );

    await t.keys("q");
    await assertRestored(t);
  },
});

Deno.test({
  name: "dashboard in tmux: Ctrl-C quits and restores the terminal",
  ignore: !(await haveTmux()),
  async fn() {
    await using dir = await tempDir();
    const { emu, cfg } = await cluster(dir.path);
    await using _ = emu;
    await using t = await TmuxSession.start(paneCommand(cfg), 100, 30);
    await t.waitFor("the dashboard", has("talos-10-5-0-2 Talos (v1.5.5)"));
    assertEquals(await t.attr("alternate_on"), "1");
    await t.keys("C-c");
    await assertRestored(t);
  },
});

Deno.test("dashboard refuses to run without a terminal", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await cluster(dir.path);
  await using _ = emu;
  const r = await run(["dashboard", "--talosconfig", cfg], {
    stdoutIsTTY: false,
    stdinIsTTY: true,
  });
  assertEquals(r.code, 1);
  assertEquals(r.stdout, "");
  assertEquals(
    r.stderr,
    "dashboard needs a terminal: its standard input and output must be a terminal (use `talosctl get`, `talosctl dmesg` or `talosctl processes` in scripts)\n",
  );
});

Deno.test("dashboard: a failure while drawing gives the terminal back, then the error", async () => {
  let closed = 0;
  const session = {
    nodes: ["10.5.0.2"],
    forNode() {
      throw new Error("no client in this test");
    },
  } as unknown as Session;
  await assertRejects(
    () =>
      runDashboard({
        session,
        nodes: ["10.5.0.2"],
        intervalMs: 60_000,
        signal: new AbortController().signal,
        screen: () =>
          Promise.resolve({
            width: 80,
            height: 24,
            present() {
              throw new Error("the screen broke");
            },
            close() {
              closed++;
            },
          }),
      }),
    "dashboard panic: the screen broke",
  );
  assertEquals(closed, 1);
});

/** A screen in memory: the last frame as text, keys sent by the test. */
class FakeScreen {
  text = "";
  closed = 0;
  onKey: (name: string) => void = () => {};
  constructor(readonly width: number, readonly height: number) {}
  present(c: { text(): string }) {
    this.text = c.text();
  }
  close() {
    this.closed++;
  }
  async waitFor(what: string, ok: (text: string) => boolean): Promise<string> {
    const end = Date.now() + 60_000;
    while (Date.now() < end) {
      if (ok(this.text)) return this.text;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${what}; the screen was:\n${this.text}`);
  }
}

Deno.test("dashboard: a node that is down shows n/a and its log stream's error; os:reader skips what it may not watch", async () => {
  await using dir = await tempDir();
  const nodes = NODES.map((a) => simNode(a));
  nodes[1].faults.down = true;
  await using emu = await startEmulator({ nodes });
  for (const n of nodes) seedDashboardResources(n);
  const cfg = await emu.talosconfig(dir.path, { roles: ["os:reader"], nodes: NODES });
  const { deps } = fakeDeps({ stdoutIsTTY: true, stdinIsTTY: true });
  const session = await openSession({
    global: { talosconfig: cfg, context: "", nodes: [], endpoints: [], cluster: "" },
    flags: {},
    deps,
  });
  const screen = new FakeScreen(110, 24);
  const stop = new AbortController();
  const done = runDashboard({
    session,
    nodes: session.nodes,
    intervalMs: 200,
    signal: stop.signal,
    screen: (onKey) => {
      screen.onKey = onKey;
      return Promise.resolve(screen);
    },
  });
  await screen.waitFor(
    "the up node's summary",
    has("talos-10-5-0-2 Talos (v1.5.5): uptime", "HOST         talos-10-5-0-2", "Linux version"),
  );
  screen.onKey("RIGHT");
  const text = await screen.waitFor(
    "the down node's summary",
    has(
      "n/a Talos (n/a): uptime n/a, n/a, n/a RAM, PROCS n/a, CPU n/a, RAM n/a",
      "error reading dmesg stream: rpc error: code = Unavailable desc = connection error: desc =",
    ),
  );
  assertStringIncludes(text, "HOST         n/a");
  assertStringIncludes(text, "[10.5.0.2 | 10.5.0.3] --- [Summary]");
  stop.abort();
  await done;
  assertEquals(screen.closed, 1);
});
