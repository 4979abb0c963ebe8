// Test entry point for the apid emulator: start it with simulated nodes, get client
// certificates and a ready talosconfig pointing at it.
//
//   await using emu = await startEmulator({ nodes: [simNode("10.5.0.2"), simNode("10.5.0.3")] });
//   const cfg = await emu.talosconfig(dir, { roles: ["os:reader"] });   // writes dir/talosconfig
//   emu.handle(MachineService.method.kubeconfig, async function* (req, call) { ... });

import { createCA, issueClient, type Issued, issueServer, type TestCA } from "./certs.ts";
import { Emulator } from "./server.ts";
import { registerDefaults } from "./handlers.ts";
import { registerKubeconfigHandlers } from "./kubeconfig_handlers.ts";
import { registerApplyHandlers } from "./apply_handlers.ts";
import { registerLifecycleHandlers } from "./lifecycle_handlers.ts";
import { registerNetHandlers } from "./net_handlers.ts";
import { registerFilesHandlers } from "./files_handlers.ts";
import { registerSystemHandlers } from "./system_handlers.ts";
import { registerStorageHandlers } from "./storage_handlers.ts";
import { registerTimeHandlers } from "./time_handlers.ts";
import { registerCosiHandlers } from "./cosi_handlers.ts";
import { registerDiskStatsHandlers } from "./diskstats_handlers.ts";
import { registerHealthHandlers } from "./health_handlers.ts";
import { registerUpgradeK8sHandlers } from "./upgrade_k8s_handlers.ts";
import { registerMetricsHandlers } from "./metrics_handlers.ts";
import { registerDebugHandlers } from "./debug_handlers.ts";
import { registerLogsContainersHandlers } from "./logs_containers_handlers.ts";
import type { SimNode } from "./node.ts";

export { Emulator } from "./server.ts";
export type {
  ClientStreamHandler,
  Handler,
  NodeCall,
  StreamHandler,
  UnaryHandler,
} from "./server.ts";
export { applyState } from "./apply_handlers.ts";
export { textDiff } from "../../gofmt/textdiff.ts";
export { appendDmesg, appendLog, simNode } from "./node.ts";
export { diskStatRow, nodeDiskStats } from "./diskstats_handlers.ts";
export type { EtcdMemberInfo, LifecycleKnobs, SimDiskStat, SimNode, SimService } from "./node.ts";
export { lifeOf, publishEvent } from "./lifecycle_handlers.ts";
export type { LifeState, SimEvent } from "./lifecycle_handlers.ts";
export { chunks, patternChunks } from "./handlers.ts";
export {
  encodeKeyValue,
  etcdSnapshotDb,
  etcdSnapshotOfSize,
  revisionKey,
  sampleEtcdData,
} from "./etcd_snapshot.ts";
export type { EtcdData, KvRecord } from "./etcd_snapshot.ts";
export { writeBolt } from "./bbolt_writer.ts";
export type { BoltEntry, BoltWriteOptions } from "./bbolt_writer.ts";
export { createCA, issueClient, issueServer } from "./certs.ts";
export {
  FILES_EPOCH,
  gzipChunks,
  nodeFiles,
  pad,
  patternByte,
  putFile,
  removeFile,
  tarHeaderBlocks,
} from "./files.ts";
export type { SimFile, TarHeader } from "./files.ts";
export { nodeSystem } from "./system.ts";
export { MOUNT_STATUS_TYPE, nodeStatfs, VOLUME_STATUS_TYPE } from "./storage_handlers.ts";
export type { SimStatfs } from "./storage_handlers.ts";
export type { SimContainer, SimMount, SimProcess, SimSystem } from "./system.ts";

export interface StartOptions {
  nodes: SimNode[];
  alpn?: boolean;
  /** Reuse a CA (e.g. to share one across emulators). */
  ca?: TestCA;
  /** Maintenance mode (no client certificate; callers are os:reader). */
  maintenance?: boolean;
}

export interface TalosconfigOptions {
  roles?: string[];
  /** Default: this emulator's endpoint. */
  endpoints?: string[];
  /** Default: none (commands then need --nodes). */
  nodes?: string[];
  contextName?: string;
  /** Client certificate validity window. */
  notBefore?: Date;
  notAfter?: Date;
  /** Trust this CA PEM instead of the emulator's (wrong-CA fault). */
  caPem?: string;
  cluster?: string;
}

export class TestEmulator extends Emulator {
  constructor(
    nodes: SimNode[],
    readonly ca: TestCA,
    serverTls: Issued,
    alpn?: boolean,
    maintenance?: boolean,
  ) {
    super({
      nodes,
      tls: { ca: ca.cert, cert: serverTls.cert, key: serverTls.key },
      alpn,
      maintenance,
    });
  }

  clientCert(roles: string[], validity: { notBefore?: Date; notAfter?: Date } = {}) {
    return issueClient(this.ca, roles, validity);
  }

  /** Writes `<dir>/talosconfig` and returns its path. */
  async talosconfig(dir: string, opts: TalosconfigOptions = {}): Promise<string> {
    const cert = await this.clientCert(opts.roles ?? ["os:admin"], opts);
    const b64 = (s: string) => btoa(s);
    const name = opts.contextName ?? "test";
    const list = (xs: string[]) => xs.map((x) => `\n            - ${x}`).join("");
    const text = [
      `context: ${name}`,
      `contexts:`,
      `    ${name}:`,
      `        endpoints:${list(opts.endpoints ?? [this.endpoint])}`,
      ...(opts.nodes?.length ? [`        nodes:${list(opts.nodes)}`] : []),
      `        ca: ${b64(opts.caPem ?? this.ca.cert)}`,
      `        crt: ${b64(cert.cert)}`,
      `        key: ${b64(cert.key)}`,
      ...(opts.cluster ? [`        cluster: ${opts.cluster}`] : []),
      "",
    ].join("\n");
    const path = `${dir}/talosconfig`;
    await Deno.writeTextFile(path, text, { mode: 0o600 });
    return path;
  }
}

/** Starts an emulator with the default handlers on 127.0.0.1 (random port). */
export async function startEmulator(opts: StartOptions): Promise<TestEmulator> {
  const ca = opts.ca ?? await createCA();
  const server = await issueServer(ca, { ips: ["127.0.0.1", "::1"], dns: ["localhost"] });
  const emu = new TestEmulator(opts.nodes, ca, server, opts.alpn, opts.maintenance);
  registerDefaults(emu);
  registerLogsContainersHandlers(emu);
  registerKubeconfigHandlers(emu, { osCA: { crt: ca.cert, key: ca.key } });
  registerFilesHandlers(emu);
  registerSystemHandlers(emu);
  registerDiskStatsHandlers(emu);
  // After the files handlers: its Read answers the boot ID and hands other paths to theirs.
  registerLifecycleHandlers(emu);
  registerTimeHandlers(emu);
  registerCosiHandlers(emu, { maintenance: opts.maintenance });
  registerApplyHandlers(emu);
  // After the COSI handlers, whose seeding it adds to: volumes, mounts and statfs.
  registerStorageHandlers(emu);
  registerHealthHandlers(emu);
  registerUpgradeK8sHandlers(emu);
  registerMetricsHandlers(emu);
  // Last: its ImageService.Pull keeps the image and wraps the lifecycle one.
  registerNetHandlers(emu);
  registerDebugHandlers(emu);
  return await emu.start();
}
export {
  deleteResource,
  getResource,
  listResources,
  MACHINE_CONFIG_TYPE,
  machineConfigOf,
  putResource,
  resourceStore,
  setMachineConfig,
} from "./resources.ts";
export type { ResourceEvent, SimResource } from "./resources.ts";
export { captureLog } from "./net_handlers.ts";
export { etcdCluster } from "./maint_handlers.ts";
export type { EtcdClusterState } from "./maint_handlers.ts";
export { netState } from "./net_state.ts";
export type {
  NetState,
  SimBlockDevice,
  SimImage,
  SimInterface,
  SimPacket,
  SimSocket,
} from "./net_state.ts";
export { DEFAULT_NTP_SERVER, timeOf } from "./time_handlers.ts";
export type { SimTime } from "./time_handlers.ts";
export {
  type MachineStage,
  putMember,
  putSpec,
  registerNamespace,
  registerType,
  sampleMachineConfig,
  seedNode,
  setMachineStatus,
  syncServices,
  T as RESOURCE_TYPES,
} from "./cosi_seed.ts";
export { resourceMessage } from "./cosi_handlers.ts";
export { define, type TypeDecl, TYPES, yamlText } from "./cosi_types.ts";
export { memoryOf, setMemory } from "./health_handlers.ts";
export { K as K8S_TYPES, seedKubernetesResources, startKubernetes } from "./health_state.ts";
export { followConfigChanges, pulls } from "./upgrade_k8s_handlers.ts";
export { nodeMetrics, type SimMetrics } from "./metrics_handlers.ts";
export { D as DASHBOARD_TYPES, seedDashboardResources } from "./dashboard_state.ts";
export { type DebugSession, debugSessions } from "./debug_handlers.ts";
