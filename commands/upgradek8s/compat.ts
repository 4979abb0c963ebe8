// Talos versions of the nodes an upgrade touches, checked against the target Kubernetes version
// (upstream's VerifyVersionCompatibility): every node asked at once, the first failure wins;
// then each node's compatibility in node order; then the lowest Talos version, which decides how
// the manifests are synced.

import { errorText, goQuote } from "../kit.ts";
import type { NodeTarget } from "../session.ts";
import { compareSemver, parseTolerant, type SemVer, semverString } from "../semver.ts";
import { supportedWith } from "./versions.ts";

export interface NodeVersion {
  node: string;
  version: SemVer;
}

/** Every node's Talos version; rejects with the first failure ("node "x": ..."). */
export function nodesTalosVersions(
  nodes: string[],
  talos: (node: string) => NodeTarget,
): Promise<NodeVersion[]> {
  return Promise.all(nodes.map(async (node) => {
    const t = talos(node);
    try {
      const resp = await t.client.machine.version({}, t.options);
      return { node, version: parseTolerant(resp.messages[0]?.version?.tag ?? "") };
    } catch (e) {
      throw new Error(`node ${goQuote(node)}: ${errorText(e)}`);
    }
  }));
}

/** The first node whose Talos does not support Kubernetes `k8s`, as upstream words it. */
export function checkCompatibility(k8s: string, versions: NodeVersion[]): string | undefined {
  const v = parseTolerant(k8s);
  for (const nv of versions) {
    const err = supportedWith(v, nv.version);
    if (err) return `node ${goQuote(nv.node)}: ${err}`;
  }
  return undefined;
}

/** The lowest version (the first of equals), or undefined for no nodes. */
export function minimumTalosVersion(versions: NodeVersion[]): SemVer | undefined {
  let min: NodeVersion | undefined;
  for (const nv of versions) if (!min || compareSemver(nv.version, min.version) < 0) min = nv;
  return min?.version;
}

/** Talos 1.13 and later sync the bootstrap manifests with server-side apply. */
export function supportsSSAManifestSync(v: SemVer): boolean {
  return v.major > 1 || (v.major === 1 && v.minor >= 13);
}

/**
 * Checks every node and logs "> "node": Talos version X is compatible ..." for each; returns the
 * lowest Talos version.
 */
export async function verifyVersionCompatibility(
  nodes: string[],
  talos: (node: string) => NodeTarget,
  k8s: string,
  log: (line: string) => Promise<void>,
): Promise<{ versions: NodeVersion[]; min: SemVer | undefined }> {
  const versions = await nodesTalosVersions(nodes, talos);
  const err = checkCompatibility(k8s, versions);
  if (err) throw new Error(err);
  const min = minimumTalosVersion(versions);
  for (const nv of versions) {
    await log(
      `> ${goQuote(nv.node)}: Talos version ${
        semverString(nv.version)
      } is compatible with Kubernetes version ${k8s}`,
    );
  }
  return { versions, min };
}
