// The emulator's COSI State service over real mTLS: access policy, Get/List texts, Watch events.

import { assert, assertEquals, assertMatch } from "../assert.ts";
import { parse } from "yaml";
import { EventType } from "../../gen/cosi/state_pb.ts";
import { newClient, toRpcError } from "../../rpc/mod.ts";
import {
  MACHINE_CONFIG_TYPE,
  putSpec,
  RESOURCE_TYPES,
  sampleMachineConfig,
  setMachineStatus,
  simNode,
  startEmulator,
  type TestEmulator,
} from "./mod.ts";

async function clientFor(emu: TestEmulator, roles: string[]) {
  const cert = await emu.clientCert(roles);
  return newClient({
    contextName: "test",
    endpoints: [emu.endpoint],
    tls: { ca: emu.ca.cert, cert: cert.cert, key: cert.key },
  });
}

const fail = (p: Promise<unknown>) => p.then(() => "no error", (e) => toRpcError(e).message);

Deno.test("cosi: Get of the machine config as admin, denied to a reader", async () => {
  await using emu = await startEmulator({ nodes: [simNode("10.5.0.2")] });
  const admin = await clientFor(emu, ["os:admin"]);
  const req = { namespace: "config", type: MACHINE_CONFIG_TYPE, id: "v1alpha1" };
  const { resource } = await admin.cosi.get(req, admin.callOptions("10.5.0.2"));
  assertEquals(resource?.metadata?.version, "1");
  assertEquals(resource?.metadata?.phase, "running");
  assertEquals(resource?.metadata?.annotations, { "talos.dev/yaml-spec": "1" });
  const yamlSpec = resource!.spec!.yamlSpec;
  assert(yamlSpec.startsWith("|\n    version: v1alpha1\n"), yamlSpec.slice(0, 40));
  assertEquals(parse(yamlSpec), sampleMachineConfig(true));
  assert(resource!.spec!.protoSpec.length > 1000);

  const reader = await clientFor(emu, ["os:reader"]);
  assertEquals(
    await fail(reader.cosi.get(req, reader.callOptions("10.5.0.2"))),
    "rpc error: code = PermissionDenied desc = not authorized",
  );
});

Deno.test("cosi: access policy and NotFound texts", async () => {
  await using emu = await startEmulator({ nodes: [simNode("10.5.0.2")] });
  const c = await clientFor(emu, ["os:reader"]);
  const o = c.callOptions("10.5.0.2");
  assertEquals(
    await fail(c.cosi.get({ namespace: "network", type: "Foo.bar.dev", id: "x" }, o)),
    'rpc error: code = PermissionDenied desc = resource type "Foo.bar.dev" is not supported',
  );
  assertEquals(
    await fail(c.cosi.get({ namespace: "nope", type: RESOURCE_TYPES.link, id: "x" }, o)),
    'rpc error: code = PermissionDenied desc = namespace "nope" is not supported',
  );
  assertEquals(
    await fail(c.cosi.get({ namespace: "network", type: RESOURCE_TYPES.link, id: "eth9" }, o)),
    "rpc error: code = NotFound desc = resource LinkStatuses.net.talos.dev(network/eth9@undefined) doesn't exist",
  );
  const admin = await clientFor(emu, ["os:admin"]);
  assertEquals(
    await fail(
      admin.cosi.destroy({ namespace: "network", type: RESOURCE_TYPES.link, id: "lo" }, o),
    ),
    "rpc error: code = PermissionDenied desc = write access is not allowed",
  );
  // COSI refuses one-to-many proxying.
  assertMatch(
    await fail(c.cosi.get({ namespace: "network", type: RESOURCE_TYPES.link, id: "lo" }, {
      headers: { nodes: "10.5.0.2" },
    })),
    /^rpc error: code = InvalidArgument desc = one-2-many proxying is not supported for method/,
  );
});

Deno.test("cosi: List streams resources sorted by id; definitions carry aliases", async () => {
  await using emu = await startEmulator({
    nodes: [
      simNode("10.5.0.2", { hostname: "cp-1" }),
      simNode("10.5.0.3", { hostname: "w-1", controlPlane: false }),
    ],
  });
  const c = await clientFor(emu, ["os:reader"]);
  const ids: string[] = [];
  for await (
    const m of c.cosi.list(
      { namespace: "cluster", type: RESOURCE_TYPES.member },
      c.callOptions("10.5.0.3"),
    )
  ) {
    ids.push(m.resource!.metadata!.id);
  }
  assertEquals(ids, ["cp-1", "w-1"]);
  const rds = [];
  for await (
    const m of c.cosi.list(
      { namespace: "meta", type: "ResourceDefinitions.meta.cosi.dev" },
      c.callOptions("10.5.0.2"),
    )
  ) {
    rds.push(m.resource!);
  }
  const mc = rds.find((r) => r.metadata!.id === "machineconfigs.config.talos.dev")!;
  assertEquals(parse(mc.spec!.yamlSpec), {
    type: "MachineConfigs.config.talos.dev",
    displayType: "MachineConfig",
    defaultNamespace: "config",
    aliases: ["machineconfig", "mc", "mcs"],
    allAliases: [
      "machineconfigs",
      "machineconfigs.config",
      "machineconfigs.config.talos",
      "machineconfig",
      "mc",
      "mcs",
    ],
    printColumns: [],
    sensitivity: "sensitive",
  });
  assertEquals(mc.metadata!.owner, "meta");
});

Deno.test("cosi: kind watch sends ready, bootstrap contents, BOOTSTRAPPED, then changes", async () => {
  await using emu = await startEmulator({ nodes: [simNode("10.5.0.2")] });
  const node = emu.nodes.get("10.5.0.2")!;
  const c = await clientFor(emu, ["os:reader"]);
  const stream = c.cosi.watch({
    namespace: "runtime",
    type: RESOURCE_TYPES.machineStatus,
    options: { bootstrapContents: true },
    apiVersion: 1,
  }, c.callOptions("10.5.0.2"));
  const seen: string[] = [];
  for await (const m of stream) {
    if (m.event.length === 0) {
      seen.push("ready");
      continue;
    }
    const e = m.event[0];
    seen.push(
      `${EventType[e.eventType]} ${e.resource?.metadata?.id} ${e.resource?.metadata?.version}`,
    );
    if (e.eventType === EventType.BOOTSTRAPPED) setMachineStatus(node, "rebooting", false);
    if (e.eventType === EventType.UPDATED) {
      assertEquals(e.old?.metadata?.version, "1");
      assertEquals(parse(e.resource!.spec!.yamlSpec).stage, "rebooting");
      break;
    }
  }
  assertEquals(seen, [
    "ready",
    "CREATED machine 1",
    "BOOTSTRAPPED  undefined",
    "UPDATED machine 2",
  ]);
});

Deno.test("cosi: single watch, tail events and rejected options", async () => {
  await using emu = await startEmulator({ nodes: [simNode("10.5.0.2")] });
  const node = emu.nodes.get("10.5.0.2")!;
  putSpec(node, "network", RESOURCE_TYPES.hostname, "hostname", { hostname: "x", domainname: "" });
  const c = await clientFor(emu, ["os:reader"]);
  const o = c.callOptions("10.5.0.2");
  const first = async (req: Record<string, unknown>, n: number) => {
    const out: string[] = [];
    for await (const m of c.cosi.watch(req, o)) {
      for (const e of m.event) {
        out.push(
          `${EventType[e.eventType]} ${e.resource?.metadata?.id}@${e.resource?.metadata?.version}`,
        );
      }
      if (out.length >= n) break;
    }
    return out;
  };
  const base = { namespace: "network", type: RESOURCE_TYPES.hostname };
  assertEquals(await first({ ...base, id: "hostname" }, 1), ["CREATED hostname@2"]);
  assertEquals(await first({ ...base, id: "other" }, 1), ["DESTROYED other@undefined"]);
  assertEquals(await first({ ...base, options: { tailEvents: 5 } }, 2), [
    "CREATED hostname@1",
    "UPDATED hostname@2",
  ]);
  assertEquals(
    await fail(first({ ...base, id: "hostname", options: { bootstrapContents: true } }, 1)),
    "rpc error: code = Unimplemented desc = bootstrap contents is not implemented for resource watch",
  );
});

Deno.test("cosi: a maintenance node has no machine config and reports the maintenance stage", async () => {
  await using emu = await startEmulator({ nodes: [simNode("10.5.0.2")], maintenance: true });
  const c = newClient({
    contextName: "m",
    endpoints: [emu.endpoint],
    tls: { ca: "", cert: "", key: "", insecure: true },
  });
  assertEquals(
    await fail(
      Array.fromAsync(
        c.cosi.list({ namespace: "config", type: MACHINE_CONFIG_TYPE }, c.callOptions()),
      ),
    ),
    "rpc error: code = PermissionDenied desc = not authorized",
  );
  const { resource } = await c.cosi.get({
    namespace: "runtime",
    type: RESOURCE_TYPES.machineStatus,
    id: "machine",
  }, c.callOptions());
  assertEquals(parse(resource!.spec!.yamlSpec), {
    stage: "maintenance",
    status: { ready: true, unmetConditions: [] },
  });
  const members = [];
  for await (
    const m of c.cosi.list({ namespace: "cluster", type: RESOURCE_TYPES.member }, c.callOptions())
  ) {
    members.push(m);
  }
  assertEquals(members, []);
});
