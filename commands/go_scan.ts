// Go's fmt.Scanf("%s", &word) on os.Stdin, called once per question, as talosctl's confirmation
// prompts read their answers. os.Stdin is unbuffered and Scanf reads it one rune at a time, so
// each call takes: the blanks before the word; then either a newline (the answer is empty and
// the newline is used up), or the word plus the one blank or newline that ended it (Scanf reads
// it to see the word end and then drops it). What follows stays for the next question: "y
// please\n" answers two questions, "y", then "please".

import type { Input } from "./deps.ts";

// fmt's isSpace table.
const SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/;

export class GoWordScanner {
  #buf: Uint8Array = new Uint8Array(0);
  #pos = 0;
  #eof = false;
  #pushed: Uint8Array | undefined;

  constructor(private readonly input: Input) {}

  async #fill(): Promise<boolean> {
    if (this.#eof) return false;
    let chunk: Uint8Array | null;
    if (this.input.read) chunk = await this.input.read();
    else {
      const line = await this.input.readLine();
      chunk = line === null ? null : new TextEncoder().encode(line + "\n");
    }
    if (chunk === null) {
      this.#eof = true;
      return false;
    }
    this.#buf = chunk;
    this.#pos = 0;
    return true;
  }

  async #byte(): Promise<number | null> {
    while (this.#pos >= this.#buf.length) if (!(await this.#fill())) return null;
    return this.#buf[this.#pos++];
  }

  /** One rune's bytes (an invalid sequence yields its first byte alone, as utf8.DecodeRune). */
  async #rune(): Promise<Uint8Array | null> {
    if (this.#pushed) {
      const r = this.#pushed;
      this.#pushed = undefined;
      return r;
    }
    const lead = await this.#byte();
    if (lead === null) return null;
    const need = lead >= 0xf0 && lead < 0xf8 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    const bytes = [lead];
    while (bytes.length < need) {
      if (this.#pos >= this.#buf.length && !(await this.#fill())) break;
      const b = this.#buf[this.#pos];
      if (b < 0x80 || b > 0xbf) break;
      bytes.push(b);
      this.#pos++;
    }
    return new Uint8Array(bytes);
  }

  #isSpace(r: Uint8Array): boolean {
    return SPACE.test(new TextDecoder().decode(r));
  }

  /** The next answer: a word, or "" for an empty line or the end of the input. */
  async scan(): Promise<string> {
    // SkipSpace: blanks go; a newline ends the answer empty; "\r\n" counts as a newline.
    for (;;) {
      const r = await this.#rune();
      if (r === null) return "";
      if (r.length === 1 && r[0] === 0x0a) return "";
      if (!this.#isSpace(r)) {
        this.#pushed = r;
        break;
      }
    }
    const word: number[] = [];
    for (;;) {
      const r = await this.#rune();
      if (r === null || this.#isSpace(r)) break; // the blank that ended it is dropped
      word.push(...r);
    }
    return new TextDecoder().decode(new Uint8Array(word));
  }
}

/**
 * bufio.Reader.ReadString('\n') on stdin, for one question: the line with its newline, and
 * whether the newline came (without it Go returns io.EOF, even after some text).
 */
export async function readGoLine(input: Input): Promise<{ line: string; complete: boolean }> {
  if (!input.read) {
    const line = await input.readLine();
    return line === null ? { line: "", complete: false } : { line: line + "\n", complete: true };
  }
  const bytes: number[] = [];
  // One question is asked per run, so what is read past the newline is not needed again.
  for (;;) {
    const chunk = await input.read();
    if (chunk === null) {
      return { line: new TextDecoder().decode(new Uint8Array(bytes)), complete: false };
    }
    const nl = chunk.indexOf(0x0a);
    bytes.push(...(nl < 0 ? chunk : chunk.subarray(0, nl + 1)));
    if (nl >= 0) return { line: new TextDecoder().decode(new Uint8Array(bytes)), complete: true };
  }
}
