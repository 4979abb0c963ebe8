// `talosctl gen secrets`: write a new secrets bundle, or one recovered from a Kubernetes PKI
// directory or from a control-plane machine config.

import { UserError } from "../../errors.ts";
import { bool, type CommandSpec, lazy, noArgs, type RunContext, str } from "../spec.ts";
import { ensureWritable, readInputFile, writeOutputFile } from "../files.ts";

async function fromKubernetesPki(ctx: RunContext, dir: string) {
  // Keys and certificates in the usual forms pass the quick DER readers; only others load the
  // ASN.1 schema parsers, whose decision and error text stand.
  const { quickPrivateKeyPem } = await lazy<typeof import("../../pki/key_quick.ts")>(
    import.meta.url,
    "../../pki/key_quick.ts",
  );
  const { quickCertificatePem } = await lazy<typeof import("../../pki/cert_quick.ts")>(
    import.meta.url,
    "../../pki/cert_quick.ts",
  );
  let stat: Deno.FileInfo;
  try {
    stat = await Deno.stat(dir.startsWith("/") ? dir : `${ctx.deps.cwd}/${dir}`);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new UserError(
        `failed to create secrets bundle: stat ${dir}: no such file or directory`,
      );
    }
    throw e;
  }
  if (!stat.isDirectory) {
    throw new UserError(
      `failed to create secrets bundle: ${JSON.stringify(dir)} is not a directory`,
    );
  }
  const base = dir.replace(/\/+$/, "");
  const read = async (name: string) => {
    try {
      return await readInputFile(ctx.deps, `${base}/${name}`);
    } catch (e) {
      throw new UserError(`failed to create secrets bundle: ${(e as Error).message}`);
    }
  };
  const check = (what: string, fn: () => void) => {
    try {
      fn();
    } catch (e) {
      throw new UserError(`failed to create secrets bundle: ${what}: ${(e as Error).message}`);
    }
  };
  const pair = async (crt: string, key: string) => {
    const p = { crt: await read(crt), key: await read(key) };
    if (!quickPrivateKeyPem(p.key) || !quickCertificatePem(p.crt)) {
      const { checkCertAndKey } = await lazy<typeof import("../../pki/secrets_parse.ts")>(
        import.meta.url,
        "../../pki/secrets_parse.ts",
      );
      check(`${base}/${crt}`, () => checkCertAndKey(p));
    }
    return p;
  };
  const k8s = await pair("ca.crt", "ca.key");
  const etcd = await pair("etcd/ca.crt", "etcd/ca.key");
  const k8sAggregator = await pair("front-proxy-ca.crt", "front-proxy-ca.key");
  const sa = await read("sa.key");
  if (!quickPrivateKeyPem(sa)) {
    const { parsePrivateKeyPem } = await lazy<typeof import("../../pki/key_parse.ts")>(
      import.meta.url,
      "../../pki/key_parse.ts",
    );
    check(`${base}/sa.key`, () => parsePrivateKeyPem(sa, " "));
  }
  return { k8s, etcd, k8sAggregator, k8sServiceAccount: { key: sa } };
}

export const spec: CommandSpec = {
  args: noArgs,
  flags: [
    {
      name: "output-file",
      short: "o",
      kind: "string",
      default: "secrets.yaml",
      usage: 'where to write the bundle; "-" means stdout',
    },
    {
      name: "talos-version",
      kind: "string",
      usage: "Talos release the bundle is meant for, when targeting an older cluster (e.g. v1.5)",
    },
    {
      name: "from-controlplane-config",
      kind: "string",
      usage: "take the secrets from an existing control plane machine config",
    },
    {
      name: "from-kubernetes-pki",
      short: "p",
      kind: "string",
      usage:
        "take the Kubernetes CAs and service account key from a PKI directory such as /etc/kubernetes/pki",
    },
    {
      name: "kubernetes-bootstrap-token",
      short: "t",
      kind: "string",
      usage: "Kubernetes bootstrap token to store instead of a random one",
    },
  ],
  async run(ctx) {
    const { contractFor } = await lazy<typeof import("../../contract/mod.ts")>(
      import.meta.url,
      "../../contract/mod.ts",
    );
    const { encodeSecretsBundle } = await lazy<typeof import("../../pki/secrets_encode.ts")>(
      import.meta.url,
      "../../pki/secrets_encode.ts",
    );
    const version = str(ctx, "talos-version");
    const { contract } = contractFor(version);
    const pkiDir = str(ctx, "from-kubernetes-pki");
    const cpConfig = str(ctx, "from-controlplane-config");
    const out = str(ctx, "output-file");
    const force = bool(ctx, "force");
    // Refuse before generating anything (RSA key generation takes a while).
    if (out !== "-") await ensureWritable(ctx.deps, [out], { force });
    let bundle;
    if (pkiDir) {
      const { generateSecretsBundle } = await lazy<typeof import("../../pki/secrets_gen.ts")>(
        import.meta.url,
        "../../pki/secrets_gen.ts",
      );
      const certs = await fromKubernetesPki(ctx, pkiDir);
      bundle = await generateSecretsBundle(contract, ctx.deps, {
        certs,
        bootstrapToken: str(ctx, "kubernetes-bootstrap-token"),
      });
    } else if (cpConfig) {
      const { bundleFromControlPlaneConfig } = await lazy<
        typeof import("../../pki/secrets_from_config.ts")
      >(import.meta.url, "../../pki/secrets_from_config.ts");
      let text: string;
      try {
        text = await readInputFile(ctx.deps, cpConfig);
      } catch (e) {
        throw new UserError(`failed to load controlplane config: ${(e as Error).message}`);
      }
      bundle = bundleFromControlPlaneConfig(text);
    } else {
      const { generateSecretsBundle } = await lazy<typeof import("../../pki/secrets_gen.ts")>(
        import.meta.url,
        "../../pki/secrets_gen.ts",
      );
      bundle = await generateSecretsBundle(contract, ctx.deps);
    }
    const text = encodeSecretsBundle(bundle);
    if (out === "-") {
      await ctx.deps.io.stdout.write(text);
      return;
    }
    await writeOutputFile(ctx.deps, out, text, { force, mode: 0o600 });
  },
};
