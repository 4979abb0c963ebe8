// The import direction of DESIGN.md: every room imports only rooms on a lower floor (or itself).
// Reads the static and dynamic imports of every source file and fails on an upward or sideways
// import between rooms.

import { assertEquals } from "./assert.ts";

/** Floors, top first; rooms on one floor do not import each other. */
const FLOORS: string[][] = [
  ["main.ts"],
  ["commands"],
  ["machineconfig", "rpc", "k8s"],
  ["clientconfig", "pki", "etcd"],
  ["archive"],
  ["gen", "goyaml", "gofmt", "contract", "wait", "io"],
  ["errors.ts"],
];

const root = new URL("../", import.meta.url).pathname;

function roomOf(rel: string): string | undefined {
  const first = rel.split("/")[0];
  return FLOORS.flat().includes(first) ? first : undefined;
}

const floorOf = (room: string) => FLOORS.findIndex((f) => f.includes(room));

async function* sources(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory) yield* sources(path);
    else if (e.name.endsWith(".ts") && !e.name.endsWith("_test.ts")) yield path;
  }
}

function normalize(path: string): string {
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "..") out.pop();
    else if (part !== "." && part !== "") out.push(part);
  }
  return out.join("/");
}

const IMPORT = /(?:from\s+|import\s*\(\s*|import\s+)["'](\.{1,2}\/[^"']+)["']/g;

Deno.test("rooms import only rooms on lower floors", async () => {
  const violations: string[] = [];
  const files: string[] = [`${root}main.ts`];
  for (const room of FLOORS.flat().filter((r) => !r.endsWith(".ts"))) {
    for await (const f of sources(`${root}${room}`)) files.push(f);
  }
  for (const file of files) {
    const rel = file.slice(root.length);
    const from = roomOf(rel)!;
    const text = await Deno.readTextFile(file);
    for (const m of text.matchAll(IMPORT)) {
      const target = normalize(rel.split("/").slice(0, -1).join("/") + "/" + m[1]);
      const to = roomOf(target);
      if (!to || to === from) continue;
      if (floorOf(to) <= floorOf(from)) violations.push(`${rel} imports ${target}`);
    }
  }
  assertEquals(violations, []);
});
