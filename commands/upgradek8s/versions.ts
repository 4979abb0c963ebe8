// Versions for upgrade-k8s: the upgrade path ("1.30->1.31") and the paths go-kubernetes
// supports, Talos/Kubernetes compatibility ranges.

import { compareSemver, parseTolerant, type SemVer as Semver, semverString } from "../semver.ts";

export class UpgradePath {
  readonly from: Semver;
  readonly to: Semver;
  readonly fromVersion: string;
  readonly toVersion: string;

  constructor(from: string, to: string) {
    this.fromVersion = from.replace(/^v+/, "");
    this.toVersion = to.replace(/^v+/, "");
    try {
      this.from = parseTolerant(this.fromVersion);
    } catch (e) {
      throw new Error(`error parsing from version: ${(e as Error).message}`);
    }
    try {
      this.to = parseTolerant(this.toVersion);
    } catch (e) {
      throw new Error(`error parsing to version: ${(e as Error).message}`);
    }
  }

  toString(): string {
    return `${this.from.major}.${this.from.minor}->${this.to.major}.${this.to.minor}`;
  }

  /** Same minor, or the next one, from 1.19 up to 1.37. */
  isSupported(): boolean {
    const f = this.from, t = this.to;
    if (f.major !== 1 || t.major !== 1 || f.minor < 19 || t.minor > 37) return false;
    return t.minor === f.minor || t.minor === f.minor + 1;
  }
}

/** Kubernetes versions each Talos minor supports: [minimum, maximum (exclusive)]. */
const TALOS_K8S: Record<string, [string, string]> = {
  "1.2": ["1.23.0", "1.25.99"],
  "1.3": ["1.24.0", "1.26.99"],
  "1.4": ["1.25.0", "1.27.99"],
  "1.5": ["1.26.0", "1.28.99"],
  "1.6": ["1.24.0", "1.29.99"],
  "1.7": ["1.25.0", "1.30.99"],
  "1.8": ["1.26.0", "1.31.99"],
  "1.9": ["1.27.0", "1.32.99"],
  "1.10": ["1.28.0", "1.33.99"],
  "1.11": ["1.29.0", "1.34.99"],
  "1.12": ["1.30.0", "1.35.99"],
  "1.13": ["1.31.0", "1.36.99"],
  "1.14": ["1.32.0", "1.37.99"],
  "1.15": ["1.33.0", "1.38.99"],
};

const core = (v: Semver): Semver => ({ ...v, pre: [], build: [] });

/** Whether Kubernetes `k8s` runs on Talos `talos`; the error as upstream words it. */
export function supportedWith(k8s: Semver, talos: Semver): string | undefined {
  const range = TALOS_K8S[`${talos.major}.${talos.minor}`];
  if (!range) return `compatibility with version ${semverString(talos)} is not supported`;
  const [min, max] = range.map(parseTolerant);
  if (compareSemver(core(k8s), min) < 0) {
    return `version of Kubernetes ${semverString(k8s)} is too old to be used with Talos ${
      semverString(talos)
    }`;
  }
  if (compareSemver(core(k8s), max) >= 0) {
    return `version of Kubernetes ${semverString(k8s)} is too new to be used with Talos ${
      semverString(talos)
    }`;
  }
  return undefined;
}

/** The tag of an image reference ("registry.k8s.io/kube-apiserver:v1.30.0" -> "v1.30.0"). */
export function versionFromImageRef(image: string): string | undefined {
  const noDigest = image.split("@")[0];
  const slash = noDigest.lastIndexOf("/");
  const colon = noDigest.lastIndexOf(":");
  return colon > slash ? noDigest.slice(colon + 1) : undefined;
}
