import { assertEquals, assertRejects } from "../tests/assert.ts";
import { tempDir } from "../tests/harness.ts";
import { kubectl } from "../tests/kubeconfig_kubectl.ts";
import { talosKubeconfig } from "../tests/kubeconfig_fixture.ts";
import { emptyKubeconfig, encodeKubeconfig, entriesEqual, parseKubeconfig } from "./kubeconfig.ts";

const b64 = (s: string) => btoa(s);

Deno.test("encodes a kubeconfig as client-go's clientcmd.Write does", () => {
  const text = encodeKubeconfig(talosKubeconfig("prod", "https://10.0.0.1:6443", "CRT\n"));
  assertEquals(
    text,
    `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${b64("CA PEM\n")}
    server: https://10.0.0.1:6443
  name: prod
contexts:
- context:
    cluster: prod
    namespace: default
    user: admin@prod
  name: admin@prod
current-context: admin@prod
kind: Config
users:
- name: admin@prod
  user:
    client-certificate-data: ${b64("CRT\n")}
    client-key-data: ${b64("KEY\n")}
`,
  );
  assertEquals(
    encodeKubeconfig(emptyKubeconfig()),
    'apiVersion: v1\nclusters: null\ncontexts: null\ncurrent-context: ""\nkind: Config\nusers: null\n',
  );
});

Deno.test("parsing keeps client-go's v1 fields only and normalizes empty values", async () => {
  const cfg = await parseKubeconfig(`
apiVersion: v1
kind: Config
preferences: {}
clusters:
- name: a
  cluster:
    server: https://a
    insecure-skip-tls-verify: false
    certificate-authority-data: "${b64("x").slice(0, 2)}\\n${b64("x").slice(2)}"
    unknown-field: dropped
users:
- name: u
  user:
    token: ""
    exec:
      command: aws
      apiVersion: client.authentication.k8s.io/v1
contexts:
- name: c
  context: {cluster: a, user: u}
current-context: c
`);
  assertEquals(cfg.clusters.get("a"), {
    server: "https://a",
    "certificate-authority-data": b64("x"),
  });
  assertEquals(cfg.authInfos.get("u"), {
    exec: {
      command: "aws",
      args: null,
      env: null,
      apiVersion: "client.authentication.k8s.io/v1",
      provideClusterInfo: false,
    },
  });
  const beta = await parseKubeconfig(
    "users:\n- name: u\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1beta1}\n",
  );
  assertEquals(
    (beta.authInfos.get("u")?.exec as Record<string, unknown>).interactiveMode,
    "IfAvailable",
  );
  assertEquals(cfg.contexts.get("c"), { cluster: "a", user: "u" });
  assertEquals(cfg.currentContext, "c");
  assertEquals(cfg.preferences, {});
  assertEquals((await parseKubeconfig("")).clusters.size, 0);
});

Deno.test("bad kubeconfig content is rejected with the offending field", async () => {
  await assertRejects(() => parseKubeconfig("clusters: 3\n"), "clusters: expected a list");
  await assertRejects(
    () => parseKubeconfig("clusters:\n- name: a\n  cluster: {server: 1234}\n"),
    "clusters[0].cluster.server: expected a string, found a number",
  );
  await assertRejects(
    () => parseKubeconfig("users:\n- name: a\n  user: {client-key-data: '%%%'}\n"),
    "users[0].user.client-key-data: invalid base64 data",
  );
  await assertRejects(
    () => parseKubeconfig("contexts:\n- name: a\n- name: a\n"),
    'contexts: duplicate name "a"',
  );
  await assertRejects(() => parseKubeconfig("apiVersion: v2\n"), 'unsupported apiVersion "v2"');
  await assertRejects(() => parseKubeconfig("a: [\n"), /./);
});

Deno.test("entry equality ignores key order but not values", () => {
  assertEquals(entriesEqual({ a: "1", b: ["x"] }, { b: ["x"], a: "1" }), true);
  assertEquals(entriesEqual({ a: "1" }, { a: "2" }), false);
  assertEquals(entriesEqual({ a: "1" }, { a: "1", b: false }), false);
});

// kubectl is the reference for go-yaml v2 output: it parses our file and writes it back with the
// same encoder client-go uses. Any quoting, ordering or indentation difference shows up here.
Deno.test("kubectl re-encodes our output byte for byte (interop)", async () => {
  await using dir = await tempDir();
  const cfg = talosKubeconfig("prod", "https://10.0.0.1:6443", "CRT\n");
  const awkward = [
    "true",
    "yes",
    "123",
    "0x1F",
    "1.5e3",
    "2001-12-14",
    "1:20",
    "a: b",
    "#hash",
    "x #y",
    "- dash",
    "@at",
    "null",
    " lead",
    "trail ",
    "it's",
    "ünïcode",
    "multi\nline\n",
    "tab\there",
    "~",
    "*star",
    "a9",
    "a10",
    "-",
    "---x",
    // Longer than go-yaml's 80 columns: folded at spaces, in every quoting style.
    "a long name with many spaces in it that goes well beyond the eighty columns for sure yes",
    "long: single quoted because of the colon and long enough to be folded at a space, twice " +
    "over since it keeps going and going past another eighty columns",
    "long\tdouble quoted because of the tab, long enough to be folded at a space  with two spaces",
    "x".repeat(100) + " tail",
    "word ".repeat(30).trim(),
  ];
  awkward.forEach((name, i) => {
    cfg.clusters.set(name, { server: name, "proxy-url": `http://p${i}` });
    cfg.contexts.set(`ctx-${name}`, { cluster: name, user: name, namespace: name });
  });
  cfg.authInfos.set("exec-user", {
    exec: {
      command: "aws",
      args: ["eks", "get-token", "--cluster-name", "x: y"],
      env: [{ name: "AWS_PROFILE", value: "" }],
      apiVersion: "client.authentication.k8s.io/v1beta1",
      interactiveMode: "IfAvailable",
      provideClusterInfo: false,
    },
    "as-groups": [
      "g1",
      "true",
      "a long group name with many spaces that goes well beyond eighty columns ok",
    ],
    "as-user-extra": { b: ["1"], a: [], "a-1": ["x"], A: ["y"] },
  });
  const path = `${dir.path}/config`;
  const ours = encodeKubeconfig(cfg);
  await Deno.writeTextFile(path, ours);
  const view = await kubectl(path, ["config", "view", "--raw"]);
  if (view === null) return;
  assertEquals(view.code, 0, view.stderr);
  // kubectl before 1.34 always writes `preferences: {}`, which client-go 0.34+ omits.
  assertEquals(view.stdout.replace("kind: Config\npreferences: {}\n", "kind: Config\n"), ours);
  const back = await parseKubeconfig(ours);
  assertEquals(encodeKubeconfig(back), ours);
});

Deno.test("DeepEqual rule: an explicit empty []byte, list or map differs from an absent one, yet is not written", async () => {
  const head = "apiVersion: v1\nkind: Config\n";
  const absent = await parseKubeconfig(
    head + "clusters:\n- name: c\n  cluster:\n    server: https://a\n" +
      "users:\n- name: u\n  user:\n    token: t\n",
  );
  const empty = await parseKubeconfig(
    head +
      'clusters:\n- name: c\n  cluster:\n    server: https://a\n    certificate-authority-data: ""\n' +
      "users:\n- name: u\n  user:\n    token: t\n    as-groups: []\n    as-user-extra: {}\n",
  );
  const explicitNull = await parseKubeconfig(
    head +
      "clusters:\n- name: c\n  cluster:\n    server: https://a\n    certificate-authority-data: null\n" +
      "users:\n- name: u\n  user:\n    token: t\n    as-groups: null\n",
  );
  // []byte{} / []string{} / map{} are not nil for reflect.DeepEqual: a merge conflict upstream.
  assertEquals(entriesEqual(absent.clusters.get("c")!, empty.clusters.get("c")!), false);
  assertEquals(entriesEqual(absent.authInfos.get("u")!, empty.authInfos.get("u")!), false);
  // null decodes to nil, the same as an absent field.
  assertEquals(entriesEqual(absent.clusters.get("c")!, explicitNull.clusters.get("c")!), true);
  assertEquals(entriesEqual(absent.authInfos.get("u")!, explicitNull.authInfos.get("u")!), true);
  // omitempty still drops them when written.
  assertEquals(encodeKubeconfig(empty), encodeKubeconfig(absent));
});
