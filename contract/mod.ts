// Version contracts: which Talos release's config format, defaults and secrets to produce.
// A leaf module (it imports only errors.ts), so pki/ and machineconfig/ can both use it.
// `--talos-version v1.5` (or v1.5.3) selects contract 1.5; features switch on contract ranges.

import { UserError } from "../errors.ts";

/** The Talos release whose API, defaults and behaviour we track. */
export const TALOS_VERSION = "v1.13.9";

export interface VersionContract {
  major: number;
  minor: number;
}

function parse(version: string): VersionContract | undefined {
  const m = /^v(\d+)\.(\d+)($|\.)/.exec("v" + version.replace(/^v/, ""));
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

/** The contract of the Talos release we track. */
export const CURRENT_CONTRACT: VersionContract = parse(TALOS_VERSION)!;

/** Parses `[v]X.Y[.Z...]` as upstream does (a missing leading "v" is added first). */
export function parseContract(version: string): VersionContract {
  const c = parse(version);
  if (!c) {
    const v = "v" + version.replace(/^v/, "");
    throw new UserError(`invalid talos-version: error parsing version ${JSON.stringify(v)}`);
  }
  return c;
}

/**
 * The contract a `--talos-version` value asks for. Upstream's contract comparisons treat 0.0
 * (e.g. v0.0) as no contract at all, which is the current release; so does an empty value.
 * `unversioned` tells that case apart from an explicit current version.
 */
export function contractFor(version: string): { contract: VersionContract; unversioned: boolean } {
  const c = version === "" ? { major: 0, minor: 0 } : parseContract(version);
  return { contract: effectiveContract(c), unversioned: c.major === 0 && c.minor === 0 };
}

/** `c`, except that 0.0 (upstream's "no contract") is the current release. */
export function effectiveContract(c: VersionContract): VersionContract {
  return c.major === 0 && c.minor === 0 ? CURRENT_CONTRACT : c;
}

/** True when `c` is at least `major.minor`. */
export function atLeast(c: VersionContract, major: number, minor: number): boolean {
  return c.major > major || (c.major === major && c.minor >= minor);
}
