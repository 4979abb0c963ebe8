// Helpers of the shell completion tests: a `talosctl` on PATH that runs this checkout, and the
// bash line that sets up a command line as bash would and prints what _talosctl offers.

const MAIN = new URL("../main.ts", import.meta.url).pathname;

/** Writes `dir`/bin/talosctl (this checkout under deno) and returns a PATH that finds it first. */
export async function talosctlOnPath(dir: string): Promise<string> {
  await Deno.mkdir(`${dir}/bin`, { recursive: true });
  await Deno.writeTextFile(
    `${dir}/bin/talosctl`,
    `#!/bin/sh\nexec "${Deno.execPath()}" run -A "${MAIN}" "$@"\n`,
    { mode: 0o755 },
  );
  return `${dir}/bin:${Deno.env.get("PATH")}`;
}

/** Bash code completing `words` (the last one being typed): prints COMPREPLY on one line. */
export function bashProbe(words: string[]): string {
  return `COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; ` +
    `COMPREPLY=(); _talosctl; echo "\${COMPREPLY[*]}"`;
}
