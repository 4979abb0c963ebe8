// Unified diffs of two texts in the shape Talos's textdiff package prints (`apply-config
// --dry-run`, the emulator, upgrade-k8s manifest diffs with their own paths; a Myers differ): `--- a` / `+++ b` headers, hunks with three lines of context,
// changes at most six edit lines apart sharing a hunk, and `@@ -start,len +start,len @@` headers
// that always carry the length (an empty side starts one line earlier). Equal texts give "".

type Kind = "equal" | "delete" | "insert";
interface Edit {
  kind: Kind;
  text: string;
}

const CONTEXT = 3;

/** Lines of a text; a final newline does not start another line. */
function splitLines(s: string): string[] {
  if (s === "") return [];
  const lines = s.split("\n");
  if (s.endsWith("\n")) lines.pop();
  return lines;
}

/** The shortest edit script from `a` to `b` (Myers' greedy algorithm), deletions first. */
function editScript(a: string[], b: string[]): Edit[] {
  const n = a.length, m = b.length, max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1])
        ? v[offset + k + 1]
        : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  // Walk the trace back from (n, m), collecting the edits in reverse.
  const out: Edit[] = [];
  let x = n, y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d];
    const k = x - y;
    const down = k === -d || (k !== d && vd[offset + k - 1] < vd[offset + k + 1]);
    const prevK = down ? k + 1 : k - 1;
    const prevX = vd[offset + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) out.push({ kind: "equal", text: a[--x] }), y--;
    if (d === 0) break;
    if (down) out.push({ kind: "insert", text: b[--y] });
    else out.push({ kind: "delete", text: a[--x] });
  }
  while (x > 0 && y > 0) out.push({ kind: "equal", text: a[--x] }), y--;
  return out.reverse();
}

/** Unified diff of `a` and `b`; "" when they are equal. */
export function textDiff(a: string, b: string): string {
  if (a === b) return "";
  const edits = editScript(splitLines(a), splitLines(b));
  const changes = edits.flatMap((e, i) => (e.kind === "equal" ? [] : [i]));
  if (changes.length === 0) return "--- a\n+++ b\n";
  // Changes at most 2*CONTEXT edits apart belong to one hunk.
  const groups: number[][] = [[changes[0]]];
  for (const i of changes.slice(1)) {
    const g = groups[groups.length - 1];
    if (i - g[g.length - 1] <= 2 * CONTEXT) g.push(i);
    else groups.push([i]);
  }
  let out = "--- a\n+++ b\n";
  for (const g of groups) {
    const start = Math.max(0, g[0] - CONTEXT);
    const end = Math.min(edits.length, g[g.length - 1] + CONTEXT + 1);
    let aLine = 1, bLine = 1;
    for (let i = 0; i < start; i++) {
      if (edits[i].kind !== "insert") aLine++;
      if (edits[i].kind !== "delete") bLine++;
    }
    let aLen = 0, bLen = 0, body = "";
    for (let i = start; i < end; i++) {
      const e = edits[i];
      if (e.kind !== "insert") aLen++;
      if (e.kind !== "delete") bLen++;
      body += (e.kind === "equal" ? " " : e.kind === "delete" ? "-" : "+") + e.text + "\n";
    }
    const from = aLen === 0 ? aLine - 1 : aLine;
    const to = bLen === 0 ? bLine - 1 : bLine;
    out += `@@ -${from},${aLen} +${to},${bLen} @@\n${body}`;
  }
  return out;
}

/**
 * textDiff with `--- <aPath>` / `+++ <bPath>` headers (Talos's DiffWithCustomPaths); "" when
 * the texts are equal.
 */
export function textDiffWithPaths(a: string, b: string, aPath: string, bPath: string): string {
  const d = textDiff(a, b);
  if (d === "") return "";
  return `--- ${aPath}\n+++ ${bPath}\n` + d.slice("--- a\n+++ b\n".length);
}
