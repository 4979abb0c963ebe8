// The monitor screen: CPU and memory gauges, CPU, load, process and memory figures, braille
// graphs of CPU, memory and load, network and disk sparklines, and the process table.

import { bold, type Box, type Color, columns, type Line, rows, seg } from "./canvas.ts";
import type { ApiData, NodeData, SeriesName } from "./metrics.ts";
import { computeSI, fixed, humanizeBytes, int, seconds } from "./format.ts";
import { NO_DATA } from "./panes.ts";
import { moveKey, Scroll } from "./views.ts";

/** A bar filled to `pct` percent with the figure in its middle. */
function gauge(box: Box, pct: number): void {
  const filled = Math.round(box.w * Math.max(0, Math.min(100, pct)) / 100);
  const label = `${pct}%`;
  const at = Math.floor((box.w - label.length) / 2);
  for (let x = 0; x < box.w; x++) {
    const ch = x >= at && x < at + label.length ? label[x - at] : " ";
    box.set(x, 0, ch, x < filled ? { inverse: true } : undefined);
  }
}

function drawGauges(box: Box, n: NodeData | undefined): void {
  const inner = box.pad(1, 1, 2, 1);
  const [cpu, mem] = rows(inner, [0, 0]);
  const cpuPct = n ? Math.round(n.cpuUsage("usage") * 100) : 0;
  const memPct = n ? Math.round(n.memUsage() * 100) : 0;
  for (const [b, label, pct] of [[cpu, "CPU", cpuPct], [mem, "MEM", memPct]] as const) {
    b.write(0, 0, [bold(label)]);
    gauge(b.sub(0, 1, b.w, 1), pct);
  }
}

/** Lines of "label value" pairs: labels plain, values bold. */
function pairs(title: string, lines: [string, string][][]): Line[] {
  return [
    [bold(title)],
    ...lines.map((line) =>
      line.flatMap(([label, value], i) => [seg((i > 0 ? "  " : "") + label), bold(value)])
    ),
  ];
}

function infoTexts(n: NodeData | undefined): Line[][] {
  if (!n) return [[[seg(NO_DATA)]], [[seg(NO_DATA)]], [[seg(NO_DATA)]], [[seg(NO_DATA)]]];
  const pct = (name: Parameters<NodeData["cpuUsage"]>[0]) =>
    fixed(n.cpuUsage(name) * 100, 1, 5) + "%";
  const [ctx, ctxUnit] = computeSI(Number(n.ctxSwitchesDiff));
  const [forks, forksUnit] = computeSI(Number(n.procsCreatedDiff));
  const m = n.memory?.meminfo;
  const kb = (v: bigint | undefined) => humanizeBytes((v ?? 0n) << 10n).padStart(8);
  const used = m ? m.memtotal - m.memfree - m.cached - m.buffers : 0n;
  return [
    pairs("CPU", [
      [["User   ", pct("user")], ["Nice   ", pct("nice")]],
      [["System ", pct("system")], ["IRQ    ", pct("irq")]],
      [["Idle   ", pct("idle")], ["Iowait ", pct("iowait")]],
      [["Steal  ", pct("steal")], ["CtxSw  ", fixed(ctx, 1, 5) + ctxUnit]],
    ]),
    pairs("LOAD", [
      [["1 min  ", fixed(n.loadAvg?.load1 ?? 0, 2, 6)]],
      [["5 min  ", fixed(n.loadAvg?.load5 ?? 0, 2, 6)]],
      [["15 min ", fixed(n.loadAvg?.load15 ?? 0, 2, 6)]],
    ]),
    pairs("PROCS", [
      [["Created ", fixed(forks, 1, 5) + forksUnit]],
      [["Running ", int(n.systemStat?.processRunning ?? 0n, 5)]],
      [["Blocked ", int(n.systemStat?.processBlocked ?? 0n, 5)]],
    ]),
    pairs("MEMORY", [
      [["Total  ", kb(m?.memtotal)], ["Buffers ", kb(m?.buffers)]],
      [["Used   ", kb(used)], ["Cache   ", kb(m?.cached)]],
      [["Free   ", kb(m?.memfree)], ["Avail   ", kb(m?.memavailable)]],
      [["Shared ", kb(m?.shmem)], ["Swapped ", kb(m ? m.swaptotal - m.swapfree : 0n)]],
    ]),
  ];
}

const BRAILLE_BITS = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]];
const SERIES_COLORS: Color[] = ["red", "green"];

/** Line graphs of the series in braille dots (2 across, 4 down a cell), scaled to their maximum. */
export function plot(box: Box, series: number[][]): void {
  const dotsW = box.w * 2, dotsH = box.h * 4;
  if (dotsW === 0 || dotsH === 0) return;
  const max = Math.max(0, ...series.flat());
  const cells = new Map<number, { bits: number; color: Color }>();
  const dot = (x: number, y: number, color: Color) => {
    if (x < 0 || y < 0 || x >= dotsW || y >= dotsH) return;
    const key = Math.floor(y / 4) * box.w + Math.floor(x / 2);
    const c = cells.get(key) ?? { bits: 0, color };
    c.bits |= BRAILLE_BITS[x % 2][y % 4];
    c.color = color;
    cells.set(key, c);
  };
  series.forEach((values, si) => {
    const pts = values.slice(-dotsW);
    const ys = pts.map((v) => dotsH - 1 - (max > 0 ? Math.round(v / max * (dotsH - 1)) : 0));
    const color = SERIES_COLORS[si % SERIES_COLORS.length];
    for (let i = 0; i < ys.length; i++) {
      dot(i, ys[i], color);
      if (i > 0) {
        // Join the points vertically so that steps read as lines.
        const [a, b] = [ys[i - 1], ys[i]].sort((p, q) => p - q);
        for (let y = a + 1; y < b; y++) dot(i, y, color);
      }
    }
  });
  for (const [key, c] of cells) {
    box.set(key % box.w, Math.floor(key / box.w), String.fromCodePoint(0x2800 + c.bits), {
      fg: c.color,
    });
  }
}

const GRAPHS: { title: string; series: SeriesName[] }[] = [
  { title: "CPU USER/SYSTEM", series: ["user", "system"] },
  { title: "MEM USED", series: ["mem"] },
  { title: "LOAD AVG 60sec", series: ["loadavg"] },
];

const SPARKS: { title: string; labels: [string, SeriesName][] }[] = [
  { title: " NET", labels: [["RX", "netrxbytes"], ["TX", "nettxbytes"]] },
  { title: " DISK", labels: [["READ", "diskrdsectors"], ["WRITE", "diskwrsectors"]] },
];

const BARS = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];

/** A titled sparkline: the title on its first row, bars in the others. */
function sparkline(box: Box, title: string, values: number[], color: Color): void {
  box.write(0, 0, title);
  const area = box.sub(0, 1, box.w, box.h - 1);
  if (area.h === 0) return;
  const pts = values.slice(-area.w);
  const max = Math.max(0, ...pts);
  const steps = area.h * 8;
  pts.forEach((v, x) => {
    const n = max > 0 ? Math.round(v / max * steps) : 0;
    for (let row = 0; row < area.h; row++) {
      const level = n - row * 8;
      if (level <= 0) break;
      area.set(x, area.h - 1 - row, BARS[Math.min(level, 8) - 1], { fg: color });
    }
  });
}

const COLS = [
  { name: "PID", max: 7, align: "right" },
  { name: "S", max: 1, align: "center" },
  { name: "CPU%", max: 6, align: "right" },
  { name: "MEM%", max: 6, align: "right" },
  { name: "VIRT", max: 8, align: "right" },
  { name: "RES", max: 8, align: "right" },
  { name: "TIME+", max: 10, align: "right" },
  { name: "THR", max: 4, align: "right" },
  { name: "COMMAND", max: 0, align: "left" },
] as const;

/** The command line shown for a process (its executable's path in front when known). */
export function commandLine(p: { executable: string; command: string; args: string }): string {
  let args: string;
  const first = p.args.split(/\s+/).filter((x) => x !== "")[0];
  const exe = p.executable.split(/\s+/).filter((x) => x !== "")[0] ?? "";
  if (p.executable === "") args = p.command;
  else if (p.args !== "" && first === exe.slice(exe.lastIndexOf("/") + 1)) {
    args = p.args.replace(first, p.executable);
  } else args = p.args;
  return args.replace(/[^\x20-\x7e]/g, " ");
}

/** The process table, busiest first since the last round; rows selectable. */
export class ProcessTable {
  /** 0-based data row selected. */
  selected = 0;
  readonly scroll = new Scroll();
  #lastNode = "";
  #rows: string[][] = [];

  constructor() {
    this.scroll.follow = false;
  }

  onData(node: string, n: NodeData | undefined): void {
    const procs = n?.processes?.processes;
    if (!n || !procs) {
      this.#rows = [];
      this.selected = 0;
      return;
    }
    const totalMem = Number(n.memory?.meminfo?.memtotal ?? 0n) * 1024 || 1;
    const weighted = n.cpuUsage("total_weighted") || 1;
    const diff = n.procsDiff;
    const sorted = diff
      ? [...procs].sort((a, b) => (diff.get(b.pid) ?? 0) - (diff.get(a.pid) ?? 0))
      : procs;
    this.#rows = sorted.map((p) => [
      String(p.pid),
      p.state,
      fixed((diff?.get(p.pid) ?? 0) / weighted * 100, 1),
      fixed(Number(p.residentMemory) / totalMem * 100, 1),
      humanizeBytes(p.virtualMemory),
      humanizeBytes(p.residentMemory),
      seconds(p.cpuTime),
      String(p.threads),
      commandLine(p),
    ]);
    if (this.selected > this.#rows.length || this.#lastNode !== node) this.reset();
    this.#lastNode = node;
  }

  reset(): void {
    this.selected = 0;
    this.scroll.top = 0;
  }

  key(name: string): boolean {
    const last = Math.max(0, this.#rows.length - 1);
    const n = moveKey(name, this.scroll.rows, true);
    if (n === undefined) return false;
    this.selected = Math.max(0, Math.min(last, this.selected + n));
    return true;
  }

  draw(box: Box): void {
    const inner = box.pad(0, 0, 0, 1);
    if (this.#rows.length === 0) {
      this.#drawRow(inner, 0, COLS.map((c) => c.name), true);
      inner.write(Math.floor((inner.w - NO_DATA.length) / 2), 1, NO_DATA);
      return;
    }
    const widths = COLS.map((c, i) => {
      const w = Math.max(c.name.length, ...this.#rows.map((r) => r[i].length));
      return c.max > 0 ? Math.min(c.max, w) : w;
    });
    this.#widths = widths;
    this.#drawRow(inner, 0, COLS.map((c) => c.name), true);
    const body = inner.sub(0, 1, inner.w, inner.h - 1);
    // Keep the selection in view.
    this.scroll.rows = Math.max(1, body.h);
    this.scroll.total = this.#rows.length;
    if (this.selected < this.scroll.top) this.scroll.top = this.selected;
    if (this.selected >= this.scroll.top + body.h) this.scroll.top = this.selected - body.h + 1;
    for (let y = 0; y < body.h; y++) {
      const i = this.scroll.top + y;
      if (i >= this.#rows.length) break;
      if (i === this.selected) body.sub(0, y, body.w, 1).fill(" ", { inverse: true });
      this.#drawRow(body, y, this.#rows[i], false, i === this.selected);
    }
  }

  #widths: number[] = COLS.map((c) => c.name.length);

  #drawRow(box: Box, y: number, cells: string[], header: boolean, selected = false): void {
    let x = 0;
    cells.forEach((text, i) => {
      const c = COLS[i];
      const w = c.max === 0 ? Math.max(0, box.w - x) : this.#widths[i];
      let t = text.length > w ? text.slice(0, w) : text;
      if (c.align === "right") t = t.padStart(w);
      else if (c.align === "center") t = t.padStart(Math.floor((w + t.length) / 2)).padEnd(w);
      box.write(x, y, [seg(t, header ? { bold: true } : selected ? { inverse: true } : undefined)]);
      x += w + 1;
    });
  }
}

/** The whole monitor screen for one node. */
export class MonitorScreen {
  readonly table = new ProcessTable();
  #node = "";
  #data: ApiData | undefined;

  onData(node: string, data: ApiData | undefined): void {
    this.#node = node;
    this.#data = data;
    this.table.onData(node, data?.nodes.get(node));
  }

  key(name: string): boolean {
    return this.table.key(name);
  }

  draw(box: Box): void {
    const n = this.#data?.nodes.get(this.#node);
    const [top, middle, bottom] = rows(box, [7, -1, -2]);
    const info = columns(top, [-1, -2, -1, -1, -2]);
    drawGauges(info[0], n);
    infoTexts(n).forEach((lines, i) => {
      const b = info[i + 1].pad(1, 0, 0, 1);
      lines.forEach((line, y) => b.write(0, y, line));
    });
    columns(middle, [0, 0, 0]).forEach((b, i) => {
      const g = GRAPHS[i];
      b.write(Math.floor((b.w - g.title.length) / 2), 0, [bold(g.title)]);
      plot(b.sub(0, 1, b.w, b.h - 1), g.series.map((s) => n?.series[s] ?? [0]));
    });
    const [left, right] = columns(bottom, [-1, -3]);
    rows(left, [0, 0]).forEach((b, i) => {
      const s = SPARKS[i];
      b.write(0, 0, [bold(s.title)]);
      rows(b.sub(0, 1, b.w, b.h - 1), [0, 0]).forEach((sb, j) => {
        const [label, name] = s.labels[j];
        sparkline(sb, label, n?.series[name] ?? [0], SERIES_COLORS[j]);
      });
    });
    this.table.draw(right);
  }
}
