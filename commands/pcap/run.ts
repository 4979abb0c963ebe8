// The body of `pcap`: one node's PacketCapture stream, either copied raw to a file or stdout
// (-o), chunk by chunk with a bounded buffer, or read as a pcap file and printed packet by
// packet. --duration ends the capture with a deadline, which talosctl treats as the normal end.

import type { RunContext } from "../spec.ts";
import { parseBpfInstructions } from "./bpf_text.ts";

const FLUSH_AT = 1 << 20;

/** Reads exactly `n` bytes at a time from a stream of chunks; null at a clean end. */
class ChunkReader {
  #chunks: Uint8Array[] = [];
  #have = 0;
  constructor(private readonly next: () => Promise<Uint8Array | null>) {}

  /** `n` bytes, or null when the stream ended before the first byte; UnexpectedEOF if within. */
  async read(n: number): Promise<Uint8Array | null> {
    while (this.#have < n) {
      const c = await this.next();
      if (c === null) {
        if (this.#have === 0) return null;
        throw new Error("unexpected EOF");
      }
      if (c.length === 0) continue;
      this.#chunks.push(c);
      this.#have += c.length;
    }
    const out = new Uint8Array(n);
    let off = 0;
    while (off < n) {
      const c = this.#chunks[0];
      const take = Math.min(c.length, n - off);
      out.set(c.subarray(0, take), off);
      off += take;
      if (take === c.length) this.#chunks.shift();
      else this.#chunks[0] = c.subarray(take);
    }
    this.#have -= n;
    return out;
  }
}

export async function runPcap(ctx: RunContext): Promise<void> {
  const kit = await import("../kit.ts");
  const { Code } = await import("@connectrpc/connect");
  const session = await kit.openSession(ctx);
  const node = session.single("pcap");
  const target = session.forNode(node);
  const duration = ctx.flags.duration as number;
  const controller = new AbortController();
  let timedOut = false;
  const onAbort = () => controller.abort(ctx.deps.signal.reason);
  ctx.deps.signal.addEventListener("abort", onAbort, { once: true });
  const timer = duration > 0
    ? setTimeout(() => {
      timedOut = true;
      controller.abort(new Error("context deadline exceeded"));
    }, duration)
    : undefined;
  let bpfFilter;
  try {
    bpfFilter = parseBpfInstructions(ctx.flags["bpf-filter"] as string);
  } catch (e) {
    throw new kit.UserError((e as Error).message);
  }
  const req = {
    interface: ctx.flags.interface as string,
    promiscuous: ctx.flags.promiscuous as boolean,
    bpfFilter,
  };
  // Opened on first read, so that nothing is left pending when the output cannot be created.
  let stream:
    | AsyncIterator<{ bytes: Uint8Array; metadata?: import("../kit.ts").WithMetadata["metadata"] }>
    | undefined;

  /** The stream error as talosctl sees it (a deadline when --duration ran out). */
  const asRpc = (e: unknown) =>
    timedOut
      ? new kit.RpcError(Code.DeadlineExceeded, "context deadline exceeded")
      : kit.toRpcError(e);
  let ended = false;
  /** Next chunk; null at the end; throws the stream's error (ReadStream's pipe). */
  const nextChunk = async (): Promise<Uint8Array | null> => {
    if (ended) return null;
    let r;
    try {
      stream ??= target.client.machine.packetCapture(req, {
        ...target.options,
        signal: controller.signal,
      })[Symbol.asyncIterator]();
      r = await stream.next();
    } catch (e) {
      if (kit.isDialFailure(e)) throw new kit.UserError(`error copying: ${kit.errorText(e)}`);
      throw asRpc(e);
    }
    if (r.done) return null;
    const m = r.value;
    const inband = kit.streamChunkError(m);
    if (inband.end) {
      ended = true;
      if (inband.error) throw inband.error;
    }
    return m.bytes;
  };

  try {
    const output = ctx.flags.output as string;
    if (output === "") await dumpPackets(ctx, new ChunkReader(nextChunk));
    else await copyRaw(ctx, output, nextChunk, Code.DeadlineExceeded);
  } finally {
    clearTimeout(timer);
    ctx.deps.signal.removeEventListener("abort", onAbort);
    controller.abort();
    await stream?.return?.().catch(() => {});
  }
}

/** -o FILE / -o -: the pcap bytes as they come; a deadline ends the copy without error. */
async function copyRaw(
  ctx: RunContext,
  output: string,
  next: () => Promise<Uint8Array | null>,
  deadline: number,
): Promise<void> {
  const kit = await import("../kit.ts");
  let file: Deno.FsFile | undefined;
  if (output !== "-") {
    const path = output.startsWith("/") ? output : `${ctx.deps.cwd}/${output}`;
    try {
      file = await Deno.open(path, { write: true, create: true, truncate: true });
    } catch (e) {
      throw new kit.UserError(`open ${output}: ${goErrno(e)}`);
    }
  }
  const buf = new Uint8Array(FLUSH_AT + 64 * 1024);
  let used = 0;
  const flush = async () => {
    if (used === 0) return;
    if (file) {
      let off = 0;
      while (off < used) off += await file.write(buf.subarray(off, used));
    } else {
      await ctx.deps.io.stdout.write(buf.slice(0, used));
    }
    used = 0;
  };
  try {
    for (;;) {
      let chunk: Uint8Array | null;
      try {
        chunk = await next();
      } catch (e) {
        if (e instanceof kit.RpcError && e.code === deadline) break;
        if (e instanceof kit.UserError) throw e;
        throw new kit.UserError(kit.errorText(e));
      }
      if (chunk === null) break;
      if (used + chunk.length > buf.length) await flush();
      buf.set(chunk, used);
      used += chunk.length;
      // stdout feeds live consumers (tcpdump -r -): pass data on as it arrives.
      if (!file || used >= FLUSH_AT) await flush();
    }
  } finally {
    await flush().catch(() => {});
    file?.close();
  }
}

/** Go's *PathError reason for a failed open. */
function goErrno(e: unknown): string {
  if (e instanceof Deno.errors.NotFound) return "no such file or directory";
  if (e instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (e instanceof Deno.errors.IsADirectory) return "is a directory";
  return (e as Error).message;
}

const MAGIC_MICRO = 0xa1b2c3d4, MAGIC_NANO = 0xa1b23c4d;

/** No -o: read the stream as a pcap file and print each packet as gopacket does. */
async function dumpPackets(ctx: RunContext, r: ChunkReader): Promise<void> {
  const kit = await import("../kit.ts");
  const { packetString } = await import("./decode.ts");
  const out = ctx.deps.io.stdout;
  let header: Uint8Array | null;
  try {
    header = await r.read(24);
  } catch (e) {
    if (e instanceof kit.UserError) throw e;
    throw new kit.UserError(`error opening pcap reader: ${kit.errorText(e)}`);
  }
  if (header === null) return; // nothing captured at all
  const hv = new DataView(header.buffer);
  const magicLE = hv.getUint32(0, true), magicBE = hv.getUint32(0, false);
  let little: boolean, nanoFactor: number;
  if (magicLE === MAGIC_NANO) [little, nanoFactor] = [true, 1];
  else if (magicBE === MAGIC_NANO) [little, nanoFactor] = [false, 1];
  else if (magicLE === MAGIC_MICRO) [little, nanoFactor] = [true, 1000];
  else if (magicBE === MAGIC_MICRO) [little, nanoFactor] = [false, 1000];
  else {
    throw new kit.UserError(`error opening pcap reader: Unknown magic ${magicLE.toString(16)}`);
  }
  const major = hv.getUint16(4, little), minor = hv.getUint16(6, little);
  if (major !== 2) {
    throw new kit.UserError(`error opening pcap reader: Unknown major version ${major}`);
  }
  if (minor !== 4) {
    throw new kit.UserError(`error opening pcap reader: Unknown minor version ${minor}`);
  }
  const linkType = hv.getUint32(20, little);
  // talosctl raises the reader's snap length to tcpdump's 262144 whatever the file says.
  const snaplen = 262144;
  for (;;) {
    try {
      const h = await r.read(16);
      if (h === null) break;
      const v = new DataView(h.buffer);
      const sec = v.getUint32(0, little), frac = v.getUint32(4, little);
      const capLen = v.getUint32(8, little), length = v.getUint32(12, little);
      if (capLen > snaplen) {
        throw new Error(`capture length exceeds snap length: ${capLen} > ${snaplen}`);
      }
      if (capLen > length) {
        throw new Error(
          `capture length exceeds original packet length: ${capLen} > ${length}`,
        );
      }
      const data = capLen === 0 ? new Uint8Array() : await r.read(capLen);
      if (data === null) throw new Error("unexpected EOF");
      const nsec = frac * nanoFactor;
      const ci = {
        sec: sec + Math.floor(nsec / 1e9),
        nsec: nsec % 1e9,
        captureLength: capLen,
        length,
      };
      await out.write(packetString(data, ci, linkType) + "\n");
    } catch (e) {
      if (e instanceof kit.UserError) throw e;
      const msg = (e as Error).message;
      // An end inside a packet stops the loop, as gopacket's known unrecoverable errors do.
      if (msg === "unexpected EOF") break;
      await out.write(`packet capture error: ${kit.errorText(e)}\n`);
      // talosctl retries the next packet while its context lives; a failed stream stays
      // failed, so stop here instead of repeating the same error.
      break;
    }
  }
}
