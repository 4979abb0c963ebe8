// Runs the real tcpdump to read pcap files in the pcap interop tests. Without tcpdump the
// calling test is skipped with a warning, except under CI=true, where it fails loudly (.ci/run
// installs it).

import { haveTool } from "./extern_tools.ts";

/** True when tcpdump runs here; throws under CI when it does not (extern_tools.ts). */
export function haveTcpdump(): Promise<boolean> {
  return haveTool("tcpdump");
}

/** `tcpdump args...` with TZ=UTC; throws with stderr when it fails. */
export async function tcpdump(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const out = await new Deno.Command("tcpdump", {
    args,
    env: { TZ: "UTC" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  const res = { stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
  if (!out.success) throw new Error(`tcpdump ${args.join(" ")} failed: ${res.stderr}`);
  return res;
}
