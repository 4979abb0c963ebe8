import { assertEquals } from "../tests/assert.ts";
import { withDirLock } from "./lock.ts";
import { parseTalosconfig, updateTalosconfig } from "./talosconfig.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("concurrent updates in one process are serialised: no context is lost", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const deps = { env: {}, home: dir, cwd: dir };
    await Promise.all(
      Array.from(
        { length: 12 },
        (_, i) =>
          updateTalosconfig(deps, { talosconfig: "tc" }, async (cfg) => {
            await sleep(5); // widen the read-modify-write window
            cfg.contexts[`c${i}`] = { endpoints: [`10.0.0.${i}`] };
          }),
      ),
    );
    const cfg = parseTalosconfig(await Deno.readTextFile(`${dir}/tc`), "tc");
    assertEquals(Object.keys(cfg.contexts).length, 12);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the race is real: the same updates without the lock lose contexts", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/tc`;
    await Deno.writeTextFile(path, 'context: ""\ncontexts: {}\n');
    const { encodeTalosconfig } = await import("./talosconfig.ts");
    await Promise.all(Array.from({ length: 12 }, async (_, i) => {
      const cfg = parseTalosconfig(await Deno.readTextFile(path), path);
      await sleep(5);
      cfg.contexts[`c${i}`] = { endpoints: [] };
      await Deno.writeTextFile(path, encodeTalosconfig(cfg));
    }));
    const cfg = parseTalosconfig(await Deno.readTextFile(path), path);
    assertEquals(Object.keys(cfg.contexts).length < 12, true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("concurrent talosctl processes adding contexts lose none", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const main = new URL("../main.ts", import.meta.url).pathname;
    const n = 6;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        new Deno.Command(Deno.execPath(), {
          args: ["run", "-A", main, "config", "add", `p${i}`, "--talosconfig", `${dir}/tc`],
          stdout: "piped",
          stderr: "piped",
        }).output()),
    );
    for (const r of results) assertEquals(r.code, 0, new TextDecoder().decode(r.stderr));
    const cfg = parseTalosconfig(await Deno.readTextFile(`${dir}/tc`), "tc");
    assertEquals(Object.keys(cfg.contexts).sort(), Array.from({ length: n }, (_, i) => `p${i}`));
    assertEquals((await Deno.stat(`${dir}/tc`)).mode! & 0o777, 0o600);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("withDirLock excludes a second holder until the first releases", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const events: string[] = [];
    const first = withDirLock(dir, async () => {
      events.push("a-in");
      await sleep(50);
      events.push("a-out");
    });
    await sleep(10);
    const second = withDirLock(dir, () => {
      events.push("b-in");
      return Promise.resolve();
    });
    await Promise.all([first, second]);
    assertEquals(events, ["a-in", "a-out", "b-in"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
