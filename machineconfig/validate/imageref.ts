// Container image references as go-containerregistry's name.ParseReference reads them (weak
// validation, the mode Talos uses): a reference is a tag reference ("repo[:tag]", default tag
// "latest") or, failing that, a digest reference ("repo@sha256:<64 hex>"); otherwise it is
// rejected. Only the outcome matters to callers: upstream reports a single fixed message.

const TAG_CHARS = /^[A-Za-z0-9_.-]+$/;
const REPO_CHARS = /^[a-z0-9_./-]+$/;
// Characters url.Parse accepts in a host (RFC 3986 unreserved + sub-delims, ':' and brackets).
const HOST_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:[\]<>"]*$/;

const runeCount = (s: string) => [...s].length;

/** url.Parse("//" + name).Host == name, as name.NewRegistry checks a registry. */
function registryOK(name: string): boolean {
  if (!HOST_CHARS.test(name)) return false;
  let port: string;
  if (name.startsWith("[")) {
    const close = name.lastIndexOf("]");
    if (close < 0) return false;
    port = name.slice(close + 1);
  } else {
    const colon = name.lastIndexOf(":");
    port = colon < 0 ? "" : name.slice(colon);
  }
  return port === "" || /^:\d*$/.test(port);
}

function repositoryOK(name: string): boolean {
  if (name.length === 0) return false;
  const parts = name.split("/");
  const head = parts[0];
  let repo = name;
  if (parts.length > 1 && (head === "localhost" || /[.:]/.test(head))) {
    repo = name.slice(head.length + 1);
    if (!registryOK(head)) return false;
  }
  const n = runeCount(repo);
  return n >= 1 && n <= 255 && REPO_CHARS.test(repo);
}

function tagOK(name: string): boolean {
  const parts = name.split(":");
  let base = name;
  if (parts.length > 1 && !parts[parts.length - 1].includes("/")) {
    const tag = parts[parts.length - 1];
    if (tag === "" || runeCount(tag) > 128 || !TAG_CHARS.test(tag)) return false;
    base = parts.slice(0, -1).join(":");
  }
  return repositoryOK(base);
}

function digestOK(name: string): boolean {
  const parts = name.split("@");
  if (parts.length !== 2) return false;
  if (!/^sha256:[a-f0-9]{64}$/.test(parts[1])) return false;
  let base = parts[0];
  if (tagOK(base)) {
    // The repository part of a tag reference: drop a trailing ":tag".
    const last = base.split(":").pop()!;
    if (base.includes(":") && !last.includes("/")) base = base.slice(0, -(last.length + 1));
  }
  return repositoryOK(base);
}

/** How ParseReference reads `ref`: a tag reference, a digest reference, or invalid (null). */
export function parseImageReference(ref: string): "tag" | "digest" | null {
  if (tagOK(ref)) return "tag";
  if (digestOK(ref)) return "digest";
  return null;
}
