// `inject serviceaccount` through the CLI: a real manifest file and stdin (in-process and through
// a real process's stdin), every workload kind, documents that pass through, re-running on its
// own output, kubectl reading the result, and talosctl's errors.

import { parseAllDocuments } from "yaml";
import { assert, assertEquals, assertStringIncludes } from "./assert.ts";
import { assertGolden, run, tempDir } from "./harness.ts";
import { haveTool, runTool } from "./extern_tools.ts";

const FIXTURE = new URL("./fixtures/inject/workloads.yaml", import.meta.url).pathname;
const MAIN = new URL("../main.ts", import.meta.url).pathname;
const MOUNT = "/var/run/secrets/talos.dev";

// deno-lint-ignore no-explicit-any
type Doc = Record<string, any>;

function docs(text: string): Doc[] {
  return parseAllDocuments(text).map((d) => {
    assertEquals(d.errors.length, 0, `output does not parse: ${d.errors[0]?.message}`);
    return d.toJS() as Doc;
  }).filter((d) => d !== null);
}

/** The pod spec of a workload document. */
function podSpec(doc: Doc): Doc {
  switch (doc.kind) {
    case "Pod":
      return doc.spec;
    case "CronJob":
      return doc.spec.jobTemplate.spec.template.spec;
    default:
      return doc.spec.template.spec;
  }
}

Deno.test("inject serviceaccount: every workload kind gets the secret volume, mounts and a ServiceAccount", async () => {
  const r = await run(["inject", "serviceaccount", "-f", FIXTURE, "--roles", "os:reader,os:admin"]);
  assertEquals([r.code, r.stderr], [0, ""]);
  await assertGolden("inject/serviceaccount.yaml", r.stdout);
  // Each document ends with the separator, and Println adds the last newline.
  assert(r.stdout.endsWith("---\n\n"));

  const out = docs(r.stdout);
  const input = docs(await Deno.readTextFile(FIXTURE));
  const workloads = out.filter((d) =>
    ["Pod", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"].includes(d.kind) &&
    d.metadata.name && d.metadata.name !== "broken"
  );
  assertEquals(
    workloads.map((w) => `${w.kind}/${w.metadata.name}`),
    [
      "Deployment/api",
      "StatefulSet/db",
      "DaemonSet/agent",
      "Job/backup",
      "CronJob/nightly",
      "Pod/shell",
    ],
  );
  for (const w of workloads) {
    const name = w.metadata.name;
    const spec = podSpec(w);
    const ours = spec.volumes.filter((v: Doc) => v.name === "talos-secrets");
    assertEquals(ours, [{
      name: "talos-secrets",
      secret: { secretName: `${name}-talos-secrets` },
    }]);
    // The volume is the last one.
    assertEquals(spec.volumes.at(-1).name, "talos-secrets");
    for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
      const mounts = c.volumeMounts.filter((m: Doc) => m.name === "talos-secrets");
      assertEquals(mounts, [{ mountPath: MOUNT, name: "talos-secrets" }], `${name}/${c.name}`);
      assertEquals(c.volumeMounts.at(-1).name, "talos-secrets");
      assertEquals(typeof c.resources, "object");
    }
    // The ServiceAccount follows its workload, in the workload's namespace.
    const sa = out[out.indexOf(w) + 1];
    const metadata: Doc = { name: `${name}-talos-secrets` };
    if (w.metadata.namespace) metadata.namespace = w.metadata.namespace;
    assertEquals(sa, {
      apiVersion: "talos.dev/v1alpha1",
      kind: "ServiceAccount",
      metadata,
      spec: { roles: ["os:reader", "os:admin"] },
    });
  }
  // The DaemonSet's init container is patched too; the stale secret volume and mount are replaced.
  const api = workloads[0];
  assertEquals(podSpec(api).volumes.length, 2);
  assertEquals(
    podSpec(api).containers[0].volumeMounts.map((m: Doc) => m.mountPath),
    ["/cache", MOUNT],
  );
  assertEquals(podSpec(workloads[2]).initContainers[0].volumeMounts.length, 1);
  // What the Go types add or rewrite.
  assertEquals(api.status, {});
  assertEquals(api.spec.strategy.type, "RollingUpdate");
  assertEquals(api.metadata.creationTimestamp, undefined);
  assertEquals(podSpec(api).containers[0].resources, {
    limits: { cpu: "1", memory: "1536Mi" },
    requests: { cpu: "250m", memory: "64Mi" },
  });
  assertEquals(workloads[1].status, { availableReplicas: 0, replicas: 0 });
  assertEquals(workloads[1].spec.volumeClaimTemplates[0].status, {});
  assertEquals(workloads[2].status, {
    currentNumberScheduled: 0,
    desiredNumberScheduled: 0,
    numberMisscheduled: 0,
    numberReady: 0,
  });
  assertEquals(workloads[3].spec.template.metadata, {});

  // Everything else passes through unchanged in content (comments and empty documents go).
  const others = out.filter((d) => d.kind !== "ServiceAccount" && !workloads.includes(d));
  const inputOthers = input.filter((d) =>
    !workloads.some((w) => w.kind === d.kind && w.metadata.name === d.metadata?.name)
  );
  assertEquals(others, inputOthers);
  assertEquals(others.map((d) => d.kind), ["Namespace", "ConfigMap", "Pod", "Deployment"]);
});

Deno.test("inject serviceaccount: running it on its own output changes nothing", async () => {
  await using dir = await tempDir();
  const first = await run(["inject", "tsa", "-f", FIXTURE, "-r", "os:operator"]);
  assertEquals(first.code, 0);
  await Deno.writeTextFile(`${dir.path}/injected.yaml`, first.stdout);
  const second = await run(
    ["inject", "serviceaccount", "--roles=os:operator", "-f=injected.yaml"],
    {
      cwd: dir.path,
    },
  );
  assertEquals([second.code, second.stderr], [0, ""]);
  assertEquals(second.stdout, first.stdout);
});

Deno.test("inject serviceaccount: ServiceAccounts of other workloads are kept, ours replace old ones", async () => {
  const input = `apiVersion: talos.dev/v1alpha1
kind: ServiceAccount
metadata:
  name: mine
spec:
  roles: [os:admin]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers: [{name: web, image: nginx}]
---
apiVersion: talos.dev/v1alpha1
kind: ServiceAccount
metadata:
  name: web-talos-secrets
spec:
  roles: [os:admin]
`;
  const r = await run(["inject", "serviceaccount", "-f", "-"], { stdin: input });
  assertEquals([r.code, r.stderr], [0, ""]);
  const out = docs(r.stdout);
  assertEquals(out.map((d) => `${d.kind}/${d.metadata.name}`), [
    "ServiceAccount/mine",
    "Deployment/web",
    "ServiceAccount/web-talos-secrets",
  ]);
  // The default role, not the stale document's.
  assertEquals(out[2].spec.roles, ["os:reader"]);
  assertEquals(out[0].spec.roles, ["os:admin"]);
  assertStringIncludes(
    r.stdout,
    "apiVersion: talos.dev/v1alpha1\nkind: ServiceAccount\nmetadata:\n    name: mine\nspec:\n    roles:\n        - os:admin\n---\n",
  );
});

Deno.test("inject serviceaccount: exact bytes of a workload and its ServiceAccount", async () => {
  const input = `kind: Deployment
apiVersion: apps/v1
metadata: {name: app, namespace: prod}
spec:
  replicas: 2
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      containers:
        - name: app
          image: "registry.example.com/app:1.0"
          command: ["/app", "--mode", "on"]
`;
  const r = await run(["inject", "serviceaccount", "-f", "-", "--roles", "os:etcd:backup"], {
    stdin: input,
  });
  assertEquals([r.code, r.stderr], [0, ""]);
  assertEquals(
    r.stdout,
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  namespace: prod
spec:
  replicas: 2
  selector:
    matchLabels:
      app: app
  strategy: {}
  template:
    metadata:
      labels:
        app: app
    spec:
      containers:
      - command:
        - /app
        - --mode
        - "on"
        image: registry.example.com/app:1.0
        name: app
        resources: {}
        volumeMounts:
        - mountPath: /var/run/secrets/talos.dev
          name: talos-secrets
      volumes:
      - name: talos-secrets
        secret:
          secretName: app-talos-secrets
status: {}
---
apiVersion: talos.dev/v1alpha1
kind: ServiceAccount
metadata:
    name: app-talos-secrets
    namespace: prod
spec:
    roles:
        - os:etcd:backup
---

`,
  );
});

Deno.test("inject serviceaccount: reads a real process's stdin; kubectl reads the result", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "inject", "serviceaccount", "-f", "-"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(await Deno.readFile(FIXTURE));
  await w.close();
  const out = await child.output();
  const stdout = new TextDecoder().decode(out.stdout);
  assertEquals([out.code, new TextDecoder().decode(out.stderr)], [0, ""]);
  const inProcess = await run(["inject", "serviceaccount", "-f", FIXTURE]);
  assertEquals(stdout, inProcess.stdout);

  if (!(await haveTool("kubectl", ["version", "--client"]))) return;
  // `label --local` decodes every document without a cluster (create/apply --dry-run need one).
  const k = await runTool("kubectl", ["label", "--local", "-f", "-", "checked=yes", "-o", "json"], {
    stdin: stdout,
  });
  // One JSON object per document, each starting at the beginning of a line.
  const items = k.stdout.trim().split(/\n(?=\{)/).map((t) => JSON.parse(t) as Doc);
  assert(items.every((i) => i.metadata.labels.checked === "yes"));
  assertEquals(items.length, docs(stdout).length);
  const kinds = items.map((i) => i.kind);
  assertEquals(kinds.filter((k) => k === "ServiceAccount").length, 6);
  const cron = items.find((i) => i.kind === "CronJob")!;
  assertEquals(
    cron.spec.jobTemplate.spec.template.spec.containers[0].volumeMounts,
    [{ mountPath: MOUNT, name: "talos-secrets" }],
  );
});

Deno.test("inject serviceaccount: talosctl's errors, and help without -f", async () => {
  await using dir = await tempDir();
  const missing = await run(["inject", "serviceaccount", "-f", "nope.yaml"], { cwd: dir.path });
  assertEquals(missing.code, 1);
  assertStringIncludes(missing.stderr, "open nope.yaml: no such file or directory");
  assertEquals(missing.stdout, "");

  const syntax = await run(["inject", "serviceaccount", "-f", "-"], {
    stdin: "kind: Pod\nmetadata: [\n",
  });
  assertEquals(syntax.code, 1);
  assertStringIncludes(syntax.stderr, "yaml: line ");
  assertEquals(syntax.stdout, "");

  const notMap = await run(["inject", "serviceaccount", "-f", "-"], {
    stdin: "kind: Pod\n---\n- a\n- b\n",
  });
  assertEquals(notMap.code, 1);
  assertStringIncludes(
    notMap.stderr,
    "yaml: construct errors: line 3: cannot construct !!seq into map[string]interface {}",
  );

  const dup = await run(["inject", "serviceaccount", "-f", "-"], { stdin: "a: 1\nb: 2\na: 3\n" });
  assertEquals(dup.code, 1);
  assertStringIncludes(
    dup.stderr,
    'yaml: construct errors: line 3: mapping key "a" already defined at line 1',
  );

  const empty = await run(["inject", "serviceaccount", "-f", "-"], { stdin: "---\n---\n" });
  assertEquals([empty.code, empty.stdout], [0, "\n"]);

  const help = await run(["inject", "serviceaccount"]);
  assertEquals(help.code, 0);
  assertStringIncludes(help.stdout, "talosctl inject serviceaccount [--roles='<ROLE_1>,<ROLE_2>']");
  assertStringIncludes(help.stdout, "(default [os:reader])");

  const args = await run(["inject", "serviceaccount", "extra", "-f", FIXTURE]);
  assertEquals(args.code, 1);
  assertStringIncludes(args.stderr, 'unknown command "extra"');
});
