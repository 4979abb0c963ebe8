// Reading a BPF program in `tcpdump -dd` form ("{ 0x28, 0, 0, 0x0000000c }," per line), as
// talosctl's parseBPFInstructions does with fmt.Sscanf: the same accepted text and the same
// error wording.

import { goQuote } from "../../gofmt/mod.ts";

export interface Instruction {
  op: number;
  jt: number;
  jf: number;
  k: number;
}

class ScanError extends Error {}

/** fmt.Sscanf(line, "{ 0x%x, %d, %d, 0x%x },", ...) for four uint32 values. */
function scanLine(line: string): Instruction {
  let i = 0;
  const eof = () => {
    throw new ScanError("unexpected EOF");
  };
  const literal = (s: string) => {
    for (const c of s) {
      if (i >= line.length) eof();
      if (line[i] !== c) throw new ScanError("input does not match format");
      i++;
    }
  };
  // A space in the format consumes a run of spaces; at least one unless at the end of input.
  const spaces = () => {
    const start = i;
    while (i < line.length && (line[i] === " " || line[i] === "\t" || line[i] === "\r")) i++;
    if (i === start && i < line.length) {
      throw new ScanError("expected space in input to match format");
    }
  };
  const number = (base: 10 | 16): number => {
    while (i < line.length && (line[i] === " " || line[i] === "\t")) i++;
    if (i >= line.length) eof();
    const re = base === 16 ? /[0-9a-fA-F_]/ : /[0-9_]/;
    let plus = false;
    if (base === 10 && line[i] === "+") {
      plus = true;
      i++;
    }
    const start = i;
    while (i < line.length && re.test(line[i])) i++;
    const tok = line.slice(start, i);
    if (tok === "") throw new ScanError("expected integer");
    const v = parseInt(tok.replaceAll("_", ""), base);
    if (v > 0xffffffff) {
      throw new ScanError(`unsigned integer overflow on token ${plus ? "+" : ""}${tok}`);
    }
    return v;
  };
  literal("{");
  spaces();
  literal("0x");
  const op = number(16);
  literal(",");
  spaces();
  const jt = number(10);
  literal(",");
  spaces();
  const jf = number(10);
  literal(",");
  spaces();
  literal("0x");
  const k = number(16);
  spaces();
  literal("},");
  return { op, jt, jf, k };
}

/** Parses the program; "" means no filter. Throws with talosctl's message. */
export function parseBpfInstructions(text: string): Instruction[] {
  const trimmed = text.trim();
  if (trimmed === "") return [];
  const out: Instruction[] = [];
  for (const line of trimmed.split("\n")) {
    if (line === "") continue;
    try {
      out.push(scanLine(line));
    } catch (e) {
      if (!(e instanceof ScanError)) throw e;
      throw new Error(`error parsing bpf instruction ${goQuote(line)}: ${e.message}`);
    }
  }
  return out;
}
