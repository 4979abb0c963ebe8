// The body of `talosctl debug`: get the image onto the node (upload an archive through
// ImageService.Import, or pull a reference), then run DebugService.ContainerRun, a bidirectional
// stream: the spec first, then stdin chunks and forwarded signals; the node answers with output
// and, last, the container's exit code.

import type { RunContext } from "./spec.ts";

const SIGINT = 2;
/** DebugContainerRunRequestSpec.Profile PROFILE_PRIVILEGED (release builds have no --host-ns). */
const PROFILE_PRIVILEGED = 1;
/** grpc.MaxCallSendMsgSize/MaxCallRecvMsgSize talosctl sets for the session. */
const MAX_MESSAGE = 4 * 1024 * 1024;
/** Import chunk size, as talosctl reads the archive. */
const CHUNK = 32 * 1024;

interface Instance {
  driver: number;
  namespace: number;
}

async function instance(ns: string): Promise<Instance> {
  // image's containerdInstance: the same three names `image` accepts.
  if (ns === "cri") return { driver: 1, namespace: 2 };
  if (ns === "system") return { driver: 1, namespace: 1 };
  if (ns === "inmem") return { driver: 0, namespace: 1 };
  const { goQuote, UserError } = await import("./kit.ts");
  throw new UserError(`unsupported namespace ${goQuote(ns)}`);
}

export async function debugRun(ctx: RunContext): Promise<void> {
  const kit = await import("./kit.ts");
  const { PullProgress } = await import("./image_progress.ts");
  const { resolve } = await import("node:path");
  const session = await kit.openSession(ctx);
  const node = session.single("debug");
  const containerd = await instance(ctx.flags.namespace as string);
  if (ctx.args.length === 0) throw new kit.UserError("an image tar path or reference is required");
  const ref = ctx.args[0];
  const progress = new PullProgress(ctx.deps.io.stderr, ctx.deps.io.stdout.isTTY, ctx.deps.env);

  // An existing path is an archive to upload; anything else is a reference to pull.
  let isFile = false;
  try {
    await Deno.stat(resolve(ctx.deps.cwd, ref));
    isFile = true;
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) {
      throw new kit.UserError(`failed to stat image argument: stat ${ref}: ${errText(e)}`);
    }
  }
  const target = session.forNode(node);
  let imageName: string;
  if (isFile) {
    imageName = await importImage(target, containerd, resolve(ctx.deps.cwd, ref), ref);
    await progress.done(`${node}: image imported ${imageName} from ${ref}`);
  } else {
    imageName = await pullImage(ctx, session, containerd, ref, node, progress);
  }
  await runContainer(ctx, target, containerd, imageName);
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message.replace(/^.*?: /, "").toLowerCase() : String(e);
}

async function importImage(
  t: import("./kit.ts").NodeTarget,
  containerd: Instance,
  path: string,
  shown: string,
): Promise<string> {
  const { UserError, errorText } = await import("./kit.ts");
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path);
  } catch (e) {
    throw new UserError(
      `failed to import image: failed to open image tarball: open ${shown}: ${errText(e)}`,
    );
  }
  async function* requests() {
    try {
      yield { request: { case: "containerd" as const, value: containerd } };
      const buf = new Uint8Array(CHUNK);
      for (;;) {
        const n = await file.read(buf);
        if (n === null) break;
        if (n > 0) {
          yield { request: { case: "imageChunk" as const, value: { bytes: buf.slice(0, n) } } };
        }
      }
    } finally {
      file.close();
    }
  }
  try {
    const resp = await t.client.image.import(requests(), t.options);
    return resp.name;
  } catch (e) {
    throw new UserError(`failed to import image: error closing send stream: ${errorText(e)}`);
  }
}

async function pullImage(
  ctx: RunContext,
  session: import("./kit.ts").Session,
  containerd: Instance,
  imageRef: string,
  node: string,
  progress: InstanceType<typeof import("./image_progress.ts").PullProgress>,
): Promise<string> {
  const { UserError } = await import("./kit.ts");
  const names = new Map<string, string>();
  const errors = await session.stream(
    ({ client, options }) => client.image.pull({ containerd, imageRef }, options),
    async (n, m) => {
      const r = m.response;
      if (r.case === "pullProgress") await progress.update(n, r.value.layerId, r.value.progress);
      else if (r.case === "name") names.set(n, r.value);
    },
  );
  if (names.size > 0) {
    await progress.done([...names].map(([n, name]) => `${n}: pulled image ${name}\n`).join(""));
  }
  if (errors.length > 0) {
    throw new UserError(`failed to pull image: ${errors.map((e) => e.message).join("\n")}`);
  }
  void ctx;
  return names.get(node) ?? "";
}

async function runContainer(
  ctx: RunContext,
  t: import("./kit.ts").NodeTarget,
  containerd: Instance,
  imageName: string,
): Promise<void> {
  const { UserError, errorText } = await import("./kit.ts");
  const { stdin, stdout } = ctx.deps.io;
  const tty = stdin.isTTY;
  // Ctrl-C goes to the container, not to the stream: the session ends when the container does.
  const stop = new AbortController();
  const queue: unknown[] = [];
  let wake: (() => void) | undefined;
  let inputDone = false;
  const push = (m: unknown) => {
    queue.push(m);
    wake?.();
  };
  const finishInput = () => {
    inputDone = true;
    wake?.();
  };
  async function* requests() {
    yield {
      request: {
        case: "spec" as const,
        value: {
          containerd,
          imageName,
          args: ctx.flags.args as string[],
          profile: PROFILE_PRIVILEGED,
          tty,
        },
      },
    };
    for (;;) {
      if (queue.length > 0) {
        yield queue.shift() as never;
        continue;
      }
      if (inputDone) return;
      await new Promise<void>((r) => wake = r);
      wake = undefined;
    }
  }
  const onInterrupt = () => push({ request: { case: "signal", value: SIGINT } });
  ctx.deps.signal.addEventListener("abort", onInterrupt, { once: true });
  let ended = false;
  const restore = tty && stdin.setRaw
    ? (stdin.setRaw(true), () => stdin.setRaw?.(false))
    : undefined;
  try {
    const size = tty ? stdin.size?.() : undefined;
    if (size) {
      push({ request: { case: "termResize", value: { width: size.columns, height: size.rows } } });
    }
    // stdin is read until it ends or the container exits, whichever comes first.
    (async () => {
      try {
        if (stdin.read) {
          for (;;) {
            const chunk = await stdin.read();
            if (chunk === null || ended) break;
            if (chunk.length > 0) push({ request: { case: "stdinData", value: chunk } });
          }
        } else {
          const all = await stdin.readAll();
          if (all.length > 0 && !ended) push({ request: { case: "stdinData", value: all } });
        }
      } catch {
        // A closed or unreadable stdin ends the input, as EOF does.
      }
      finishInput();
    })();
    let exitCode = -1;
    try {
      const responses = t.client.debug.containerRun(
        requests(),
        {
          ...t.options,
          signal: stop.signal,
          readMaxBytes: MAX_MESSAGE,
          writeMaxBytes: MAX_MESSAGE,
        } as typeof t.options,
      );
      for await (const m of responses) {
        if (m.resp.case === "stdoutData") {
          await stdout.write(m.resp.value);
        } else if (m.resp.case === "exitCode") {
          exitCode = m.resp.value;
          break;
        }
      }
    } catch (e) {
      throw new UserError(`error: ${errorText(e)}`);
    } finally {
      ended = true;
      finishInput();
      stop.abort();
    }
    if (exitCode !== -1 && exitCode !== 0) {
      throw new UserError(`container exited with code ${exitCode}`);
    }
  } finally {
    ctx.deps.signal.removeEventListener("abort", onInterrupt);
    restore?.();
  }
}
