// The config bundle of `gen config`: secrets (given or fresh), the generated controlplane and
// worker configs with the user's patches applied (all -> control plane -> worker, as upstream),
// encoded canonically, and a talosconfig with a new os:admin client certificate.

import { lazy } from "../spec.ts";
import { UserError } from "../../errors.ts";
import type { Deps } from "../deps.ts";
import { readInputFile } from "../files.ts";
import type { VersionContract } from "../../contract/mod.ts";
import type { ConfigDocument } from "../../machineconfig/schema.ts";
import { machineConfigSchema } from "../../machineconfig/registry.ts";
import { encodeConfig } from "../../machineconfig/encode.ts";
import {
  generateConfig,
  type GenerateOptions,
  type MachineType,
  newInput,
} from "../../machineconfig/generate/mod.ts";
import { CLIENT_CERT_VALIDITY_MS, type SecretsBundle } from "../../pki/secrets_types.ts";

export interface BundleRequest {
  clusterName: string;
  endpoint: string;
  kubernetesVersion: string;
  contract: VersionContract;
  secrets?: SecretsBundle;
  options: GenerateOptions;
  patches?: LoadedPatches;
  comments: { docs: boolean; examples: boolean };
  wantTalosconfig: boolean;
  /** False when no control plane config is written: fresh secrets skip the RSA key. */
  wantControlplane?: boolean;
}

export interface ConfigBundle {
  controlplane: string;
  worker: string;
  talosconfig?: string;
}

type Patch = import("../../machineconfig/patch/mod.ts").Patch;

/** The user's patches, loaded (files read, formats detected) before anything is generated. */
export interface LoadedPatches {
  all: Patch[];
  controlPlane: Patch[];
  worker: Patch[];
}

export async function loadAllPatches(
  deps: Deps,
  patches: { all: string[]; controlPlane: string[]; worker: string[] },
): Promise<LoadedPatches | undefined> {
  if (patches.all.length + patches.controlPlane.length + patches.worker.length === 0) return;
  const { loadPatches } = await lazy<typeof import("../../machineconfig/patch/mod.ts")>(
    import.meta.url,
    "../../machineconfig/patch/mod.ts",
  );
  const schema = machineConfigSchema();
  const load = async (values: string[]): Promise<Patch[]> => {
    try {
      return await loadPatches(values, { schema, readFile: (p) => readInputFile(deps, p) });
    } catch (e) {
      throw new UserError(`error parsing config JSON patch: ${(e as Error).message}`);
    }
  };
  return {
    all: await load(patches.all),
    controlPlane: await load(patches.controlPlane),
    worker: await load(patches.worker),
  };
}

async function patchAll(
  configs: Record<"controlplane" | "worker", ConfigDocument[]>,
  patches: LoadedPatches,
): Promise<void> {
  const { applyPatches, stateDocs } = await lazy<typeof import("../../machineconfig/patch/mod.ts")>(
    import.meta.url,
    "../../machineconfig/patch/mod.ts",
  );
  const schema = machineConfigSchema();
  const opts = { schema, encode: (d: ConfigDocument[]) => encodeConfig(d) };
  const apply = (docs: ConfigDocument[], ps: Patch[], what: string): ConfigDocument[] => {
    if (ps.length === 0) return docs;
    try {
      return stateDocs(applyPatches({ form: "docs", docs }, ps, opts), schema);
    } catch (e) {
      throw new UserError(
        `failed to generate config bundle: error patching ${what}: ${(e as Error).message}`,
      );
    }
  };
  configs.controlplane = apply(configs.controlplane, patches.all, "configs");
  configs.worker = apply(configs.worker, patches.all, "configs");
  configs.controlplane = apply(configs.controlplane, patches.controlPlane, "control plane configs");
  configs.worker = apply(configs.worker, patches.worker, "worker config");
}

async function encodeWithComments(docs: ConfigDocument[], req: BundleRequest): Promise<string> {
  if (!req.comments.docs && !req.comments.examples) return encodeConfig(docs);
  const { commentDecorator } = await lazy<typeof import("../../machineconfig/docs.ts")>(
    import.meta.url,
    "../../machineconfig/docs.ts",
  );
  return encodeConfig(docs, { decorate: commentDecorator(req.comments) });
}

export async function buildConfigBundle(deps: Deps, req: BundleRequest): Promise<ConfigBundle> {
  let secrets = req.secrets;
  if (!secrets) {
    const { generateSecretsBundle } = await lazy<typeof import("../../pki/secrets_gen.ts")>(
      import.meta.url,
      "../../pki/secrets_gen.ts",
    );
    secrets = await generateSecretsBundle(req.contract, deps, {}, {
      kubernetes: !req.options.features?.kubernetesDisabled,
      // The service-account key shows only in control plane configs (generated regardless, as
      // their errors are reported, but then dropped).
      serviceAccount: req.wantControlplane ?? true,
    });
  }
  let input;
  try {
    input = newInput(req.clusterName, req.endpoint, req.kubernetesVersion, secrets, req.options);
  } catch (e) {
    throw new UserError(`failed to generate config bundle: ${(e as Error).message}`);
  }
  // Upstream generates the init config too (first); its errors are the control plane's.
  const types: MachineType[] = ["controlplane", "worker"];
  let controlplane: ConfigDocument[], worker: ConfigDocument[];
  try {
    [controlplane, worker] = types.map((t) => generateConfig(input, t));
  } catch (e) {
    throw new UserError(`failed to generate config bundle: ${(e as Error).message}`);
  }
  const configs = { controlplane, worker };
  if (req.patches) await patchAll(configs, req.patches);
  const out: ConfigBundle = {
    controlplane: await encodeWithComments(configs.controlplane, req),
    worker: await encodeWithComments(configs.worker, req),
  };
  if (req.wantTalosconfig) {
    const { issueClientCertificate } = await lazy<typeof import("../../pki/client_cert.ts")>(
      import.meta.url,
      "../../pki/client_cert.ts",
    );
    const { encodeTalosconfig, newTalosconfig } = await lazy<
      typeof import("../../clientconfig/talosconfig_model.ts")
    >(import.meta.url, "../../clientconfig/talosconfig_model.ts");
    const cert = await issueClientCertificate(
      secrets.certs.os,
      ["os:admin"],
      CLIENT_CERT_VALIDITY_MS,
      deps.now(),
      deps.random,
    );
    const cfg = newTalosconfig(req.clusterName, [], secrets.certs.os.crt, cert.crt, cert.key);
    out.talosconfig = encodeTalosconfig(cfg);
  }
  return out;
}
