// Versions on blang/semver's rules (the one semver of the project), and the checks talosctl runs
// before acting on nodes: the client-vs-server skew warning (get, edit, patch, reboot, ...) and
// "is every node in this version range" (which picks the upgrade API).

import type { Deps } from "./deps.ts";
import type { Session } from "./session.ts";
import { TALOS_VERSION } from "./version_info.ts";
import { errorText, NodeError, UserError } from "./kit.ts";

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  pre: string[];
  build: string[];
}

/** blang/semver ParseTolerant: spaces and a leading "v" dropped, "1.2" read as "1.2.0". */
export function parseTolerant(input: string): SemVer {
  let s = input.trim().replace(/^v/, "");
  const parts = s.split(".");
  if (parts.length < 3) {
    if (/[+-]/.test(parts[parts.length - 1])) {
      throw new Error("Short version cannot contain PreRelease/Build meta data");
    }
    while (parts.length < 3) parts.push("0");
    s = parts.map((p) => p.replace(/^0+(?=\d)/, "")).join(".");
  }
  return parseStrict(s);
}

function parseStrict(s: string): SemVer {
  const m = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$/.exec(s);
  if (!m) {
    if (s === "") throw new Error("Version string empty");
    throw new Error(`Invalid character(s) found in version ${JSON.stringify(s)}`);
  }
  for (const n of [m[1], m[2], m[3]]) {
    if (n.length > 1 && n.startsWith("0")) {
      throw new Error(`Invalid leading zero in version ${JSON.stringify(n)}`);
    }
  }
  return {
    major: Number(m[1]),
    minor: Number(m[2]),
    patch: Number(m[3]),
    pre: m[4] ? m[4].split(".") : [],
    build: m[5] ? m[5].split(".") : [],
  };
}

/** Version.String(): without the "v". */
export function semverString(v: SemVer): string {
  let s = `${v.major}.${v.minor}.${v.patch}`;
  if (v.pre.length > 0) s += "-" + v.pre.join(".");
  if (v.build.length > 0) s += "+" + v.build.join(".");
  return s;
}

export function compareSemver(a: SemVer, b: SemVer): number {
  for (const k of ["major", "minor", "patch"] as const) {
    if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  }
  if (a.pre.length === 0 || b.pre.length === 0) {
    return a.pre.length === b.pre.length ? 0 : a.pre.length === 0 ? 1 : -1;
  }
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const x = a.pre[i], y = b.pre[i];
    const xn = /^\d+$/.test(x), yn = /^\d+$/.test(y);
    if (xn && yn) {
      if (Number(x) !== Number(y)) return Number(x) < Number(y) ? -1 : 1;
    } else if (xn !== yn) {
      return xn ? -1 : 1;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return Math.sign(a.pre.length - b.pre.length);
}

/** A range such as ">1.13.0-alpha.2 <2.0.0": every condition must hold. */
export function inRange(v: SemVer, range: string): boolean {
  return range.split(/\s+/).filter((c) => c !== "").every((c) => {
    const m = /^(>=|<=|>|<|=|!=)?(.+)$/.exec(c)!;
    const d = compareSemver(v, parseTolerant(m[2]));
    switch (m[1] ?? "=") {
      case ">":
        return d > 0;
      case ">=":
        return d >= 0;
      case "<":
        return d < 0;
      case "<=":
        return d <= 0;
      case "!=":
        return d !== 0;
      default:
        return d === 0;
    }
  });
}

/** The Talos version of every node (Version per node), in arrival order, and the failures. */
async function nodeVersions(session: Session): Promise<{
  versions: { node: string; tag: string }[];
  errors: string[];
}> {
  const versions: { node: string; tag: string }[] = [];
  const errors: string[] = [];
  const failed = await session.unary(
    ({ client, options }) => client.machine.version({}, options),
    (node, messages) => {
      for (const m of messages) versions.push({ node, tag: m.version?.tag ?? "" });
    },
  );
  for (const e of failed) {
    if (e instanceof NodeError) {
      errors.push(`${e.node}: error getting server version: ${errorText(e.cause)}`);
    } else errors.push(e.message);
  }
  return { versions, errors };
}

/**
 * talosctl's ClientVersionCheck: warns (one stderr line) about nodes older than this client; a
 * node whose version cannot be read fails the command, before anything else is done.
 */
export async function clientVersionCheck(session: Session, deps: Deps): Promise<void> {
  const { versions, errors } = await nodeVersions(session);
  const client = parseTolerant(TALOS_VERSION);
  const warnings: string[] = [];
  for (const { node, tag } of versions) {
    let v: SemVer;
    try {
      v = parseTolerant(tag);
    } catch (e) {
      errors.push(`${node}: error parsing server version: ${errorText(e)}`);
      continue;
    }
    if (compareSemver(v, client) < 0) {
      warnings.push(
        `${node}: server version ${semverString(v)} is older than client version ${
          semverString(client)
        }`,
      );
    }
  }
  if (warnings.length > 0) await deps.io.stderr.write(`WARNING: ${warnings.join(", ")}\n`);
  if (errors.length > 0) throw new UserError(errors.join("\n"));
}

/**
 * talosctl's TalosVersionCheck: `outside` lists the nodes whose version is not in `range`,
 * `errors` the other failures.
 */
export async function talosVersionCheck(
  session: Session,
  range: string,
): Promise<{ outside: string[]; errors: string[] }> {
  const { versions, errors } = await nodeVersions(session);
  const outside: string[] = [];
  for (const { node, tag } of versions) {
    let v: SemVer;
    try {
      v = parseTolerant(tag);
    } catch (e) {
      errors.push(`${node}: error parsing server version: ${errorText(e)}`);
      continue;
    }
    if (!inRange(v, range)) {
      outside.push(`${node}: server version ${semverString(v)} is outside the desired range`);
    }
  }
  return { outside, errors };
}
