// `edit machineconfig` against the emulator, with fake editors (shell scripts written here): the
// header and the file, the editor lookup, skipped edits, a rejected edit reopened with the
// node's error, giving up, several nodes, --dry-run and --mode.

import { assert, assertEquals, assertStringIncludes } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import { machineConfigOf, type SimNode, simNode, startEmulator } from "./emulator/mod.ts";

const HEADER = (node: string) =>
  `# Editing MachineConfigs.config.talos.dev/v1alpha1 at node ${node}\n`;
const SAN_BEFORE = "    certSANs: []\n";
const SAN_AFTER = "    certSANs:\n        - edited.example.org\n";

function current(address: string): SimNode {
  const n = simNode(address);
  n.version.tag = "v1.13.9";
  return n;
}

/**
 * A fake editor: logs each file it is given (`<dir>/seen.N` with the text, `<dir>/paths` with the
 * path), then runs step N of `steps` (shell code acting on "$1"; the last step repeats).
 */
async function editor(dir: string, steps: string[]): Promise<string> {
  const path = `${dir}/editor.sh`;
  const cases = steps.map((s, i) => `  ${i + 1}) ${s} ;;`).join("\n");
  await Deno.writeTextFile(
    path,
    `#!/bin/sh
n=$(($(cat "${dir}/count" 2>/dev/null || echo 0) + 1))
echo "$n" > "${dir}/count"
cp "$1" "${dir}/seen.$n"
echo "$1" >> "${dir}/paths"
case "$n" in
${cases}
  *) ${steps[steps.length - 1]} ;;
esac
`,
    { mode: 0o755 },
  );
  return path;
}

const SET_SAN =
  `sed -i 's/^    certSANs: \\[\\]$/    certSANs:\\n        - edited.example.org/' "$1"`;

async function setup(dir: string, nodes: SimNode[], roles = ["os:admin"]) {
  const emu = await startEmulator({ nodes });
  const cfg = await emu.talosconfig(dir, { roles, nodes: nodes.map((n) => n.address) });
  await Deno.mkdir(`${dir}/tmp`);
  const env = (vars: Record<string, string>) => ({
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    TMPDIR: `${dir}/tmp`,
    ...vars,
  });
  return { emu, cfg, env };
}

const seen = (dir: string, n: number) => Deno.readTextFile(`${dir}/seen.${n}`);
const applies = (emu: { calls: { path: string }[] }) =>
  emu.calls.filter((c) => c.path === "/machine.MachineService/ApplyConfiguration").length;

Deno.test("edit mc: the config under its header in a 0600 temp file, the edit applied", async () => {
  await using dir = await tempDir();
  const node = current("10.5.0.2");
  const { emu, cfg, env } = await setup(dir.path, [node]);
  await using _ = emu;
  const body = machineConfigOf(node)!;
  const ed = await editor(dir.path, [SET_SAN]);
  const r = await run(["edit", "mc", "--talosconfig", cfg], { env: env({ EDITOR: ed }) });
  assertEquals(r.stderr, "Applied configuration without a reboot\n");
  assertEquals(r.code, 0);
  assertEquals(await seen(dir.path, 1), HEADER("10.5.0.2") + body);
  assertEquals(machineConfigOf(node), body.replace(SAN_BEFORE, SAN_AFTER));
  const [path] = (await Deno.readTextFile(`${dir.path}/paths`)).trim().split("\n");
  assert(
    new RegExp(
      `^${dir.path}/tmp/MachineConfigs\\.config\\.talos\\.dev-v1alpha1-edit-[0-9]{1,10}\\.yaml$`,
    )
      .test(path),
    path,
  );
  // Removed afterwards.
  assertEquals([...Deno.readDirSync(`${dir.path}/tmp`)], []);
});

Deno.test("edit: TALOS_EDITOR wins over EDITOR; commands with spaces and quotes", async () => {
  await using dir = await tempDir();
  const node = current("10.5.0.2");
  const { emu, cfg, env } = await setup(dir.path, [node]);
  await using _ = emu;
  const ed = await editor(dir.path, [SET_SAN]);
  const r = await run(["edit", "machineconfig", "--talosconfig", cfg, "--dry-run"], {
    env: env({ TALOS_EDITOR: `sh ${ed}`, EDITOR: "false" }),
  });
  assertEquals(r.code, 0);
  assert(
    r.stderr.startsWith(
      "Dry run summary:\nApplied configuration without a reboot (skipped in dry-run).\nConfig diff:\n\n--- a\n+++ b\n",
    ),
    r.stderr,
  );
  assertEquals(applies(emu), 1);
  assert(!machineConfigOf(node)!.includes("edited.example.org"));

  // Quotes: the user's shell runs the command.
  const shell = `${dir.path}/shell.sh`;
  await Deno.writeTextFile(
    shell,
    `#!/bin/sh\necho "$@" > "${dir.path}/shell.log"\nexec /bin/sh "$@"\n`,
    { mode: 0o755 },
  );
  const quoted = await run(["edit", "mc", "--talosconfig", cfg, "-m", "staged"], {
    env: env({ EDITOR: `sh '${ed}'`, SHELL: shell }),
  });
  assertEquals([quoted.code, quoted.stderr], [
    0,
    "Staged configuration to be applied after the next reboot\n",
  ]);
  assertStringIncludes(machineConfigOf(node, "persistent")!, SAN_AFTER);
  const path = (await Deno.readTextFile(`${dir.path}/paths`)).trim().split("\n")[1];
  assertEquals(await Deno.readTextFile(`${dir.path}/shell.log`), `-c sh '${ed}' "${path}"\n`);

  const missing = await run(["edit", "mc", "--talosconfig", cfg], {
    env: env({ EDITOR: "no-such-editor-here" }),
  });
  assertEquals(missing.stderr, 'unable to launch the editor "no-such-editor-here"\n');
  const failing = await run(["edit", "mc", "--talosconfig", cfg], {
    env: env({ EDITOR: "false" }),
  });
  assertEquals(failing.stderr, 'there was a problem with the editor "false"\n');
  assertEquals([...Deno.readDirSync(`${dir.path}/tmp`)], []);
});

Deno.test("edit: an unchanged or emptied file applies nothing", async () => {
  await using dir = await tempDir();
  const node = current("10.5.0.2");
  const { emu, cfg, env } = await setup(dir.path, [node]);
  await using _ = emu;
  const body = machineConfigOf(node);
  const unchanged = await run(["edit", "mc", "--talosconfig", cfg], {
    env: env({ EDITOR: "true" }),
  });
  assertEquals([unchanged.code, unchanged.stderr], [
    0,
    "Apply was skipped: no changes detected.\n",
  ]);
  const ed = await editor(dir.path, [`printf '# just a comment\\n\\n' > "$1"`]);
  const emptied = await run(["edit", "mc", "--talosconfig", cfg], { env: env({ EDITOR: ed }) });
  assertEquals([emptied.code, emptied.stderr], [0, "Apply was skipped: empty file.\n"]);
  assertEquals(applies(emu), 0);
  assertEquals(machineConfigOf(node), body);
});

Deno.test("edit: a rejected edit reopens with the node's error; fixed, it is applied", async () => {
  await using dir = await tempDir();
  const node = current("10.5.0.2");
  const { emu, cfg, env } = await setup(dir.path, [node]);
  await using _ = emu;
  const body = machineConfigOf(node)!;
  const ed = await editor(dir.path, [
    // Not YAML the node can read.
    `printf 'machine: [unclosed\\n' >> "$1"`,
    // Fixed: the original config with the SAN.
    `cp "${dir.path}/fixed.yaml" "$1"`,
  ]);
  await Deno.writeTextFile(`${dir.path}/fixed.yaml`, body.replace(SAN_BEFORE, SAN_AFTER));
  const r = await run(["edit", "mc", "--talosconfig", cfg], { env: env({ EDITOR: ed }) });
  assertEquals(r.stderr, "Applied configuration without a reboot\n");
  assertEquals(r.code, 0);
  const second = await seen(dir.path, 2);
  assert(second.startsWith(HEADER("10.5.0.2") + "# \n# rpc error: code = InvalidArgument desc = "));
  // The text reopened is what was saved, after the header.
  assert(second.endsWith(body + "machine: [unclosed\n"), second.slice(-200));
  assertEquals(machineConfigOf(node), body.replace(SAN_BEFORE, SAN_AFTER));
  assertEquals(applies(emu), 2);
});

Deno.test("edit: saving a rejected edit unchanged gives up, keeping a copy", async () => {
  await using dir = await tempDir();
  const node = current("10.5.0.2");
  const { emu, cfg, env } = await setup(dir.path, [node]);
  await using _ = emu;
  const body = machineConfigOf(node)!;
  const ed = await editor(dir.path, [
    `sed -i 's/^    type: controlplane$/    type: worker/' "$1"`,
    "true",
  ]);
  const r = await run(["edit", "mc", "--talosconfig", cfg], { env: env({ EDITOR: ed }) });
  assertEquals(r.code, 1);
  const paths = (await Deno.readTextFile(`${dir.path}/paths`)).trim().split("\n");
  assertEquals(paths.length, 2);
  const lines = r.stderr.split("\n");
  assertEquals(lines.slice(0, 2), [
    "# ",
    "# rpc error: code = InvalidArgument desc = 2 errors occurred:",
  ]);
  assert(
    r.stderr.endsWith(
      `\nA copy of your changes has been stored to "${
        paths[1]
      }"\nEdit canceled, no valid changes were saved.\n\n`,
    ),
    r.stderr,
  );
  assertStringIncludes(await Deno.readTextFile(paths[1]), "    type: worker\n");
  assertEquals(machineConfigOf(node), body);
  assertEquals(applies(emu), 1);
});

Deno.test("edit: several nodes one after the other; a reader cannot read the config", async () => {
  await using dir = await tempDir();
  const nodes = [current("10.5.0.2"), current("10.5.0.3")];
  const { emu, cfg, env } = await setup(dir.path, nodes);
  await using _ = emu;
  const ed = await editor(dir.path, [SET_SAN]);
  const r = await run(["edit", "mc", "--talosconfig", cfg], { env: env({ EDITOR: ed }) });
  assertEquals(r.code, 0);
  assertEquals(r.stderr, "Applied configuration without a reboot\n".repeat(2));
  assert((await seen(dir.path, 1)).startsWith(HEADER("10.5.0.2")));
  assert((await seen(dir.path, 2)).startsWith(HEADER("10.5.0.3")));
  for (const n of nodes) assertStringIncludes(machineConfigOf(n)!, SAN_AFTER);

  const reader = await emu.talosconfig(dir.path, { roles: ["os:reader"], nodes: ["10.5.0.2"] });
  const denied = await run(["edit", "mc", "--talosconfig", reader], { env: env({ EDITOR: ed }) });
  assertEquals(
    denied.stderr,
    "error getting resource on node 10.5.0.2: rpc error: code = PermissionDenied desc = not authorized\n",
  );
  assertEquals(Number(await Deno.readTextFile(`${dir.path}/count`)), 2);
});
