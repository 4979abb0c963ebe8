// The quick bundle loader gives parseSecretsBundle's result for bundles in gen secrets' layout
// and leaves every other file (valid or not) to it, errors included.

import { assert, assertEquals, assertRejects, assertThrows } from "../tests/assert.ts";
import { seededRandom } from "../tests/harness.ts";
import { parse } from "yaml";
import { encodeSecretsBundle } from "./secrets_encode.ts";
import { generateSecretsBundle } from "./secrets_gen.ts";
import { type Loaded, loadedFromDoc } from "./secrets_doc.ts";
import { parseSecretsBundle } from "./secrets_parse.ts";
import { loadSecretsBundle, quickBundleDocument, quickBundleValid } from "./secrets_quick.ts";

const conformance = "/work/shared/conformance/secrets";
const fixture = new URL("../tests/fixtures/gen_config/secrets.yaml", import.meta.url).pathname;
const NOW = new Date("2025-06-01T12:00:00Z");

async function bundles(): Promise<string[]> {
  const gen = async (minor: number, seed: number) =>
    encodeSecretsBundle(
      await generateSecretsBundle({ major: 1, minor }, {
        now: () => NOW,
        random: seededRandom(seed),
      }),
    );
  return [
    await Deno.readTextFile(fixture),
    await Deno.readTextFile(`${conformance}/secrets.yaml`),
    await gen(2, 1), // aescbc
    await gen(6, 2),
  ];
}

Deno.test("quick bundle loader: gen secrets' files are read without the full parsers, same result", async () => {
  for (const text of await bundles()) {
    const doc = quickBundleDocument(text);
    assert(doc, "canonical layout");
    assertEquals(doc, parse(text));
    assert(quickBundleValid(loadedFromDoc(doc)), "keys and certificates in the quick subset");
    assertEquals(await loadSecretsBundle(text, "s.yaml"), parseSecretsBundle(text, "s.yaml"));
  }
});

Deno.test("quick bundle loader: other layouts go to the full parser and load the same", async () => {
  const text = (await bundles())[0];
  const variants = [
    `# comment\n${text}`,
    `---\n${text}`,
    text.replace("cluster:\n    id: ", "cluster:\n    id: '").replace(/(id: '[^\n]*)/, "$1'"),
    text.replaceAll("\n", "\r\n"),
    text.replaceAll("    ", "  "), // other indentation: still the quick layout
    `${text}\n`,
    text.replace(/^cluster:\n {4}id: \S+\n {4}secret: (\S+)\n/, "cluster: {id: x1, secret: $1}\n"),
  ];
  for (const v of variants) {
    assertEquals(await loadSecretsBundle(v, "v.yaml"), parseSecretsBundle(v, "v.yaml"));
  }
  assert(quickBundleDocument(variants[4]), "2-space indentation is read quickly");
  for (const i of [0, 1, 2, 3, 5, 6]) assertEquals(quickBundleDocument(variants[i]), undefined);
});

Deno.test("quick bundle loader: scalars that may not be strings, odd shapes are declined", () => {
  for (
    const text of [
      "cluster:\n    id: 123\n",
      "cluster:\n    id: 0x1f\n",
      "cluster:\n    id: 1e5\n",
      "cluster:\n    id: true\n",
      "cluster:\n    id: .inf\n",
      "cluster:\n    id: null\n",
      "cluster:\n    id: a\n    id: b\n", // duplicate key
      "cluster:\n    id: a\n  secret: b\n", // dedent to no level
      "cluster:\n    id: a\n        secret: b\n", // deeper under a scalar
      "  cluster:\n    id: a\n",
      "cluster:\n\tid: a\n",
      "cluster:\n    name: a\n", // unknown key
      "cluster:\n    id: *a\n",
      "",
    ]
  ) assertEquals(quickBundleDocument(text), undefined, JSON.stringify(text));
});

Deno.test("quick bundle loader: whatever it reads, the yaml package reads the same", () => {
  const random = seededRandom(5);
  const pick = <T>(xs: T[]): T => xs[random(1)[0] % xs.length];
  const keys = ["cluster", "id", "secret", "certs", "os", "crt", "key", "token", "k8s"];
  const values = [
    "",
    "abc",
    "123",
    "1.5",
    "x1",
    "AAECAw==",
    "7m9ezw.irjunl100aixxxtp",
    "true",
    "Null",
    "+1",
    "0o17",
    "a-b",
    "/etc",
    "e",
  ];
  let accepted = 0;
  for (let n = 0; n < 10000; n++) {
    // Mostly well-nested lines (deeper after an open key, else back to a used level), with
    // the odd random indentation.
    const lines: string[] = [];
    const levels = [0];
    let open = false;
    const count = 1 + (random(1)[0] % 8);
    for (let i = 0; i < count; i++) {
      const r = random(1)[0] % 10;
      let indent: number;
      if (r === 0) indent = pick([0, 1, 2, 3, 4, 6, 8]);
      else if (open && r < 8) indent = levels[levels.length - 1] + pick([2, 4]);
      else indent = pick(levels);
      while (levels[levels.length - 1] > indent) levels.pop();
      if (levels[levels.length - 1] < indent) levels.push(indent);
      const v = random(1)[0] % 3 === 0 ? "" : pick(values);
      open = v === "";
      lines.push(`${" ".repeat(indent)}${pick(keys)}:${v ? " " + v : ""}`);
    }
    const text = lines.join("\n") + pick(["", "\n"]);
    const doc = quickBundleDocument(text);
    if (!doc) continue;
    accepted++;
    let expected: unknown;
    try {
      expected = parse(text);
    } catch (e) {
      throw new Error(`quick reader accepted ${JSON.stringify(text)}, yaml refuses: ${e}`);
    }
    assertEquals(doc, expected, JSON.stringify(text));
  }
  assert(accepted > 800, `accepted ${accepted}`);
});

Deno.test("quick bundle loader: bad bundles get parseSecretsBundle's errors", async () => {
  const texts = [
    await Deno.readTextFile(`${conformance}/invalid-secrets.yaml`),
    "",
    "a: [",
    "cluster: [1]\n",
    "certs:\n  os:\n    crt: '%%%'\n",
    "certs:\n    os:\n        crt: AAAA\n",
    (await bundles())[0].replace(/(k8s:\n {8}crt: )\S+/, "$1QUFBQQ=="),
  ];
  for (const t of texts) {
    const want = assertThrows(() => parseSecretsBundle(t, "b.yaml")).message;
    const got = await assertRejects(() => loadSecretsBundle(t, "b.yaml"));
    assertEquals(got.message, want);
  }
});

Deno.test("quick bundle check: whatever the full validation reports, the quick check declines", async () => {
  const text = (await bundles())[0];
  const good = loadedFromDoc(parse(text));
  const s = good.secrets!;
  const c = good.certs!;
  const broken: Loaded[] = [
    { ...good, cluster: { ...good.cluster!, id: "" } },
    { ...good, secrets: { ...s, aescbcEncryptionSecret: "x", secretboxEncryptionSecret: "y" } },
    { ...good, trustdInfo: undefined },
    { ...good, certs: { ...c, os: undefined } },
    { ...good, certs: { ...c, etcd: { ...c.etcd!, key: c.etcd!.key.slice(0, 60) } } },
    { ...good, certs: { ...c, k8sServiceAccount: { key: "not a key" } } },
  ];
  for (const b of broken) assertEquals(quickBundleValid(b), false);
});
