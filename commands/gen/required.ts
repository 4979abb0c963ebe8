// cobra's MarkFlagRequired for the gen PKI commands: checked before running, all missing flags
// named at once in flag-name order, e.g. `required flag(s) "ca", "csr" not set`.

import { UserError } from "../../errors.ts";
import type { RunContext } from "../spec.ts";

export function requireFlags(ctx: RunContext, names: string[]): void {
  const missing = [...names].sort().filter((n) => !ctx.changed.has(n));
  if (missing.length > 0) {
    throw new UserError(`required flag(s) "${missing.join('", "')}" not set`);
  }
}
