// The resources screen: browse the selected node's resource types, watch the resources of one
// type (ID, version, phase, owner and the type's print columns), and read one as colored YAML.
// Enter goes down a level, Esc back up; `/` filters the type list.

import { Code, ConnectError } from "@connectrpc/connect";
import type { Session } from "../session.ts";
import type { Resource } from "../../gen/cosi/resource_pb.ts";
import { EventType } from "../../gen/cosi/state_pb.ts";
import { type Box, colored, type Line, seg, type Style, width } from "./canvas.ts";
import { Input, moveKey, Scroll } from "./views.ts";
import { toRpcError } from "../../rpc/errors.ts";
import type { ResourceDefinition } from "../resources/kind.ts";
import type { View } from "./app.ts";

type Cell = { text: string; style?: Style };

/** A bordered box with a centered title; returns the inside. */
export function frame(box: Box, title: string): Box {
  if (box.w < 2 || box.h < 2) return box.sub(0, 0, 0, 0);
  const s: Style = { fg: "white" };
  for (let x = 1; x < box.w - 1; x++) {
    box.set(x, 0, "─", s);
    box.set(x, box.h - 1, "─", s);
  }
  for (let y = 1; y < box.h - 1; y++) {
    box.set(0, y, "│", s);
    box.set(box.w - 1, y, "│", s);
  }
  box.set(0, 0, "┌", s);
  box.set(box.w - 1, 0, "┐", s);
  box.set(0, box.h - 1, "└", s);
  box.set(box.w - 1, box.h - 1, "┘", s);
  const t = [...title].slice(0, box.w - 2).join("");
  box.write(Math.max(1, Math.floor((box.w - width(t)) / 2)), 0, t);
  return box.pad(1, 1, 1, 1);
}

/** A table with a bold header row and a selectable body; `expand` takes the spare width. */
export class Table {
  header: string[] = [];
  rows: Cell[][] = [];
  /** A line shown instead of rows (loading, errors). */
  notice: Line | undefined;
  expand = 0;
  selected = 0;
  readonly scroll = new Scroll();

  constructor() {
    this.scroll.follow = false;
  }

  key(name: string): boolean {
    const n = moveKey(name, this.scroll.rows);
    if (n === undefined) return false;
    this.selected = Math.max(0, Math.min(this.rows.length - 1, this.selected + n));
    return true;
  }

  draw(box: Box): void {
    const all = [this.header.map((text) => ({ text })), ...this.rows];
    const widths = this.header.map((_, i) => Math.max(...all.map((r) => width(r[i]?.text ?? ""))));
    const used = widths.reduce((a, b) => a + b, 0) + widths.length - 1;
    if (used < box.w && widths.length > 0) widths[this.expand] += box.w - used;
    const put = (y: number, cells: Cell[], style?: Style) => {
      let x = 0;
      cells.forEach((c, i) => {
        box.write(x, y, [seg(c.text, { ...c.style, ...style })]);
        x += widths[i] + 1;
      });
    };
    put(0, this.header.map((text) => ({ text })), { bold: true });
    const body = box.sub(0, 1, box.w, box.h - 1);
    if (this.notice) {
      body.write(0, 0, this.notice);
      return;
    }
    this.scroll.rows = Math.max(1, body.h);
    this.scroll.total = this.rows.length;
    if (this.selected < this.scroll.top) this.scroll.top = this.selected;
    if (this.selected >= this.scroll.top + body.h) this.scroll.top = this.selected - body.h + 1;
    for (let y = 0; y < body.h; y++) {
      const i = this.scroll.top + y;
      if (i >= this.rows.length) break;
      if (i === this.selected) {
        body.sub(0, y, body.w, 1).fill(" ", { inverse: true });
        put(y + 1, this.rows[i], { inverse: true });
      } else put(y + 1, this.rows[i]);
    }
  }
}

/** The words upstream shows for an error; denied reads are explained. */
function errorText(e: unknown): string {
  if (e instanceof ConnectError && e.code === Code.PermissionDenied) {
    return "access denied: this resource is sensitive and requires elevated permissions";
  }
  return toRpcError(e).message;
}

export class ResourceExplorer implements View {
  readonly name = "Resources";
  level: 0 | 1 | 2 = 0;
  readonly types = new Table();
  readonly list = new Table();
  readonly filter = new Input("filter: ");
  filtering = false;
  #defs: ResourceDefinition[] | undefined;
  #rd: ResourceDefinition | undefined;
  #resources = new Map<string, Resource>();
  #ids: string[] = [];
  #columns: { name: string; path: { execute(v: unknown): string } }[] = [];
  #watch: AbortController | undefined;
  #yaml: Line[] = [];
  #yamlTitle = "";
  readonly #yamlScroll = new Scroll();
  #node = "";
  #active = false;
  #generation = 0;

  constructor(private readonly session: Session, private readonly signal: AbortSignal) {
    this.#yamlScroll.follow = false;
    this.#typesHeader();
  }

  typing(): boolean {
    return this.filtering;
  }

  select(active: boolean): void {
    this.#active = active;
    if (active) {
      if (this.level === 0 && this.#defs === undefined) this.#loadTypes();
      if (this.level >= 1 && !this.#watch && this.#rd) this.#startWatch(this.#rd);
    } else {
      this.#stopWatch();
      this.#endFilter(true);
    }
  }

  node(node: string): void {
    if (node === this.#node) return;
    this.#node = node;
    this.#stopWatch();
    this.#endFilter(true);
    if (this.level === 0) {
      this.#defs = undefined;
      this.#typesHeader();
      if (this.#active) this.#loadTypes();
    } else {
      this.level = 1;
      this.#resources = new Map();
      this.#listHeader();
      if (this.#active && this.#rd) this.#startWatch(this.#rd);
    }
  }

  key(name: string): boolean {
    if (this.filtering) {
      if (name === "ESCAPE" || name === "ENTER") {
        this.#endFilter(name === "ESCAPE");
        return true;
      }
      if (this.filter.key(name)) {
        this.#renderTypes();
        return true;
      }
      return false;
    }
    switch (this.level) {
      case 0:
        if (name === "/") {
          this.filtering = true;
          return true;
        }
        if (name === "ENTER") return this.#openType();
        return this.types.key(name);
      case 1:
        if (name === "ESCAPE") {
          this.#stopWatch();
          this.level = 0;
          return true;
        }
        if (name === "ENTER") return this.#openResource();
        return this.list.key(name);
      case 2:
        if (name === "ESCAPE") {
          this.level = 1;
          return true;
        }
        return this.#yamlScroll.key(name);
    }
  }

  #endFilter(clear: boolean): void {
    this.filtering = false;
    if (clear && this.filter.text !== "") {
      this.filter.text = "";
      if (this.#defs) this.#renderTypes();
    }
  }

  #typesHeader(): void {
    this.types.header = ["TYPE", "NAMESPACE", "ALIASES"];
    this.types.rows = [];
    this.types.notice = undefined;
  }

  #loadTypes(): void {
    this.#typesHeader();
    this.types.notice = [colored("gray", "Loading...")];
    const gen = ++this.#generation;
    (async () => {
      const { listDefinitions } = await import("../resources/kind.ts");
      const t = this.session.forNode(this.#node);
      return await listDefinitions(t.client, { ...t.options, signal: this.signal });
    })().then((defs) => {
      if (gen !== this.#generation) return;
      this.#defs = defs.sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
      this.#renderTypes();
    }, (e) => {
      if (gen !== this.#generation) return;
      this.#typesHeader();
      this.types.notice = [colored("red", errorText(e))];
    });
  }

  #shownTypes(): ResourceDefinition[] {
    const f = this.filter.text.toLowerCase();
    return (this.#defs ?? []).filter((rd) =>
      f === "" || rd.type.toLowerCase().includes(f) ||
      rd.allAliases.some((a) => a.toLowerCase().includes(f))
    );
  }

  #renderTypes(): void {
    this.#typesHeader();
    this.types.rows = this.#shownTypes().map((rd) => [
      { text: rd.type, style: { fg: "white" } },
      { text: rd.defaultNamespace, style: { fg: "white" } },
      { text: rd.aliases.join(", "), style: { fg: "gray" } },
    ]);
    this.types.selected = 0;
    this.types.scroll.top = 0;
  }

  #openType(): boolean {
    const rd = this.#shownTypes()[this.types.selected];
    if (!rd) return true;
    this.#rd = rd;
    this.#columns = [];
    return this.#withColumns(rd);
  }

  #withColumns(rd: ResourceDefinition): boolean {
    import("../resources/jsonpath.ts").then(({ JSONPath }) => {
      for (const c of rd.printColumns) {
        try {
          const path = new JSONPath(c.jsonPath).allowMissingKeys(true);
          this.#columns.push({ name: c.name.toUpperCase(), path: path as never });
        } catch {
          // a column whose path does not parse is left out
        }
      }
      this.#resources = new Map();
      this.#listHeader();
      this.level = 1;
      this.#startWatch(rd);
    });
    return true;
  }

  #listHeader(): void {
    this.list.header = ["ID", "VERSION", "PHASE", "OWNER", ...this.#columns.map((c) => c.name)];
    this.list.rows = [];
    this.list.notice = [colored("gray", "Loading...")];
  }

  #stopWatch(): void {
    this.#watch?.abort();
    this.#watch = undefined;
  }

  #startWatch(rd: ResourceDefinition): void {
    this.#stopWatch();
    const ctl = new AbortController();
    this.#watch = ctl;
    const stopAll = () => ctl.abort();
    this.signal.addEventListener("abort", stopAll, { once: true });
    (async () => {
      let bootstrapped = false;
      try {
        const t = this.session.forNode(this.#node);
        const req = {
          namespace: rd.defaultNamespace,
          type: rd.type,
          options: { bootstrapContents: true },
          apiVersion: 1,
        };
        for await (const m of t.client.cosi.watch(req, { ...t.options, signal: ctl.signal })) {
          for (const ev of m.event) {
            if (ctl.signal.aborted || this.#rd !== rd) return;
            if (ev.eventType === EventType.ERRORED) throw new Error(ev.error ?? "watch failed");
            if (ev.eventType === EventType.BOOTSTRAPPED) bootstrapped = true;
            else if (ev.resource?.metadata) {
              if (ev.eventType === EventType.DESTROYED) {
                this.#resources.delete(ev.resource.metadata.id);
              } else if (ev.eventType === EventType.CREATED || ev.eventType === EventType.UPDATED) {
                this.#resources.set(ev.resource.metadata.id, ev.resource);
              }
            }
            if (bootstrapped) await this.#renderList();
          }
        }
      } catch (e) {
        if (ctl.signal.aborted || this.#rd !== rd) return;
        this.#listHeader();
        this.list.notice = [colored("red", errorText(e))];
      } finally {
        this.signal.removeEventListener("abort", stopAll);
      }
    })();
  }

  async #renderList(): Promise<void> {
    const { decodeYaml } = await import("../resources/yaml_values.ts");
    const ids = [...this.#resources.keys()].sort();
    this.#ids = ids;
    const keep = this.list.selected;
    this.list.notice = undefined;
    this.list.rows = ids.map((id) => {
      const r = this.#resources.get(id)!;
      const md = r.metadata!;
      const cells: Cell[] = [
        { text: md.id, style: { fg: "white" } },
        { text: md.version, style: { fg: "gray" } },
        md.phase === "tearingDown"
          ? { text: md.phase, style: { fg: "red" } }
          : { text: md.phase, style: { fg: "white" } },
        { text: md.owner, style: { fg: "gray" } },
      ];
      if (this.#columns.length > 0) {
        let spec: unknown = null;
        try {
          spec = decodeYaml(r.spec?.yamlSpec ?? "");
        } catch {
          spec = null;
        }
        for (const c of this.#columns) {
          let text = "";
          try {
            text = c.path.execute(spec);
          } catch {
            text = "";
          }
          cells.push({ text, style: { fg: "white" } });
        }
      }
      return cells;
    });
    this.list.selected = Math.min(keep, Math.max(0, ids.length - 1));
  }

  #openResource(): boolean {
    const r = this.#resources.get(this.#ids[this.list.selected] ?? "");
    if (!r) return true;
    Promise.all([import("../resources/output.ts"), import("./yaml_view.ts")]).then(([o, v]) => {
      try {
        this.#yaml = v.yamlView(o.resourceDocument(r));
      } catch (e) {
        this.#yaml = [[seg(`Error marshaling resource: ${(e as Error).message}`)]];
      }
      this.#yamlTitle = ` ${r.metadata?.namespace} / ${r.metadata?.id} (Esc: back) `;
      this.#yamlScroll.top = 0;
      this.level = 2;
    });
    return true;
  }

  draw(box: Box): void {
    if (this.level === 0) {
      const inputRows = this.filtering ? 1 : 0;
      const inner = frame(
        box.sub(0, 0, box.w, box.h - inputRows),
        " Resource Types (Enter: select, /: filter) ",
      );
      this.types.draw(inner);
      if (this.filtering) this.filter.draw(box.sub(0, box.h - 1, box.w, 1));
    } else if (this.level === 1) {
      const rd = this.#rd!;
      this.list.expand = 0;
      this.list.draw(
        frame(
          box,
          ` ${rd.displayType} (ns: ${rd.defaultNamespace}) — Enter: view YAML, Esc: back `,
        ),
      );
    } else {
      const inner = frame(box, this.#yamlTitle);
      const top = this.#yamlScroll.place(this.#yaml.length, inner.h);
      for (let y = 0; y < inner.h && top + y < this.#yaml.length; y++) {
        inner.write(0, y, this.#yaml[top + y]);
      }
    }
  }
}
