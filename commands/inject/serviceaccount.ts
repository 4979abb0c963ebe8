// `talosctl inject serviceaccount -f FILE|-`: every Pod, Deployment, StatefulSet, DaemonSet, Job
// and CronJob of the manifests gets the `talos-secrets` volume mounted in its containers and a
// Talos ServiceAccount resource with the given roles (k8s/inject.ts). The result goes to stdout;
// without -f the command prints its help, as talosctl does.

import { type CommandSpec, list, noArgs, str } from "../spec.ts";

export const spec: CommandSpec = {
  use: "[--roles='<ROLE_1>,<ROLE_2>'] -f <manifest.yaml>",
  example: `  # Give the workloads of app.yaml a Talos ServiceAccount with the os:operator role
  talosctl inject serviceaccount -r os:operator -f app.yaml > app-with-talos.yaml

  # The same for manifests read from a pipe
  kubectl kustomize ./app | talosctl inject tsa -f - > app-with-talos.yaml`,
  args: noArgs,
  flags: [
    {
      name: "file",
      short: "f",
      kind: "string",
      usage: "manifest file to add the Talos ServiceAccount to ('-' reads stdin)",
    },
    {
      name: "roles",
      short: "r",
      kind: "strings",
      default: ["os:reader"],
      usage: "Talos API roles of the generated ServiceAccount resources",
    },
  ],
  async run(ctx) {
    const file = str(ctx, "file");
    if (file === "") {
      if (ctx.help) await ctx.deps.io.stdout.write(await ctx.help());
      return;
    }
    let text: string;
    if (file === "-") {
      text = new TextDecoder().decode(await ctx.deps.io.stdin.readAll());
    } else {
      const { readInputFile } = await import("../files.ts");
      text = await readInputFile(ctx.deps, file);
    }
    const { injectServiceAccount, InjectError } = await import("../../k8s/inject.ts");
    let out: string;
    try {
      out = injectServiceAccount(text, list(ctx, "roles"));
    } catch (e) {
      if (e instanceof InjectError) {
        const { UserError } = await import("../../errors.ts");
        throw new UserError(e.message);
      }
      throw e;
    }
    await ctx.deps.io.stdout.write(out + "\n");
  },
};
