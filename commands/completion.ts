// `talosctl completion bash|zsh|fish|powershell`: shell completion scripts generated from the
// command tree (every command is loaded to collect its subcommands and flags).

import { bool, type CommandEntry, type CommandSpec, noArgs } from "./spec.ts";

type Shell = "bash" | "zsh" | "fish" | "powershell";

const SETUP: Record<Shell, string> = {
  bash: `Requires the bash-completion package.

Current shell:
  source <(talosctl completion bash)

Every new shell (Linux):
  talosctl completion bash > /etc/bash_completion.d/talosctl`,
  zsh: `Current shell:
  source <(talosctl completion zsh)

Every new shell: write it to a directory of $fpath, e.g.
  talosctl completion zsh > "\${fpath[1]}/_talosctl"
(with "autoload -U compinit; compinit" in ~/.zshrc).`,
  fish: `Current shell:
  talosctl completion fish | source

Every new shell:
  talosctl completion fish > ~/.config/fish/completions/talosctl.fish`,
  powershell: `Current shell:
  talosctl completion powershell | Out-String | Invoke-Expression

Every new shell: add that line to your PowerShell profile.`,
};

function shellSpec(shell: Shell): CommandSpec {
  return {
    long: `Generate the completion script for ${shell}.\n\n${SETUP[shell]}`,
    args: noArgs,
    flags: [
      { name: "no-descriptions", kind: "bool", usage: "leave command and flag descriptions out" },
    ],
    async run(ctx) {
      const { root } = await import("./mod.ts");
      const { loadTree } = await import("./tree.ts");
      const { completionScript } = await import("./completion_scripts.ts");
      const tree = await loadTree(root);
      const script = completionScript(shell, tree, !bool(ctx, "no-descriptions"));
      await ctx.deps.io.stdout.write(script);
    },
  };
}

const shells: Shell[] = ["bash", "fish", "powershell", "zsh"];

export const spec: CommandSpec = {
  long: `Generate the completion script for talosctl for a shell.
The help of each subcommand tells how to load it.`,
  subcommands: shells.map((s): CommandEntry => ({
    name: s,
    short: `Generate the completion script for ${s}`,
    load: () => Promise.resolve(shellSpec(s)),
  })),
};
