// The body of `upgrade`. Nodes that have the LifecycleService (Talos after 1.13.0-alpha.2) get
// talosctl's current flow: ImageService.Pull of the installer, LifecycleService.Upgrade
// (installer output streamed back, then its exit code), drain, reboot. If any node is older, the
// whole command falls back to the unary MachineService.Upgrade, which reboots by itself.

import { bool, type RunContext, str } from "../spec.ts";
import {
  goQuote,
  NodeError,
  openSession,
  type Session,
  tabwrite,
  throwJoined,
  UserError,
} from "../kit.ts";
import { errorText, goFixed } from "../kit.ts";
import { ExitCode } from "../../errors.ts";
import { ContainerdNamespace, ContainerDriver } from "../../gen/common/common_pb.ts";
import {
  type ImageServicePullLayerProgress,
  ImageServicePullLayerProgress_Status as PullStatus,
} from "../../gen/machine/image_pb.ts";
import type { LifecycleServiceInstallProgress } from "../../gen/machine/lifecycle_pb.ts";
import { UpgradeRequest_RebootMode } from "../../gen/machine/machine_pb.ts";
import { durationMs } from "@bufbuild/protobuf/wkt";
import { actAndWait, actorOf, TRACKING, waiting } from "./common.ts";
import { type Reporter, reporterFor } from "./reporter.ts";
import { rebootMode, rebootNodes } from "./actions_run.ts";
import { clientVersionCheck, talosVersionCheck } from "../version_check.ts";
import { parseTolerant } from "../semver.ts";
import { drainAround } from "./drain.ts";
import { goDuration } from "../../gofmt/text.ts";

/** Nodes in this range have LifecycleService.Upgrade. */
export const LIFECYCLE_API_RANGE = ">1.13.0-alpha.2 <2.0.0";

function containerdInstance(ns: string) {
  switch (ns) {
    case "cri":
      return { driver: ContainerDriver.CRI, namespace: ContainerdNamespace.NS_CRI };
    case "system":
      return { driver: ContainerDriver.CRI, namespace: ContainerdNamespace.NS_SYSTEM };
    case "inmem":
      return { driver: ContainerDriver.CONTAINERD, namespace: ContainerdNamespace.NS_SYSTEM };
  }
  throw new UserError(`unsupported namespace ${goQuote(ns)}`);
}

/** The Talos version an installer image installs, from its tag ("...:v1.14.0" -> "v1.14.0"). */
export function imageVersion(ref: string): string | undefined {
  const name = ref.split("@")[0];
  const last = name.slice(name.lastIndexOf("/") + 1);
  const i = last.lastIndexOf(":");
  if (i < 0) return undefined;
  const tag = last.slice(i + 1);
  try {
    parseTolerant(tag);
    return tag;
  } catch {
    return undefined;
  }
}

export async function runUpgrade(ctx: RunContext): Promise<void> {
  const w = waiting(ctx);
  let drain = bool(ctx, "drain");
  // As talosctl: draining needs the nodes back to uncordon them, so it implies waiting.
  if (drain) w.wait = true;
  const session = await openSession(ctx, TRACKING);
  const noReboot = bool(ctx, "no-reboot");
  if (noReboot) drain = false;
  const image = str(ctx, "image");
  if (bool(ctx, "legacy")) {
    await ctx.deps.io.stderr.write(
      "WARNING: Forcing use of legacy upgrade method. This flag is deprecated and will be removed in Talos 1.18.\n",
    );
    return await upgradeLegacy(ctx, session, w);
  }
  const containerd = containerdInstance(str(ctx, "namespace"));
  const reporter = reporterFor(ctx.deps, str(ctx, "progress"));
  const check = await talosVersionCheck(session, LIFECYCLE_API_RANGE);
  if (check.outside.length > 0) {
    await reporter.report({
      status: "error",
      message: "New upgrade API is not available, falling back to legacy",
    });
    return await upgradeLegacy(ctx, session, w);
  }
  if (check.errors.length > 0) {
    throw new UserError(
      `error checking Talos version compatibility: ${check.errors.join("\n")}`,
    );
  }
  await pullImage(session, containerd, image, reporter);
  await install(session, containerd, image, reporter);
  if (noReboot) return;
  const reboot = async () => {
    try {
      await rebootNodes(
        ctx,
        session,
        rebootMode(str(ctx, "reboot-mode")),
        w,
        reporter,
        imageVersion(image),
      );
    } catch (e) {
      // The tracker already reported each node (exit code only); other failures are worded.
      if (e instanceof ExitCode) throw e;
      throw new UserError(`error during upgrade: ${errorText(e)}`);
    }
  };
  if (!drain) return await reboot();
  await drainAround(ctx, session, reporter, reboot);
}

// --- pull -----------------------------------------------------------------------------------

/** go-humanize IBytes. */
function iBytes(n: bigint): string {
  const s = Number(n);
  if (s < 10) return `${s} B`;
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
  const e = Math.floor(Math.log(s) / Math.log(1024));
  const val = Math.floor((s / 1024 ** e) * 10 + 0.5) / 10;
  return `${val < 10 ? goFixed(val, 1) : goFixed(val, 0)} ${units[e]}`;
}

/** A layer's progress in talosctl's words. */
export function layerText(p: ImageServicePullLayerProgress): string {
  switch (p.status) {
    case PullStatus.DOWNLOADING:
      return `downloading layer ${iBytes(p.offset)}/${iBytes(p.total)} (${
        goFixed(Number(p.offset) / Number(p.total) * 100, 1)
      }%)`;
    case PullStatus.DOWNLOAD_COMPLETE:
      return "layer download complete";
    case PullStatus.EXTRACTING:
      return `extracting layer (${goDuration(p.elapsed ? durationMs(p.elapsed) : 0)})`;
    case PullStatus.EXTRACT_COMPLETE:
      return "layer pull complete";
    case PullStatus.ALREADY_EXISTS:
      return "layer already exists";
  }
  return "";
}

async function pullImage(
  session: Session,
  containerd: ReturnType<typeof containerdInstance>,
  imageRef: string,
  reporter: Reporter,
): Promise<void> {
  const layers = new Map<string, Map<string, ImageServicePullLayerProgress>>();
  const pulled = new Map<string, string>();
  const errors = await session.stream(
    ({ client, options }) => client.image.pull({ containerd, imageRef }, options),
    async (node, m) => {
      if (m.response.case === "name") {
        pulled.set(node, m.response.value);
        return;
      }
      if (m.response.case !== "pullProgress" || !reporter.redraws) return;
      const p = m.response.value;
      let jobs = layers.get(node);
      if (!jobs) layers.set(node, jobs = new Map());
      if (p.progress) jobs.set(p.layerId, p.progress);
      let text = "";
      for (const n of [...layers.keys()].sort()) {
        text += `${n}:\n`;
        const byLayer = layers.get(n)!;
        for (const id of [...byLayer.keys()].sort()) text += `  ${layerText(byLayer.get(id)!)}\n`;
      }
      await reporter.report({ message: text, status: "running" });
    },
  );
  if (pulled.size > 0) {
    let text = "";
    for (const n of [...pulled.keys()].sort()) text += `${n}: pulled image ${pulled.get(n)}\n`;
    await reporter.report({ message: text, status: "succeeded" });
  }
  if (errors.length > 0) {
    throw new UserError(`error pulling upgrade image: ${errors.map((e) => e.message).join("\n")}`);
  }
}

// --- install (LifecycleService.Upgrade) -----------------------------------------------------

const EXIT_CODES: Record<number, string> = {
  2: "invalid input",
  3: "unsupported operation",
  4: "environment error",
  5: "dependency error",
  6: "I/O error",
  7: "installation error",
};

const OUTPUT_LIMIT = 64 * 1024;

/**
 * The tail of a node's installer output kept for a failure report, as talosctl keeps it: whole
 * messages up to 64 KiB (UTF-8 bytes), the oldest dropped first, a marker once any was dropped.
 */
export class InstallerOutput {
  #messages: { text: string; bytes: number }[] = [];
  #size = 0;
  #truncated = false;

  append(message: string): void {
    if (message === "") return;
    let bytes = new TextEncoder().encode(message);
    if (bytes.length > OUTPUT_LIMIT) {
      // Its last 64 KiB, starting on a character boundary.
      let from = bytes.length - OUTPUT_LIMIT;
      while (from < bytes.length && (bytes[from] & 0xc0) === 0x80) from++;
      bytes = bytes.subarray(from);
      message = new TextDecoder().decode(bytes);
      this.#messages = [];
      this.#size = 0;
      this.#truncated = true;
    }
    while (this.#size + bytes.length > OUTPUT_LIMIT) {
      this.#size -= this.#messages.shift()!.bytes;
      this.#truncated = true;
    }
    this.#messages.push({ text: message, bytes: bytes.length });
    this.#size += bytes.length;
  }

  toString(): string {
    const head = this.#truncated ? "[earlier installer output truncated]\n" : "";
    return head + this.#messages.map((m) => m.text).join("");
  }
}

function progressText(p: LifecycleServiceInstallProgress | undefined): string {
  switch (p?.response.case) {
    case "message":
      return p.response.value;
    case "exitCode":
      return `Exit code: ${p.response.value}`;
  }
  return "";
}

async function install(
  session: Session,
  containerd: ReturnType<typeof containerdInstance>,
  imageName: string,
  reporter: Reporter,
): Promise<void> {
  const latest = new Map<string, string>();
  // On a terminal the installer's output is kept (its last 64 KiB) to show with a failure.
  const output = new Map<string, InstallerOutput>();
  const exitCodes = new Map<string, number>();
  const errors: string[] = [];
  const failed = await session.stream(
    ({ client, options }) =>
      client.lifecycle.upgrade({ containerd, source: { imageName } }, options),
    async (node, m) => {
      const p = m.progress;
      if (p?.response.case === "message" && reporter.redraws) {
        let tail = output.get(node);
        if (!tail) output.set(node, tail = new InstallerOutput());
        tail.append(p.response.value);
      }
      if (p?.response.case === "exitCode") exitCodes.set(node, p.response.value);
      if (p?.response.case === undefined) return;
      latest.set(node, progressText(p));
      let text = "";
      for (const n of [...latest.keys()].sort()) text += `${n}: ${latest.get(n)}\n`;
      await reporter.report({ message: text, status: "running" });
    },
  );
  for (const e of failed) errors.push(e.message);
  if (exitCodes.size > 0) {
    let text = "";
    let status: "succeeded" | "error" = "succeeded";
    for (const n of [...exitCodes.keys()].sort()) {
      const code = exitCodes.get(n)!;
      if (code === 0) {
        text += `${n}: upgrade completed\n`;
        continue;
      }
      status = "error";
      errors.push(`node ${n}: upgrade failed with exit code ${code}`);
      const out = (output.get(n)?.toString() ?? "").trim();
      if (out !== "") text += `${n}: installer output:\n${out}\n`;
      const why = EXIT_CODES[code];
      text += `${n}: upgrade failed with exit code ${code}${why ? ` (${why})` : ""}\n`;
    }
    await reporter.report({ message: text, status });
  }
  if (errors.length > 0) throw new UserError(`error during upgrade: ${errors.join("\n")}`);
}

// --- the MachineService.Upgrade fallback ----------------------------------------------------

/** Go's time.Time.String() (without the monotonic clock reading), in UTC. */
function goTime(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  const frac = d.getUTCMilliseconds() === 0
    ? ""
    : "." + p(d.getUTCMilliseconds(), 3).replace(/0+$/, "");
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${
    p(d.getUTCHours())
  }:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}${frac} +0000 UTC`;
}

async function upgradeLegacy(
  ctx: RunContext,
  session: Session,
  w: ReturnType<typeof waiting>,
): Promise<void> {
  const modeName = str(ctx, "reboot-mode").toLowerCase();
  const rebootMode =
    UpgradeRequest_RebootMode[modeName.toUpperCase() as keyof typeof UpgradeRequest_RebootMode];
  if (rebootMode === undefined) throw new UserError(`invalid reboot mode: ${modeName}`);
  const image = str(ctx, "image");
  const req = {
    image,
    rebootMode,
    preserve: bool(ctx, "preserve"),
    stage: bool(ctx, "stage"),
    force: bool(ctx, "force"),
  };
  if (!w.wait) {
    await clientVersionCheck(session, ctx.deps);
    let text = "NODE\tACK\tSTARTED\n";
    const errors: Error[] = [];
    const failed = await session.unary(
      ({ client, options }) => client.machine.upgrade(req, options),
      (node, messages) => {
        for (const m of messages) text += `${node}\t${m.ack}\t${goTime(ctx.deps.now())}\t\n`;
      },
    );
    for (const e of failed) {
      errors.push(
        e instanceof NodeError
          ? new Error(e.message.replace(`${e.node}: `, `${e.node}: error performing upgrade: `))
          : e,
      );
    }
    await ctx.deps.io.stdout.write(tabwrite(text));
    return throwJoined(errors);
  }
  await actAndWait(
    ctx,
    session,
    w,
    { kind: "ready", expectVersion: imageVersion(image) },
    async (t, signal) => actorOf(await t.client.machine.upgrade(req, { ...t.options, signal })),
    reporterFor(ctx.deps),
  );
}
