// Go's path.Clean (filepath.Clean on Unix): the shortest path naming the same file.

/** ".", "" and repeated slashes dropped, ".." resolved; never above "/" for an absolute path. */
export function goPathClean(p: string): string {
  const abs = p.startsWith("/");
  const out: string[] = [];
  for (const s of p.split("/")) {
    if (s === "" || s === ".") continue;
    if (s === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!abs) out.push("..");
    } else out.push(s);
  }
  const j = out.join("/");
  return abs ? "/" + j : j === "" ? "." : j;
}

/** Go's path.Base (filepath.Base on Unix): "" is ".", trailing slashes go, "/" stays "/". */
export function goPathBase(p: string): string {
  if (p === "") return ".";
  const trimmed = p.replace(/\/+$/, "");
  if (trimmed === "") return "/";
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

// unicode.IsSpace: the Latin-1 spaces and the rest of Unicode's White_Space property.
const GO_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/** Go's strings.Fields: the runs of non-space characters. */
export function goFields(s: string): string[] {
  return s.split(GO_SPACE).filter((x) => x !== "");
}

const GO_TRIM = new RegExp(`^${GO_SPACE.source}|${GO_SPACE.source}$`, "g");

/** Go's strings.TrimSpace (unicode.IsSpace: NEL is a space, a BOM is not, unlike JS's trim). */
export function goTrimSpace(s: string): string {
  return s.replace(GO_TRIM, "");
}
