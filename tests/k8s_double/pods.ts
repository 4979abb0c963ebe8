// What the kubelet adds to the API double: container logs (`pods/<name>/log`, with follow,
// tailLines and container selection; a followed log ends when its container terminates) and
// `pods/<name>/exec` over the WebSocket channel protocol (v5/v4.channel.k8s.io: stdout on
// channel 1, stderr on 2, the final Status on 3), answered by a test-provided handler.

import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import type { Obj } from "./apply.ts";

interface ContainerLog {
  text: string;
  ended: boolean;
  listeners: Set<(chunk: string | null) => void>;
}

export interface ExecCall {
  namespace: string;
  pod: string;
  container: string;
  command: string[];
  protocol: string;
}

export interface ExecAnswer {
  stdout?: string | Uint8Array;
  stderr?: string;
  exitCode: number;
}

export type ExecHandler = (call: ExecCall) => ExecAnswer;

export class Kubelet {
  readonly #logs = new Map<string, ContainerLog>();
  readonly execCalls: ExecCall[] = [];
  /** Answers `exec`; without one, every command exits 126 ("not executable"). */
  exec?: ExecHandler;

  #log(ns: string, pod: string, container: string): ContainerLog {
    const key = `${ns}/${pod}/${container}`;
    let l = this.#logs.get(key);
    if (!l) {
      l = { text: "", ended: false, listeners: new Set() };
      this.#logs.set(key, l);
    }
    return l;
  }

  /** The container wrote `text`; followers get it at once. */
  appendLog(ns: string, pod: string, container: string, text: string): void {
    const l = this.#log(ns, pod, container);
    l.text += text;
    for (const f of l.listeners) f(text);
  }

  /** The container terminated: followed logs end. */
  endLog(ns: string, pod: string, container: string): void {
    const l = this.#log(ns, pod, container);
    l.ended = true;
    for (const f of l.listeners) f(null);
  }

  /** Forgets a pod's logs (the pod was deleted): followers see the end. */
  forget(ns: string, pod: string): void {
    for (const [key, l] of this.#logs) {
      if (!key.startsWith(`${ns}/${pod}/`)) continue;
      for (const f of l.listeners) f(null);
      this.#logs.delete(key);
    }
  }

  /** GET pods/<name>/log; answered here (a status pair for errors). */
  serveLog(
    pod: Obj,
    query: URLSearchParams,
    req: IncomingMessage,
    res: ServerResponse,
  ): [number, string, string] | undefined {
    const names: string[] = (pod.spec?.containers ?? []).map((c: Obj) => c.name);
    const container = query.get("container") ?? (names.length === 1 ? names[0] : "");
    if (container === "") {
      return [
        400,
        "BadRequest",
        `a container name must be specified for pod ${pod.metadata.name}, choose one of: [${
          names.join(" ")
        }]`,
      ];
    }
    if (!names.includes(container)) {
      return [
        400,
        "BadRequest",
        `container ${container} is not valid for pod ${pod.metadata.name}`,
      ];
    }
    const l = this.#log(pod.metadata.namespace, pod.metadata.name, container);
    let text = l.text;
    const tail = query.get("tailLines");
    if (tail !== null) {
      const lines = text.split("\n");
      if (lines.at(-1) === "") lines.pop();
      text = lines.slice(-Number(tail)).map((x) => x + "\n").join("");
    }
    res.writeHead(200, { "Content-Type": "text/plain", "Transfer-Encoding": "chunked" });
    res.write(text);
    if (query.get("follow") !== "true" || l.ended) {
      res.end();
      return undefined;
    }
    const listener = (chunk: string | null) => {
      if (chunk === null) {
        l.listeners.delete(listener);
        res.end();
      } else res.write(chunk);
    };
    l.listeners.add(listener);
    const stop = () => l.listeners.delete(listener);
    req.on("close", stop);
    res.on("close", stop);
    return undefined;
  }

  /** The WebSocket upgrade of pods/<name>/exec. */
  upgradeExec(
    pod: Obj | undefined,
    call: Omit<ExecCall, "protocol">,
    req: IncomingMessage,
    socket: Duplex,
  ): void {
    const refuse = (code: number, text: string, message: string, reason: string) => {
      const body = JSON.stringify({
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message,
        reason,
        code,
      });
      socket.end(
        `HTTP/1.1 ${code} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${
          Buffer.byteLength(body)
        }\r\n\r\n${body}`,
      );
    };
    if (!pod) {
      return refuse(404, "Not Found", `pods "${call.pod}" not found`, "NotFound");
    }
    const names: string[] = (pod.spec?.containers ?? []).map((c: Obj) => c.name);
    if (!names.includes(call.container)) {
      return refuse(
        400,
        "Bad Request",
        `container ${call.container} is not valid for pod ${call.pod}`,
        "BadRequest",
      );
    }
    const offered = String(req.headers["sec-websocket-protocol"] ?? "").split(",").map((s) =>
      s.trim()
    );
    const protocol = ["v5.channel.k8s.io", "v4.channel.k8s.io"].find((p) => offered.includes(p));
    if (!protocol) {
      return refuse(400, "Bad Request", "no supported channel protocol offered", "BadRequest");
    }
    const key = String(req.headers["sec-websocket-key"] ?? "");
    const accept = sha1Base64(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
    const full = { ...call, protocol };
    this.execCalls.push(full);
    const answer = this.exec?.(full) ??
      { stderr: `exec: "${call.command[0]}": not executable`, exitCode: 126 };
    socket.write(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        `Sec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: ${protocol}\r\n\r\n`,
    );
    const stdout = typeof answer.stdout === "string"
      ? new TextEncoder().encode(answer.stdout)
      : answer.stdout ?? new Uint8Array();
    // Large outputs in several frames, as the kubelet streams them.
    for (let off = 0; off < stdout.length; off += 32 * 1024) {
      socket.write(frame(1, stdout.subarray(off, off + 32 * 1024)));
    }
    if (answer.stderr) socket.write(frame(2, new TextEncoder().encode(answer.stderr)));
    const status = answer.exitCode === 0 ? { metadata: {}, status: "Success" } : {
      metadata: {},
      status: "Failure",
      message: `command terminated with non-zero exit code: exit status ${answer.exitCode}`,
      reason: "NonZeroExitCode",
      details: { causes: [{ reason: "ExitCode", message: String(answer.exitCode) }] },
    };
    socket.write(frame(3, new TextEncoder().encode(JSON.stringify(status))));
    // Close (1000) and wait for the client's close before hanging up.
    socket.write(Buffer.from([0x88, 2, 0x03, 0xe8]));
    socket.on("data", () => socket.end());
    socket.on("error", () => {});
  }
}

/** A server frame (unmasked, binary) carrying `channel` then `payload`. */
function frame(channel: number, payload: Uint8Array): Uint8Array {
  const n = payload.length + 1;
  const head = n < 126
    ? [0x82, n]
    : n < 65536
    ? [0x82, 126, n >> 8, n & 0xff]
    : [0x82, 127, 0, 0, 0, 0, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
  const out = new Uint8Array(head.length + n);
  out.set(head);
  out[head.length] = channel;
  out.set(payload, head.length + 1);
  return out;
}

function sha1Base64(s: string): string {
  return createHash("sha1").update(s).digest("base64");
}
