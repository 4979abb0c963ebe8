// Emulated MachineService/LogsContainers: the IDs of the logs the node keeps (machined answers
// with its registered logs, one message).

import { MachineService } from "../../gen/machine/machine_pb.ts";
import type { Emulator, NodeCall } from "./server.ts";

export function registerLogsContainersHandlers(emu: Emulator): void {
  emu.handle(MachineService.method.logsContainers, (_req, call: NodeCall) => ({
    messages: [{ ids: [...call.node.logs.keys()] }],
  }));
}
