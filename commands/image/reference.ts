// Image references read as go-containerregistry's name package reads them (weak validation):
// [registry/]repository[:tag][@digest]; Docker Hub's defaults ("index.docker.io", "library/",
// tag "latest") filled in.

export const DEFAULT_REGISTRY = "index.docker.io";
const DEFAULT_TAG = "latest";

/** A bad reference: go-containerregistry's ErrBadName (never retried). */
export class BadNameError extends Error {
  override name = "BadNameError";
}

export interface Reference {
  /** The registry host[:port] ("index.docker.io" for Docker Hub). */
  registry: string;
  /** The repository path, with "library/" for Docker Hub's official images. */
  repository: string;
  /** The tag ("" when the reference is by digest only). */
  tag: string;
  /** "sha256:..." when the reference pins a digest. */
  digest: string;
  /** The text as given. */
  original: string;
}

const REPO_PART = /^[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

function splitRegistry(name: string): [string, string] {
  const slash = name.indexOf("/");
  if (slash > 0) {
    const first = name.slice(0, slash);
    if (/[.:]/.test(first) || first === "localhost") return [first, name.slice(slash + 1)];
  }
  return ["", name];
}

function checkRepository(repo: string): void {
  if (repo.length > 255) {
    throw new BadNameError(`repository must be between 1 and 255 characters in length: ${repo}`);
  }
  for (const part of repo.split("/")) {
    if (!REPO_PART.test(part)) {
      throw new BadNameError(
        `repository can only contain the characters \`abcdefghijklmnopqrstuvwxyz0123456789_-./\`: ${repo}`,
      );
    }
  }
}

/** name.ParseReference: a tag or a digest reference (a digest wins when both are given). */
export function parseReference(s: string): Reference {
  let rest = s;
  let digest = "";
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw new BadNameError(`could not parse reference: ${s}`);
  }
  let tag = "";
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw new BadNameError(`could not parse reference: ${s}`);
  }
  let [registry, repo] = splitRegistry(rest);
  if (repo === "") throw new BadNameError(`could not parse reference: ${s}`);
  try {
    checkRepository(repo);
  } catch {
    throw new BadNameError(`could not parse reference: ${s}`);
  }
  if (registry === "" || registry === "docker.io") registry = DEFAULT_REGISTRY;
  if (registry === DEFAULT_REGISTRY && !repo.includes("/")) repo = `library/${repo}`;
  if (!digest && !tag) tag = DEFAULT_TAG;
  return { registry, repository: repo, tag, digest, original: s };
}

/** Repository.Name(): registry/repository. */
export function repositoryName(r: Reference): string {
  return `${r.registry}/${r.repository}`;
}

/** The reference as go-containerregistry prints it: the original text. */
export function referenceString(r: Reference): string {
  return r.original;
}

/**
 * The registry's folder name in the image cache: Docker Hub as "docker.io" (unless the reference
 * spelt "index.docker.io/"), and ":port" as "_port_" (vfat has no colons).
 */
export function cacheRegistryName(registry: string, original: string): string {
  if (registry === DEFAULT_REGISTRY && !original.startsWith(DEFAULT_REGISTRY + "/")) {
    return "docker.io";
  }
  const i = registry.lastIndexOf(":");
  return i > 0 ? `${registry.slice(0, i)}_${registry.slice(i + 1)}_` : registry;
}

/** The URL schemes tried, in order: loopback, localhost and private addresses may be plain HTTP. */
export function schemes(registry: string, insecure: boolean): string[] {
  const host = registry.replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
  const local = insecure || host === "localhost" || /^127\./.test(host) || host === "::1" ||
    /^10\./.test(host) || /^192\.168\./.test(host) || /^172\.(1[6-9]|2\d|3[01])\./.test(host) ||
    host.endsWith(".local");
  return local ? ["https", "http"] : ["https"];
}
