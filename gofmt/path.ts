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
