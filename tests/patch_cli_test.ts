// `talosctl machineconfig patch`: stdout vs -o output, patch files, failures.

import { assert, assertEquals, assertStringIncludes } from "./assert.ts";
import { run, tempDir } from "./harness.ts";

const CONFIG = `version: v1alpha1
machine:
  type: worker
  token: abc
  network:
    hostname: one
`;

async function exists(p: string): Promise<boolean> {
  try {
    await Deno.stat(p);
    return true;
  } catch {
    return false;
  }
}

Deno.test("mc patch: strategic patch from a file, stdout gets a trailing newline", async () => {
  await using dir = await tempDir();
  await Deno.writeTextFile(`${dir.path}/c.yaml`, CONFIG);
  await Deno.writeTextFile(`${dir.path}/p.yaml`, "machine:\n  network:\n    hostname: two\n");
  const r = await run(["machineconfig", "patch", "c.yaml", "--patch", "@p.yaml"], {
    cwd: dir.path,
  });
  assertEquals(r.code, 0, r.stderr);
  assertStringIncludes(r.stdout, "        hostname: two\n");
  assert(r.stdout.startsWith("version: v1alpha1\nmachine:\n    type: worker\n"));
  assert(r.stdout.endsWith("cluster: null\n\n"), "re-encoded config plus the newline println adds");
});

Deno.test("mc patch -o writes the bytes as they are, creating directories", async () => {
  await using dir = await tempDir();
  await Deno.writeTextFile(`${dir.path}/c.yaml`, CONFIG);
  const r = await run(
    [
      "mc",
      "patch",
      "c.yaml",
      "-p",
      `[{"op":"replace","path":"/machine/type","value":"controlplane"}]`,
      "-o",
      "out/x.yaml",
    ],
    { cwd: dir.path },
  );
  assertEquals(r.code, 0, r.stderr);
  assertEquals(r.stdout, "");
  const written = await Deno.readTextFile(`${dir.path}/out/x.yaml`);
  assertEquals(
    written,
    "machine:\n  network:\n    hostname: one\n  token: abc\n  type: controlplane\nversion: v1alpha1\n",
  );
  assertEquals((await Deno.stat(`${dir.path}/out/x.yaml`)).mode! & 0o777, 0o600);
});

Deno.test("mc patch without patches echoes the file unchanged", async () => {
  await using dir = await tempDir();
  await Deno.writeTextFile(`${dir.path}/c.yaml`, CONFIG);
  const r = await run(["mc", "patch", "c.yaml"], { cwd: dir.path });
  assertEquals(r.code, 0, r.stderr);
  assertEquals(r.stdout, CONFIG + "\n");
});

Deno.test("mc patch: bad patches fail with exit 1 and write nothing", async () => {
  await using dir = await tempDir();
  await Deno.writeTextFile(`${dir.path}/c.yaml`, CONFIG);
  const cases: [string, string][] = [
    ["machine: [\n  oops\n", "bad.yaml"],
    [`[{"op": "remove", "path": "/machine/nothere"}]`, "Unable to remove nonexistent key: nothere"],
    ["machine:\n  kubelet:\n    imagee: x\n", "machine.kubelet.imagee (line 3)"],
    ["machine:\n  sysctls:\n    nope:\n      $patch: delete\n", "lookup failed"],
  ];
  for (const [text, want] of cases) {
    await Deno.writeTextFile(`${dir.path}/bad.yaml`, text);
    const r = await run(["mc", "patch", "c.yaml", "-p", "@bad.yaml", "-o", "out.yaml"], {
      cwd: dir.path,
    });
    assertEquals(r.code, 1, `expected failure for ${JSON.stringify(text)}`);
    assertStringIncludes(r.stderr, want);
    assert(!r.stderr.includes("    at "), "no stack trace");
    assert(!(await exists(`${dir.path}/out.yaml`)), "no output file on failure");
  }
  const missing = await run(["mc", "patch", "c.yaml", "-p", "@nope.yaml"], { cwd: dir.path });
  assertEquals(missing.code, 1);
  assertStringIncludes(missing.stderr, "open nope.yaml: no such file or directory");
});
