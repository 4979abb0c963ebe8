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

const DIGEST = "sha256:" + "0123456789abcdef".repeat(4);
const container = (name: string, deps: string[]) =>
  `---\napiVersion: v1alpha1\nkind: ContainerConfig\nname: ${name}\nimage: alpine@${DIGEST}\n` +
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
    `---\napiVersion: v1alpha1\nkind: ResolverConfig\nnameservers:\n  - address: 1.1.1.1\n    protocol: ${protocol}\n` +
    (protocol === "Do53" ? "" : "    tlsServerName: one.one.one.one\n") +
    "  - address: 9.9.9.9\n";
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

Deno.test("validate: a ContainerConfig image without a digest is a warning, bad fields are errors", async () => {
  const doc = (body: string) => `---\napiVersion: v1alpha1\nkind: ContainerConfig\n${body}`;
  const ok = await validate(BASE + doc("name: web\nimage: nginx:1.27\n"));
  assertEquals(ok.code, 0);
  assertEquals(
    ok.stderr,
    'WARNING: container "web": image "nginx:1.27" is not digest-pinned, the running image may change on restart\n',
  );
  assertEquals(ok.stdout, "c.yaml is valid for cloud mode\n");
  const bad = await validate(
    BASE +
      doc(
        `name: web\nimage: alpine@${DIGEST}\nenvironment: [DEBUG]\nmounts:\n  - tmpfs: {destination: run}\n`,
      ),
  );
  assertEquals(bad.code, 1);
  assertEquals(
    bad.stderr,
    "1 error occurred:\n" +
      '\t* ContainerConfig/web: environment[0]: "DEBUG" must be in KEY=value form\n' +
      'mounts[0]: tmpfs.destination "run" must be an absolute path\n',
  );
});
