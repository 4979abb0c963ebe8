// The emulated secrets controllers: roots published from the machine config, and apid's TLS
// (trusted client CAs, serving certificate) following a CA swap for new connections.

import { assertEquals, assertMatch, assertStringIncludes } from "../assert.ts";
import { run, seededRandom, tempDir } from "../harness.ts";
import { simNode, startEmulator } from "./mod.ts";
import { getResource, setMachineConfig } from "./resources.ts";
import { followMachineConfigPki, K8S_ROOT_TYPE, OS_ROOT_TYPE } from "./pki_handlers.ts";
import { generateSecretsBundle } from "../../pki/secrets_gen.ts";
import { encodeSecretsBundle } from "../../pki/secrets_encode.ts";
import { issueClientCertificate } from "../../pki/client_cert.ts";
import { decodeConfig } from "../../machineconfig/patch/mod.ts";
import { machineConfigSchema } from "../../machineconfig/registry.ts";
import { encodeConfig } from "../../machineconfig/encode.ts";
import { talosSwapCA } from "../../machineconfig/rotate_ca.ts";
import { encodeTalosconfig, newTalosconfig } from "../../clientconfig/talosconfig.ts";

Deno.test("PKI follows the machine config: roots, and apid's CAs after a swap", async () => {
  await using dir = await tempDir();
  await using emu = await startEmulator({
    nodes: [simNode("10.5.0.2"), simNode("10.5.0.4", { controlPlane: false })],
  });
  const gen = (seed: number) =>
    generateSecretsBundle({ major: 1, minor: 6 }, {
      now: () => new Date(),
      random: seededRandom(seed),
    });
  const bundle = await gen(3);
  bundle.certs.os = { crt: emu.ca.cert, key: emu.ca.key };
  await Deno.writeTextFile(`${dir.path}/secrets.yaml`, encodeSecretsBundle(bundle));
  const r = await run([
    "gen",
    "config",
    "c",
    "https://10.5.0.2:6443",
    "--with-secrets",
    `${dir.path}/secrets.yaml`,
    "-o",
    `${dir.path}/gen`,
  ]);
  assertEquals(r.code, 0, r.stderr);
  const cp = await Deno.readTextFile(`${dir.path}/gen/controlplane.yaml`);
  setMachineConfig(emu.nodes.get("10.5.0.2")!, cp);
  setMachineConfig(
    emu.nodes.get("10.5.0.4")!,
    await Deno.readTextFile(`${dir.path}/gen/worker.yaml`),
  );
  const pki = followMachineConfigPki(emu);
  await pki.settled();
  const cpNode = emu.nodes.get("10.5.0.2")!;
  assertStringIncludes(getResource(cpNode, "secrets", OS_ROOT_TYPE, "os")!.spec, btoa(emu.ca.cert));
  assertStringIncludes(
    getResource(cpNode, "secrets", K8S_ROOT_TYPE, "k8s")!.spec,
    btoa(bundle.certs.k8s.crt),
  );
  assertEquals(getResource(emu.nodes.get("10.5.0.4")!, "secrets", OS_ROOT_TYPE, "os"), undefined);

  const old = await emu.talosconfig(dir.path, { nodes: ["10.5.0.2"] });
  const version = (tc: string) => run(["version", "--talosconfig", tc]);
  assertEquals((await version(old)).code, 0);

  // New issuing CA, old one accepted.
  const next = (await gen(4)).certs.os;
  const swapped = talosSwapCA(
    decodeConfig(machineConfigSchema(), cp, "cp"),
    "controlplane",
    next,
    emu.ca.cert,
  );
  setMachineConfig(cpNode, encodeConfig(swapped));
  await pki.settled();
  assertStringIncludes(getResource(cpNode, "secrets", OS_ROOT_TYPE, "os")!.spec, btoa(next.crt));

  // The old CA no longer verifies the server; a client of the new CA, or of the accepted old
  // one with the new server CA, gets in.
  let v = await version(old);
  assertEquals(v.code, 1);
  assertMatch(v.stderr, /certificate signed by unknown authority/);
  const write = async (name: string, ca: string, cert: { crt: string; key: string }) => {
    const path = `${dir.path}/${name}`;
    await Deno.writeTextFile(
      path,
      encodeTalosconfig(newTalosconfig("t", [emu.endpoint], ca, cert.crt, cert.key))
        .replace("endpoints:", "nodes:\n            - 10.5.0.2\n        endpoints:"),
    );
    return path;
  };
  const adminOf = (ca: { crt: string; key: string }) =>
    issueClientCertificate(ca, ["os:admin"], 1000 * 3_600_000, new Date());
  v = await version(await write("new", next.crt, await adminOf(next)));
  assertEquals([v.code, v.stderr], [0, ""]);
  v = await version(
    await write("mixed", next.crt, await adminOf({ crt: emu.ca.cert, key: emu.ca.key })),
  );
  assertEquals([v.code, v.stderr], [0, ""]);
  const stranger = (await gen(5)).certs.os;
  v = await version(await write("stranger", next.crt, await adminOf(stranger)));
  assertEquals(v.code, 1);
  pki.stop();
});
