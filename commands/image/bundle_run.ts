// The bodies of `image k8s-bundle|talos-bundle|integration`.

import type { RunContext } from "../spec.ts";
import { UserError } from "../../errors.ts";
import { goQuote } from "../../gofmt/quote.ts";
import * as d from "./defaults.ts";
import { parseTolerantSemver, semverFlagValue } from "./semver.ts";

function lines(items: string[]): string {
  return items.map((s) => s + "\n").join("");
}

/** The Kubernetes images of a default cluster, versions from the flags. */
export async function k8sBundleRun(ctx: RunContext): Promise<void> {
  const v = (flag: string, def: string) => semverFlagValue(ctx.flags[flag] as string, def);
  const k8s = v("k8s-version", "v" + d.DEFAULT_KUBERNETES_VERSION);
  await ctx.deps.io.stdout.write(lines([
    `${d.FLANNEL_IMAGE}:${v("flannel-version", d.FLANNEL_VERSION)}`,
    `${d.COREDNS_IMAGE}:${v("coredns-version", d.DEFAULT_COREDNS_VERSION)}`,
    `${d.ETCD_IMAGE}:${v("etcd-version", d.DEFAULT_ETCD_VERSION)}`,
    d.PAUSE_IMAGE,
    `${d.API_SERVER_IMAGE}:${k8s}`,
    `${d.CONTROLLER_MANAGER_IMAGE}:${k8s}`,
    `${d.SCHEDULER_IMAGE}:${k8s}`,
    `${d.KUBE_PROXY_IMAGE}:${k8s}`,
    `${d.KUBELET_IMAGE}:${k8s}`,
    `${d.KUBE_NETWORK_POLICIES_IMAGE}:${
      v("kube-network-policies-version", d.KUBE_NETWORK_POLICIES_VERSION)
    }`,
  ]));
}

const BUNDLE_MINIMUM = "1.11.0-alpha.0";
const LEGACY_INSTALLER_BEFORE = "1.14.0-alpha.0";

/** The talos-bundle argument check: a "v"-prefixed semver in [minimum, next minor of ours). */
async function checkTag(tag: string): Promise<void> {
  const { compareSemver, parseTolerant } = await import("../semver.ts");
  const ours = parseTolerant(d.TALOS_VERSION);
  const maximum = `${ours.major}.${ours.minor + 1}.0`;
  const q = goQuote(tag);
  if (!tag.startsWith("v")) throw new UserError(`invalid tag ${q}: must have "v" prefix`);
  let v;
  try {
    v = parseTolerant(parseTolerantSemver(tag));
  } catch {
    throw new UserError(`invalid argument ${q}: tag must be a valid semver`);
  }
  if (
    compareSemver(v, parseTolerant(BUNDLE_MINIMUM)) < 0 ||
    compareSemver(v, parseTolerant(maximum)) >= 0
  ) {
    throw new UserError(
      `invalid tag ${q}: must be between v${BUNDLE_MINIMUM} (inclusive) and v${maximum} (exclusive)`,
    );
  }
}

/** Talos's own images for a release, then its official extensions and overlays (by digest). */
export async function talosBundleRun(ctx: RunContext): Promise<void> {
  if (ctx.args.length > 0) await checkTag(ctx.args[0]);
  const tag = ctx.args[0] ?? d.TALOS_VERSION;
  const { compareSemver, parseTolerant } = await import("../semver.ts");
  const out: string[] = [];
  const repo = (name: string) => `${d.IMAGES_PREFIX}/${name}:${tag}`;
  if (compareSemver(parseTolerant(tag), parseTolerant(LEGACY_INSTALLER_BEFORE)) < 0) {
    out.push(repo("installer"));
  }
  out.push(
    repo("installer-base"),
    repo("imager"),
    repo("talos"),
    repo("talosctl-all"),
    repo("overlays"),
    repo("extensions"),
  );
  await ctx.deps.io.stdout.write(lines(out));
  const digested: string[] = [];
  const wantExtensions = ctx.flags.extensions as boolean;
  const wantOverlays = ctx.flags.overlays as boolean;
  if (!wantExtensions && !wantOverlays) return;
  const { officialExtensions, officialOverlays } = await import("./artifacts.ts");
  const o = {
    env: ctx.deps.env,
    home: ctx.deps.home,
    insecure: false,
    signal: ctx.deps.signal,
  };
  if (wantExtensions) {
    try {
      digested.push(...await officialExtensions(o, tag));
    } catch (e) {
      throw new UserError(`error fetching official extensions for ${tag}: ${(e as Error).message}`);
    }
  }
  if (wantOverlays) {
    try {
      digested.push(...await officialOverlays(o, tag));
    } catch (e) {
      throw new UserError(`error fetching official overlays for ${tag}: ${(e as Error).message}`);
    }
  }
  await ctx.deps.io.stdout.write(lines(sortCompact(digested)));
}

/** slices.Sort (byte order) then slices.Compact. */
function sortCompact(items: string[]): string[] {
  const sorted = [...items].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted.filter((s, i) => i === 0 || s !== sorted[i - 1]);
}

/** The images Talos's integration tests pull, plus those piped in (some filtered out). */
export async function integrationRun(ctx: RunContext): Promise<void> {
  const { requireFlags } = await import("../gen/required.ts");
  requireFlags(ctx, ["installer-tag", "registry-and-user"]);
  if (ctx.deps.io.stdin.isTTY) throw new UserError("input must be piped");
  const installerTag = ctx.flags["installer-tag"] as string;
  const registryAndUser = ctx.flags["registry-and-user"] as string;
  if (installerTag === "") throw new UserError("installer tag is required");
  if (registryAndUser === "") throw new UserError("registry and user string is required");
  const k8s = "v" + d.DEFAULT_KUBERNETES_VERSION;
  const names = [
    `${d.FLANNEL_IMAGE}:${d.FLANNEL_VERSION}`,
    `${d.COREDNS_IMAGE}:${d.DEFAULT_COREDNS_VERSION}`,
    `${d.ETCD_IMAGE}:${d.DEFAULT_ETCD_VERSION}`,
    `${d.API_SERVER_IMAGE}:${k8s}`,
    `${d.CONTROLLER_MANAGER_IMAGE}:${k8s}`,
    `${d.SCHEDULER_IMAGE}:${k8s}`,
    `${d.KUBE_PROXY_IMAGE}:${k8s}`,
    `${d.KUBELET_IMAGE}:${k8s}`,
    d.PAUSE_IMAGE,
    `${d.KUBE_NETWORK_POLICIES_IMAGE}:${d.KUBE_NETWORK_POLICIES_VERSION}`,
    `registry.k8s.io/conformance:${k8s}`,
    "docker.io/library/alpine:latest",
    "ghcr.io/siderolabs/talosctl:v1.13.5",
    "registry.k8s.io/kube-apiserver:v1.27.0",
    "registry.k8s.io/kube-apiserver:v1.27.1",
    "docker.io/library/alpine:3.23",
    d.NIXYBOX_IMAGE,
    "docker.io/library/nginx:latest",
    `${registryAndUser}/installer:${installerTag}`,
    `${registryAndUser}/talos:${ctx.flags["talos-tag"] as string}`,
  ];
  for (;;) {
    const line = await ctx.deps.io.stdin.readLine();
    if (line === null) break;
    if (line.includes("authenticated-") || line.startsWith("invalid.registry.k8s.io")) continue;
    names.push(line);
  }
  await ctx.deps.io.stdout.write(lines(sortCompact(names)));
}
