// `inspect dependencies` against the emulator over mutual TLS: graphviz text as talosctl's
// formatter (emicklei/dot) writes it, with and without live resources.

import { assertEquals } from "./assert.ts";
import { run, tempDir } from "./harness.ts";
import { netState, simNode, startEmulator } from "./emulator/mod.ts";
import { State } from "../gen/cosi/state_pb.ts";

async function setup(dir: string, roles = ["os:reader"]) {
  const emu = await startEmulator({ nodes: [simNode("10.5.0.2"), simNode("10.5.0.3")] });
  const cfg = await emu.talosconfig(dir, { roles, nodes: ["10.5.0.2"] });
  return { emu, cfg };
}

const note = (label: string) =>
  `[fillcolor="azure2",label="${label}",shape="note",style="filled"];`;

Deno.test("inspect dependencies: types as notes, controllers as boxes, edge styles", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const r = await run(["inspect", "dependencies", "--talosconfig", cfg]);
  assertEquals([r.code, r.stderr], [0, ""]);
  assertEquals(
    r.stdout,
    [
      "digraph  {",
      "\t",
      `\tn4${note("AddressStatuses.net.talos.dev")}`,
      `\tn2${note("LinkStatuses.net.talos.dev")}`,
      `\tn6${note("RouteStatuses.net.talos.dev")}`,
      `\tn3[label="network.AddressStatusController",shape="box"];`,
      `\tn1[label="network.LinkStatusController",shape="box"];`,
      `\tn5[label="network.RouteStatusController",shape="box"];`,
      `\tn2->n3[label="eth0",style="dotted"];`,
      `\tn2->n5[style="solid"];`,
      `\tn3->n4[style="bold"];`,
      `\tn1->n2[style="bold"];`,
      `\tn5->n6[style="bold"];`,
      "\t",
      "}",
      "",
    ].join("\n"),
  );
});

Deno.test("inspect dependencies: one node only; errors worded as talosctl", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path, ["os:etcd:backup"]);
  await using _ = emu;
  const two = await run([
    "inspect",
    "dependencies",
    "--talosconfig",
    cfg,
    "-n",
    "10.5.0.2,10.5.0.3",
  ]);
  assertEquals(two.code, 1);
  assertEquals(
    two.stderr.split("\n")[0],
    'command "inspect dependencies" requires exactly one node (got 2)',
  );
  const denied = await run(["inspect", "dependencies", "--talosconfig", cfg]);
  assertEquals(
    [denied.code, denied.stdout, denied.stderr],
    [
      1,
      "",
      "error getting controller runtime dependencies: rpc error: code = PermissionDenied desc = not authorized\n",
    ],
  );
  emu.nodes.get("10.5.0.3")!.faults.down = true;
  const down = await run(["inspect", "dependencies", "--talosconfig", cfg, "-n", "10.5.0.3"]);
  assertEquals(
    down.stderr,
    'error getting controller runtime dependencies: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 10.5.0.3:50000: connect: connection refused"\n',
  );
});

Deno.test("inspect dependencies --with-resources: the node's live resources, owners for outputs", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const r = await run(["inspect", "dependencies", "--with-resources", "--talosconfig", cfg]);
  assertEquals([r.code, r.stderr], [0, ""]);
  const res = (type: string, id: string) => note(`network/${type}.net.talos.dev/${id}`);
  assertEquals(
    r.stdout,
    [
      "digraph  {",
      "\tsubgraph cluster_s4 {",
      '\t\tlabel="AddressStatuses.net.talos.dev";',
      `\t\tn5${res("AddressStatuses", "eth0/10.5.0.2/24")}`,
      `\t\tn6${res("AddressStatuses", "lo/127.0.0.1/8")}`,
      `\t\tn7${res("AddressStatuses", "lo/::1/128")}`,
      "\t\t",
      "\t}",
      "\tsubgraph cluster_s8 {",
      '\t\tlabel="LinkStatuses.net.talos.dev";',
      `\t\tn9${res("LinkStatuses", "eth0")}`,
      `\t\tn10${res("LinkStatuses", "lo")}`,
      "\t\t",
      "\t}",
      "\tsubgraph cluster_s11 {",
      '\t\tlabel="RouteStatuses.net.talos.dev";',
      `\t\tn12${res("RouteStatuses", "inet4//10.5.0.0/24/1024")}`,
      `\t\tn13${res("RouteStatuses", "inet4/10.5.0.1//1024")}`,
      "\t\t",
      "\t}",
      "\t",
      `\tn2[label="network.AddressStatusController",shape="box"];`,
      `\tn1[label="network.LinkStatusController",shape="box"];`,
      `\tn3[label="network.RouteStatusController",shape="box"];`,
      `\tn2->n5[style="solid"];`,
      `\tn2->n6[style="solid"];`,
      `\tn2->n7[style="solid"];`,
      `\tn1->n9[style="solid"];`,
      `\tn1->n10[style="solid"];`,
      `\tn3->n12[style="solid"];`,
      `\tn3->n13[style="solid"];`,
      `\tn9->n2[style="dotted"];`,
      `\tn9->n3[style="solid"];`,
      `\tn10->n3[style="solid"];`,
      "\t",
      "}",
      "",
    ].join("\n"),
  );
  // A type the node does not define fails the whole graph, as ResolveResourceKind does.
  netState(emu.nodes.get("10.5.0.2")!).dependencies.push({
    controllerName: "x.Controller",
    edgeType: 1,
    resourceNamespace: "",
    resourceType: "Nonsense.x.dev",
  });
  const bad = await run(["inspect", "dependencies", "--with-resources", "--talosconfig", cfg]);
  assertEquals(
    [bad.code, bad.stdout, bad.stderr],
    [1, "", 'rpc error: code = NotFound desc = resource "Nonsense.x.dev" is not registered\n'],
  );
  // The type is quoted as Go's %q.
  netState(emu.nodes.get("10.5.0.2")!).dependencies.at(-1)!.resourceType = 'Non"sense\tx';
  const quoted = await run(["inspect", "dependencies", "--with-resources", "--talosconfig", cfg]);
  assertEquals(
    [quoted.code, quoted.stderr],
    [1, 'rpc error: code = NotFound desc = resource "Non\\"sense\\tx" is not registered\n'],
  );
});

Deno.test("inspect dependencies --with-resources: a cluster per type, edges to each resource", async () => {
  await using dir = await tempDir();
  const { emu, cfg } = await setup(dir.path);
  await using _ = emu;
  const st = netState(emu.nodes.get("10.5.0.2")!);
  st.dependencies = [
    {
      controllerName: "network.LinkStatusController",
      edgeType: 0,
      resourceNamespace: "network",
      resourceType: "LinkStatuses.net.talos.dev",
    },
    {
      controllerName: "network.AddressSpecController",
      edgeType: 2,
      resourceNamespace: "network",
      resourceType: "linkstatus",
      resourceId: "eth0",
    },
    {
      controllerName: "network.AddressSpecController",
      edgeType: 1,
      resourceNamespace: "",
      resourceType: "AddressSpecs.net.talos.dev",
    },
  ];
  const defs = [
    { type: "LinkStatuses.net.talos.dev", ns: "network", aliases: ["linkstatus", "link"] },
    { type: "AddressSpecs.net.talos.dev", ns: "network", aliases: ["addressspec"] },
  ];
  const live: Record<string, { id: string; owner: string }[]> = {
    "LinkStatuses.net.talos.dev": [
      { id: "eth0", owner: "network.LinkStatusController" },
      { id: "lo", owner: "network.LinkStatusController" },
    ],
    "AddressSpecs.net.talos.dev": [{ id: "eth0/10.5.0.2/24", owner: "network.AddressMerge" }],
  };
  emu.handle(State.method.list, async function* (req) {
    if (req.namespace === "meta") {
      for (const d of defs) {
        yield {
          resource: {
            metadata: { namespace: "meta", type: req.type, id: d.type, version: "1" },
            spec: {
              yamlSpec: `type: ${d.type}\ndefaultNamespace: ${d.ns}\nallAliases:\n${
                d.aliases.map((a) => `    - ${a}\n`).join("")
              }`,
            },
          },
        };
      }
      return;
    }
    for (const r of live[req.type] ?? []) {
      yield {
        resource: {
          metadata: { namespace: req.namespace, type: req.type, id: r.id, owner: r.owner },
          spec: { yamlSpec: "{}\n" },
        },
      };
    }
  });
  const r = await run(["inspect", "dependencies", "--with-resources", "--talosconfig", cfg]);
  assertEquals([r.code, r.stderr], [0, ""]);
  // Controllers n1, n2, then a cluster per edge type string in sorted order; "linkstatus"
  // (an alias) gets a cluster of its own with its own nodes, as in talosctl.
  assertEquals(
    r.stdout,
    [
      "digraph  {",
      "\tsubgraph cluster_s3 {",
      '\t\tlabel="AddressSpecs.net.talos.dev";',
      `\t\tn4${note("network/AddressSpecs.net.talos.dev/eth0/10.5.0.2/24")}`,
      "\t\t",
      "\t}",
      "\tsubgraph cluster_s5 {",
      '\t\tlabel="LinkStatuses.net.talos.dev";',
      `\t\tn6${note("network/LinkStatuses.net.talos.dev/eth0")}`,
      `\t\tn7${note("network/LinkStatuses.net.talos.dev/lo")}`,
      "\t\t",
      "\t}",
      "\tsubgraph cluster_s8 {",
      '\t\tlabel="linkstatus";',
      `\t\tn9${note("network/LinkStatuses.net.talos.dev/eth0")}`,
      `\t\tn10${note("network/LinkStatuses.net.talos.dev/lo")}`,
      "\t\t",
      "\t}",
      "\t",
      `\tn2[label="network.AddressSpecController",shape="box"];`,
      `\tn1[label="network.LinkStatusController",shape="box"];`,
      `\tn1->n6[style="solid"];`,
      `\tn1->n7[style="solid"];`,
      `\tn4->n2[style="solid"];`,
      `\tn9->n2[style="dotted"];`,
      "\t",
      "}",
      "",
    ].join("\n"),
  );
});
