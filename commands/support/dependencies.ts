// `<node>/dependencies.dot`: the controller runtime graph with resources, as `inspect
// dependencies --with-resources` draws it. (Filled in once that command lands.)

import type { NodeAccess } from "./collectors.ts";
import type { Spool } from "./spool.ts";

export function dependenciesCollector(
  _a: NodeAccess,
): ((out: Spool) => Promise<boolean>) | undefined {
  return undefined;
}
