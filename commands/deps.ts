// Deps: everything a command may touch outside its own arguments. Commands never use globals
// (Deno.env, Deno.cwd, console, Date.now) directly, so tests can run them in-process.

export interface Output {
  write(data: string | Uint8Array): Promise<void>;
  readonly isTTY: boolean;
  /** Width of the terminal in columns (0 or absent when unknown). */
  columns?(): number;
}

export interface Input {
  /** Reads the whole input (for `-` file arguments). */
  readAll(): Promise<Uint8Array>;
  /** Reads one line without its newline; null at end of input. */
  readLine(): Promise<string | null>;
  readonly isTTY: boolean;
  /** Reads what is available (one chunk); null at end of input. */
  read?(): Promise<Uint8Array | null>;
  /** Raw mode on a terminal (no echo, no line editing), for interactive sessions. */
  setRaw?(raw: boolean): void;
  /** The terminal's size, when stdin is one. */
  size?(): { columns: number; rows: number } | undefined;
}

export interface Deps {
  io: { stdin: Input; stdout: Output; stderr: Output };
  env: Record<string, string | undefined>;
  cwd: string;
  /** The user's home directory ("" when unknown). */
  home: string;
  now: () => Date;
  /** Aborted on Ctrl-C. */
  signal: AbortSignal;
  /** Cryptographic randomness; injectable for deterministic tests. */
  random: (n: number) => Uint8Array;
}

const encoder = new TextEncoder();

function denoOutput(file: typeof Deno.stdout | typeof Deno.stderr): Output {
  return {
    isTTY: file.isTerminal(),
    columns() {
      try {
        return Deno.consoleSize().columns;
      } catch {
        return 0;
      }
    },
    async write(data) {
      let bytes = typeof data === "string" ? encoder.encode(data) : data;
      while (bytes.length > 0) {
        const n = await file.write(bytes);
        bytes = bytes.subarray(n);
      }
    },
  };
}

function denoInput(): Input {
  let pending = new Uint8Array(0);
  let eof = false;
  const decoder = new TextDecoder();
  async function fill(): Promise<boolean> {
    if (eof) return false;
    const buf = new Uint8Array(64 * 1024);
    const n = await Deno.stdin.read(buf);
    if (n === null) {
      eof = true;
      return false;
    }
    const next = new Uint8Array(pending.length + n);
    next.set(pending);
    next.set(buf.subarray(0, n), pending.length);
    pending = next;
    return true;
  }
  return {
    isTTY: Deno.stdin.isTerminal(),
    async read() {
      if (pending.length > 0) {
        const out = pending;
        pending = new Uint8Array(0);
        return out;
      }
      if (!(await fill())) return null;
      const out = pending;
      pending = new Uint8Array(0);
      return out;
    },
    setRaw(raw) {
      Deno.stdin.setRaw(raw);
    },
    size() {
      try {
        return Deno.consoleSize();
      } catch {
        return undefined;
      }
    },
    async readAll() {
      while (await fill());
      const out = pending;
      pending = new Uint8Array(0);
      return out;
    },
    async readLine() {
      for (;;) {
        const nl = pending.indexOf(10);
        if (nl >= 0) {
          const line = decoder.decode(pending.subarray(0, nl)).replace(/\r$/, "");
          pending = pending.subarray(nl + 1);
          return line;
        }
        if (!(await fill())) {
          if (pending.length === 0) return null;
          const line = decoder.decode(pending);
          pending = new Uint8Array(0);
          return line;
        }
      }
    },
  };
}

/** The real process environment. */
export function realDeps(signal: AbortSignal): Deps {
  const env = Deno.env.toObject();
  return {
    io: { stdin: denoInput(), stdout: denoOutput(Deno.stdout), stderr: denoOutput(Deno.stderr) },
    env,
    cwd: Deno.cwd(),
    home: env.HOME ?? env.USERPROFILE ?? "",
    now: () => new Date(),
    signal,
    random: (n) => crypto.getRandomValues(new Uint8Array(n)),
  };
}
