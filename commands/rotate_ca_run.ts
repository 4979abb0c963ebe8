// The work behind `talosctl rotate-ca`, in upstream's order: node lists, the client for the one
// node of the command, the cluster topology (flags, else the Members resources), new CAs, then
// the Talos API rotation (rotate_ca_talos.ts) and the Kubernetes API rotation
// (rotate_ca_k8s.ts). Progress goes to stdout as upstream prints it; retried errors are logged
// on stderr as Go's log package does.
//
// Two differences from upstream, both to keep access safe: the new talosconfig's --output file is
// checked before anything changes (an existing file is refused unless --force, instead of being
// overwritten once the old CA is gone), and in dry-run mode the Kubernetes part runs with the
// current credentials (upstream fails there, building a client from the talosconfig that a dry
// run does not make).

import type { RunContext } from "./spec.ts";
import { UserError } from "../errors.ts";
import { errorText, type NodeTarget, openSession } from "./kit.ts";
import type { ClusterInfo, NodeInfo } from "./clustercheck/cluster.ts";
import type { ConfigDocument } from "../machineconfig/schema.ts";
import type { PemCertAndKey } from "../pki/secrets_types.ts";
import { ExpectedError, retryConstant } from "./retry.ts";
import { resolvePath } from "./files.ts";

export interface RotateOptions {
  initNode: string;
  controlPlaneNodes: string[];
  workerNodes: string[];
  k8sEndpoint: string;
  withExamples: boolean;
  withDocs: boolean;
  output: string;
  dryRun: boolean;
  talos: boolean;
  kubernetes: boolean;
  force: boolean;
}

/** How to call a node with one set of credentials. */
export type Talos = (node: string) => NodeTarget;

export const MACHINE_TYPES = ["init", "controlplane", "worker"] as const;
export type MachineType = typeof MACHINE_TYPES[number];

/** What both rotations share: options, output, the topology and the config encoder. */
export class Rotation {
  constructor(
    readonly ctx: RunContext,
    readonly o: RotateOptions,
    readonly info: ClusterInfo,
  ) {}

  get signal(): AbortSignal {
    return this.ctx.deps.signal;
  }

  print(text: string): Promise<void> {
    return this.ctx.deps.io.stdout.write(text);
  }

  /** Go's log.Printf on stderr, for go-retry's "retrying error" lines. */
  log = (line: string): Promise<void> => this.ctx.deps.io.stderr.write(line);

  /** Init and control plane nodes, in that order. */
  get controlPlanes(): NodeInfo[] {
    return [...this.info.byType.init, ...this.info.byType.controlplane];
  }

  firstControlPlane(): string {
    const first = this.controlPlanes[0];
    if (!first) throw new UserError("no control plane nodes found in the cluster topology");
    return first.internalIP;
  }

  async printTopology(): Promise<void> {
    const { internalIPs, quoteList } = await import("./clustercheck/cluster.ts");
    await this.print(
      "> Cluster topology:\n" +
        `  - control plane nodes: ${quoteList(internalIPs(this.controlPlanes))}\n` +
        `  - worker nodes: ${quoteList(internalIPs(this.info.byType.worker))}\n`,
    );
  }

  /** A CA as upstream prints it: its YAML (base64 crt and key), indented by two spaces. */
  async printCA(title: string, ca: PemCertAndKey): Promise<void> {
    const { emitDocument, mapping, scalar, TALOS_YAML } = await import("../goyaml/mod.ts");
    const { base64Encode } = await import("../pki/pem.ts");
    const b64 = (s: string) => base64Encode(new TextEncoder().encode(s));
    const yaml = emitDocument(
      mapping([["crt", scalar(b64(ca.crt))], ["key", scalar(b64(ca.key))]]),
      TALOS_YAML,
    );
    const lines = yaml.split("\n").filter((l, i, all) => i < all.length - 1 || l !== "");
    await this.print(`> ${title}:\n` + lines.map((l) => `  ${l}\n`).join(""));
  }

  /** The machine config text as a node would receive it, with upstream's comment options. */
  async encode(docs: ConfigDocument[]): Promise<string> {
    const { encodeConfig } = await import("../machineconfig/encode.ts");
    if (!this.o.withDocs && !this.o.withExamples) return encodeConfig(docs);
    const { commentDecorator } = await import("../machineconfig/docs.ts");
    return encodeConfig(docs, {
      decorate: commentDecorator({ docs: this.o.withDocs, examples: this.o.withExamples }),
    });
  }

  /**
   * The issuing CA the first control plane node has in a secrets resource (OSRootSecrets,
   * KubernetesRootSecrets); `what` names it in the error.
   */
  async currentCA(talos: Talos, type: string, id: string, what: string): Promise<PemCertAndKey> {
    const { cosiGet } = await import("./clustercheck/cosi.ts");
    const { base64Decode } = await import("../pki/pem.ts");
    try {
      const root = await cosiGet(talos(this.firstControlPlane()), this.signal, "secrets", type, id);
      const dec = (v: unknown) =>
        typeof v === "string" && v !== "" ? new TextDecoder().decode(base64Decode(v)) : "";
      return { crt: dec(root.spec?.issuingCA?.crt), key: dec(root.spec?.issuingCA?.key) };
    } catch (e) {
      throw new Error(`error fetching ${what}: ${errorText(e)}`);
    }
  }

  /**
   * Patches every node, init, control plane then workers, one at a time as upstream does
   * (`patchNode` applies one node's patch and waits as that rotation needs); a dry run only
   * lists them.
   */
  async patchAll(patchNode: (node: string, type: MachineType) => Promise<void>): Promise<void> {
    try {
      for (const type of MACHINE_TYPES) {
        for (const { internalIP } of this.info.byType[type]) {
          if (this.o.dryRun) {
            await this.print(`  - ${internalIP}: skipped (dry-run)\n`);
            continue;
          }
          try {
            await patchNode(internalIP, type);
          } catch (e) {
            throw new Error(`error patching node ${internalIP}: ${(e as Error).message}`);
          }
          await this.print(`  - ${internalIP}: OK\n`);
        }
      }
    } catch (e) {
      throw new Error(`error patching all machine configs: ${(e as Error).message}`);
    }
  }

  /**
   * Reads the node's machine config, patches it and applies it without a reboot, retried for
   * 10 s while the node is unavailable (upstream's PatchNodeConfig).
   */
  async patchNodeConfig(
    talos: Talos,
    node: string,
    patch: (docs: ConfigDocument[]) => ConfigDocument[],
  ): Promise<void> {
    const { Code } = await import("@connectrpc/connect");
    const { errorCode } = await import("./kit.ts");
    const { cosiGet } = await import("./clustercheck/cosi.ts");
    const { decodeConfig } = await import("../machineconfig/patch/mod.ts");
    const { machineConfigSchema } = await import("../machineconfig/registry.ts");
    const { ApplyConfigurationRequest_Mode } = await import("../gen/machine/machine_pb.ts");
    await retryConstant(
      { timeoutMs: 10_000, unitMs: 100, signal: this.signal, log: this.log },
      async (signal) => {
        const t = talos(node);
        const step = async <T>(what: string, f: () => Promise<T> | T): Promise<T> => {
          try {
            return await f();
          } catch (e) {
            const err = new Error(`${what}: ${errorText(e)}`);
            const code = errorCode(e);
            if (code === Code.Unavailable || code === Code.Canceled) throw new ExpectedError(err);
            throw err;
          }
        };
        const mc = await step(
          "error fetching config resource",
          () => cosiGet(t, signal, "config", "MachineConfigs.config.talos.dev", "v1alpha1"),
        );
        const text = typeof mc.spec === "string" ? mc.spec : mc.specYaml;
        const docs = await step(
          "error patching config",
          () => patch(decodeConfig(machineConfigSchema(), text, "config")),
        );
        const data = new TextEncoder().encode(await this.encode(docs));
        await step(
          "error applying config",
          () =>
            t.client.machine.applyConfiguration(
              { data, mode: ApplyConfigurationRequest_Mode.NO_REBOOT },
              { ...t.options, signal },
            ),
        );
      },
    );
  }
}

export async function rotateCA(ctx: RunContext, o: RotateOptions): Promise<void> {
  const cluster = await import("./clustercheck/cluster.ts");
  // As talosctl: the node lists are checked before anything is dialed.
  let explicit: ClusterInfo;
  try {
    explicit = cluster.explicitClusterInfo(
      o.initNode ? [o.initNode] : [],
      o.controlPlaneNodes,
      o.workerNodes,
    );
  } catch (e) {
    throw new UserError((e as Error).message);
  }
  const session = await openSession(ctx);
  const node = session.single("rotate-ca");
  const current: Talos = (n) => session.forNode(n);

  // Ours: the new talosconfig must be writable before the cluster is changed.
  const outPath = resolvePath(ctx.deps, o.output);
  if (o.talos && !o.dryRun && !o.force) {
    try {
      await Deno.lstat(outPath);
      throw new UserError(
        `file ${JSON.stringify(o.output)} already exists: the new talosconfig is written there ` +
          `once the rotation is done; choose another --output (or --force to overwrite it)`,
      );
    } catch (e) {
      if (e instanceof UserError) throw e;
    }
  }

  let info: ClusterInfo;
  if (o.controlPlaneNodes.length > 0 || o.workerNodes.length > 0) {
    info = explicit;
  } else {
    try {
      info = await cluster.membersClusterInfo(session.forNode(node), ctx.deps.signal);
    } catch (e) {
      throw new UserError(errorText(e));
    }
  }

  const { generateSecretsBundle } = await import("../pki/secrets_gen.ts");
  const { CURRENT_CONTRACT } = await import("../contract/mod.ts");
  let bundle;
  try {
    bundle = await generateSecretsBundle(CURRENT_CONTRACT, ctx.deps, {}, { serviceAccount: false });
  } catch (e) {
    throw new UserError(`error generating new Talos CA: ${(e as Error).message}`);
  }
  const r = new Rotation(ctx, o, info);

  let talos = current;
  if (o.talos) {
    const { rotateTalosCA } = await import("./rotate_ca_talos.ts");
    let result;
    try {
      result = await rotateTalosCA(r, current, session, bundle.certs.os);
    } catch (e) {
      throw new UserError(`error rotating Talos CA: ${messageOf(e)}`);
    }
    if (o.dryRun) {
      await r.print(DRY_RUN_DONE);
    } else {
      await r.print(`> Writing new talosconfig to ${JSON.stringify(o.output)}\n`);
      const { writeAtomic } = await import("../clientconfig/talosconfig.ts");
      try {
        await writeAtomic(outPath, result.talosconfig);
      } catch (e) {
        throw new UserError(`error writing ${JSON.stringify(o.output)}: ${messageOf(e)}`);
      }
      talos = result.newTalos;
    }
  }

  if (o.kubernetes) {
    const { rotateKubernetesCA } = await import("./rotate_ca_k8s.ts");
    try {
      await rotateKubernetesCA(r, talos, bundle.certs.k8s);
    } catch (e) {
      throw new UserError(`error rotating Kubernetes CA: ${messageOf(e)}`);
    }
    if (o.dryRun) {
      await r.print(DRY_RUN_DONE);
    } else {
      await r.print(
        "> Kubernetes CA rotation done, new 'kubeconfig' can be fetched with `talosctl kubeconfig`.\n",
      );
    }
  }
}

const DRY_RUN_DONE =
  "> Dry-run mode enabled, no changes were made to the cluster, re-run with `--dry-run=false` to apply the changes.\n";

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
