import { assertEquals, assertNotEquals } from "../tests/assert.ts";
import { decodeConfig } from "./patch/mod.ts";
import { machineConfigSchema } from "./registry.ts";
import { encodeConfig } from "./encode.ts";
import type { ConfigDocument, ValueMap } from "./schema.ts";
import { configCredentials } from "./credentials.ts";
import {
  k8sAddAcceptedCA,
  k8sDeleteAcceptedCA,
  k8sSwapCA,
  machineTypeOf,
  talosAddAcceptedCA,
  talosDropAcceptedCA,
  talosSwapCA,
} from "./rotate_ca.ts";

const golden = (name: string) =>
  Deno.readTextFileSync(new URL(`../tests/golden/gen_config/${name}.yaml`, import.meta.url));
const decode = (text: string) => decodeConfig(machineConfigSchema(), text, "test");
/** Through text and back: what a node would receive, read the way it reads it. */
const roundTrip = (docs: ConfigDocument[]) => decode(encodeConfig(docs));

const NEW = { crt: "-----BEGIN CERTIFICATE-----\nNEW\n-----END CERTIFICATE-----\n", key: "K\n" };
const OLD = "-----BEGIN CERTIFICATE-----\nOLD\n-----END CERTIFICATE-----\n";
const b64 = (s: string) => btoa(s);

function machine(docs: ConfigDocument[]): ValueMap {
  return docs.find((d) => d.kind === "v1alpha1")!.data.machine as ValueMap;
}

Deno.test("Talos CA rotation steps edit machine.ca and machine.acceptedCAs", () => {
  for (const type of ["controlplane", "worker"]) {
    const docs = decode(golden(`v1.13-${type}`));
    assertEquals(machineTypeOf(docs), type);
    const before = encodeConfig(docs);
    let d = roundTrip(talosAddAcceptedCA(docs, NEW.crt));
    assertEquals(encodeConfig(docs), before, "input unchanged");
    assertEquals(machine(d).acceptedCAs, [{ crt: b64(NEW.crt) }]);
    d = roundTrip(talosSwapCA(d, type, NEW, OLD));
    assertEquals(machine(d).acceptedCAs, [{ crt: b64(OLD) }]);
    assertEquals(
      machine(d).ca,
      type === "controlplane"
        ? { crt: b64(NEW.crt), key: b64(NEW.key) }
        : { crt: b64(NEW.crt), key: "" },
    );
    d = roundTrip(talosDropAcceptedCA(d, OLD));
    assertEquals(machine(d).acceptedCAs ?? [], []);
  }
});

Deno.test("Kubernetes CA rotation steps, v1alpha1 layout and KubeAPIServerCAConfig document", () => {
  for (const version of ["v1.13", "v1.15"]) {
    for (const type of ["controlplane", "worker"]) {
      const text = golden(`${version}-${type}`);
      const current = configCredentials(text, "x");
      const currentCrt = current.k8sAcceptedCAs[0];
      let d = roundTrip(k8sAddAcceptedCA(decode(text), NEW.crt));
      assertEquals(
        configCredentials(encodeConfig(d), "x").k8sAcceptedCAs,
        [currentCrt, NEW.crt],
        `${version} ${type} add`,
      );
      // Adding twice: the document layout keeps one, v1alpha1 appends again (as upstream).
      const twice = configCredentials(encodeConfig(k8sAddAcceptedCA(d, NEW.crt)), "x");
      assertEquals(twice.k8sAcceptedCAs.length, version === "v1.15" ? 2 : 3);

      d = roundTrip(k8sSwapCA(d, NEW, currentCrt));
      const swapped = configCredentials(encodeConfig(d), "x");
      assertEquals(swapped.k8sAcceptedCAs, [NEW.crt, currentCrt], `${version} ${type} swap`);
      if (type === "controlplane") assertEquals(swapped.k8sCA, NEW);
      else assertNotEquals(swapped.k8sCA?.key, NEW.key);

      d = roundTrip(k8sDeleteAcceptedCA(d, currentCrt));
      assertEquals(configCredentials(encodeConfig(d), "x").k8sAcceptedCAs, [NEW.crt]);
    }
  }
});
