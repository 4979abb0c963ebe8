// The body of `edit`: for each node, its running config goes to a temporary file under a comment
// header, the editor runs on it, and the saved text is applied. A rejected config reopens the
// editor with the node's error in the header; saving it unchanged stops with that error.

import type { RunContext } from "./spec.ts";
import { errorText, type NodeTarget, UserError } from "./kit.ts";
import { goQuote } from "../gofmt/mod.ts";
import { machineConfigBody, machineConfigUpdater, sendConfig, stripComments } from "./mc_update.ts";
import type { Resource } from "../gen/cosi/resource_pb.ts";

/** The editor's command line, found as kubectl's editor package finds it. */
export function editorCommand(env: RunContext["deps"]["env"]): { args: string[]; shell: boolean } {
  let editor = "";
  for (const name of ["TALOS_EDITOR", "EDITOR"]) {
    editor = env[name] ?? "";
    if (editor !== "") break;
  }
  if (editor === "") editor = Deno.build.os === "windows" ? "notepad" : "vi";
  if (!editor.includes(" ")) return { args: [editor], shell: false };
  if (!/["'\\]/.test(editor)) return { args: editor.split(" "), shell: false };
  // Quotes or escapes: let the user's shell parse it.
  let shell = env.SHELL ?? "";
  if (shell === "") shell = Deno.build.os === "windows" ? "cmd" : "/bin/bash";
  return { args: [shell, shell === "cmd" ? "/C" : "-c", editor], shell: true };
}

/** Runs the editor on `path`; errors read as kubectl's. */
async function launch(ctx: RunContext, path: string): Promise<void> {
  const { args, shell } = editorCommand(ctx.deps.env);
  const argv = shell
    ? [...args.slice(0, -1), `${args[args.length - 1]} ${goQuote(path)}`]
    : [...args, path];
  const shown = args.join(" ");
  let status: Deno.CommandStatus;
  try {
    const child = new Deno.Command(argv[0], {
      args: argv.slice(1),
      env: Object.fromEntries(
        Object.entries(ctx.deps.env).filter((e): e is [string, string] => e[1] !== undefined),
      ),
      clearEnv: true,
      cwd: ctx.deps.cwd,
      stdin: "inherit",
      stdout: "inherit",
      stderr: "inherit",
    }).spawn();
    status = await child.status;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new UserError(`unable to launch the editor ${goQuote(shown)}`);
    }
    throw new UserError(`there was a problem with the editor ${goQuote(shown)}`);
  }
  if (!status.success) throw new UserError(`there was a problem with the editor ${goQuote(shown)}`);
}

/**
 * Writes `text` to a new 0600 file in the temp directory, named as Go's os.CreateTemp names it
 * (kubectl's editor uses it): `<prefix><a random uint32 in decimal><suffix>`.
 */
async function tempFile(ctx: RunContext, prefix: string, suffix: string, text: string) {
  const dir = ctx.deps.env.TMPDIR || "/tmp";
  for (let i = 0; i < 10000; i++) {
    const rand = new DataView(ctx.deps.random(4).buffer).getUint32(0);
    const path = `${dir.replace(/\/+$/, "")}/${prefix}${rand}${suffix}`;
    try {
      await Deno.writeTextFile(path, text, { createNew: true, mode: 0o600 });
      return path;
    } catch (e) {
      if (e instanceof Deno.errors.AlreadyExists) continue;
      throw new UserError(`open ${path}: ${(e as Error).message}`);
    }
  }
  throw new UserError(`could not create a temporary file in ${dir}`);
}

/** The error as comment lines for the file header. */
function editingComment(error: string): string {
  return `# \n# ${error.split("\n").join("\n# ")}\n`;
}

/** Drops the leading `# ` lines (the header we wrote, and any the user kept). */
function stripEditingComment(text: string): string {
  let rest = text;
  for (;;) {
    const nl = rest.indexOf("\n");
    if (nl < 0 || !rest.startsWith("# ")) return rest;
    rest = rest.slice(nl + 1);
  }
}

async function editNode(ctx: RunContext, target: NodeTarget, mc: Resource): Promise<void> {
  const { printApplyResults } = await import("./apply_send.ts");
  const stderr = ctx.deps.io.stderr;
  const type = mc.metadata?.type ?? "", id = mc.metadata?.id ?? "";
  const body = machineConfigBody(mc);
  let edited = body;
  let lastError = "";
  const files: string[] = [];
  try {
    for (;;) {
      const header = `# Editing ${type}/${id} at node ${target.node}\n` +
        (lastError !== "" ? editingComment(lastError) : "");
      const previous = edited;
      const path = await tempFile(ctx, `${type}-${id}-edit-`, ".yaml", header + edited);
      files.push(path);
      await launch(ctx, path);
      edited = stripEditingComment(await Deno.readTextFile(path));
      if (lastError !== "" && stripComments(previous) === stripComments(edited)) {
        // Kept for the user, as the message says.
        files.pop();
        throw new UserError(
          editingComment(lastError) +
            `A copy of your changes has been stored to ${goQuote(path)}\n` +
            "Edit canceled, no valid changes were saved.\n",
        );
      }
      if (stripComments(edited).trim() === "") {
        await stderr.write("Apply was skipped: empty file.\n");
        return;
      }
      if (edited === body) {
        await stderr.write("Apply was skipped: no changes detected.\n");
        return;
      }
      let resp;
      try {
        resp = await sendConfig(ctx, target, edited);
      } catch (e) {
        lastError = errorText(e);
        continue;
      }
      await printApplyResults(stderr, resp);
      return;
    }
  } finally {
    for (const f of files) await Deno.remove(f).catch(() => {});
  }
}

export async function runEdit(ctx: RunContext): Promise<void> {
  await machineConfigUpdater(ctx, (target, mc) => editNode(ctx, target, mc));
}
