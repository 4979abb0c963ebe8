// The dashboard: top bar, the selected screen, bottom bar; the data sources feeding them; keys.
// As upstream's: F1.. pick a screen, h/Left and l/Right the node, q or Ctrl-C quit, Ctrl-Z
// pauses the metrics; other keys go to the screen (scrolling, filters, the resource browser).
// Redraws happen on keys and twice a second, so that bursts of data cost one frame.

import { Canvas, columns, rows } from "./canvas.ts";
import type { ApiData } from "./metrics.ts";
import {
  type Change,
  changeOf,
  Diagnostics,
  Header,
  KubernetesInfo,
  NetworkInfo,
  TalosInfo,
} from "./panes.ts";
import { Footer, LogView } from "./views.ts";
import { MonitorScreen } from "./monitor.ts";
import { ResourceExplorer } from "./explorer.ts";
import type { Session } from "../session.ts";
import type { Box } from "./canvas.ts";

/** A screen of the dashboard. */
export interface View {
  readonly name: string;
  draw(box: Box, node: string): void;
  /** A key for the screen; false when it does not use it. */
  key(name: string): boolean;
  /** Whether a text input has the keys (node and quit keys are then typed into it). */
  typing(): boolean;
  select?(active: boolean): void;
  node?(node: string): void;
}

/** The summary screen: Talos, Kubernetes and network panes over the node's kernel log. */
export class SummaryScreen implements View {
  readonly name = "Summary";
  readonly talos = new TalosInfo();
  readonly kube = new KubernetesInfo();
  readonly net = new NetworkInfo();
  readonly diag = new Diagnostics();
  readonly #logs = new Map<string, LogView>();
  #node = "";

  logs(node: string): LogView {
    let v = this.#logs.get(node);
    if (!v) {
      v = new LogView();
      this.#logs.set(node, v);
    }
    return v;
  }

  onResource(c: Change): void {
    this.talos.onResource(c);
    this.kube.onResource(c);
    this.net.onResource(c);
    this.diag.onResource(c);
  }

  node(node: string): void {
    this.#node = node;
  }

  key(name: string): boolean {
    return this.logs(this.#node).key(name);
  }

  typing(): boolean {
    return this.logs(this.#node).filtering;
  }

  draw(box: Box, node: string): void {
    const diag = this.diag.height(node);
    const [top, middle, bottom] = rows(box, diag > 0 ? [7, 0, diag] : [7, 0]);
    if (this.kube.configured(node)) {
      const [a, b, c] = columns(top, [-3, -2, -3]);
      this.talos.draw(a, node);
      this.kube.draw(b, node);
      this.net.draw(c, node);
    } else {
      const [a, b] = columns(top, [-1, -1]);
      this.talos.draw(a, node);
      this.net.draw(b, node);
    }
    this.logs(node).draw(middle);
    if (bottom) this.diag.draw(bottom, node);
  }
}

class MonitorView implements View {
  readonly name = "Monitor";
  readonly screen = new MonitorScreen();
  key(name: string): boolean {
    return this.screen.key(name);
  }
  typing(): boolean {
    return false;
  }
  select(active: boolean): void {
    if (active) this.screen.table.reset();
  }
  draw(box: Box): void {
    this.screen.draw(box);
  }
}

export interface DashboardOptions {
  session: Session;
  nodes: string[];
  intervalMs: number;
  /** Ends the dashboard (Ctrl-C outside raw mode, SIGTERM). */
  signal: AbortSignal;
  /** The terminal; a test may pass its own. */
  screen: (
    onKey: (name: string) => void,
    onResize: () => void,
  ) => Promise<import("./terminal.ts").Screen>;
}

/** Node names sorted as upstream sorts them: IP addresses first (by address), then names. */
export function sortNodes(nodes: string[]): string[] {
  const ip = (s: string): number[] | undefined => {
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
    if (m) return [0, ...m.slice(1).map(Number)];
    if (s.includes(":") && /^[0-9a-f:.]+$/i.test(s)) return [1, ...expand6(s)];
    return undefined;
  };
  return [...new Set(nodes)].sort((a, b) => {
    const x = ip(a), y = ip(b);
    if (!x && !y) return a < b ? -1 : a > b ? 1 : 0;
    if (!x) return 1;
    if (!y) return -1;
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
      if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
    }
    return 0;
  });
}

function expand6(s: string): number[] {
  const [head, tail = ""] = s.split("::");
  const part = (p: string) => (p === "" ? [] : p.split(":").map((h) => parseInt(h, 16) || 0));
  const h = part(head), t = part(tail);
  return [...h, ...new Array(Math.max(0, 8 - h.length - t.length)).fill(0), ...t];
}

/** Runs the dashboard until quit; the terminal is restored whatever ends it. */
export async function runDashboard(opts: DashboardOptions): Promise<void> {
  const { session, intervalMs } = opts;
  const nodes = sortNodes(opts.nodes);
  const header = new Header();
  const summary = new SummaryScreen();
  const monitor = new MonitorView();
  const explorer = new ResourceExplorer(session, opts.signal);
  const views: View[] = [summary, monitor, explorer];
  const footer = new Footer(nodes, views.map((v, i) => ({ key: `F${i + 1}`, name: v.name })));

  let nodeIndex = 0;
  let view: View = summary;
  let paused = false;
  let data: ApiData | undefined;
  let failure: unknown;

  const stop = new AbortController();
  const quit = () => stop.abort();
  opts.signal.addEventListener("abort", quit, { once: true });

  const node = () => nodes[nodeIndex] ?? "";
  const applyData = () => {
    if (!data) return;
    header.onData(data, Date.now());
    summary.kube.onData(data);
    monitor.screen.onData(node(), data);
  };
  const selectNode = (i: number) => {
    nodeIndex = Math.max(0, Math.min(nodes.length - 1, i));
    footer.selectedNode = node();
    applyData();
    for (const v of views) v.node?.(node());
  };
  const selectView = (v: View) => {
    for (const other of views) if (other !== v) other.select?.(false);
    view = v;
    v.select?.(true);
    footer.selectedScreen = v.name;
  };

  let screen: import("./terminal.ts").Screen | undefined;
  const draw = () => {
    if (!screen || stop.signal.aborted) return;
    try {
      const canvas = new Canvas(screen.width, screen.height);
      const [top, middle, bottom] = rows(canvas.root, [1, 0, 1]);
      header.draw(top, node());
      view.draw(middle, node());
      footer.draw(bottom);
      screen.present(canvas);
    } catch (e) {
      failure = e;
      quit();
    }
  };

  const onKey = (name: string) => {
    const typing = view.typing();
    const f = /^F(\d+)$/.exec(name);
    if (f && Number(f[1]) >= 1 && Number(f[1]) <= views.length) selectView(views[Number(f[1]) - 1]);
    else if (!typing && (name === "LEFT" || name === "h")) selectNode(nodeIndex - 1);
    else if (!typing && (name === "RIGHT" || name === "l")) selectNode(nodeIndex + 1);
    else if (name === "CTRL_C" || (!typing && name === "q")) return quit();
    else if (name === "CTRL_Z") {
      paused = !paused;
      footer.paused = paused;
    } else view.key(name);
    draw();
  };

  selectNode(0);
  selectView(summary);
  const { pollMetrics, followLogs, watchResources } = await import("./sources.ts");
  try {
    screen = await opts.screen(onKey, draw);
    const s = stop.signal;
    const work = [
      pollMetrics(session, nodes, intervalMs, s, (d) => {
        data = d;
        if (!paused) applyData();
      }),
      ...followLogs(session, nodes, s, (n, line, error) => summary.logs(n).add(line, error)),
      ...watchResources(session, nodes, s, (e) => {
        const c = changeOf(e.node, e.resource, e.deleted);
        header.onResource(c);
        summary.onResource(c);
      }),
    ];
    const ticker = setInterval(() => {
      if (!paused) header.tick();
      draw();
    }, 500);
    draw();
    if (!s.aborted) {
      await new Promise<void>((r) => s.addEventListener("abort", () => r(), { once: true }));
    }
    clearInterval(ticker);
    await Promise.allSettled(work);
  } finally {
    stop.abort();
    opts.signal.removeEventListener("abort", quit);
    screen?.close();
  }
  if (failure !== undefined) {
    throw new Error(`dashboard panic: ${(failure as Error).message ?? failure}`);
  }
}
