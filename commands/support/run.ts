// The body of `support`: collects every node's debug data (and the cluster's Kubernetes objects
// when the API answers) into a ZIP archive, encrypted with age unless --no-encryption. Entries
// are streamed: a collector writes into a spool (memory, then a private temporary file), the
// archive takes finished spools one at a time and deflates them straight to the output, through
// the age STREAM when encrypting. The output file is written under a temporary name and renamed
// when complete.

import type { RunContext } from "../spec.ts";
import { bool, int } from "../spec.ts";
import { UserError } from "../../errors.ts";
import { errorText, type Session } from "../kit.ts";
import { type Collector, collectorState, type Log, nodeCollectors } from "./collectors.ts";
import { errorsTable, Progress } from "./progress.ts";
import { Spool } from "./spool.ts";
import { goOsReason } from "../files/extract.ts";
import { goTrimSpace } from "../../gofmt/path.ts";
import { ZipWriter } from "./zip.ts";
import { writeAll } from "../../io/write.ts";
import type { AgeRecipient, EncryptingSink } from "./age.ts";

const FLUSH_AT = 256 * 1024;

export async function runSupport(ctx: RunContext): Promise<void> {
  const { openSession } = await import("../kit.ts");
  const session = await openSession(ctx);
  const stderr = ctx.deps.io.stderr;

  const noEncryption = bool(ctx, "no-encryption");
  const extra = (ctx.flags["encryption-recipients"] as string[] | undefined) ?? [];
  const noDefaults = bool(ctx, "encryption-no-default-recipients");
  if (noEncryption && (extra.length > 0 || noDefaults)) {
    throw new UserError(
      "--encryption-recipients and --encryption-no-default-recipients cannot be used with --no-encryption",
    );
  }
  let recipients: AgeRecipient[] | undefined;
  if (!noEncryption) {
    const chosen = await encryptionRecipients(extra, noDefaults);
    recipients = chosen.recipients;
    await stderr.write(
      "Encrypting support bundle to the following recipients:\n" +
        chosen.names.map((n) => `  - ${n}\n`).join(""),
    );
  }

  const shown = await outputName(ctx, session, noEncryption);
  const output = await openOutput(ctx, shown);
  let complete = false;
  try {
    const errors = await writeBundle(ctx, session, output, recipients);
    await output.commit();
    complete = true;
    // fatih/color's rule: colours only when stdout (not stderr) is a terminal.
    const out = ctx.deps.io.stdout;
    const color = out.isTTY && !ctx.deps.env.NO_COLOR && ctx.deps.env.TERM !== "dumb";
    await stderr.write(errorsTable(errors.items, color));
    await stderr.write(`Support bundle is written to ${shown}\n`);
    if (errors.fatal.length > 0) throw new UserError(errors.fatal.join("\n"));
  } finally {
    if (!complete) await output.discard();
  }
}

/** The recipients and the names to show for them (a default one by its label). */
async function encryptionRecipients(
  extra: string[],
  noDefaults: boolean,
): Promise<{ recipients: AgeRecipient[]; names: string[] }> {
  const { parseRecipient } = await import("./age.ts");
  const parse = (line: string) => {
    try {
      return parseRecipient(line);
    } catch (e) {
      throw new UserError((e as Error).message);
    }
  };
  if (noDefaults && extra.length === 0) {
    throw new UserError(
      "no recipients to encrypt to: --encryption-no-default-recipients is set but no --encryption-recipients provided",
    );
  }
  const recipients: AgeRecipient[] = [];
  const names: string[] = [];
  if (!noDefaults) {
    const { DEFAULT_RECIPIENTS } = await import("./recipients.ts");
    for (const r of DEFAULT_RECIPIENTS) {
      for (const k of r.keys) recipients.push(parse(k));
      names.push(r.who || r.keys[0]);
    }
  }
  for (const line of extra) {
    recipients.push(parse(line));
    names.push(line);
  }
  return { recipients, names };
}

/** -O, or `support[-<cluster name>].zip[.age]` as upstream names it. */
async function outputName(ctx: RunContext, session: Session, plain: boolean): Promise<string> {
  const given = ctx.flags.output as string;
  if (given !== "") return given;
  let name = "support";
  try {
    const { client, options } = session.forNode(session.nodes[0]);
    const reply = await client.cosi.get(
      { namespace: "cluster", type: "Infos.cluster.talos.dev", id: "current" },
      options,
    );
    const { decodeYaml } = await import("../resources/yaml_values.ts");
    const spec = decodeYaml(reply.resource?.spec?.yamlSpec ?? "") as Record<string, unknown>;
    const cluster = typeof spec?.clusterName === "string" ? spec.clusterName : "";
    if (cluster !== "") name += "-" + cluster;
  } catch { /* no cluster name: plain "support" */ }
  return name + ".zip" + (plain ? "" : ".age");
}

interface Output {
  write(chunk: Uint8Array): Promise<void>;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

/**
 * Asks before replacing an existing file (as upstream does), then writes to a temporary file
 * beside it (0600: logs and resource dumps are for the people the bundle is meant for).
 */
async function openOutput(ctx: RunContext, shown: string): Promise<Output> {
  const path = shown.startsWith("/") ? shown : `${ctx.deps.cwd}/${shown}`;
  let exists = false, isDirectory = false;
  try {
    isDirectory = (await Deno.lstat(path)).isDirectory;
    exists = true;
    isDirectory ||= await Deno.stat(path).then((st) => st.isDirectory, () => false);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) {
      throw new UserError(`stat ${shown}: ${goOsReason(e)}`);
    }
  }
  if (exists) {
    await ctx.deps.io.stderr.write(`${shown} already exists, overwrite? [y/N]: `);
    // As talosctl: a line (an answer without its newline is EOF too), trimmed and lowercased.
    const { readGoLine } = await import("../go_scan.ts");
    const answer = await readGoLine(ctx.deps.io.stdin);
    if (!answer.complete) {
      throw new UserError(
        `EOF: no answer line on standard input to replace ${shown}; answer "y", or choose another file with -O`,
      );
    }
    if (goTrimSpace(answer.line.toLowerCase()) !== "y") throw new UserError("operation aborted");
    // talosctl then opens it for writing, which a directory refuses before anything is collected.
    if (isDirectory) throw new UserError(`open ${shown}: is a directory`);
  }
  const slash = path.lastIndexOf("/");
  const tmp = `${path.slice(0, slash + 1)}.${path.slice(slash + 1)}.${
    crypto.randomUUID().slice(0, 8)
  }.part`;
  let file: Deno.FsFile;
  try {
    file = await Deno.open(tmp, { write: true, createNew: true, mode: 0o600 });
  } catch (e) {
    throw new UserError(`open ${shown}: ${goOsReason(e)}`);
  }
  const buf = new Uint8Array(FLUSH_AT);
  let used = 0;
  let closed = false;
  const put = async (b: Uint8Array) => {
    try {
      await writeAll(file, b);
    } catch (e) {
      throw new UserError(`write ${shown}: ${goOsReason(e)}`);
    }
  };
  const flush = async () => {
    if (used > 0) await put(buf.subarray(0, used));
    used = 0;
  };
  const close = () => {
    if (closed) return;
    closed = true;
    try {
      file.close();
    } catch { /* closed */ }
  };
  return {
    async write(chunk) {
      if (used + chunk.length > buf.length) await flush();
      if (chunk.length >= buf.length) return await put(chunk);
      buf.set(chunk, used);
      used += chunk.length;
    },
    async commit() {
      await flush();
      await file.sync();
      close();
      try {
        await Deno.rename(tmp, path);
      } catch (e) {
        throw new UserError(`rename ${shown}: ${goOsReason(e)}`);
      }
    },
    async discard() {
      close();
      await Deno.remove(tmp).catch(() => {});
    },
  };
}

interface BundleErrors {
  /** Items that failed: the table at the end. */
  items: { source: string; error: string }[];
  /** What makes the command fail after the bundle is written (upstream's collectErr). */
  fatal: string[];
}

async function writeBundle(
  ctx: RunContext,
  session: Session,
  output: Output,
  recipients: AgeRecipient[] | undefined,
): Promise<BundleErrors> {
  const stderr = ctx.deps.io.stderr;
  const verbose = bool(ctx, "verbose");
  let logs: Promise<void> = Promise.resolve();
  const log: Log = verbose
    ? (line) => logs = logs.then(() => stderr.write(line + "\n")).catch(() => {})
    : () => {};

  let encrypting: EncryptingSink | undefined;
  if (recipients) {
    const { encryptTo } = await import("./age.ts");
    encrypting = await encryptTo(recipients, (c) => output.write(c));
  }
  const zip = new ZipWriter(
    encrypting ? (c) => encrypting.write(c) : (c) => output.write(c),
    { modified: ctx.deps.now() },
  );
  let result: BundleErrors;
  try {
    result = await collectInto(ctx, session, zip, log, () => logs);
  } catch (e) {
    await encrypting?.abort(e);
    throw e;
  }
  await encrypting?.close();
  return result;
}

async function collectInto(
  ctx: RunContext,
  session: Session,
  zip: ZipWriter,
  log: Log,
  logs: () => Promise<void>,
): Promise<BundleErrors> {
  const cleanup: (() => void)[] = [];
  try {
    return await runCollectors(ctx, session, zip, log, logs, cleanup);
  } finally {
    for (const f of cleanup) f();
  }
}

async function runCollectors(
  ctx: RunContext,
  session: Session,
  zip: ZipWriter,
  log: Log,
  logs: () => Promise<void>,
  cleanup: (() => void)[],
): Promise<BundleErrors> {
  const stderr = ctx.deps.io.stderr;
  const verbose = bool(ctx, "verbose");

  const fatal: string[] = [];
  const { collectors, errors: setup } = await gatherCollectors(ctx, session, log, cleanup);
  if (setup.kubernetes) fatal.push(`failed to create kubernetes client: ${setup.kubernetes}`);
  if (setup.collectors.length > 0) {
    fatal.push(`failed to create collectors: ${setup.collectors.join("\n")}`);
  }

  const totals = new Map<string, number>();
  for (const c of collectors) totals.set(c.source, (totals.get(c.source) ?? 0) + 1);
  const progress = new Progress({
    out: stderr,
    tty: stderr.isTTY,
    quiet: verbose,
    now: () => Date.now(),
  });
  progress.start(totals);

  let archiveTail: Promise<void> = Promise.resolve();
  let broken: unknown;
  const store = (name: string, spool: Spool) => {
    const next = archiveTail.then(() => zip.add(name, spool.read()));
    archiveTail = next.catch(() => {});
    return next;
  };
  let next = 0;
  const worker = async () => {
    while (next < collectors.length && broken === undefined && !ctx.deps.signal.aborted) {
      const c = collectors[next++];
      const spool = new Spool();
      let error: string | undefined;
      try {
        let wrote = false;
        try {
          wrote = await c.run(spool);
        } catch (e) {
          error = errorText(e);
        }
        if (wrote && error === undefined) {
          try {
            await store(c.path, spool);
          } catch (e) {
            broken ??= e;
          }
        }
      } finally {
        await spool.dispose();
      }
      progress.report({ source: c.source, state: collectorState(c), error });
    }
  };
  const workers = Math.max(1, int(ctx, "num-workers"));
  try {
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    await progress.stop();
    await logs();
  }
  if (broken !== undefined) throw broken;
  if (ctx.deps.signal.aborted) throw new UserError("context canceled");
  await zip.close();
  return { items: progress.errors, fatal };
}

/**
 * Every collector, in upstream's order: the cluster's Kubernetes objects (when the API
 * answers), then each node's files. What could not be set up is reported, not thrown: the
 * other nodes are still collected.
 */
async function gatherCollectors(
  ctx: RunContext,
  session: Session,
  log: Log,
  cleanup: (() => void)[],
): Promise<{ collectors: Collector[]; errors: { kubernetes?: string; collectors: string[] } }> {
  const collectors: Collector[] = [];
  const errors: { kubernetes?: string; collectors: string[] } = { collectors: [] };
  let first;
  try {
    first = session.forNode(session.nodes[0]);
  } catch (e) {
    throw new UserError(errorText(e));
  }
  const { kubernetesClient, kubernetesCollectors } = await import("./kubernetes.ts");
  try {
    const k8s = await kubernetesClient(first, ctx.deps.signal);
    cleanup.push(() => k8s.close());
    collectors.push(...kubernetesCollectors(k8s, log));
  } catch (e) {
    errors.kubernetes = errorText(e);
  }
  const { clientBlock } = await import("../version.ts");
  for (const node of session.nodes) {
    let target;
    try {
      target = session.forNode(node);
    } catch (e) {
      errors.collectors.push(`error creating Talos client for node ${node}: ${errorText(e)}`);
      continue;
    }
    const access = {
      node,
      client: target.client,
      options: target.options,
      log,
      now: ctx.deps.now,
      clientVersion: clientBlock(),
    };
    const built = await nodeCollectors(access);
    collectors.push(...built.collectors);
    if (built.errors.length > 0) {
      errors.collectors.push(
        `error creating collectors for node ${node}: ${built.errors.join("\n")}`,
      );
    }
  }
  return { collectors, errors };
}
