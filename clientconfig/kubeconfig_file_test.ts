import { assertEquals, assertRejects, assertThrows } from "../tests/assert.ts";
import { tempDir } from "../tests/harness.ts";
import {
  cleanPath,
  resolveKubeconfigTarget,
  singleKubeconfigPath,
  writeFileAtomic,
} from "./kubeconfig_file.ts";

Deno.test("$KUBECONFIG must name a single file; else ~/.kube/config", () => {
  assertEquals(singleKubeconfigPath({ KUBECONFIG: "/a/b" }, "/home/u"), "/a/b");
  assertEquals(singleKubeconfigPath({}, "/home/u"), "/home/u/.kube/config");
  assertEquals(singleKubeconfigPath({ KUBECONFIG: "" }, "/home/u"), "/home/u/.kube/config");
  assertThrows(
    () => singleKubeconfigPath({ KUBECONFIG: "/a:/b" }, "/h"),
    "multiple kubeconfig files defined",
  );
  assertThrows(() => singleKubeconfigPath({ KUBECONFIG: "/a:" }, "/h"), "multiple");
  assertThrows(() => singleKubeconfigPath({}, ""), "$HOME is not defined");
});

Deno.test("paths are cleaned as Go's filepath.Clean does", () => {
  assertEquals(cleanPath("a//b/../c/"), "a/c");
  assertEquals(cleanPath("./x"), "x");
  assertEquals(cleanPath("/"), "/");
  assertEquals(cleanPath("-"), "-");
  assertEquals(cleanPath(""), ".");
});

Deno.test("target: directories get /kubeconfig, existing files need --force or --merge", async () => {
  await using dir = await tempDir();
  const base = { env: {}, home: dir.path, cwd: dir.path, force: false };
  let t = await resolveKubeconfigTarget({ ...base, merge: false });
  assertEquals(t, {
    path: `${dir.path}/kubeconfig`,
    abs: `${dir.path}/kubeconfig`,
    merge: false,
    stdout: false,
  });
  t = await resolveKubeconfigTarget({ ...base, merge: true });
  assertEquals([t.path, t.merge], [`${dir.path}/.kube/config`, false]);
  await Deno.writeTextFile(`${dir.path}/kubeconfig`, "");
  await assertRejects(
    () => resolveKubeconfigTarget({ ...base, arg: ".", merge: false }),
    'kubeconfig file already exists, use --force to overwrite: "kubeconfig"',
  );
  t = await resolveKubeconfigTarget({ ...base, arg: "./", merge: true });
  assertEquals([t.path, t.abs, t.merge], ["kubeconfig", `${dir.path}/kubeconfig`, true]);
  t = await resolveKubeconfigTarget({ ...base, arg: "kubeconfig", merge: false, force: true });
  assertEquals([t.path, t.merge], ["kubeconfig", false]);
  t = await resolveKubeconfigTarget({ ...base, arg: "-", merge: false });
  assertEquals([t.path, t.stdout], ["-", true]);
  t = await resolveKubeconfigTarget({ ...base, arg: "-", merge: true });
  assertEquals([t.merge, t.stdout], [false, true]);
  t = await resolveKubeconfigTarget({ ...base, env: { KUBECONFIG: "kubeconfig" }, merge: true });
  assertEquals([t.path, t.merge], ["kubeconfig", true]);
  await assertRejects(
    () => resolveKubeconfigTarget({ ...base, arg: "kubeconfig/x", merge: true }),
    'error checking path "kubeconfig/x": stat kubeconfig/x: not a directory',
  );
});

Deno.test("atomic write: mode 0600, parents created, symlinks followed, no temp left", async () => {
  await using dir = await tempDir();
  await writeFileAtomic(`${dir.path}/a/b/config`, "one");
  assertEquals(await Deno.readTextFile(`${dir.path}/a/b/config`), "one");
  assertEquals((await Deno.stat(`${dir.path}/a/b/config`)).mode! & 0o777, 0o600);
  await Deno.writeTextFile(`${dir.path}/real`, "old", { mode: 0o644 });
  await Deno.symlink(`${dir.path}/real`, `${dir.path}/link`);
  await writeFileAtomic(`${dir.path}/link`, "new");
  assertEquals((await Deno.lstat(`${dir.path}/link`)).isSymlink, true);
  assertEquals(await Deno.readTextFile(`${dir.path}/real`), "new");
  assertEquals((await Deno.stat(`${dir.path}/real`)).mode! & 0o777, 0o600);
  const names = [];
  for await (const e of Deno.readDir(dir.path)) names.push(e.name);
  assertEquals(names.sort(), ["a", "link", "real"]);
});

Deno.test("a new target's parents are made at resolve time, before any download (Go's MkdirAll)", async () => {
  await using dir = await tempDir();
  const base = { env: {}, home: dir.path, cwd: dir.path, force: false, merge: true };
  const t = await resolveKubeconfigTarget({ ...base, arg: "n/e/w/kc" });
  assertEquals([t.path, t.merge], ["n/e/w/kc", false]);
  assertEquals((await Deno.stat(`${dir.path}/n/e/w`)).isDirectory, true);
  await assertRejects(() => Deno.stat(`${dir.path}/n/e/w/kc`));
  // A dangling symlink in the way: Go's Mkdir fails with EEXIST and says which directory.
  await Deno.symlink(`${dir.path}/nowhere`, `${dir.path}/link`);
  await assertRejects(
    () => resolveKubeconfigTarget({ ...base, arg: "link/kc" }),
    "mkdir link: file exists",
  );
});

Deno.test("`-` is stdout only when not merging into an existing file named `-` (talosctl's order)", async () => {
  await using dir = await tempDir();
  const base = { env: {}, home: dir.path, cwd: dir.path, arg: "-" };
  await Deno.writeTextFile(`${dir.path}/-`, "");
  let t = await resolveKubeconfigTarget({ ...base, merge: true, force: false });
  assertEquals([t.path, t.abs, t.merge, t.stdout], ["-", `${dir.path}/-`, true, false]);
  await assertRejects(
    () => resolveKubeconfigTarget({ ...base, merge: false, force: false }),
    'kubeconfig file already exists, use --force to overwrite: "-"',
  );
  t = await resolveKubeconfigTarget({ ...base, merge: false, force: true });
  assertEquals([t.merge, t.stdout], [false, true]);
});
