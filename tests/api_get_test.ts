// `get` against the emulator over mutual TLS: every output mode, one and several nodes, a node
// that is down, a denied role, maintenance mode, type lookup errors and watches.

import { assert, assertEquals, assertStringIncludes } from "./assert.ts";
import { parse, parseAllDocuments } from "yaml";
import { run, tempDir } from "./harness.ts";
import {
  define,
  putSpec,
  RESOURCE_TYPES,
  resourceStore,
  sampleMachineConfig,
  setMachineStatus,
  simNode,
  startEmulator,
  type TestEmulator,
  yamlText,
} from "./emulator/mod.ts";
import { registerType } from "./emulator/cosi_seed.ts";
import { putResource } from "./emulator/resources.ts";

const NOW = new Date("2024-06-01T12:00:00Z");
const CREATED = "2024-06-01T11:00:00Z";

/** Two nodes (a control plane and a worker) running this client's Talos version. */
async function setup(dir: string, roles = ["os:admin"], nodes = ["10.5.0.2"]) {
  const sim = [
    simNode("10.5.0.2", { hostname: "cp-1" }, NOW),
    simNode("10.5.0.3", { hostname: "w-1", controlPlane: false }, NOW),
  ];
  for (const n of sim) n.version.tag = "v1.13.9";
  const emu = await startEmulator({ nodes: sim });
  const cfg = await emu.talosconfig(dir, { roles, nodes, notBefore: new Date("2024-01-01") });
  return { emu, cfg };
}

const get = (cfg: string, ...args: string[]) => run(["get", ...args, "--talosconfig", cfg]);

Deno.test("get: table with the definition's print columns, several nodes in node order", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const r = await get(cfg, "members", "-n", "10.5.0.3,10.5.0.2");
  assertEquals(r.stderr, "");
  assertEquals(r.code, 0);
  assertEquals(
    r.stdout,
    [
      "NODE       NAMESPACE   TYPE     ID     VERSION   HOSTNAME   MACHINE TYPE   OS                ADDRESSES",
      '10.5.0.3   cluster     Member   cp-1   1         cp-1       controlplane   Talos (v1.13.9)   ["10.5.0.2"]',
      '10.5.0.3   cluster     Member   w-1    1         w-1        worker         Talos (v1.13.9)   ["10.5.0.3"]',
      '10.5.0.2   cluster     Member   cp-1   1         cp-1       controlplane   Talos (v1.13.9)   ["10.5.0.2"]',
      '10.5.0.2   cluster     Member   w-1    1         w-1        worker         Talos (v1.13.9)   ["10.5.0.3"]',
      "",
    ].join("\n"),
  );
  // One resource by id, through an alias in another case and the `g` alias of the command.
  const one = await run(["g", "SVC", "etcd", "--talosconfig", cfg]);
  assertEquals(
    one.stdout,
    "NODE       NAMESPACE   TYPE      ID     VERSION   RUNNING   HEALTHY   HEALTH UNKNOWN\n" +
      "10.5.0.2   runtime     Service   etcd   1         true      true      false\n",
  );
  // Range columns print every element; a type without print columns has the fixed ones only.
  const rd = await get(cfg, "rd", "linkstatuses.net.talos.dev");
  assertEquals(rd.code, 0);
  assertStringIncludes(rd.stdout, "ALIASES\n");
  assertStringIncludes(
    rd.stdout,
    "linkstatuses.net.talos.dev   1         link links linkstatus ls\n",
  );
  const ns = await get(cfg, "namespaces", "network");
  assertEquals(
    ns.stdout,
    "NODE       NAMESPACE   TYPE        ID        VERSION\n10.5.0.2   meta        Namespace   network   1\n",
  );
});

Deno.test("get -o yaml: a document per resource with node, metadata and spec", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const r = await get(cfg, "hostname", "-o", "yaml", "-n", "10.5.0.2,10.5.0.3");
  assertEquals(r.code, 0);
  const doc = (node: string, host: string) =>
    [
      `node: ${node}`,
      "metadata:",
      "    namespace: network",
      "    type: HostnameStatuses.net.talos.dev",
      "    id: hostname",
      "    version: 1",
      "    owner: network.HostnameStatusController",
      "    phase: running",
      `    created: ${CREATED}`,
      `    updated: ${CREATED}`,
      "spec:",
      `    hostname: ${host}`,
      '    domainname: ""',
      "",
    ].join("\n");
  assertEquals(r.stdout, doc("10.5.0.2", "cp-1") + "---\n" + doc("10.5.0.3", "w-1"));
  const docs = parseAllDocuments(r.stdout).map((d) => d.toJS());
  assertEquals(docs.map((d) => [d.node, d.spec.hostname, d.metadata.version]), [
    ["10.5.0.2", "cp-1", 1],
    ["10.5.0.3", "w-1", 1],
  ]);
});

Deno.test("get -o json: indented objects with sorted keys that JSON.parse reads", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const r = await get(cfg, "machinestatus", "-o", "json");
  assertEquals(r.code, 0);
  assertEquals(
    r.stdout,
    [
      "{",
      '    "metadata": {',
      `        "created": "${CREATED}",`,
      '        "id": "machine",',
      '        "namespace": "runtime",',
      '        "owner": "runtime.MachineStatusController",',
      '        "phase": "running",',
      '        "type": "MachineStatuses.runtime.talos.dev",',
      `        "updated": "${CREATED}",`,
      '        "version": 1',
      "    },",
      '    "node": "10.5.0.2",',
      '    "spec": {',
      '        "stage": "running",',
      '        "status": {',
      '            "ready": true,',
      '            "unmetConditions": []',
      "        }",
      "    }",
      "}",
      "",
    ].join("\n"),
  );
  assertEquals(JSON.parse(r.stdout).spec.stage, "running");

  const links = await get(cfg, "links", "-o", "json");
  const objects = links.stdout.split(/(?<=\n\})\n(?=\{)/).map((t) => JSON.parse(t));
  assertEquals(objects.map((o) => [o.metadata.id, o.spec.mtu]), [["eth0", 1500], ["lo", 65536]]);
});

Deno.test("get -o jsonpath: kubectl templates, ranges and filters", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const addr = await get(cfg, "addresses", "-o", "jsonpath={.spec.address}");
  assertEquals(addr.stdout, "10.5.0.2/24\n127.0.0.1/8\n::1/128\n");
  const members = await get(
    cfg,
    "members",
    "-o",
    'jsonpath={.spec.addresses[?(@=="10.5.0.3")]}',
  );
  assertEquals(members.stdout, "10.5.0.3\n");
  // Lists and maps print as indented JSON, each result on its own line.
  const spec = await get(cfg, "disks", "vda", "-o", "jsonpath={.spec.symlinks}{.metadata.version}");
  assertEquals(
    spec.stdout,
    '[\n    "/dev/disk/by-diskseq/1",\n    "/dev/disk/by-path/pci-0000:00:06.0",\n' +
      '    "/dev/disk/by-path/virtio-pci-0000:00:06.0"\n]\n1\n',
  );
  // Every result of a range iteration is a line; literal text too.
  const ranged = await get(
    cfg,
    "routes",
    "-o",
    'jsonpath={range .spec}{.dst}/{.gateway}{"\\n"}{end}',
  );
  assertEquals(ranged.stdout, "10.5.0.0/24\n/\n\n\n\n" + "\n/\n10.5.0.1\n\n\n");
  // A resource the template fails on is an error; the others are still printed.
  const partly = await get(cfg, "disks", "-o", 'jsonpath={range .spec.symlinks[*]}{@}{","}{end}');
  assertEquals(partly.code, 1);
  assertEquals(
    partly.stdout,
    "/dev/disk/by-diskseq/1\n,\n/dev/disk/by-path/pci-0000:00:06.0\n,\n" +
      "/dev/disk/by-path/virtio-pci-0000:00:06.0\n,\n",
  );
  assertEquals(partly.stderr, "error finding result for jsonpath: symlinks is not found\n");

  const bad = await get(cfg, "members", "-o", "jsonpath={.spec");
  assertEquals(bad.code, 1);
  assertEquals(bad.stderr, "error parsing jsonpath: unclosed action\n");
  const missing = await get(cfg, "members", "-o", "jsonpath={.spec.nope}");
  assertEquals(missing.code, 1);
  assertEquals(
    missing.stderr,
    "error finding result for jsonpath: nope is not found\nerror finding result for jsonpath: nope is not found\n",
  );
  const format = await get(cfg, "members", "-o", "xml");
  assertEquals(format.stderr, 'output format "xml" is not supported\n');
});

Deno.test("get: unquoted timestamps are times to the writers, as yaml/v4 decodes them", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const node = emu.nodes.get("10.5.0.2")!;
  registerType(node, {
    type: "Leases.example.talos.dev",
    displayType: "Lease",
    defaultNamespace: "network",
    printColumns: [{ name: "Until", jsonPath: "{.until}" }, { name: "Note", jsonPath: "{.note}" }],
  });
  const spec = "until: 2024-1-2\nat: 2001-12-14t21:59:43.10-05:00\nlocal: 2024-06-01 11:00:00.5\n" +
    "note: '2024-06-01'\nnotADate: 2024-13-01\n";
  putResource(node, "network", "Leases.example.talos.dev", "a", spec, {}, NOW);
  // A time prints as encoding/json writes a time.Time: RFC 3339, quoted, even as a scalar result
  // or a table cell; a quoted timestamp stays a string.
  const created = await get(cfg, "machinestatus", "-o", "jsonpath={.metadata.created}");
  assertEquals([created.code, created.stdout], [0, `"${CREATED}"\n`]);
  const at = await get(cfg, "lease", "-o", "jsonpath={.spec.at}{.spec.note}{.spec.notADate}");
  assertEquals(at.stdout, '"2001-12-14T21:59:43.1-05:00"\n2024-06-01\n2024-13-01\n');
  const table = await get(cfg, "lease");
  assertEquals(
    table.stdout,
    "NODE       NAMESPACE   TYPE    ID   VERSION   UNTIL                    NOTE\n" +
      '10.5.0.2   network     Lease   a    1         "2024-01-02T00:00:00Z"   2024-06-01\n',
  );
  const json = JSON.parse((await get(cfg, "lease", "a", "-o", "json")).stdout);
  assertEquals(json.spec, {
    until: "2024-01-02T00:00:00Z",
    at: "2001-12-14T21:59:43.1-05:00",
    local: "2024-06-01T11:00:00.5Z",
    note: "2024-06-01",
    notADate: "2024-13-01",
  });
  // YAML output keeps the text as the node sent it.
  const y = await get(cfg, "lease", "a", "-o", "yaml");
  assertStringIncludes(
    y.stdout,
    "spec:\n    until: 2024-1-2\n    at: 2001-12-14t21:59:43.10-05:00\n",
  );
});

Deno.test("get -o yaml: metadata values that span lines are literal blocks, as Go writes them", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const node = emu.nodes.get("10.5.0.2")!;
  putResource(node, "network", RESOURCE_TYPES.hostname, "noted", "hostname: x\n", {
    owner: "network.HostnameStatusController",
    labels: { "b": "two", "a": "one: 1" },
    annotations: { note: "first line\nsecond line" },
  }, NOW);
  const r = await get(cfg, "hostname", "noted", "-o", "yaml");
  assertEquals(r.code, 0);
  assertStringIncludes(
    r.stdout,
    "    labels:\n        a: 'one: 1'\n        b: two\n" +
      "    annotations:\n        note: |-\n            first line\n            second line\nspec:\n",
  );
  const j = JSON.parse((await get(cfg, "hostname", "noted", "-o", "json")).stdout);
  assertEquals(j.metadata.annotations, { note: "first line\nsecond line" });
});

Deno.test("get machineconfig: -o yaml and jsonpath {.spec} give a config validate accepts", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const y = await get(cfg, "mc", "-o", "yaml");
  assertEquals(y.code, 0);
  assertStringIncludes(y.stdout, "    owner:\n    phase: running\n");
  assertStringIncludes(y.stdout, "    annotations:\n        talos.dev/yaml-spec: 1\nspec: |\n");
  const fromYaml = parse(y.stdout).spec as string;
  assertEquals(fromYaml, sampleMachineConfig(true));

  const jp = await get(cfg, "machineconfig", "v1alpha1", "-o", "jsonpath={.spec}");
  assertEquals(jp.code, 0);
  assertEquals(jp.stdout, sampleMachineConfig(true) + "\n");
  const file = `${dir.path}/mc.yaml`;
  await Deno.writeTextFile(file, jp.stdout);
  const v = await run(["validate", "--config", file, "--mode", "metal"]);
  assertEquals([v.code, v.stderr], [0, ""]);
  assertEquals(v.stdout, `${file} is valid for metal mode\n`);
});

Deno.test("get: a reader is denied sensitive types; a missing id is NotFound", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path, ["os:reader"], ["10.5.0.2", "10.5.0.3"]);
  await using _ = emu;
  const r = await get(cfg, "mc");
  assertEquals(r.code, 1);
  assertEquals(r.stdout, "NODE   NAMESPACE   TYPE   ID   VERSION\n");
  assertEquals(
    r.stderr,
    "error listing resources on node 10.5.0.2: rpc error: code = PermissionDenied desc = not authorized\n" +
      "error listing resources on node 10.5.0.3: rpc error: code = PermissionDenied desc = not authorized\n",
  );
  const missing = await get(cfg, "links", "eth9", "-n", "10.5.0.2");
  assertEquals(missing.code, 1);
  assertEquals(
    missing.stderr,
    "error getting resource on node 10.5.0.2: rpc error: code = NotFound desc = resource LinkStatuses.net.talos.dev(network/eth9@undefined) doesn't exist\n",
  );
  const ns = await get(cfg, "links", "--namespace", "nope", "-n", "10.5.0.2");
  assertEquals(
    ns.stderr,
    'error listing resources on node 10.5.0.2: rpc error: code = PermissionDenied desc = namespace "nope" is not supported\n',
  );
});

Deno.test("get: a node that is down fails the version check before anything is printed", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path, ["os:admin"], ["10.5.0.2", "10.5.0.3"]);
  await using _ = emu;
  emu.nodes.get("10.5.0.3")!.faults.down = true;
  const r = await get(cfg, "members");
  assertEquals(r.code, 1);
  assertEquals(r.stdout, "");
  assertEquals(
    r.stderr,
    '10.5.0.3: error getting server version: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 10.5.0.3:50000: connect: connection refused"\n',
  );
  // An older node is only a warning.
  emu.nodes.get("10.5.0.3")!.faults.down = false;
  emu.nodes.get("10.5.0.3")!.version.tag = "v1.12.0";
  const old = await get(cfg, "hostname", "-n", "10.5.0.3");
  assertEquals(old.code, 0);
  assertEquals(
    old.stderr,
    "WARNING: 10.5.0.3: server version 1.12.0 is older than client version 1.13.9\n",
  );
});

Deno.test("get: unknown and ambiguous types", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const r = await get(cfg, "membrs");
  assertEquals(r.code, 1);
  assertEquals(r.stdout, "");
  assertEquals(
    r.stderr,
    'rpc error: code = NotFound desc = resource "membrs" is not registered\n\n' +
      "Did you mean this?\n\tmembers\n(see all types with 'talosctl get rd')\n",
  );
  const none = await get(cfg, "zzzzzzzz");
  assertEquals(
    none.stderr,
    'rpc error: code = NotFound desc = resource "zzzzzzzz" is not registered\n',
  );
  registerType(emu.nodes.get("10.5.0.2")!, {
    type: "LinkSpecs.net.talos.dev",
    displayType: "LinkSpec",
    defaultNamespace: "network",
    aliases: ["links"],
  });
  const amb = await get(cfg, "links");
  assertEquals(
    amb.stderr,
    'rpc error: code = InvalidArgument desc = resource type "links" is ambiguous: [linkspecs.net.talos.dev linkstatuses.net.talos.dev]\n',
  );
  assertEquals(define({ type: "X.y", displayType: "X", defaultNamespace: "n" }).aliases, ["x"]);
});

Deno.test("get --insecure: a maintenance node serves what os:reader may read", async () => {
  const node = simNode("10.5.0.2", {}, NOW);
  node.version.tag = "v1.13.9";
  await using emu = await startEmulator({ nodes: [node], maintenance: true });
  const ep = emu.endpoint;
  const r = await run(["get", "machinestatus", "-i", "-n", ep], { home: "/nonexistent" });
  assertEquals(r.stderr, "");
  assertEquals(
    r.stdout,
    `NODE${
      " ".repeat(ep.length - 1)
    }NAMESPACE   TYPE            ID        VERSION   STAGE         READY\n` +
      `${ep}   runtime     MachineStatus   machine   1         maintenance   true\n`,
  );
  const mc = await run(["get", "mc", "-i", "-n", ep], { home: "/nonexistent" });
  assertEquals(mc.code, 1);
  assertEquals(
    mc.stderr,
    `error listing resources on node ${ep}: rpc error: code = PermissionDenied desc = not authorized\n`,
  );
  assert(emu.calls.every((c) => c.roles.join() === "os:reader"));
});

/** Runs `get -w ...` until `act` has run and the output settled, then interrupts it. */
async function watchRun(emu: TestEmulator, cfg: string, args: string[], act: () => void) {
  const store = resourceStore(emu.nodes.get("10.5.0.2")!);
  const until = async (cond: () => boolean) => {
    for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  };
  await until(() => store.watchers.size === 0); // an earlier watch has ended
  const ac = new AbortController();
  const running = run(["get", "-w", ...args, "--talosconfig", cfg], { signal: ac.signal });
  await until(() => store.watchers.size > 0);
  await new Promise((r) => setTimeout(r, 150));
  act();
  await new Promise((r) => setTimeout(r, 200));
  ac.abort();
  return await running;
}

Deno.test("get -w: bootstrap contents, then each change with the event column", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const node = emu.nodes.get("10.5.0.2")!;
  const r = await watchRun(emu, cfg, ["machinestatus"], () => {
    setMachineStatus(node, "rebooting", false, [], new Date("2024-06-01T12:00:05Z"));
  });
  assertEquals(r.stderr, "");
  assertEquals(r.code, 0);
  assertEquals(
    r.stdout,
    "NODE       *   NAMESPACE   TYPE            ID        VERSION   STAGE     READY\n" +
      "10.5.0.2   +   runtime     MachineStatus   machine   1         running   true\n" +
      "10.5.0.2       runtime   MachineStatus   machine   2   rebooting   false\n",
  );

  const y = await watchRun(emu, cfg, ["hostname", "hostname", "-o", "yaml"], () => {
    putSpec(node, "network", RESOURCE_TYPES.hostname, "hostname", {
      hostname: "renamed",
      domainname: "",
    });
  });
  assertEquals(y.code, 0);
  const docs = parseAllDocuments(y.stdout).map((d) => d.toJS());
  assertEquals(docs.map((d) => [d.event, d.metadata.version, d.spec.hostname]), [
    ["created", 1, "cp-1"],
    ["updated", 2, "renamed"],
  ]);
  assertEquals(yamlText({ a: 1 }), "a: 1\n");
});

Deno.test("get -w: a broken stream is resumed from the last bookmark, as the COSI client does", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const node = emu.nodes.get("10.5.0.2")!;
  const store = resourceStore(node);
  const until = async (cond: () => boolean) => {
    for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
    assert(cond());
  };
  const rename = (hostname: string) =>
    putSpec(node, "network", RESOURCE_TYPES.hostname, "hostname", { hostname, domainname: "" });
  const watches = () => emu.calls.filter((c) => c.path === "/cosi.resource.State/Watch").length;
  node.faults.dropMethod = "Watch";
  const watch = async (args: string[], act: () => Promise<void>) => {
    const ac = new AbortController();
    const running = run(["get", "-w", ...args, "--talosconfig", cfg], { signal: ac.signal });
    await until(() => store.watchers.size > 0);
    await act();
    ac.abort();
    return await running;
  };

  // The stream is reset after the ready reply, the resource and the bootstrapped event (which
  // has a bookmark): the change made meanwhile comes from the resumed watch, then live ones.
  node.faults.dropAfter = 3;
  const resumed = await watch(["hostname"], async () => {
    await new Promise((r) => setTimeout(r, 150));
    node.faults.dropAfter = undefined;
    const before = watches();
    rename("during");
    await until(() => watches() === before + 1); // the watch is opened again
    await new Promise((r) => setTimeout(r, 150));
    rename("after");
    await new Promise((r) => setTimeout(r, 300));
  });
  assertEquals([resumed.code, resumed.stderr], [0, ""]);
  const rows = resumed.stdout.split("\n").map((l) => l.split(/\s+/).slice(0, 7).join(" ").trim());
  assertEquals(rows.slice(1), [
    "10.5.0.2 + network HostnameStatus hostname 1 cp-1",
    "10.5.0.2 network HostnameStatus hostname 2 during",
    "10.5.0.2 network HostnameStatus hostname 3 after",
    "",
  ]);

  // A bookmark the node no longer knows (it restarted) ends the watch with the node's refusal.
  node.faults.dropAfter = 3;
  const refused = await watch(["hostname"], async () => {
    await new Promise((r) => setTimeout(r, 150));
    node.faults.dropAfter = undefined;
    store.history.length = 0;
    store.published = 0;
    const before = watches();
    rename("rebooted");
    await until(() => watches() === before + 1);
    await new Promise((r) => setTimeout(r, 300));
  });
  assertEquals(refused.code, 1);
  assertEquals(
    refused.stderr,
    'error watching resource: namespace "network" type "HostnameStatuses.net.talos.dev": ' +
      "rpc error: code = FailedPrecondition desc = invalid watch bookmark\n",
  );

  // No bookmark yet (a single resource's first event has none): the stream's error is final.
  node.faults.dropAfter = 2;
  const single = await watch(["hostname", "hostname"], async () => {
    await new Promise((r) => setTimeout(r, 150));
    node.faults.dropAfter = undefined;
    rename("again");
    await new Promise((r) => setTimeout(r, 500));
  });
  assertEquals(single.code, 1);
  assertStringIncludes(
    single.stderr,
    'error watching resource: namespace "network" type "HostnameStatuses.net.talos.dev": rpc error: ',
  );
});
