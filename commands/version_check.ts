// The checks talosctl runs before acting on nodes: the client-vs-server skew warning (get, edit,
// patch, reboot, ...) and "is every node in this version range" (which picks the upgrade API).

import type { Deps } from "./deps.ts";
import type { Session } from "./session.ts";
import { TALOS_VERSION } from "./version_info.ts";
import { errorText, NodeError, UserError } from "./kit.ts";
import { compareSemver, inRange, parseTolerant, type SemVer, semverString } from "./semver.ts";

/**
 * The Talos version of every node (Version per node), parsed, in arrival order; the failures:
 * the calls', then the versions that do not parse.
 */
async function nodeVersions(session: Session): Promise<{
  versions: { node: string; v: SemVer }[];
  errors: string[];
}> {
  const tags: { node: string; tag: string }[] = [];
  const errors: string[] = [];
  const failed = await session.unary(
    ({ client, options }) => client.machine.version({}, options),
    (node, messages) => {
      for (const m of messages) tags.push({ node, tag: m.version?.tag ?? "" });
    },
  );
  for (const e of failed) {
    if (e instanceof NodeError) {
      errors.push(`${e.node}: error getting server version: ${errorText(e.cause)}`);
    } else errors.push(e.message);
  }
  const versions: { node: string; v: SemVer }[] = [];
  for (const { node, tag } of tags) {
    try {
      versions.push({ node, v: parseTolerant(tag) });
    } catch (e) {
      errors.push(`${node}: error parsing server version: ${errorText(e)}`);
    }
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
  for (const { node, v } of versions) {
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
  for (const { node, v } of versions) {
    if (!inRange(v, range)) {
      outside.push(`${node}: server version ${semverString(v)} is outside the desired range`);
    }
  }
  return { outside, errors };
}
