// The work of `gen config` (and `machineconfig gen`): validate the arguments, build the
// generation input, generate and patch the controlplane/worker configs, write the outputs.
// Every check that can fail runs before the first file is written.

import { UserError } from "../../errors.ts";
import { goPathClean } from "../../gofmt/path.ts";
import { type FlagValue, lazy, type RunContext } from "../spec.ts";
import { ensureWritable, type OutputFile, readInputFile, writeOutputSet } from "../files.ts";
import { genConfigFlags, INSTALLER_REPOSITORY, OUTPUT_TYPES } from "./config.ts";
import { validateClusterEndpoint } from "./config_endpoint.ts";
import type { SecretsBundle } from "../../pki/secrets_types.ts";

type Flags = Record<string, FlagValue>;

/** Upstream HEAD's "current" contract: every feature switch on (the newest known is v1.15). */
const SKIP_K8S_ETCD_CONTRACT = { major: 1, minor: 15 };

/** Flag values; `machineconfig gen` has no flags of its own and runs with the defaults. */
function flagValues(ctx: RunContext, withFlags: boolean): Flags {
  if (withFlags) return ctx.flags;
  const f: Flags = { force: false };
  for (const spec of genConfigFlags) {
    f[spec.name] = spec.default ??
      (spec.kind === "bool"
        ? false
        : spec.kind.startsWith("string")
        ? (spec.kind === "string" ? "" : [])
        : 0);
  }
  return f;
}

function goMultiError(errs: string[]): string {
  const head = errs.length === 1 ? "1 error occurred:" : `${errs.length} errors occurred:`;
  return `${head}\n${errs.map((e) => `\t* ${e}`).join("\n")}\n\n`;
}

/** Go's filepath.Join + Clean for the paths we build. */
function joinPath(dir: string, name: string): string {
  return goPathClean(`${dir}/${name}`);
}

interface OutputPaths {
  controlplane: string;
  worker: string;
  talosconfig: string;
}

function outputPaths(ctx: RunContext, f: Flags, types: string[]): OutputPaths {
  let output = f["output"] as string;
  const outputDir = f["output-dir"] as string;
  if (types.length === 0) throw new UserError("at least one output type must be specified");
  if (types.length > 1 && output === "-") {
    throw new UserError("can't use multiple output types with stdout");
  }
  if (outputDir !== "" && output !== "") {
    throw new UserError("can't use both output-dir and output");
  }
  if (outputDir !== "") output = outputDir;
  const bad = types.filter((t) => !OUTPUT_TYPES.includes(t));
  if (bad.length > 0) {
    throw new UserError(goMultiError(bad.map((t) => `invalid output type: ${JSON.stringify(t)}`)));
  }
  if (output === "-") return { controlplane: "-", worker: "-", talosconfig: "-" };
  if (types.length === 1 && output !== "" && outputDir === "") {
    return { controlplane: output, worker: output, talosconfig: output };
  }
  const dir = output === "" ? ctx.deps.cwd : output;
  return {
    controlplane: joinPath(dir, "controlplane.yaml"),
    worker: joinPath(dir, "worker.yaml"),
    talosconfig: joinPath(dir, "talosconfig"),
  };
}

async function loadSecrets(
  ctx: RunContext,
  path: string,
  skipK8sEtcd: boolean,
): Promise<SecretsBundle> {
  // Reads bundles in gen secrets' layout without loading the YAML and ASN.1 parsers.
  const { loadSecretsBundle } = await lazy<typeof import("../../pki/secrets_quick.ts")>(
    import.meta.url,
    "../../pki/secrets_quick.ts",
  );
  let text: string;
  try {
    text = await readInputFile(ctx.deps, path);
  } catch (e) {
    throw new UserError(`failed to load secrets bundle: ${(e as Error).message}`);
  }
  try {
    const scope = { kubernetes: !skipK8sEtcd, etcd: !skipK8sEtcd };
    return await loadSecretsBundle(text, path, scope);
  } catch (e) {
    // Upstream's messages do not name the file: "failed to load secrets bundle: ...".
    const msg = (e as Error).message.replace(` ${JSON.stringify(path)}: `, ": ");
    throw new UserError(msg);
  }
}

async function isDirectory(ctx: RunContext, path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path.startsWith("/") ? path : `${ctx.deps.cwd}/${path}`)).isDirectory;
  } catch {
    return false;
  }
}

export async function runGenConfig(ctx: RunContext, withFlags: boolean): Promise<void> {
  const f = flagValues(ctx, withFlags);
  const [clusterName, endpoint] = ctx.args;
  validateClusterEndpoint(endpoint);
  if (f["version"] !== "v1alpha1") {
    throw new UserError(`unknown config version: ${JSON.stringify(f["version"])}`);
  }
  const types = f["output-types"] as string[];
  const paths = outputPaths(ctx, f, types);

  const registryMirrors: [string, string[]][] = [];
  for (const spec of f["registry-mirror"] as string[]) {
    const eq = spec.indexOf("=");
    if (eq < 0) throw new UserError(`invalid registry mirror spec: ${JSON.stringify(spec)}`);
    const host = spec.slice(0, eq);
    const entry = registryMirrors.find(([h]) => h === host);
    if (entry) entry[1].push(spec.slice(eq + 1));
    else registryMirrors.push([host, [spec.slice(eq + 1)]]);
  }

  const { contractFor } = await lazy<typeof import("../../contract/mod.ts")>(
    import.meta.url,
    "../../contract/mod.ts",
  );
  const { contractFeatures } = await lazy<typeof import("../../machineconfig/features.ts")>(
    import.meta.url,
    "../../machineconfig/features.ts",
  );
  // "invalid talos-version: error parsing version ..." for a malformed value.
  let { contract, unversioned } = contractFor(f["talos-version"] as string);
  const skip = f["skip-k8s-etcd"] as boolean;
  // Kubernetes- and etcd-less configs exist only in upstream's newest generator (the flag is not
  // in talosctl v1.13): without an explicit contract, skipping generates with all its features.
  if (skip && unversioned) contract = SKIP_K8S_ETCD_CONTRACT;
  const features = contractFeatures(contract, { disableKubernetes: skip, disableEtcd: skip });

  const withSecrets = f["with-secrets"] as string;
  const secrets = withSecrets !== "" ? await loadSecrets(ctx, withSecrets, skip) : undefined;

  let installImage = f["install-image"] as string;
  if (!ctx.changed.has("install-image") && ctx.deps.env.TAG !== undefined) {
    installImage = `${INSTALLER_REPOSITORY}:${ctx.deps.env.TAG}`;
  }

  const force = f["force"] as boolean;
  const wanted = OUTPUT_TYPES.filter((t) => types.includes(t)) as (keyof OutputPaths)[];
  const targets = wanted.map((t) => paths[t]).filter((p) => p !== "-");
  await ensureWritable(ctx.deps, targets, { force });

  const { buildConfigBundle, loadAllPatches } = await lazy<typeof import("./config_bundle.ts")>(
    import.meta.url,
    "./config_bundle.ts",
  );
  const patches = await loadAllPatches(ctx.deps, {
    all: f["config-patch"] as string[],
    controlPlane: f["config-patch-control-plane"] as string[],
    worker: f["config-patch-worker"] as string[],
  });
  await ctx.deps.io.stderr.write("generating PKI and tokens\n");
  const bundle = await buildConfigBundle(ctx.deps, {
    clusterName,
    endpoint,
    kubernetesVersion: (f["kubernetes-version"] as string).replace(/^v/, ""),
    contract,
    secrets,
    options: {
      features,
      installDisk: f["install-disk"] as string,
      installImage,
      additionalSANs: f["additional-sans"] as string[],
      dnsDomain: f["dns-domain"] as string,
      discoveryEnabled: f["with-cluster-discovery"] as boolean,
      registryMirrors,
      ...(f["with-kubespan"] ? { kubeSpanEnabled: true } : {}),
    },
    patches,
    comments: { docs: f["with-docs"] as boolean, examples: f["with-examples"] as boolean },
    wantTalosconfig: wanted.includes("talosconfig"),
    wantControlplane: wanted.includes("controlplane"),
  });

  const files: OutputFile[] = [];
  for (const t of wanted) {
    const data = t === "controlplane"
      ? bundle.controlplane
      : t === "worker"
      ? bundle.worker
      : bundle.talosconfig!;
    const path = paths[t];
    if (path === "-") {
      await ctx.deps.io.stdout.write(data);
      continue;
    }
    if (await isDirectory(ctx, path)) {
      // What os.WriteFile reports for a directory (reached with --force).
      throw new UserError(`open ${path}: is a directory`);
    }
    files.push({ path, data });
  }
  // All files or none: a failed write leaves no partial set behind.
  await writeOutputSet(ctx.deps, files, { force: true });
  for (const f of files) await ctx.deps.io.stderr.write(`Created ${f.path}\n`);
  if (wanted.includes("talosconfig")) {
    const file = paths.talosconfig;
    const flag = file === "-" ? "" : ` --talosconfig ${file}`;
    await ctx.deps.io.stderr.write(
      `The talosconfig has no endpoints yet; once the control plane nodes have addresses, run:\n` +
        `  talosctl${flag} config endpoint <address>...\n`,
    );
  }
}
