// In-process test harness: runs main(argv, fakeDeps) and captures stdout, stderr, exit code.

import { main } from "../main.ts";
import type { Deps, Input, Output } from "../commands/deps.ts";

export interface RunOptions {
  cwd?: string;
  home?: string;
  env?: Record<string, string | undefined>;
  /** Text (or bytes) served on stdin. */
  stdin?: string | Uint8Array;
  stdinIsTTY?: boolean;
  stdoutIsTTY?: boolean;
  stderrIsTTY?: boolean;
  now?: Date;
  /** Deterministic randomness: bytes are drawn from a counter-seeded stream when set. */
  seed?: number;
  signal?: AbortSignal;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
  stdoutBytes: Uint8Array;
}

class Capture implements Output {
  chunks: Uint8Array[] = [];
  constructor(readonly isTTY: boolean) {}
  write(data: string | Uint8Array): Promise<void> {
    this.chunks.push(typeof data === "string" ? new TextEncoder().encode(data) : data.slice());
    return Promise.resolve();
  }
  bytes(): Uint8Array {
    const total = this.chunks.reduce((n, c) => n + c.length, 0);
    const out = new Uint8Array(total);
    let off = 0;
    for (const c of this.chunks) {
      out.set(c, off);
      off += c.length;
    }
    return out;
  }
}

function fakeInput(data: string | Uint8Array | undefined, isTTY: boolean): Input {
  let rest = typeof data === "string" ? new TextEncoder().encode(data) : data ?? new Uint8Array();
  return {
    isTTY,
    read() {
      if (rest.length === 0) return Promise.resolve(null);
      const out = rest;
      rest = new Uint8Array();
      return Promise.resolve(out);
    },
    readAll() {
      const out = rest;
      rest = new Uint8Array();
      return Promise.resolve(out);
    },
    readLine() {
      if (rest.length === 0) return Promise.resolve(null);
      const nl = rest.indexOf(10);
      const end = nl < 0 ? rest.length : nl;
      const line = new TextDecoder().decode(rest.subarray(0, end));
      rest = rest.subarray(nl < 0 ? rest.length : nl + 1);
      return Promise.resolve(line);
    },
  };
}

/** A deterministic byte stream (xorshift) for tests that need reproducible keys. */
export function seededRandom(seed: number): (n: number) => Uint8Array {
  let x = seed >>> 0 || 1;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      out[i] = x & 0xff;
    }
    return out;
  };
}

export function fakeDeps(opts: RunOptions = {}): { deps: Deps; stdout: Capture; stderr: Capture } {
  const stdout = new Capture(opts.stdoutIsTTY ?? false);
  const stderr = new Capture(opts.stderrIsTTY ?? false);
  const deps: Deps = {
    io: { stdin: fakeInput(opts.stdin, opts.stdinIsTTY ?? false), stdout, stderr },
    env: opts.env ?? {},
    cwd: opts.cwd ?? Deno.cwd(),
    home: opts.home ?? "",
    now: () => opts.now ?? new Date(),
    signal: opts.signal ?? new AbortController().signal,
    random: opts.seed !== undefined
      ? seededRandom(opts.seed)
      : (n) => crypto.getRandomValues(new Uint8Array(n)),
  };
  return { deps, stdout, stderr };
}

/** Runs the CLI in-process. */
export async function run(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  const { deps, stdout, stderr } = fakeDeps(opts);
  const code = await main(argv, deps);
  const dec = new TextDecoder();
  const stdoutBytes = stdout.bytes();
  return { stdout: dec.decode(stdoutBytes), stderr: dec.decode(stderr.bytes()), code, stdoutBytes };
}

const goldenDir = new URL("./golden/", import.meta.url);

/**
 * Compares `actual` with tests/golden/<name>. With UPDATE_GOLDEN=1 the file is (re)written
 * instead; review the diff before committing.
 */
export async function assertGolden(name: string, actual: string): Promise<void> {
  const url = new URL(name, goldenDir);
  if (Deno.env.get("UPDATE_GOLDEN") === "1") {
    await Deno.mkdir(new URL(".", url), { recursive: true });
    await Deno.writeTextFile(url, actual);
    return;
  }
  let expected: string;
  try {
    expected = await Deno.readTextFile(url);
  } catch {
    throw new Error(`golden file tests/golden/${name} is missing: run with UPDATE_GOLDEN=1`);
  }
  if (expected !== actual) {
    throw new Error(
      `output differs from tests/golden/${name}\n--- expected\n${expected}\n--- actual\n${actual}`,
    );
  }
}

/** Renders a run as one golden text: exit code, stdout, stderr. */
export function transcript(r: RunResult): string {
  return `exit: ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;
}

/** A fresh temporary directory, removed by the returned disposer. */
export async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "talosctl-test-" });
  return {
    path,
    async [Symbol.asyncDispose]() {
      await Deno.remove(path, { recursive: true }).catch(() => {});
    },
  };
}

/** The files under `root` (directories walked, not listed), as sorted relative paths. */
export async function fileTree(root: string, rel = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(rel ? `${root}/${rel}` : root)) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory) out.push(...await fileTree(root, p));
    else out.push(p);
  }
  return out.sort();
}
