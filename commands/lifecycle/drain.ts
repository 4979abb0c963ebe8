// Draining Kubernetes nodes around a reboot (reboot --drain, upgrade --drain).

import type { RunContext } from "../spec.ts";
import type { Session } from "../session.ts";
import type { Reporter } from "./reporter.ts";
import { UserError } from "../../errors.ts";

/** Cordons and drains the nodes, runs `inner`, then uncordons them once they are Ready. */
export async function drainAround(
  _ctx: RunContext,
  _session: Session,
  _reporter: Reporter,
  _inner: () => Promise<void>,
): Promise<void> {
  await Promise.resolve();
  throw new UserError("draining Kubernetes nodes is not supported yet: use --drain=false");
}
