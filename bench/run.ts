// `deno task bench`: runs every benchmark below, each in its own process, printing its figures.
// Add a benchmark by appending one line to the list. `deno task bench startup snapshot` runs
// only the named ones.

interface Entry {
  name: string;
  /** Script in bench/ and its arguments (run as `deno run -A bench/<script> ...args`). */
  script: string;
  args?: string[];
}

const benches: Entry[] = [
  { name: "startup", script: "startup.ts" },
  { name: "snapshot", script: "snapshot.ts" },
  { name: "fanout", script: "fanout.ts" },
  { name: "files-stream", script: "files_stream.ts" },
];

const dir = new URL(".", import.meta.url).pathname;
const only = Deno.args;
let failed = 0;
for (const b of benches) {
  if (only.length > 0 && !only.includes(b.name)) continue;
  console.log(`== ${b.name}`);
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${dir}${b.script}`, ...(b.args ?? [])],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== 0) {
    console.log(`${b.name}: failed (exit ${code})`);
    failed++;
  }
}
Deno.exit(failed > 0 ? 1 : 0);
