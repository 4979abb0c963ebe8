// `<node>/dependencies.dot`: the controller runtime's dependency graph with the live resources,
// drawn as `inspect dependencies --with-resources` draws it.

import { errorText, filterMessages } from "../../rpc/mod.ts";
import type { NodeAccess } from "./collectors.ts";
import type { Spool } from "./spool.ts";

export function dependenciesCollector(a: NodeAccess): (out: Spool) => Promise<boolean> {
  return async (out) => {
    a.log("inspecting controller runtime");
    let reply;
    try {
      reply = await a.client.inspect.controllerRuntimeDependencies({}, a.options);
    } catch (e) {
      throw new Error(`error getting controller runtime dependencies: ${errorText(e)}`);
    }
    const edges = filterMessages(reply.messages).messages.flatMap((m) => m.edges);
    const { withResources } = await import("../inspect_run.ts");
    const graph = await withResources(a.client, a.options, edges);
    await out.writeText(graph.toString());
    return true;
  };
}
