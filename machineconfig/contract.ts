// Version contracts: which Talos release's config format and defaults to generate.
// `--talos-version v1.5` (or v1.5.3) selects contract 1.5; features switch on contract ranges.

import { UserError } from "../errors.ts";

export interface VersionContract {
  major: number;
  minor: number;
}

/** The contract of the Talos release we track (see commands/version_info.ts). */
export const CURRENT_CONTRACT: VersionContract = { major: 1, minor: 13 };

/** Parses `[v]X.Y[.Z...]` as upstream does (a missing leading "v" is added first). */
export function parseContract(version: string): VersionContract {
  const v = "v" + version.replace(/^v/, "");
  const m = /^v(\d+)\.(\d+)($|\.)/.exec(v);
  if (!m) {
    throw new UserError(`invalid talos-version: error parsing version ${JSON.stringify(v)}`);
  }
  return { major: Number(m[1]), minor: Number(m[2]) };
}

/** True when `c` is at least `major.minor`. */
export function atLeast(c: VersionContract, major: number, minor: number): boolean {
  return c.major > major || (c.major === major && c.minor >= minor);
}
