// Helpers for whole-process benchmarks against the emulator running in its own process.

import { samplePeakRss } from "../tests/peak_rss.ts";

const root = new URL("../", import.meta.url).pathname;

export interface EmulatorProcess {
  dir: string;
  endpoint: string;
  port: number;
  talosconfig: string;
  nodes: string[];
  stop(): Promise<void>;
}

export async function spawnEmulator(args: string[]): Promise<EmulatorProcess> {
  const dir = await Deno.makeTempDir({ prefix: "bench-emu-" });
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${root}tests/emulator/serve.ts`, "--dir", dir, ...args],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  while (!buf.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("emulator exited before listening");
    buf += value;
  }
  const info = JSON.parse(buf.slice(0, buf.indexOf("\n")));
  return {
    dir,
    ...info,
    async stop() {
      await child.stdin.close();
      reader.cancel().catch(() => {});
      await child.status;
      await Deno.remove(dir, { recursive: true });
    },
  };
}

export interface ProcessRun {
  ms: number;
  /** Peak resident set size (VmHWM) in bytes; 0 when /proc is unavailable. */
  peakRss: number;
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `deno run -A <args>` and samples the child's VmHWM while it runs. */
export async function timeProcess(args: string[], cwd?: string): Promise<ProcessRun> {
  const t0 = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ...args],
    stdout: "piped",
    stderr: "piped",
    ...(cwd ? { cwd } : {}),
  }).spawn();
  const sampler = samplePeakRss(child.pid, 10);
  const out = await child.output();
  const ms = performance.now() - t0;
  const peak = await sampler.stop();
  const dec = new TextDecoder();
  return {
    ms,
    peakRss: peak,
    code: out.code,
    stdout: dec.decode(out.stdout),
    stderr: dec.decode(out.stderr),
  };
}

export const mainTs = `${root}main.ts`;
export const benchDir = `${root}bench/`;

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
