// talosctl's client version check (helpers.ClientVersionCheck), run by commands that read or
// change node state through newer APIs (get, edit, patch, reboot, ...): every node's version is
// asked for; a node older than this client gives one WARNING line on stderr, a node that cannot
// answer fails the command before anything else is done.

import { TALOS_VERSION } from "./version_info.ts";
import type { Session } from "./session.ts";
import type { RunContext } from "./spec.ts";
import { UserError } from "../errors.ts";
import { toRpcError } from "../rpc/errors.ts";

interface SemVer {
  major: bigint;
  minor: bigint;
  patch: bigint;
  pre: string[];
  build: string[];
}

/** blang/semver's ParseTolerant: a leading "v" and missing minor/patch are accepted. */
export function parseTolerant(s: string): SemVer | undefined {
  let t = s.trim().replace(/^v/, "");
  const core = t.split(/[-+]/)[0];
  const dots = core.split(".").length;
  if (dots < 3) {
    const rest = t.slice(core.length);
    t = core + ".0".repeat(3 - dots) + rest;
  }
  const m =
    /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$/
      .exec(t);
  if (!m) return undefined;
  return {
    major: BigInt(m[1]),
    minor: BigInt(m[2]),
    patch: BigInt(m[3]),
    pre: m[4] ? m[4].split(".") : [],
    build: m[5] ? m[5].split(".") : [],
  };
}

export function semverString(v: SemVer): string {
  let s = `${v.major}.${v.minor}.${v.patch}`;
  if (v.pre.length) s += "-" + v.pre.join(".");
  if (v.build.length) s += "+" + v.build.join(".");
  return s;
}

/** Semantic-version precedence (build metadata ignored). */
export function compareSemver(a: SemVer, b: SemVer): number {
  for (const k of ["major", "minor", "patch"] as const) {
    if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  }
  if (a.pre.length === 0 || b.pre.length === 0) {
    return a.pre.length === b.pre.length ? 0 : a.pre.length === 0 ? 1 : -1;
  }
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const x = a.pre[i], y = b.pre[i];
    if (x === y) continue;
    const nx = /^\d+$/.test(x), ny = /^\d+$/.test(y);
    if (nx && ny) return BigInt(x) < BigInt(y) ? -1 : 1;
    if (nx !== ny) return nx ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return Math.sign(a.pre.length - b.pre.length);
}

/**
 * Asks every node of the session for its version. Warns (one line) about nodes older than
 * this client; throws the joined per-node errors when a node cannot answer.
 */
export async function clientVersionCheck(ctx: RunContext, session: Session): Promise<void> {
  const client = parseTolerant(TALOS_VERSION)!;
  const warnings: string[] = [];
  const errors: string[] = [];
  await Promise.all(session.nodes.map(async (node) => {
    let tags: string[];
    try {
      const t = session.forNode(node);
      const reply = await t.client.machine.version({}, t.options);
      tags = reply.messages.map((m) => m.version?.tag ?? "");
    } catch (e) {
      const msg = e instanceof UserError ? e.message : toRpcError(e).message;
      errors.push(`${node}: error getting server version: ${msg}`);
      return;
    }
    for (const tag of tags) {
      const server = parseTolerant(tag);
      if (!server) {
        errors.push(
          `${node}: error parsing server version: ${semverParseError(tag)}`,
        );
        continue;
      }
      if (compareSemver(server, client) < 0) {
        warnings.push(
          `${node}: server version ${semverString(server)} is older than client version ${
            semverString(client)
          }`,
        );
      }
    }
  }));
  if (warnings.length > 0) await ctx.deps.io.stderr.write(`WARNING: ${warnings.join(", ")}\n`);
  if (errors.length > 0) throw new UserError(errors.join("\n"));
}

/** blang/semver's errors for the common cases. */
function semverParseError(tag: string): string {
  const t = tag.trim().replace(/^v/, "");
  if (t === "") return "Version string empty";
  const core = t.split(/[-+]/)[0].split(".");
  for (const part of core) {
    if (!/^\d+$/.test(part)) return `Invalid character(s) found in major number "${core[0]}"`;
  }
  return `Invalid version "${t}"`;
}
