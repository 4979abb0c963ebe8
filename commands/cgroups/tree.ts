// The cgroup v2 tree as talosctl reads it from a copy of /sys/fs/cgroup: one node per directory,
// the interface files parsed into values whose Go names and methods column templates use
// (.MemoryCurrent.HumanizeIBytes, .CPUStat.user_usec.DivideBy ..., .IOStat, ...).

import { GoMap } from "../../gofmt/template.ts";
import { goDurationNs } from "../../gofmt/humanize.ts";
import { humanizeIBytes } from "../../gofmt/text.ts";
import { goQuote } from "../../gofmt/quote.ts";

/** A cgroup value: a number with `frac` decimal digits, "max", or unset. */
export class CgValue {
  readonly goType = "cgroups.Value";
  constructor(
    readonly Val = 0n,
    readonly Frac = 0,
    readonly IsMax = false,
    readonly IsSet = false,
  ) {}

  String(): string {
    if (!this.IsSet) return "unset";
    if (this.IsMax) return "max";
    let s = this.Val.toString();
    if (this.Frac === 0) return s;
    const neg = s.startsWith("-");
    if (neg) s = s.slice(1);
    if (s.length < this.Frac + 1) s = "0".repeat(this.Frac + 1 - s.length) + s;
    return (neg ? "-" : "") + s.slice(0, s.length - this.Frac) + "." +
      s.slice(s.length - this.Frac);
  }

  HumanizeIBytes(): string {
    if (!this.IsSet || this.IsMax || this.Frac > 0) return this.String();
    return humanizeIBytes(BigInt.asUintN(64, this.Val));
  }

  /** this / other in percent, with two decimals. */
  DivideBy(other: CgValue): CgValue {
    if (!this.IsSet || !other.IsSet) return new CgValue();
    if (other.IsMax && !this.IsMax) return new CgValue(0n, 2, false, true);
    if (this.IsMax && other.IsMax) return new CgValue(10000n, 2, false, true);
    if (other.Val === 0n || this.IsMax) return new CgValue(0n, 0, true, true);
    const x = Number(this.Val) / Number(other.Val) * 100 * 100;
    // Go's math.Round: halves away from zero.
    const r = x < 0 ? -Math.round(-x) : Math.round(x);
    return new CgValue(BigInt(r), 2, false, true);
  }

  Float64(): number {
    if (!this.IsSet) return NaN;
    if (this.IsMax) return Infinity;
    return Number(this.Val) / 10 ** this.Frac;
  }

  UsecToDuration(): string {
    if (!this.IsSet || this.IsMax) return this.String();
    return goDurationNs(this.Val * 1000n);
  }
}

export type FlatMap = GoMap<CgValue>;
export type NestedKeyed = GoMap<FlatMap>;

const flatMap = (entries: [string, CgValue][] = []): FlatMap =>
  new GoMap(entries, () => new CgValue());
const nestedKeyed = (entries: [string, FlatMap][] = []): NestedKeyed =>
  new GoMap(entries, () => flatMap());

/** strconv.ParseInt's error, as Go prints it. */
export class ParseError extends Error {}

export function parseValue(s: string): CgValue {
  if (s === "max") return new CgValue(0n, 0, true, true);
  let frac = 0;
  let digits = s;
  const dot = s.indexOf(".");
  if (dot >= 0) {
    frac = s.length - dot - 1;
    digits = s.slice(0, dot) + s.slice(dot + 1);
  }
  if (!/^[+-]?[0-9]+$/.test(digits)) {
    throw new ParseError(`strconv.ParseInt: parsing ${JSON.stringify(digits)}: invalid syntax`);
  }
  const v = BigInt(digits);
  if (v > 0x7fffffffffffffffn || v < -0x8000000000000000n) {
    throw new ParseError(`strconv.ParseInt: parsing ${JSON.stringify(digits)}: value out of range`);
  }
  return new CgValue(v, frac, false, true);
}

/** bufio.Scanner's lines: split on \n, a trailing \r dropped, no empty last line. */
function lines(text: string): string[] {
  const out = text.split("\n").map((l) => l.replace(/\r$/, ""));
  if (out.at(-1) === "") out.pop();
  return out;
}

const newlineValues = (t: string) => lines(t).map(parseValue);
function spaceValues(t: string): CgValue[] {
  const first = lines(t)[0];
  if (first === undefined) return [];
  return first.split(/\s+/).filter((x) => x !== "").map(parseValue);
}
function flatValues(t: string): FlatMap {
  const m = flatMap();
  for (const line of lines(t)) {
    const sp = line.indexOf(" ");
    if (sp < 0) throw new ParseError("invalid format");
    m.set(line.slice(0, sp), parseValue(line.slice(sp + 1)));
  }
  return m;
}
function nestedValues(t: string): NestedKeyed {
  const m = nestedKeyed();
  for (const line of lines(t)) {
    const sp = line.indexOf(" ");
    if (sp < 0) throw new ParseError("invalid format");
    const inner = flatMap();
    for (const pair of line.slice(sp + 1).split(/\s+/).filter((x) => x !== "")) {
      const eq = pair.indexOf("=");
      if (eq < 0) throw new ParseError("invalid format");
      inner.set(pair.slice(0, eq), parseValue(pair.slice(eq + 1)));
    }
    m.set(line.slice(0, sp), inner);
  }
  return m;
}
const single = (t: string) => newlineValues(t)[0] ?? new CgValue();
const raw = (t: string) => lines(t)[0] ?? "";

const FILES: Record<string, [keyof CgNode, (text: string) => unknown]> = {
  "cgroup.events": ["CgroupEvents", flatValues],
  "cgroup.freeze": ["CgroupFreeze", single],
  "cgroup.procs": ["CgroupProcs", newlineValues],
  "cgroup.stat": ["CgroupStat", flatValues],
  "cgroup.threads": ["CgroupThreads", newlineValues],
  "cpu.idle": ["CPUIdle", single],
  "cpu.max": ["CPUMax", spaceValues],
  "cpu.max.burst": ["CPUMaxBurst", single],
  "cpu.pressure": ["CPUPressure", nestedValues],
  "cpu.stat": ["CPUStat", flatValues],
  "cpu.stat.local": ["CPUStatLocal", flatValues],
  "cpu.weight": ["CPUWeight", single],
  "cpu.weight.nice": ["CPUWeightNice", single],
  "cpuset.cpus": ["CPUSetCPUs", raw],
  "cpuset.cpus.effective": ["CPUSetCPUsEffective", raw],
  "cpuset.mems": ["CPUSetMems", raw],
  "cpuset.mems.effective": ["CPUSetMemsEffective", raw],
  "io.bfq.weight": ["IOBFQWeight", flatValues],
  "io.max": ["IOMax", nestedValues],
  "io.pressure": ["IOPressure", nestedValues],
  "io.stat": ["IOStat", nestedValues],
  "memory.current": ["MemoryCurrent", single],
  "memory.events": ["MemoryEvents", flatValues],
  "memory.events.local": ["MemoryEventsLocal", flatValues],
  "memory.high": ["MemoryHigh", single],
  "memory.low": ["MemoryLow", single],
  "memory.max": ["MemoryMax", single],
  "memory.min": ["MemoryMin", single],
  "memory.numa_stat": ["MemoryNUMAStat", nestedValues],
  "memory.oom.group": ["MemoryOOMGroup", single],
  "memory.peak": ["MemoryPeak", single],
  "memory.pressure": ["MemoryPressure", nestedValues],
  "memory.stat": ["MemoryStat", flatValues],
  "memory.swap.current": ["MemorySwapCurrent", single],
  "memory.swap.events": ["MemorySwapEvents", flatValues],
  "memory.swap.high": ["MemorySwapHigh", single],
  "memory.swap.max": ["MemorySwapMax", single],
  "memory.swap.peak": ["MemorySwapPeak", single],
  "memory.zswap.current": ["MemoryZswapCurrent", single],
  "memory.zswap.max": ["MemoryZswapMax", single],
  "memory.zswap.writeback": ["MemoryZswapWriteback", single],
  "pids.current": ["PidsCurrent", single],
  "pids.events": ["PidsEvents", flatValues],
  "pids.max": ["PidsMax", single],
  "pids.peak": ["PidsPeak", single],
};

/** A cgroup: its children by name and the values of its interface files (Go's field names). */
export class CgNode {
  readonly goType = "*cgroups.Node";
  Children = new Map<string, CgNode>();
  CgroupEvents = flatMap();
  CgroupFreeze = new CgValue();
  CgroupProcs: CgValue[] = [];
  CgroupStat = flatMap();
  CgroupThreads: CgValue[] = [];
  CgroupProcsResolved: string[] = [];
  CPUIdle = new CgValue();
  CPUMax: CgValue[] = [];
  CPUMaxBurst = new CgValue();
  CPUPressure = nestedKeyed();
  CPUStat = flatMap();
  CPUStatLocal = flatMap();
  CPUWeight = new CgValue();
  CPUWeightNice = new CgValue();
  CPUSetCPUs = "";
  CPUSetCPUsEffective = "";
  CPUSetMems = "";
  CPUSetMemsEffective = "";
  IOBFQWeight = flatMap();
  IOMax = nestedKeyed();
  IOPressure = nestedKeyed();
  IOStat = nestedKeyed();
  MemoryCurrent = new CgValue();
  MemoryEvents = flatMap();
  MemoryEventsLocal = flatMap();
  MemoryHigh = new CgValue();
  MemoryLow = new CgValue();
  MemoryMax = new CgValue();
  MemoryMin = new CgValue();
  MemoryNUMAStat = nestedKeyed();
  MemoryOOMGroup = new CgValue();
  MemoryPeak = new CgValue();
  MemoryPressure = nestedKeyed();
  MemoryStat = flatMap();
  MemorySwapCurrent = new CgValue();
  MemorySwapEvents = flatMap();
  MemorySwapHigh = new CgValue();
  MemorySwapMax = new CgValue();
  MemorySwapPeak = new CgValue();
  MemoryZswapCurrent = new CgValue();
  MemoryZswapMax = new CgValue();
  MemoryZswapWriteback = new CgValue();
  PidsCurrent = new CgValue();
  PidsEvents = flatMap();
  PidsMax = new CgValue();
  PidsPeak = new CgValue();

  /** Reads one interface file into its field; files not known are ignored. */
  parse(file: string, text: string): void {
    const known = FILES[file];
    if (known) (this as unknown as Record<string, unknown>)[known[0]] = known[1](text);
  }

  /** The node for directory `dir` ("a/b/"), made on the way. */
  find(dir: string): CgNode {
    const [part, ...rest] = dir.split("/");
    if (part === undefined || part === "." || part === "") return this;
    let child = this.Children.get(part);
    if (!child) this.Children.set(part, child = new CgNode());
    return child.find(rest.join("/"));
  }

  /** Renames children (and theirs) found in `names`: pod UIDs and container IDs. */
  resolveNames(names: Map<string, string>): void {
    for (const [name, child] of [...this.Children]) {
      const to = names.get(name);
      if (to !== undefined) {
        this.Children.delete(name);
        this.Children.set(to, child);
      }
      child.resolveNames(names);
    }
  }

  walk(fn: (n: CgNode) => void): void {
    fn(this);
    for (const c of this.Children.values()) c.walk(fn);
  }

  sortedChildren(): string[] {
    return [...this.Children.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
}

/**
 * Builds the tree from the entries of a /sys/fs/cgroup copy: regular files only, each parsed
 * into the node of its directory. Entries are read one at a time (the files are small).
 */
export async function treeFromEntries(
  entries: AsyncIterable<{ name: string; type: string; data: AsyncIterable<Uint8Array> }>,
): Promise<CgNode> {
  const root = new CgNode();
  const dec = new TextDecoder();
  for await (const e of entries) {
    if (e.type !== "0" && e.type !== "\0") continue;
    const slash = e.name.lastIndexOf("/");
    const dir = e.name.slice(0, slash + 1);
    const file = e.name.slice(slash + 1);
    let text = "";
    for await (const piece of e.data) text += dec.decode(piece, { stream: true });
    text += dec.decode();
    try {
      root.find(dir).parse(file, text);
    } catch (err) {
      throw new ParseError(`failed to parse ${goQuote(e.name)}: ${(err as Error).message}`);
    }
  }
  return root;
}
