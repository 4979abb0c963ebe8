// DebugService.ContainerRun (a bidirectional stream) and ImageService.Import (client streaming,
// the archive upload `debug <tar>` starts with). The "container" is a fake shell session: it
// echoes stdin back, exits with N when it reads a line `exit N`, with 128+signal when a signal
// arrives, and with 0 when stdin ends. Each node keeps its sessions for assertions.

import { Code, ConnectError } from "@connectrpc/connect";
import { ImageService } from "../../gen/machine/image_pb.ts";
import { DebugService } from "../../gen/machine/debug_pb.ts";
import type { Emulator, NodeCall, StreamHandler } from "./server.ts";
import type { SimNode } from "./node.ts";
import { netState, type SimImage } from "./net_state.ts";

/** What one debug session received, in order. */
export interface DebugSession {
  spec: {
    containerd?: { driver: number; namespace: number };
    imageName: string;
    args: string[];
    env: Record<string, string>;
    profile: number;
    tty: boolean;
  };
  stdin: string;
  signals: number[];
  resizes: { width: number; height: number }[];
  exitCode?: number;
}

const sessions = new WeakMap<SimNode, DebugSession[]>();

/** The debug sessions a node ran, oldest first. */
export function debugSessions(node: SimNode): DebugSession[] {
  let list = sessions.get(node);
  if (!list) sessions.set(node, list = []);
  return list;
}

function instanceName(c: { driver: number; namespace: number } | undefined): string {
  const d = c?.driver ?? 0, ns = c?.namespace ?? 0;
  if (d === 1 && ns === 2) return "cri";
  if (d === 1 && ns === 1) return "system";
  if (d === 0 && ns === 1) return "inmem";
  throw new ConnectError("unsupported containerd instance", Code.InvalidArgument);
}

/** docker.io/library defaults, as containerd names an imported docker-archive tag. */
function normalizeRef(ref: string): string {
  const slash = ref.indexOf("/");
  const first = slash < 0 ? "" : ref.slice(0, slash);
  let name = ref;
  if (slash < 0) name = `docker.io/library/${ref}`;
  else if (!(first.includes(".") || first.includes(":") || first === "localhost")) {
    name = `docker.io/${ref}`;
  }
  if (!name.slice(name.lastIndexOf("/") + 1).includes(":")) name += ":latest";
  return name;
}

/** The name an image archive declares: docker's manifest.json RepoTags or OCI's index.json. */
function archiveName(tar: Uint8Array): string | undefined {
  const dec = new TextDecoder();
  for (let off = 0; off + 512 <= tar.length;) {
    const h = tar.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break;
    const name = dec.decode(h.subarray(0, 100)).replace(/\0.*$/s, "").replace(/^\.\//, "");
    const size = parseInt(dec.decode(h.subarray(124, 136)).replace(/\0.*$/s, "").trim(), 8) || 0;
    const body = tar.subarray(off + 512, off + 512 + size);
    try {
      if (name === "manifest.json") {
        const tag = JSON.parse(dec.decode(body))?.[0]?.RepoTags?.[0];
        if (typeof tag === "string") return normalizeRef(tag);
      } else if (name === "index.json") {
        const ann = JSON.parse(dec.decode(body))?.manifests?.[0]?.annotations ?? {};
        const n = ann["io.containerd.image.name"] ?? ann["org.opencontainers.image.ref.name"];
        if (typeof n === "string") return normalizeRef(n);
      }
    } catch {
      // Not JSON: containerd would fail on it below.
    }
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return undefined;
}

export function registerDebugHandlers(emu: Emulator): void {
  const importPath = `/${ImageService.typeName}/Import`;
  if (!emu.handlers.has(importPath)) {
    emu.handle(ImageService.method.import, async (reqs: AsyncIterable<Init>, call: NodeCall) => {
      let where: string | undefined;
      const parts: Uint8Array[] = [];
      for await (const r of reqs) {
        if (r.request?.case === "containerd") where = instanceName(r.request.value);
        else if (r.request?.case === "imageChunk") parts.push(r.request.value.bytes);
      }
      if (where === undefined) {
        throw new ConnectError("containerd instance is required", Code.InvalidArgument);
      }
      const tar = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let o = 0;
      for (const p of parts) tar.set(p, o), o += p.length;
      const name = archiveName(tar);
      if (!name) {
        throw new ConnectError(
          "error importing image: no image name in the archive (manifest.json or index.json)",
          Code.Unknown,
        );
      }
      const img: SimImage = {
        name,
        digest: `sha256:${"5e".repeat(32)}`,
        size: BigInt(tar.length),
        created: new Date("2024-05-01T10:00:00Z"),
        labels: {},
      };
      const list = netState(call.node).images[where] ??= [];
      if (!list.some((i) => i.name === name)) list.push(img);
      return { name };
    });
  }

  emu.handle(
    DebugService.method.containerRun,
    async function* (reqs: AsyncIterable<Init>, call: NodeCall) {
      const it = reqs[Symbol.asyncIterator]();
      const first = await it.next();
      if (first.done || first.value.request?.case !== "spec") {
        throw new ConnectError(
          "the first message must be the container spec",
          Code.InvalidArgument,
        );
      }
      const spec = first.value.request.value;
      const where = instanceName(spec.containerd);
      if (!(netState(call.node).images[where] ?? []).some((i) => i.name === spec.imageName)) {
        throw new ConnectError(
          `failed to get image "${spec.imageName}": image "${spec.imageName}": not found`,
          Code.NotFound,
        );
      }
      if (spec.profile !== 1 && spec.profile !== 2) {
        throw new ConnectError("unsupported debug container profile", Code.InvalidArgument);
      }
      const session: DebugSession = {
        spec: {
          containerd: spec.containerd,
          imageName: spec.imageName,
          args: [...spec.args],
          env: { ...spec.env },
          profile: spec.profile,
          tty: spec.tty,
        },
        stdin: "",
        signals: [],
        resizes: [],
      };
      debugSessions(call.node).push(session);
      const enc = new TextEncoder(), dec = new TextDecoder();
      let line = "";
      const exit = (code: number) => {
        session.exitCode = code;
        return { resp: { case: "exitCode", value: code } };
      };
      for (;;) {
        const r = await it.next();
        if (r.done) break;
        const req = r.value.request;
        if (req?.case === "signal") {
          session.signals.push(req.value);
          yield exit(128 + req.value);
          return;
        }
        if (req?.case === "termResize") {
          session.resizes.push({ width: req.value.width, height: req.value.height });
          continue;
        }
        if (req?.case !== "stdinData") continue;
        const text = dec.decode(req.value, { stream: true });
        session.stdin += text;
        // Echo line by line (a terminal's line discipline), ending at `exit N`.
        for (const c of text) {
          line += c;
          if (c !== "\n") continue;
          const m = /^exit (\d+)\r?\n$/.exec(line);
          if (m) {
            yield exit(Number(m[1]));
            return;
          }
          yield {
            resp: {
              case: "stdoutData",
              value: enc.encode(spec.tty ? line.replace(/\n$/, "\r\n") : line),
            },
          };
          line = "";
        }
      }
      if (line !== "") yield { resp: { case: "stdoutData", value: enc.encode(line) } };
      yield exit(0);
    } as unknown as StreamHandler,
  );
}

// deno-lint-ignore no-explicit-any
type Init = any;
