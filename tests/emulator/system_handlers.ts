// machined's process, memory, mount and container RPCs over a node's simulated state
// (system.ts): Processes, Memory, Mounts, Containers, Stats and Restart.

import { Code, ConnectError } from "@connectrpc/connect";
import { MachineService } from "../../gen/machine/machine_pb.ts";
import { ContainerDriver } from "../../gen/common/common_pb.ts";
import type { Emulator, NodeCall } from "./server.ts";
import { nodeSystem, type SimContainer } from "./system.ts";

/** machined's getContainerInspector checks, then the namespace's containers. */
function inspect(call: NodeCall, namespace: string, driver: ContainerDriver): SimContainer[] {
  if (namespace === "") {
    throw new ConnectError("namespace can't be empty", Code.InvalidArgument);
  }
  if (driver === ContainerDriver.CRI && namespace !== "k8s.io") {
    throw new ConnectError("CRI inspector is supported only for K8s namespace", Code.Unknown);
  }
  if (driver !== ContainerDriver.CRI && driver !== ContainerDriver.CONTAINERD) {
    throw new ConnectError(
      `unsupported driver ${JSON.stringify(ContainerDriver[driver] ?? String(driver))}`,
      Code.InvalidArgument,
    );
  }
  return nodeSystem(call.node).containers[namespace] ?? [];
}

export function registerSystemHandlers(emu: Emulator): void {
  const M = MachineService.method;

  emu.handle(M.processes, (_req, call) => ({
    messages: [{ processes: nodeSystem(call.node).processes.map((p) => ({ ...p })) }],
  }));

  emu.handle(M.memory, (_req, call) => ({
    messages: [{ meminfo: { ...nodeSystem(call.node).meminfo } }],
  }));

  emu.handle(M.mounts, (_req, call) => {
    const sys = nodeSystem(call.node);
    if (sys.mountsError) throw new ConnectError(sys.mountsError, Code.Unknown);
    return { messages: [{ stats: sys.mounts.map((m) => ({ ...m })) }] };
  });

  emu.handle(M.containers, (req, call) => ({
    messages: [{
      containers: inspect(call, req.namespace, req.driver).map((c) => ({
        namespace: req.namespace,
        id: c.id,
        internalId: c.internalId,
        uid: c.uid,
        podId: c.podId,
        name: c.name,
        image: c.image,
        pid: c.pid,
        status: c.status,
        networkNamespace: c.networkNamespace,
      })),
    }],
  }));

  emu.handle(M.stats, (req, call) => ({
    messages: [{
      stats: inspect(call, req.namespace, req.driver)
        .filter((c) => c.memoryUsage !== undefined)
        .map((c) => ({
          namespace: req.namespace,
          id: c.id,
          podId: c.podId,
          name: c.name,
          memoryUsage: c.memoryUsage,
          cpuUsage: c.cpuUsage ?? 0n,
        })),
    }],
  }));

  emu.handle(M.restart, (req, call) => {
    const c = inspect(call, req.namespace, req.driver).find((x) => x.id === req.id);
    if (!c) throw new ConnectError(`container ${JSON.stringify(req.id)} not found`, Code.Unknown);
    c.restarts++;
    return { messages: [{}] };
  });
}
