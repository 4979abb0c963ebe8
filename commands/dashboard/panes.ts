// The summary screen's panes and the top bar: what each node's resources and metrics say,
// kept per node and drawn for the selected one. Texts, field names and placeholders ("n/a",
// "...", "<none>") are upstream's.

import type { Resource } from "../../gen/cosi/resource_pb.ts";
import { decodeYaml } from "../resources/yaml_values.ts";
import type { GoMap, GoValue } from "../../gofmt/json.ts";
import { bold, type Box, colored, type Line, seg } from "./canvas.ts";
import type { ApiData, NodeData } from "./metrics.ts";
import { cpuFrequency, fixed, humanizeIBytes, uptime } from "./format.ts";

export const NO_DATA = "...";
export const NOT_AVAILABLE = "n/a";
const NONE = "<none>";

/** A resource change as the panes see it: type, id and the decoded spec. */
export interface Change {
  node: string;
  type: string;
  id: string;
  spec: GoValue;
  deleted: boolean;
}

export function changeOf(node: string, r: Resource, deleted: boolean): Change {
  let spec: GoValue = null;
  const text = r.spec?.yamlSpec ?? "";
  if (text !== "") {
    try {
      spec = decodeYaml(text);
    } catch {
      spec = null;
    }
  }
  return { node, type: r.metadata?.type ?? "", id: r.metadata?.id ?? "", spec, deleted };
}

const field = (spec: GoValue, key: string): GoValue =>
  spec !== null && typeof spec === "object" && !Array.isArray(spec)
    ? (spec as GoMap)[key] ?? null
    : null;
const str = (v: GoValue): string => (v === null || v === undefined ? "" : String(v));
const list = (v: GoValue): string[] => (Array.isArray(v) ? v.map(str) : []);

/** "√ Text" in green or "× Text" in red; nothing for no text. */
function statusText(text: string, ok: boolean): Line {
  if (text === "") return [];
  return [colored(ok ? "green" : "red", `${ok ? "√" : "×"} ${text}`)];
}

function capitalize(s: string): string {
  return s === "" ? s : s[0].toUpperCase() + s.slice(1).toLowerCase();
}

/** A status word, colored when it says good or bad. */
export function status(v: string | boolean): Line {
  const text = capitalize(String(v));
  const low = text.toLowerCase();
  if (low === "running" || low === "healthy" || low === "true") return statusText(text, true);
  if (low === "stopped" || low === "unhealthy" || low === "false") return statusText(text, false);
  return [seg(text)];
}

const health = (healthy: boolean) => status(healthy ? "Healthy" : "Unhealthy");

/** Names in bold, padded to the longest, then their values; one field a line. */
export function drawFields(box: Box, fields: [string, Line | string][]): void {
  const w = Math.max(0, ...fields.map(([n]) => n.length));
  fields.forEach(([name, value], i) => {
    const v = typeof value === "string" ? [seg(value)] : value;
    box.write(0, i, [bold(name.padEnd(w)), seg(" "), ...v]);
  });
}

/** Per-node state with a default for nodes not heard of yet. */
class PerNode<T> {
  readonly #m = new Map<string, T>();
  constructor(private readonly make: () => T) {}
  get(node: string): T {
    let v = this.#m.get(node);
    if (v === undefined) {
      v = this.make();
      this.#m.set(node, v);
    }
    return v;
  }
}

const SPINNER = ["┐", "┘", "└", "┌"];

/** The top bar: hostname, OS and version, uptime, CPUs, RAM, process count, CPU and RAM use. */
export class Header {
  #spin = 0;
  readonly #nodes = new PerNode(() => ({
    hostname: NOT_AVAILABLE,
    name: "Talos",
    version: NOT_AVAILABLE,
    uptime: NOT_AVAILABLE,
    cpuFreq: NOT_AVAILABLE,
    totalMem: NOT_AVAILABLE,
    procs: NOT_AVAILABLE,
    cpu: NOT_AVAILABLE,
    mem: NOT_AVAILABLE,
  }));

  tick(): void {
    this.#spin++;
  }

  onResource(c: Change): void {
    const d = this.#nodes.get(c.node);
    if (c.type === "HostnameStatuses.net.talos.dev") {
      d.hostname = c.deleted ? "(no hostname)" : str(field(c.spec, "hostname"));
    } else if (c.type === "Versions.runtime.talos.dev") {
      d.name = (c.deleted ? "" : str(field(c.spec, "name"))) || "Talos";
      d.version = c.deleted ? NOT_AVAILABLE : str(field(c.spec, "version"));
    }
  }

  onData(data: ApiData, now: number): void {
    for (const [node, n] of data.nodes) {
      const d = this.#nodes.get(node);
      d.cpu = fixed(n.cpuUsage("usage") * 100, 1) + "%";
      d.mem = fixed(n.memUsage() * 100, 1) + "%";
      const boot = Number(n.systemStat?.bootTime ?? 0n);
      d.uptime = boot !== 0 ? uptime(now - boot * 1000) : NOT_AVAILABLE;
      const cpus = n.cpusInfo?.cpuInfo ?? [];
      if (n.cpusInfo) {
        if (cpus.length > 0) d.cpuFreq = `${cpus.length}x${cpuFrequency(cpus[0].cpuMhz)}`;
      } else d.cpuFreq = NOT_AVAILABLE;
      const freqs = n.cpusFreqStats?.cpuFreqStats ?? [];
      if (freqs.length > 0) {
        const counts = new Map<bigint, number>();
        for (const f of freqs) {
          counts.set(f.currentFrequency, (counts.get(f.currentFrequency) ?? 0) + 1);
        }
        const keys = [...counts.keys()].filter((k) => k !== 0n).sort((a, b) => (a > b ? -1 : 1));
        if (keys.length > 0) {
          d.cpuFreq = keys.map((k) => `${counts.get(k)}x${cpuFrequency(Number(k) / 1000)}`).join(
            " ",
          );
        }
      } else d.cpuFreq = NOT_AVAILABLE;
      d.procs = n.processes ? String(n.processes.processes.length) : NOT_AVAILABLE;
      d.totalMem = n.memory
        ? humanizeIBytes((n.memory.meminfo?.memtotal ?? 0n) << 10n)
        : NOT_AVAILABLE;
    }
  }

  draw(box: Box, node: string): void {
    const d = this.#nodes.get(node);
    box.write(0, 0, [
      colored("green", SPINNER[this.#spin % SPINNER.length] + " "),
      seg(d.hostname, { fg: "yellow", bold: true }),
      seg(
        ` ${d.name} (${d.version}): uptime ${d.uptime}, ${d.cpuFreq}, ${d.totalMem} RAM, PROCS ${d.procs}, CPU ${d.cpu}, RAM ${d.mem}`,
      ),
    ]);
  }
}

/** The Talos pane: UUID, cluster, SideroLink, stage, readiness, SecureBoot. */
export class TalosInfo {
  readonly #nodes = new PerNode(() => ({
    uuid: NOT_AVAILABLE,
    cluster: NOT_AVAILABLE,
    siderolink: [seg(NOT_AVAILABLE)] as Line,
    stage: [seg(NOT_AVAILABLE)] as Line,
    ready: [seg(NOT_AVAILABLE)] as Line,
    machines: NOT_AVAILABLE,
    secureBoot: [seg(NOT_AVAILABLE)] as Line,
    members: new Set<string>(),
  }));

  onResource(c: Change): void {
    const d = this.#nodes.get(c.node);
    switch (c.type) {
      case "SystemInformations.hardware.talos.dev":
        d.uuid = c.deleted ? NOT_AVAILABLE : str(field(c.spec, "uuid"));
        break;
      case "Infos.cluster.talos.dev": {
        const name = str(field(c.spec, "clusterName"));
        d.cluster = c.deleted || name === "" ? NOT_AVAILABLE : name;
        break;
      }
      case "SiderolinkStatuses.siderolink.talos.dev":
        d.siderolink = c.deleted
          ? [seg(NOT_AVAILABLE)]
          : statusText(str(field(c.spec, "host")), field(c.spec, "connected") === true);
        break;
      case "MachineStatuses.runtime.talos.dev":
        d.stage = c.deleted ? [seg(NOT_AVAILABLE)] : status(str(field(c.spec, "stage")));
        d.ready = c.deleted
          ? [seg(NOT_AVAILABLE)]
          : status(field(field(c.spec, "status"), "ready") === true);
        break;
      case "SecurityStates.talos.dev":
        d.secureBoot = c.deleted
          ? [seg(NOT_AVAILABLE)]
          : status(field(c.spec, "secureBoot") === true);
        break;
      case "Members.cluster.talos.dev": {
        if (c.deleted) d.members.delete(c.id);
        else d.members.add(c.id);
        const n = d.members.size;
        d.machines = `(${n} machine${n === 1 ? "" : "s"})`;
        break;
      }
    }
  }

  draw(box: Box, node: string): void {
    const d = this.#nodes.get(node);
    drawFields(box.pad(1, 0, 0, 1), [
      ["UUID", d.uuid],
      ["CLUSTER", `${d.cluster} ${d.machines}`],
      ["SIDEROLINK", d.siderolink],
      ["STAGE", d.stage],
      ["READY", d.ready],
      ["SECUREBOOT", d.secureBoot],
    ]);
  }
}

/** Go's netip.Addr.Is4 for the addresses we get as text. */
const isV4 = (a: string) => /^\d+\.\d+\.\d+\.\d+$/.test(a);

/** The network pane: hostname, addresses, gateways, connectivity, resolvers, time servers. */
export class NetworkInfo {
  readonly #nodes = new PerNode(() => ({
    hostname: NOT_AVAILABLE,
    addresses: NOT_AVAILABLE,
    gateway: NOT_AVAILABLE,
    connectivity: [seg(NOT_AVAILABLE)] as Line,
    resolvers: NOT_AVAILABLE,
    timeservers: NOT_AVAILABLE,
    routed: undefined as string[] | undefined,
    routedNoK8s: undefined as string[] | undefined,
    routes: new Map<string, { gateway: string; dst: string }>(),
  }));

  onResource(c: Change): void {
    const d = this.#nodes.get(c.node);
    switch (c.type) {
      case "ResolverStatuses.net.talos.dev": {
        const xs = list(field(c.spec, "dnsServers"));
        d.resolvers = c.deleted ? NOT_AVAILABLE : xs.length === 0 ? NONE : xs.join(", ");
        break;
      }
      case "TimeServerStatuses.net.talos.dev": {
        const xs = list(field(c.spec, "timeServers"));
        d.timeservers = c.deleted ? NOT_AVAILABLE : xs.length === 0 ? NONE : xs.join(", ");
        break;
      }
      case "NetworkStatuses.net.talos.dev":
        d.connectivity = c.deleted
          ? [seg(NOT_AVAILABLE)]
          : field(c.spec, "connectivityReady") === true
          ? [colored("green", "√ OK")]
          : [colored("red", "× FAILED")];
        break;
      case "HostnameStatuses.net.talos.dev":
        d.hostname = c.deleted ? NOT_AVAILABLE : str(field(c.spec, "hostname"));
        break;
      case "RouteStatuses.net.talos.dev": {
        if (c.deleted) d.routes.delete(c.id);
        else {
          d.routes.set(c.id, {
            gateway: str(field(c.spec, "gateway")),
            dst: str(field(c.spec, "dst")),
          });
        }
        const gws = [...d.routes.values()].filter((r) => r.gateway !== "" && r.dst === "")
          .map((r) => r.gateway);
        const v4 = gws.filter(isV4).sort(), v6 = gws.filter((g) => !isV4(g)).sort();
        d.gateway = gws.length === 0 ? NOT_AVAILABLE : [...v4, ...v6].join(", ");
        break;
      }
      case "NodeAddresses.net.talos.dev": {
        const addrs = c.deleted ? undefined : list(field(c.spec, "addresses"));
        if (c.id === "routed") d.routed = addrs;
        else if (c.id === "routed-no-k8s") d.routedNoK8s = addrs;
        else break;
        const use = d.routedNoK8s ?? d.routed;
        d.addresses = use === undefined ? NOT_AVAILABLE : [...use].sort().join(", ");
        break;
      }
    }
  }

  draw(box: Box, node: string): void {
    const d = this.#nodes.get(node);
    drawFields(box.pad(1, 0, 0, 1), [
      ["HOST", d.hostname],
      ["IP", d.addresses],
      ["GW", d.gateway],
      ["CONNECTIVITY", d.connectivity],
      ["DNS", d.resolvers],
      ["NTP", d.timeservers],
    ]);
  }
}

/** The tag of an image reference ("" when it has none). */
export function imageTag(ref: string): string {
  const noDigest = ref.split("@")[0];
  const last = noDigest.slice(noDigest.lastIndexOf("/") + 1);
  const colon = last.indexOf(":");
  return colon < 0 ? "" : last.slice(colon + 1);
}

/** The Kubernetes pane, shown once a node's kubelet version is known. */
export class KubernetesInfo {
  readonly #nodes = new PerNode(() => ({
    controlPlane: false,
    type: NOT_AVAILABLE,
    version: NOT_AVAILABLE,
    kubelet: [seg(NOT_AVAILABLE)] as Line,
    pods: new Map<string, GoValue>(),
  }));

  configured(node: string): boolean {
    return this.#nodes.get(node).version !== NOT_AVAILABLE;
  }

  onResource(c: Change): void {
    const d = this.#nodes.get(c.node);
    switch (c.type) {
      case "KubeletSpecs.kubernetes.talos.dev":
      case "KubeletStatuses.kubernetes.talos.dev":
        d.version = c.deleted
          ? NOT_AVAILABLE
          : imageTag(str(field(c.spec, "image"))) || NOT_AVAILABLE;
        break;
      case "StaticPodStatuses.kubernetes.talos.dev":
        if (c.deleted) d.pods.delete(c.id);
        else d.pods.set(c.id, field(c.spec, "podStatus"));
        break;
      case "MachineTypes.config.talos.dev":
        d.controlPlane = !c.deleted && str(c.spec) === "controlplane";
        d.type = c.deleted ? NOT_AVAILABLE : str(c.spec);
        break;
    }
  }

  onData(data: ApiData): void {
    for (const [node, n] of data.nodes) {
      const kubelet = n.serviceList?.services.find((s) => s.id === "kubelet");
      if (kubelet) this.#nodes.get(node).kubelet = health(kubelet.health?.healthy === true);
    }
  }

  draw(box: Box, node: string): void {
    const d = this.#nodes.get(node);
    const fields: [string, Line | string][] = [
      ["TYPE", d.type],
      ["KUBERNETES", d.version],
      ["KUBELET", d.kubelet],
    ];
    if (d.controlPlane) {
      const na: Line = [seg(NOT_AVAILABLE)];
      const readiness = (st: GoValue): Line => {
        const conds = field(st, "conditions");
        if (!Array.isArray(conds)) return na;
        for (const cond of conds) {
          if (field(cond, "type") === "Ready") return health(field(cond, "status") === "True");
        }
        return na;
      };
      const ready = (name: string): Line => {
        let out = na;
        for (const [id, st] of d.pods) if (id.includes(name)) out = readiness(st);
        return out;
      };
      fields.push(
        ["APISERVER", ready("kube-apiserver")],
        ["CONTROLLER-MANAGER", ready("kube-controller-manager")],
        ["SCHEDULER", ready("kube-scheduler")],
      );
    }
    drawFields(box.pad(1, 0, 0, 1), fields);
  }
}

/** Warnings the node raises (Diagnostic resources), under a "Diagnostics" rule. */
export class Diagnostics {
  readonly #nodes = new PerNode(() => new Map<string, string>());

  height(node: string): number {
    const n = this.#nodes.get(node).size;
    return n === 0 ? 0 : 1 + n;
  }

  onResource(c: Change): void {
    if (c.type !== "Diagnostics.runtime.talos.dev") return;
    const d = this.#nodes.get(c.node);
    if (c.deleted) d.delete(c.id);
    else d.set(c.id, str(field(c.spec, "message")));
  }

  draw(box: Box, node: string): void {
    rule(box.sub(0, 0, box.w, 1), "Diagnostics");
    let y = 1;
    for (const [id, message] of this.#nodes.get(node)) {
      box.pad(0, 1, 0, 1).write(0, y++, [
        seg(`■ (https://talos.dev/diagnostic/${id}) `),
        colored("red", message),
      ]);
    }
  }
}

/** A horizontal rule with a label near its left end. */
export function rule(box: Box, label: string): void {
  box.fill("─", { fg: "white" });
  box.write(2, 0, ` ${label} `, { fg: "yellow" });
}

/** The NodeData of `node`, if the last round has it. */
export function nodeData(data: ApiData | undefined, node: string): NodeData | undefined {
  return data?.nodes.get(node);
}
