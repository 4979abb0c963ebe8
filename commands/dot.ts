// A graphviz digraph written the way the emicklei/dot package writes one (talosctl renders
// `inspect dependencies` with it): nodes named n<seq> in creation order across the whole graph,
// subgraphs and nodes listed sorted by their keys, edges grouped by source, attributes sorted
// and Go-quoted, TAB indentation (including on the blank separator lines).

import { goQuote } from "../gofmt/mod.ts";

type Attrs = Map<string, string>;

export interface DotNode {
  id: string;
  seq: number;
  attrs: Attrs;
  graph: DotGraph;
}

interface DotEdge {
  from: DotNode;
  to: DotNode;
  attrs: Attrs;
}

export class DotGraph {
  readonly attrs: Attrs = new Map();
  #seq = 0;
  readonly #nodes = new Map<string, DotNode>();
  readonly #edges = new Map<string, DotEdge[]>();
  readonly #subgraphs = new Map<string, DotGraph>();

  private constructor(
    private readonly kind: "digraph" | "subgraph",
    private id: string,
    private readonly parent?: DotGraph,
  ) {}

  static directed(): DotGraph {
    return new DotGraph("digraph", "");
  }

  #root(): DotGraph {
    return this.parent ? this.parent.#root() : this;
  }

  #nextSeq(): number {
    return ++this.#root().#seq;
  }

  #find(id: string): DotNode | undefined {
    const here = this.#nodes.get(id);
    if (here || !this.parent) return here;
    return this.parent.#find(id);
  }

  /** The node with this id here or in an enclosing graph, created here when there is none. */
  node(id: string, attrs: Record<string, string> = {}): DotNode {
    let n = this.#find(id);
    if (!n) {
      n = { id, seq: this.#nextSeq(), attrs: new Map([["label", id]]), graph: this };
      this.#nodes.set(id, n);
    }
    for (const [k, v] of Object.entries(attrs)) n.attrs.set(k, v);
    return n;
  }

  /** The subgraph under `key`, created (as a cluster when asked) on first use. */
  subgraph(key: string, cluster = false): DotGraph {
    let g = this.#subgraphs.get(key);
    if (!g) {
      g = new DotGraph("subgraph", `s${this.#nextSeq()}`, this);
      g.attrs.set("label", key);
      if (cluster) g.id = `cluster_${g.id}`;
      this.#subgraphs.set(key, g);
    }
    return g;
  }

  /** An edge; between nodes of different graphs it belongs to the root graph. */
  edge(from: DotNode, to: DotNode, attrs: Record<string, string> = {}): void {
    const owner = from.graph === to.graph ? this : this.#root();
    const list = owner.#edges.get(from.id) ?? [];
    list.push({ from, to, attrs: new Map(Object.entries(attrs)) });
    owner.#edges.set(from.id, list);
  }

  toString(): string {
    const w = new IndentWriter();
    this.#write(w);
    return w.text;
  }

  #write(w: IndentWriter): void {
    w.write(`${this.kind} ${this.id} {`);
    w.newLine();
    w.indent();
    for (const key of sorted(this.#subgraphs.keys())) this.#subgraphs.get(key)!.#write(w);
    if (this.attrs.size > 0) w.write(attrList(this.attrs, false));
    w.newLine();
    for (const key of sorted(this.#nodes.keys())) {
      const n = this.#nodes.get(key)!;
      w.write(`n${n.seq}${attrList(n.attrs, true)};`);
      w.newLine();
    }
    for (const key of sorted(this.#edges.keys())) {
      for (const e of this.#edges.get(key)!) {
        w.write(`n${e.from.seq}->n${e.to.seq}${attrList(e.attrs, true)};`);
        w.newLine();
      }
    }
    w.unindent();
    w.newLine();
    w.write("}");
    w.newLine();
  }
}

function sorted(keys: Iterable<string>): string[] {
  return [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function attrList(attrs: Attrs, bracket: boolean): string {
  if (attrs.size === 0) return "";
  const items = sorted(attrs.keys()).map((k) => `${k}=${goQuote(attrs.get(k)!)}`);
  return bracket ? `[${items.join(",")}]` : `${items.join(";")};`;
}

class IndentWriter {
  text = "";
  #level = 0;
  write(s: string): void {
    this.text += s;
  }
  indent(): void {
    this.#level++;
    this.text += "\t";
  }
  unindent(): void {
    this.#level--;
  }
  newLine(): void {
    this.text += "\n" + "\t".repeat(this.#level);
  }
}
