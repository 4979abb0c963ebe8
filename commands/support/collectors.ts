// What the support bundle collects from each node, and where it goes in the archive (upstream's
// go-talos-support layout): `<node>/dmesg.log`, the controller-runtime and dns-resolve-cache
// logs, `dependencies.dot`, `mounts`, `devices`, `io`, `processes`, `summary`,
// `resources/<definition>.yaml` (sensitive specs redacted), `kubernetes-logs/kube-system/<pod>
// [-exited].log` and `service-logs/<service>.log|.state`. Each collector writes into a spool;
// the bundle writer moves finished spools into the archive.

import type { CallOptions } from "@connectrpc/connect";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { TalosClient } from "../../rpc/client.ts";
import { errorCode, errorText, filterMessages, streamBytes } from "../../rpc/mod.ts";
import { Code } from "@connectrpc/connect";
import { ContainerDriver } from "../../gen/common/common_pb.ts";
import { goDurationSeconds, goFixed, humanizeBytes, tabwrite } from "../../gofmt/mod.ts";
import type { Spool } from "./spool.ts";

/** A source: a node address, or "cluster" for the Kubernetes collectors. */
export const CLUSTER = "cluster";

/** One archive entry and how to produce it. `run` returns false when there is nothing to write. */
export interface Collector {
  source: string;
  path: string;
  run(out: Spool): Promise<boolean>;
}

/** The progress text of a collector: `collect <file name>`. */
export function collectorState(c: Collector): string {
  return `collect ${c.path.slice(c.path.lastIndexOf("/") + 1)}`;
}

/** Verbose progress lines (upstream's collector log); a no-op unless -v. */
export type Log = (line: string) => void;

export interface NodeAccess {
  node: string;
  client: TalosClient;
  options: CallOptions;
  log: Log;
  now: () => Date;
  /** The client's own version block for `summary`. */
  clientVersion: string;
}

/** A wrapped error, as Go's fmt.Errorf("...: %w") renders it. */
function wrap(prefix: string, e: unknown): Error {
  return new Error(`${prefix}: ${errorText(e)}`, { cause: e });
}

/** Copies a byte stream into `out`; the end of the stream, or a cancelled one, ends it. */
async function drain(
  stream: AsyncIterable<{ bytes: Uint8Array }>,
  out: Spool,
): Promise<void> {
  try {
    for await (const m of stream) await out.write(m.bytes);
  } catch (e) {
    if (errorCode(e) === Code.Canceled) return;
    throw wrap("error reading from stream", e);
  }
}

const SYSTEM = { namespace: "system", driver: ContainerDriver.CONTAINERD };
const K8S = { namespace: "k8s.io", driver: ContainerDriver.CRI };

function logs(a: NodeAccess, id: string, kubernetes: boolean) {
  return async (out: Spool) => {
    const { namespace, driver } = kubernetes ? K8S : SYSTEM;
    a.log(`getting ${namespace}/${id} service logs`);
    await drain(
      a.client.machine.logs(
        { namespace, id, driver, follow: false, tailLines: -1 },
        a.options,
      ),
      out,
    );
    return true;
  };
}

function dmesg(a: NodeAccess) {
  return async (out: Spool) => {
    await drain(a.client.machine.dmesg({ follow: false, tail: false }, a.options), out);
    return true;
  };
}

function mounts(a: NodeAccess) {
  return async (out: Spool) => {
    a.log("getting mounts");
    let reply;
    try {
      reply = await a.client.machine.mounts({}, a.options);
    } catch (e) {
      throw wrap("error getting mounts", e);
    }
    let text = "FILESYSTEM\tSIZE(GB)\tUSED(GB)\tAVAILABLE(GB)\tPERCENT USED\tMOUNTED ON\n";
    for (const m of filterMessages(reply.messages).messages) {
      for (const r of m.stats) {
        const size = Number(r.size), avail = Number(r.available);
        const used = 100 - 100 * (avail / size);
        if (Number.isNaN(used)) continue;
        text += `${r.filesystem}\t${goFixed(size * 1e-9, 2)}\t${
          goFixed((size - avail) * 1e-9, 2)
        }\t${goFixed(avail * 1e-9, 2)}\t${goFixed(used, 2)}%\t${r.mountedOn}\n`;
      }
    }
    await out.writeText(tabwrite(text));
    return true;
  };
}

function devices(a: NodeAccess) {
  return async (out: Spool) => {
    a.log("reading devices");
    // talosctl's ReadStream: bytes until the end, an in-band error ends it (a cancelled or
    // timed-out stream as if complete).
    try {
      const path = "/proc/bus/pci/devices";
      for await (const b of streamBytes(a.client.machine.read({ path }, a.options))) {
        await out.write(b);
      }
    } catch (e) {
      throw new Error(errorText(e), { cause: e });
    }
    return true;
  };
}

function ioPressure(a: NodeAccess) {
  return async (out: Spool) => {
    a.log("getting disk stats");
    const reply = await a.client.machine.diskStats({}, a.options);
    const { messages, error } = filterMessages(reply.messages);
    if (error) throw error;
    let text = "NAME\tIO_TIME\tIO_TIME_WEIGHTED\tDISK_WRITE_SECTORS\tDISK_READ_SECTORS\n";
    for (const m of messages) {
      for (const d of m.devices) {
        text +=
          `${d.name}\t${d.ioTimeMs}\t${d.ioTimeWeightedMs}\t${d.writeSectors}\t${d.readSectors}\n`;
      }
    }
    await out.writeText(tabwrite(text));
    return true;
  };
}

/** The support bundle's command column: the executable's path in place of a bare name. */
function commandLine(p: { command: string; executable: string; args: string }): string {
  if (p.executable === "") return p.command;
  const fields = (s: string) => s.split(/\s+/).filter((x) => x !== "");
  const first = fields(p.args)[0];
  const exe = fields(p.executable)[0] ?? "";
  if (p.args !== "" && first === exe.slice(exe.lastIndexOf("/") + 1)) {
    return p.args.replace(first, p.executable);
  }
  return p.args;
}

function processes(a: NodeAccess) {
  return async (out: Spool) => {
    a.log("getting processes snapshot");
    const reply = await a.client.machine.processes({}, a.options);
    const { messages, error } = filterMessages(reply.messages);
    if (error) throw error;
    let text = "PID\tSTATE\tTHREADS\tCPU-TIME\tVIRTMEM\tRESMEM\tCOMMAND\n";
    for (const m of messages) {
      for (const p of m.processes) {
        text += [
          String(p.pid).padStart(6),
          p.state.padStart(1),
          String(p.threads).padStart(4),
          goFixed(p.cpuTime, 2).padStart(8),
          humanizeBytes(p.virtualMemory).padStart(7),
          humanizeBytes(p.residentMemory).padStart(7),
          commandLine(p),
        ].join("\t") + "\n";
      }
    }
    await out.writeText(tabwrite(text));
    return true;
  };
}

function summary(a: NodeAccess) {
  return async (out: Spool) => {
    let text = "Client:\n" + a.clientVersion;
    const reply = await a.client.machine.version({}, a.options);
    const { messages, error } = filterMessages(reply.messages);
    if (error) throw error;
    text += "Server:\n";
    for (const m of messages) {
      const v = m.version;
      text += `\tTag:         ${v?.tag ?? ""}\n\tSHA:         ${v?.sha ?? ""}\n` +
        `\tBuilt:       ${v?.built ?? ""}\n\tGo version:  ${v?.goVersion ?? ""}\n` +
        `\tOS/Arch:     ${v?.os ?? ""}/${v?.arch ?? ""}\n`;
    }
    await out.writeText(text);
    return true;
  };
}

function serviceState(a: NodeAccess, id: string) {
  return async (out: Spool) => {
    let reply;
    try {
      reply = await a.client.machine.serviceList({}, a.options);
    } catch (e) {
      throw wrap("error listing services", e);
    }
    const { messages } = filterMessages(reply.messages);
    const now = a.now().getTime();
    let text = "";
    for (const m of messages) {
      for (const s of m.services.filter((x) => x.id === id)) {
        const health = s.health?.unknown ? "?" : s.health?.healthy ? "OK" : "Fail";
        text += `ID\t${s.id}\nSTATE\t${s.state}\nHEALTH\t${health}\n`;
        if (s.health?.lastMessage) text += `LAST HEALTH MESSAGE\t${s.health.lastMessage}\n`;
        let label = "EVENTS";
        for (const e of [...(s.events?.events ?? [])].reverse()) {
          const ago = goDurationSeconds(now - (e.ts ? timestampDate(e.ts).getTime() : 0));
          text += `${label}\t[${e.state}]: ${e.msg} (${ago} ago)\n`;
          label = "";
        }
      }
    }
    await out.writeText(tabwrite(text));
    return true;
  };
}

function collector(source: string, path: string, run: (out: Spool) => Promise<boolean>) {
  return { source, path, run };
}

/**
 * The collectors of one node, under `<node>/`. Listing the node's resource types, Kubernetes
 * containers and services may fail: the collectors built so far are kept and the failures come
 * back (as upstream joins them), so the node's other files are still collected.
 */
export async function nodeCollectors(
  a: NodeAccess,
): Promise<{ collectors: Collector[]; errors: string[] }> {
  const { dependenciesCollector } = await import("./dependencies.ts");
  const at = (path: string, run: (out: Spool) => Promise<boolean>) =>
    collector(a.node, `${a.node}/${path}`, run);
  const collectors: Collector[] = [
    at("dmesg.log", dmesg(a)),
    at("controller-runtime.log", logs(a, "controller-runtime", false)),
    at("dns-resolve-cache.log", logs(a, "dns-resolve-cache", false)),
    at("dependencies.dot", dependenciesCollector(a)),
    at("mounts", mounts(a)),
    at("devices", devices(a)),
    at("io", ioPressure(a)),
    at("processes", processes(a)),
    at("summary", summary(a)),
  ];
  const errors: string[] = [];

  try {
    const { listDefinitions } = await import("../resources/kind.ts");
    for (const rd of await listDefinitions(a.client, a.options)) {
      collectors.push(at(`resources/${rd.id}.yaml`, resources(a, rd)));
    }
  } catch (e) {
    errors.push(`error creating resource collectors: ${errorText(e)}`);
  }

  try {
    const reply = await a.client.machine.containers(K8S, a.options);
    const { messages, error } = filterMessages(reply.messages);
    if (error) throw error;
    for (const m of messages) {
      for (const c of m.containers) {
        if (c.status === "SANDBOX_READY") continue;
        const [namespace, pod] = c.podId.split("/");
        if (namespace !== "kube-system" || pod === undefined) continue;
        const exited = c.pid === 0 ? "-exited" : "";
        collectors.push(
          at(`kubernetes-logs/${namespace}/${pod}${exited}.log`, logs(a, c.id, true)),
        );
      }
    }
  } catch (e) {
    errors.push(`error creating kubernetes log collectors: ${errorText(e)}`);
  }

  try {
    const reply = await a.client.machine.serviceList({}, a.options);
    const { messages, error } = filterMessages(reply.messages);
    if (error) throw error;
    for (const m of messages) {
      for (const s of m.services) {
        collectors.push(
          at(`service-logs/${s.id}.log`, logs(a, s.id, false)),
          at(`service-logs/${s.id}.state`, serviceState(a, s.id)),
        );
      }
    }
  } catch (e) {
    errors.push(`error creating service log collectors: ${errorText(e)}`);
  }
  return { collectors, errors };
}

function resources(
  a: NodeAccess,
  rd: { type: string; defaultNamespace: string; sensitive: boolean },
) {
  return async (out: Spool) => {
    a.log(`getting talos resource ${rd.defaultNamespace}/${rd.type}`);
    const { metadataNode, resourceDocument } = await import("../resources/output.ts");
    const { emitDocument, mapping, scalar } = await import("../../goyaml/mod.ts");
    let wrote = false;
    for await (
      const m of a.client.cosi.list({ namespace: rd.defaultNamespace, type: rd.type }, a.options)
    ) {
      const r = m.resource;
      if (!r?.metadata) continue;
      const doc = rd.sensitive
        ? emitDocument(
          mapping([["metadata", metadataNode(r)], ["spec", scalar("<REDACTED>")]]),
          { flavor: "v4" },
        )
        : resourceDocument(r);
      await out.writeText((wrote ? "---\n" : "") + doc);
      wrote = true;
    }
    return wrote;
  };
}
