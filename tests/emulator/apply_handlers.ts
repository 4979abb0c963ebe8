// The machine-config and cluster-bootstrap side of machined: ApplyConfiguration (validation, the
// modes no-reboot/auto, staged and try with its automatic rollback, dry runs with Talos's diff
// summary, the maintenance node that becomes configured), Bootstrap (once per cluster, control
// plane only) and EtcdRecover (the client-streamed snapshot that `bootstrap --recover-from`
// uploads first).

import { Code, ConnectError } from "@connectrpc/connect";
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import {
  ApplyConfigurationRequest_Mode as Mode,
  MachineService,
} from "../../gen/machine/machine_pb.ts";
import { machineConfigSchema } from "../../machineconfig/registry.ts";
import { decodeConfig } from "../../machineconfig/patch/mod.ts";
import { encodeConfig } from "../../machineconfig/encode.ts";
import type { ConfigDocument } from "../../machineconfig/schema.ts";
import { containerConflict, parseMode, validateConfig } from "../../machineconfig/validate/mod.ts";
import { goDuration } from "../../gofmt/mod.ts";
import type { Emulator, NodeCall } from "./server.ts";
import type { SimNode } from "./node.ts";
import { machineConfigOf, setMachineConfig } from "./resources.ts";
import { putMember, putNodename, setMachineStatus } from "./cosi_seed.ts";
import { issueServer, type TestCA } from "./certs.ts";
import { textDiff } from "../../gofmt/textdiff.ts";

/** What machined keeps about applies and recovery, per node. */
interface ApplyState {
  /** Pending rollback of a config applied in try mode. */
  rollback?: ReturnType<typeof setTimeout>;
  /** An apply is running (machined serialises them). */
  busy: boolean;
  /** The etcd snapshot uploaded by EtcdRecover, waiting for Bootstrap. */
  recoverySnapshot?: Uint8Array;
}

const states = new WeakMap<SimNode, ApplyState>();

/** The node's apply state (exported for tests: the uploaded recovery snapshot). */
export function applyState(node: SimNode): ApplyState {
  let s = states.get(node);
  if (!s) states.set(node, s = { busy: false });
  return s;
}

/** Talos's default try-mode timeout (constants.ConfigTryTimeout). */
const CONFIG_TRY_TIMEOUT_MS = 60_000;

const invalid = (msg: string) => new ConnectError(msg, Code.InvalidArgument);

/** configloader.NewFromBytes: strict decoding; errors without our file-name prefix. */
function loadConfig(text: string): ConfigDocument[] {
  let docs: ConfigDocument[];
  try {
    docs = decodeConfig(machineConfigSchema(), text, "config");
  } catch (e) {
    throw invalid((e as Error).message.replace(/^config: /, ""));
  }
  if (docs.length === 0) throw invalid("config not found");
  return docs;
}

function v1alpha1Of(docs: ConfigDocument[]): Record<string, unknown> | undefined {
  return docs.find((d) => d.kind === "v1alpha1")?.data as Record<string, unknown> | undefined;
}

function field(obj: unknown, ...path: string[]): unknown {
  let cur = obj;
  for (const p of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

/** The machine type of the node's active config ("" when it has none). */
function machineType(node: SimNode): string {
  const text = machineConfigOf(node);
  if (text === undefined) return "";
  try {
    return String(field(v1alpha1Of(loadConfig(text)), "machine", "type") ?? "");
  } catch {
    return "";
  }
}

/** machinehelper.CheckControlplane. */
function checkControlPlane(node: SimNode, api: string): void {
  const type = machineType(node);
  if (type === "") {
    throw new ConnectError(`machine type is not set, cannot use ${api} API`, Code.Unimplemented);
  }
  if (type !== "controlplane" && type !== "init") {
    throw new ConnectError(`${api} is only available on control plane nodes`, Code.Unimplemented);
  }
}

function cancelRollback(node: SimNode): void {
  const s = applyState(node);
  if (s.rollback !== undefined) clearTimeout(s.rollback);
  s.rollback = undefined;
}

/** The encoded config (comments disabled) a dry run compares, "" for none. */
function encoded(docs: ConfigDocument[] | undefined): string {
  return docs ? encodeConfig(docs) : "";
}

function dryRunDiff(node: SimNode, docs: ConfigDocument[]): string {
  const current = machineConfigOf(node);
  const diff = textDiff(encoded(current ? loadConfig(current) : undefined), encoded(docs));
  return `Config diff:\n\n${diff === "" ? "No changes." : diff}`;
}

/** A CA usable with certs.ts from the config's base64 PEM pair, or undefined without a key. */
async function caOf(cfg: Record<string, unknown> | undefined): Promise<TestCA | undefined> {
  const crt = String(field(cfg, "machine", "ca", "crt") ?? "");
  const key = String(field(cfg, "machine", "ca", "key") ?? "");
  if (crt === "" || key === "") return undefined;
  try {
    const certPem = atob(crt);
    const keyPem = atob(key);
    const der = Uint8Array.from(
      atob(keyPem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "")),
      (c) => c.charCodeAt(0),
    );
    const alg = { name: "Ed25519" };
    const privateKey = await crypto.subtle.importKey("pkcs8", der, alg, true, ["sign"]);
    const caCert = new x509.X509Certificate(certPem);
    const publicKey = await caCert.publicKey.export(alg, ["verify"]);
    return { cert: certPem, key: keyPem, caCert, keys: { privateKey, publicKey } };
  } catch {
    return undefined;
  }
}

/**
 * The node boots with its first complete config: the resources of a configured node appear and
 * apid takes over from the maintenance listener, serving a certificate of the config's OS CA
 * (the CA `gen config` put in the talosconfig) and demanding client certificates.
 */
async function leaveMaintenance(emu: Emulator, node: SimNode, docs: ConfigDocument[]) {
  const cfg = v1alpha1Of(docs);
  const type = String(field(cfg, "machine", "type") ?? "");
  node.controlPlane = type === "controlplane" || type === "init";
  const now = new Date();
  putNodename(node, now);
  putMember(node, node, now);
  setMachineStatus(node, "running", true, [], now);
  const ca = await caOf(cfg);
  if (!ca) {
    emu.leaveMaintenance();
    return;
  }
  const served = await issueServer(ca, { ips: ["127.0.0.1", "::1"], dns: ["localhost"] });
  emu.leaveMaintenance({ ca: ca.cert, cert: served.cert, key: served.key });
}

function durationMs(d: { seconds: bigint; nanos: number } | undefined): number {
  if (!d) return CONFIG_TRY_TIMEOUT_MS;
  return Number(d.seconds) * 1000 + d.nanos / 1e6;
}

let memberSeq = 0x5eed0000c0de0000n;

/** Why etcd cannot start from the uploaded snapshot ("" when it can). */
function recoveryProblem(snapshot: Uint8Array | undefined, skipHashCheck: boolean): string {
  if (!snapshot) {
    return "error verifying snapshot: stat /var/lib/etcd.snapshot: no such file or directory";
  }
  // etcd appends a sha256 of the database; without it only --recover-skip-hash-check restores.
  if (!skipHashCheck && snapshot.length % 512 !== 32) {
    return "error recovering from the snapshot: snapshot missing hash but --skip-hash-check=false";
  }
  return "";
}

/** Registers ApplyConfiguration, Bootstrap and EtcdRecover. */
export function registerApplyHandlers(emu: Emulator): void {
  const M = MachineService.method;
  const nodes = [...emu.nodes.values()];
  emu.onClose(() => {
    for (const n of nodes) cancelRollback(n);
  });

  emu.handle(M.applyConfiguration, async (req, call: NodeCall) => {
    const { node } = call;
    const state = applyState(node);
    if (state.busy) {
      throw new ConnectError(
        "another apply configuration is already in progress",
        Code.FailedPrecondition,
      );
    }
    state.busy = true;
    try {
      return await apply(req, call);
    } finally {
      state.busy = false;
    }
  });

  async function apply(req: {
    data: Uint8Array;
    mode: Mode;
    dryRun: boolean;
    tryModeTimeout?: { seconds: bigint; nanos: number };
  }, call: NodeCall) {
    const { node } = call;
    const inMaintenance = call.emulator.options.maintenance === true ||
      machineConfigOf(node) === undefined;
    if (!inMaintenance && !call.roles.includes("os:admin")) {
      throw new ConnectError("not authorized", Code.PermissionDenied);
    }
    let mode = req.mode;
    let modeName = Mode[mode] ?? String(mode);
    if (mode !== Mode.TRY) cancelRollback(node);
    const text = new TextDecoder().decode(req.data);
    const docs = loadConfig(text);
    if (!inMaintenance && !v1alpha1Of(docs)) {
      throw invalid(
        "the applied machine configuration doesn't contain v1alpha1 config, did you mean to patch the machine config instead?",
      );
    }
    if (mode === Mode.REBOOT) {
      if (!inMaintenance) {
        throw new ConnectError(
          "the REBOOT mode is not supported, please use AUTO or NO_REBOOT modes instead",
          Code.Unimplemented,
        );
      }
      mode = Mode.NO_REBOOT;
    }
    const schema = machineConfigSchema();
    const conflict = containerConflict(schema, docs);
    if (conflict) throw invalid(conflict);
    const platform = parseMode(node.platform.mode) ?? parseMode("metal")!;
    const result = validateConfig(schema, docs, platform);
    if (result.error !== null) throw invalid(result.error);

    let details: string;
    switch (mode) {
      case Mode.AUTO:
        mode = Mode.NO_REBOOT;
        modeName = `${modeName}(${Mode[mode]})`;
        details = "Applied configuration without a reboot";
        break;
      case Mode.TRY:
      case Mode.NO_REBOOT:
        details = "Applied configuration without a reboot";
        break;
      case Mode.STAGED:
        details = "Staged configuration to be applied after the next reboot";
        break;
      default:
        throw invalid(`incorrect mode '${modeName}' specified for the apply config call`);
    }
    if (req.dryRun) {
      const summary = `Dry run summary:\n${details} (skipped in dry-run).\n${
        dryRunDiff(node, docs)
      }`;
      return { messages: [{ mode, modeDetails: summary }] };
    }
    node.extra.lastApplyMode = modeName.toLowerCase();
    const now = new Date();
    switch (mode) {
      case Mode.TRY: {
        const timeout = durationMs(req.tryModeTimeout);
        details +=
          `\nThe config is applied in 'try' mode and will be automatically reverted back in ${
            goDuration(timeout)
          }`;
        const previous = machineConfigOf(node);
        cancelRollback(node);
        applyState(node).rollback = setTimeout(() => {
          applyState(node).rollback = undefined;
          if (previous !== undefined) setMachineConfig(node, previous);
        }, timeout);
        setMachineConfig(node, text, now);
        break;
      }
      case Mode.NO_REBOOT:
        setMachineConfig(node, text, now, "persistent");
        setMachineConfig(node, text, now);
        break;
      case Mode.STAGED:
        setMachineConfig(node, text, now, "persistent");
        break;
    }
    if (
      call.emulator.options.maintenance && mode !== Mode.STAGED && v1alpha1Of(docs) !== undefined
    ) {
      await leaveMaintenance(call.emulator, node, docs);
    }
    return { messages: [{ mode, warnings: result.warnings, modeDetails: details }] };
  }

  emu.handle(M.etcdRecover, async (reqs: AsyncIterable<{ bytes: Uint8Array }>, call: NodeCall) => {
    checkControlPlane(call.node, "etcd recover");
    const parts: Uint8Array[] = [];
    for await (const m of reqs) parts.push(m.bytes.slice());
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let off = 0;
    for (const p of parts) {
      all.set(p, off);
      off += p.length;
    }
    applyState(call.node).recoverySnapshot = all;
    return { messages: [{}] };
  });

  emu.handle(M.bootstrap, (req: { recoverEtcd: boolean; recoverSkipHashCheck: boolean }, call) => {
    const { node, emulator } = call;
    checkControlPlane(node, "bootstrap");
    const cfg = v1alpha1Of(loadConfig(machineConfigOf(node)!));
    if (!field(cfg, "cluster", "etcd", "ca", "crt")) {
      throw invalid("etcd is not configured, bootstrap is not possible");
    }
    // Once one node bootstrapped etcd, every control plane node of the cluster has etcd data.
    if (emulator.etcdMembers.length > 0) {
      throw new ConnectError("etcd data directory is not empty", Code.AlreadyExists);
    }
    const state = applyState(node);
    const snapshot = req.recoverEtcd ? state.recoverySnapshot : undefined;
    state.recoverySnapshot = undefined;
    const memberId = node.etcd?.memberId ?? (memberSeq += 0x1111n);
    node.etcd = {
      memberId,
      snapshot: snapshot ?? { size: 64 * 512 + 32 },
      status: {
        protocolVersion: "3.5.0",
        storageVersion: "3.5.0",
        dbSize: BigInt(snapshot?.length ?? 20_971_520),
        dbSizeInUse: BigInt(snapshot?.length ?? 10_485_760),
        leader: memberId,
        raftIndex: 1n,
        raftTerm: 2n,
        raftAppliedIndex: 1n,
        errors: [],
        isLearner: false,
      },
    };
    emulator.etcdMembers.push({
      id: memberId,
      hostname: node.hostname,
      peerUrls: [`https://${node.address}:2380`],
      clientUrls: [`https://${node.address}:2379`],
      isLearner: false,
    });
    // As machined: the call returns once etcd was restarted in bootstrap mode; a bad recovery
    // snapshot fails the etcd service afterwards, not the call.
    const etcd = node.services.find((s) => s.id === "etcd");
    const at = new Date();
    const event = (msg: string, st: string) => ({ msg, state: st, ts: at });
    if (etcd) {
      etcd.events.push(event("Bootstrap requested", "Finished"));
      const why = req.recoverEtcd ? recoveryProblem(snapshot, req.recoverSkipHashCheck) : "";
      etcd.state = why ? "Failed" : "Running";
      etcd.events.push(
        why
          ? event(`Failed to run pre stage: ${why}`, "Failed")
          : event("Health check successful", "Running"),
      );
    }
    node.extra.bootstrap = {
      recoverEtcd: req.recoverEtcd,
      recoverSkipHashCheck: req.recoverSkipHashCheck,
      snapshotBytes: snapshot?.length ?? 0,
    };
    return { messages: [{}] };
  });
}
