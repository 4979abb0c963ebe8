// Kubernetes label selectors as the API server reads them: comma-separated requirements
// `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k` (spaces allowed around
// operators).

export function matchesSelector(selector: string, labels: Record<string, string>): boolean {
  for (const req of splitRequirements(selector)) {
    if (!matches(req.trim(), labels)) return false;
  }
  return true;
}

function splitRequirements(s: string): string[] {
  const out: string[] = [];
  let depth = 0, cur = "";
  for (const ch of s) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  if (cur.trim() !== "") out.push(cur);
  return out.filter((r) => r.trim() !== "");
}

function matches(req: string, labels: Record<string, string>): boolean {
  let m = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(req);
  if (m) {
    const values = m[3].split(",").map((v) => v.trim());
    const has = Object.hasOwn(labels, m[1]) && values.includes(labels[m[1]]);
    return m[2] === "in" ? has : !has;
  }
  m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(req);
  if (m) {
    const eq = Object.hasOwn(labels, m[1]) && labels[m[1]] === m[3];
    return m[2] === "!=" ? !eq : eq;
  }
  if (req.startsWith("!")) return !Object.hasOwn(labels, req.slice(1).trim());
  return Object.hasOwn(labels, req);
}

/** Field selectors (`spec.nodeName=x,metadata.namespace!=y`) over an object's dotted paths. */
// deno-lint-ignore no-explicit-any
export function matchesFields(selector: string, obj: Record<string, any>): boolean {
  for (const req of selector.split(",").map((r) => r.trim()).filter((r) => r !== "")) {
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(req);
    if (!m) return false;
    // deno-lint-ignore no-explicit-any
    const value = m[1].split(".").reduce((o: any, k) => o?.[k], obj);
    const eq = String(value ?? "") === m[3];
    if (m[2] === "!=" ? eq : !eq) return false;
  }
  return true;
}
