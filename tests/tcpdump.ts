// Runs the real tcpdump to read pcap files in the pcap interop tests. Without tcpdump the
// calling test is skipped with a warning, except under CI=true, where it fails loudly (.ci/run
// installs it).

let available: boolean | undefined;

export async function haveTcpdump(): Promise<boolean> {
  if (available !== undefined) return available;
  try {
    const out = await new Deno.Command("tcpdump", {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    }).output();
    available = out.success;
  } catch {
    available = false;
  }
  if (!available) {
    if (Deno.env.get("CI") === "true") {
      throw new Error("tcpdump is required by the pcap interop tests (apt-get install tcpdump)");
    }
    console.warn("WARNING: tcpdump not found, pcap interop checks skipped");
  }
  return available;
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
