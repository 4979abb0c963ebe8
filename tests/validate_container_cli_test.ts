// `talosctl validate`: whole-config rules over several documents (container dependencies,
// encrypted DNS protocols needing host DNS).

import { assertEquals } from "./assert.ts";
import { run, tempDir } from "./harness.ts";

const BASE = `version: v1alpha1
machine:
  type: worker
  token: abc.def
  ca:
    crt: Y3J0
cluster:
  controlPlane:
    endpoint: https://10.0.0.1:6443
`;

const container = (name: string, deps: string[]) =>
  `---\napiVersion: v1alpha1\nkind: ContainerConfig\nname: ${name}\nimage: alpine:3\n` +
  (deps.length ? `dependsOn:\n  containers: [${deps.join(", ")}]\n` : "");

async function validate(config: string) {
  const dir = await tempDir();
  await Deno.writeTextFile(`${dir.path}/c.yaml`, config);
  const r = await run(["validate", "--config", "c.yaml", "-m", "cloud"], { cwd: dir.path });
  await dir[Symbol.asyncDispose]();
  return r;
}

Deno.test("validate: container dependencies must exist and form no cycle", async () => {
  const ok = await validate(BASE + container("db", []) + container("app", ["db"]));
  assertEquals(ok.code, 0, ok.stderr);
  const r = await validate(
    BASE + container("a", ["b"]) + container("b", ["c", "a"]) + container("c", ["b", "ghost"]),
  );
  assertEquals(r.code, 1);
  assertEquals(
    r.stderr,
    "2 errors occurred:\n" +
      `\t* container "c" depends on container "ghost", which is not configured\n` +
      "\t* container dependsOn cycle detected: a -> b -> a, b -> c -> b\n",
  );
});

Deno.test("validate: DoT/DoH nameservers need host DNS", async () => {
  const resolver = (protocol: string) =>
    `---\napiVersion: v1alpha1\nkind: ResolverConfig\nnameservers:\n  - address: 1.1.1.1\n    protocol: ${protocol}\n`;
  assertEquals((await validate(BASE + resolver("Do53"))).code, 0);
  const r = await validate(BASE + resolver("DoT"));
  assertEquals(
    r.stderr,
    "1 error occurred:\n\t* hostDNS must be enabled when using non-default DNS protocols\n",
  );
  const withHostDNS = BASE.replace(
    "  ca:",
    "  features:\n    hostDNS:\n      enabled: true\n  ca:",
  ) + resolver("DoH");
  assertEquals((await validate(withHostDNS)).code, 0);
});
