// The dashboard's parts without a terminal: layout arithmetic, formats, metric differences, the
// bottom bar, the panes and the log view drawn into a canvas and read back as text.

import { assertEquals } from "../../tests/assert.ts";
import { create } from "@bufbuild/protobuf";
import {
  CPUsInfoSchema,
  MemInfoSchema,
  MemorySchema,
  ProcessInfoSchema,
  ProcessSchema,
  SystemStatSchema,
} from "../../gen/machine/machine_pb.ts";
import { Canvas, split } from "./canvas.ts";
import { computeSI, cpuFrequency, uptime } from "./format.ts";
import { ApiData } from "./metrics.ts";
import { Footer, LogView, moveKey, Scroll } from "./views.ts";
import { commandLine, plot } from "./monitor.ts";
import { sortNodes, SummaryScreen } from "./app.ts";
import type { Change } from "./panes.ts";
import { imageTag } from "./panes.ts";
import { yamlView } from "./yaml_view.ts";

Deno.test("split shares what fixed sizes leave by weight", () => {
  assertEquals(split(40, [1, 0, 1]), [1, 38, 1]);
  assertEquals(split(30, [-1, -2]), [10, 20]);
  assertEquals(split(10, [7, -1, -2]), [7, 1, 2]);
  assertEquals(split(11, [0, 0, 0]), [3, 4, 4]);
});

Deno.test("boxes clip what is written into them; wide characters take two columns", () => {
  const c = new Canvas(10, 2);
  c.root.sub(2, 0, 4, 1).write(0, 0, "abcdefgh");
  c.root.write(0, 1, "漢字xy\tz");
  assertEquals(c.text(), "  abcd\n漢字xy z");
});

Deno.test("formats: CPU frequency, uptime, SI prefixes", () => {
  assertEquals(cpuFrequency(2400), "2.4GHz");
  assertEquals(cpuFrequency(2481), "2.48GHz");
  assertEquals(cpuFrequency(799.6), "800MHz");
  assertEquals(uptime(3_723_400), "1h2m3s");
  assertEquals(uptime(90_061_000), "1d1h1m1s");
  assertEquals(uptime(86_400_000), "1d0s");
  assertEquals(computeSI(2345), [2.345, "k"]);
  assertEquals(computeSI(12), [12, ""]);
});

function round(ts: number, cpu: [number, number, number], pids: [number, number][]): ApiData {
  const d = new ApiData(ts);
  const n = d.node("10.5.0.2");
  n.systemStat = create(SystemStatSchema, {
    cpuTotal: { user: cpu[0], system: cpu[1], idle: cpu[2] },
    contextSwitches: 1000n,
  });
  n.cpusInfo = create(CPUsInfoSchema, { cpuInfo: [{}, {}] });
  n.memory = create(MemorySchema, {
    meminfo: create(MemInfoSchema, { memtotal: 1000n, memfree: 500n, cached: 100n, buffers: 0n }),
  });
  n.processes = create(ProcessSchema, {
    processes: pids.map(([pid, cpuTime]) => create(ProcessInfoSchema, { pid, cpuTime })),
  });
  return d;
}

Deno.test("metrics: CPU shares, memory use and per-process CPU from two rounds", () => {
  const a = round(0, [10, 10, 80], [[1, 5], [2, 1]]);
  a.diff(a);
  const n0 = a.nodes.get("10.5.0.2")!;
  assertEquals(n0.cpuUsage("usage"), 0);
  assertEquals(n0.series.user, [0]);
  const b = round(3000, [16, 12, 92], [[1, 5.5], [2, 2], [3, 1]]);
  b.diff(a);
  const n = b.nodes.get("10.5.0.2")!;
  assertEquals(b.intervalMs, 3000);
  assertEquals(n.cpuUsage("user"), 0.3);
  assertEquals(n.cpuUsage("usage"), 0.4);
  assertEquals(n.cpuUsage("total_weighted"), 10);
  assertEquals(n.memUsage(), 0.4);
  assertEquals([...n.procsDiff!], [[1, 0.5], [2, 1], [3, 0]]);
  assertEquals(n.series.user, [0, 0.3]);
  assertEquals(n.series.mem, [0.4, 0.4]);
});

Deno.test("footer: nodes around the selected one, screens always in full", () => {
  const f = new Footer(["10.5.0.1", "10.5.0.2", "10.5.0.3"], [
    { key: "F1", name: "Summary" },
    { key: "F2", name: "Monitor" },
  ]);
  f.selectedNode = "10.5.0.2";
  f.selectedScreen = "Monitor";
  const text = (w: number) => f.line(w).map((s) => s.text).join("");
  assertEquals(
    text(100),
    "[10.5.0.1 | 10.5.0.2 | 10.5.0.3] --- [F1: Summary] --- [Monitor]",
  );
  assertEquals(text(55), "[‹ 10.5.0.2 | 10.5.0.3] --- [F1: Summary] --- [Monitor]");
  assertEquals(text(54), "[‹ 10.5.0.2 ›] --- [F1: Summary] --- [Monitor]");
  assertEquals(text(40), "[‹ 1… ›] --- [F1: Summary] --- [Monitor]");
  f.paused = true;
  assertEquals(text(200).endsWith("[Monitor] --- [PAUSED]"), true);
  const sel = f.line(100).find((s) => s.text === "10.5.0.2");
  assertEquals(sel?.style, { fg: "red" });
});

Deno.test("node order: addresses first, by address, then names", () => {
  assertEquals(sortNodes(["node-b", "10.5.0.10", "10.5.0.9", "node-a", "10.5.0.9"]), [
    "10.5.0.9",
    "10.5.0.10",
    "node-a",
    "node-b",
  ]);
});

Deno.test("process command lines: executable in front of its own name", () => {
  const p = (executable: string, command: string, args: string) => ({ executable, command, args });
  assertEquals(
    commandLine(p("/usr/bin/kubelet", "kubelet", "kubelet --v=2")),
    "/usr/bin/kubelet --v=2",
  );
  assertEquals(commandLine(p("/sbin/init", "init", "/sbin/init")), "/sbin/init");
  assertEquals(commandLine(p("", "kthreadd", "")), "kthreadd");
  assertEquals(commandLine(p("/x", "x", "x a\u0001b")), "/x a b");
});

Deno.test("image tags and YAML colors", () => {
  assertEquals(imageTag("ghcr.io/siderolabs/kubelet:v1.30.0"), "v1.30.0");
  assertEquals(imageTag("registry:5000/kubelet@sha256:abc"), "");
  assertEquals(imageTag("kubelet:v1@sha256:abc"), "v1");
  const doc = [
    "metadata:",
    "    id: loop0",
    "    version: 1",
    "spec:",
    "    readonly: true",
    "    symlinks:",
    "        - /dev/disk/by-diskseq/1",
    "    routes:",
    "        - dst: 10.0.0.0/8",
    "          gw:",
    "            - a",
    '    note: "quoted: yes"',
    "    text: |",
    "        one",
    "        two",
    "",
  ].join("\n");
  const lines = yamlView(doc);
  assertEquals(lines.map((l) => l.map((s) => s.text).join("")), [
    "metadata:",
    "  id: loop0",
    "  version: 1",
    "spec:",
    "  readonly: true",
    "  symlinks:",
    "    - /dev/disk/by-diskseq/1",
    "  routes:",
    "    - dst: 10.0.0.0/8",
    "      gw:",
    "        - a",
    '  note: "quoted: yes"',
    "  text: |",
    "one",
    "two",
  ]);
  const colors = (i: number) => lines[i].map((s) => s.style?.fg).filter((c) => c);
  assertEquals(colors(1), ["cyan", "green"]);
  assertEquals(colors(2), ["cyan", "yellow"]);
  assertEquals(colors(4), ["cyan", "yellow"]);
  assertEquals(colors(6), ["green"]);
});

const change = (type: string, id: string, spec: unknown, node = "10.5.0.2"): Change => ({
  node,
  type,
  id,
  spec: spec as Change["spec"],
  deleted: false,
});

Deno.test("summary: the panes and the log of the selected node", () => {
  const s = new SummaryScreen();
  for (
    const c of [
      change("HostnameStatuses.net.talos.dev", "hostname", { hostname: "cp-1" }),
      change("NodeAddresses.net.talos.dev", "routed", {
        addresses: ["10.5.0.20/24", "10.5.0.2/24"],
      }),
      change("RouteStatuses.net.talos.dev", "inet4/10.5.0.1//1024", {
        gateway: "10.5.0.1",
        dst: "",
      }),
      change("RouteStatuses.net.talos.dev", "inet4//10.5.0.0/24/1024", {
        gateway: "",
        dst: "10.5.0.0/24",
      }),
      change("ResolverStatuses.net.talos.dev", "resolvers", { dnsServers: [] }),
      change("MachineStatuses.runtime.talos.dev", "machine", {
        stage: "booting",
        status: { ready: false },
      }),
      change("Members.cluster.talos.dev", "cp-1", {}),
      change("Infos.cluster.talos.dev", "current", { clusterName: "prod" }),
      change("Diagnostics.runtime.talos.dev", "address-overlap", {
        message: "overlapping addresses",
      }),
    ]
  ) s.onResource(c);
  s.logs("10.5.0.2").add("first line", "");
  s.logs("10.5.0.2").add(
    "",
    "error reading dmesg stream: rpc error: code = Unavailable desc = down",
  );
  const c = new Canvas(80, 14);
  s.draw(c.root, "10.5.0.2");
  assertEquals(
    c.text(),
    [
      "",
      " UUID       n/a                          HOST         cp-1",
      " CLUSTER    prod (1 machine)             IP           10.5.0.2/24, 10.5.0.20/24",
      " SIDEROLINK n/a                          GW           10.5.0.1",
      " STAGE      Booting                      CONNECTIVITY n/a",
      " READY      × False                      DNS          <none>",
      " SECUREBOOT n/a                          NTP          n/a",
      "── Logs ────────────────────────────────────────────────────────────────────────",
      " first line",
      " error reading dmesg stream: rpc error: code = Unavailable desc = down",
      "",
      "",
      "── Diagnostics ─────────────────────────────────────────────────────────────────",
      " ■ (https://talos.dev/diagnostic/address-overlap) overlapping addresses",
    ].join("\n"),
  );
  // Another node has nothing yet.
  const other = new Canvas(40, 9);
  s.draw(other.root, "10.5.0.3");
  assertEquals(other.text().split("\n").slice(7), [
    "── Logs ────────────────────────────────",
    " ...",
  ]);
});

Deno.test("log view: follows the end, scrolls with keys, filters with /", () => {
  const v = new LogView();
  for (let i = 1; i <= 10; i++) v.add(`line ${i}`, "");
  const draw = () => {
    const c = new Canvas(20, 4);
    v.draw(c.root);
    return c.text().split("\n").slice(1).map((l) => l.trim());
  };
  assertEquals(draw(), ["line 8", "line 9", "line 10"]);
  v.key("k");
  v.key("k");
  assertEquals(draw(), ["line 6", "line 7", "line 8"]);
  v.add("line 11", "");
  assertEquals(draw(), ["line 6", "line 7", "line 8"]);
  v.key("G");
  assertEquals(draw(), ["line 9", "line 10", "line 11"]);
  for (const k of ["/", "1", "0"]) v.key(k);
  assertEquals(draw(), ["line 10", "", "filter: 10"]);
  v.key("ESCAPE");
  assertEquals(draw(), ["line 9", "line 10", "line 11"]);
});

Deno.test("moving keys: rows, pages, half pages where offered, the ends; Scroll follows the end", () => {
  const keys = ["j", "UP", "PAGE_DOWN", "CTRL_B", "CTRL_D", "CTRL_U", "g", "END", "x", "toString"];
  assertEquals(keys.map((k) => moveKey(k, 9, true)), [
    1,
    -1,
    9,
    -9,
    4,
    -4,
    -Infinity,
    Infinity,
    undefined,
    undefined,
  ]);
  assertEquals(keys.map((k) => moveKey(k, 9)).slice(4, 6), [undefined, undefined]);
  const s = new Scroll();
  assertEquals(s.place(20, 5), 15);
  const seen = [];
  for (const k of ["k", "CTRL_U", "g", "PAGE_DOWN", "G", "q"]) {
    const used = s.key(k);
    seen.push([used, s.top, s.follow]);
  }
  assertEquals(seen, [
    [true, 14, false],
    [true, 12, false],
    [true, 0, false],
    [true, 5, false],
    [true, 15, true],
    [false, 15, true],
  ]);
  const short = new Scroll();
  short.place(3, 5);
  short.key("HOME");
  assertEquals([short.top, short.follow], [0, true]);
});

Deno.test("plot: braille dots scaled to the largest value", () => {
  const c = new Canvas(2, 1);
  plot(c.root, [[0, 3, 1, 2]]);
  // Dot columns: 0 at the bottom; 3 at the top, joined down to the previous point; 1; 2.
  assertEquals(c.text(), "⡸⠖");
});
