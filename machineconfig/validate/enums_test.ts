// Strict decoding of enum-typed and other text-decoded fields: what upstream's UnmarshalText
// implementations accept and the exact "construct errors" text go-yaml v4 reports for them.

import { assertEquals, assertThrows } from "../../tests/assert.ts";
import { machineConfigSchema } from "../registry.ts";
import { decodeConfig } from "../patch/decode.ts";
import { enumError, hardwareAddrError } from "./enums.ts";

const schema = machineConfigSchema();

function decodeError(text: string): string {
  try {
    decodeConfig(schema, text, "c.yaml");
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("decoding succeeded");
}

Deno.test("enumError: exact or lower-cased names, enumer's error text", () => {
  assertEquals(enumError("BondMode", "802.3ad"), null);
  assertEquals(enumError("BondMode", "Active-Backup"), null);
  assertEquals(enumError("DNSProtocol", "DoT"), null);
  assertEquals(enumError("DNSProtocol", "dot"), null);
  assertEquals(enumError("RoutingTable", "main"), null);
  assertEquals(enumError("RoutingTable", "100"), null);
  assertEquals(enumError("RoutingTable", "300"), "300 does not belong to RoutingTable values");
  assertEquals(enumError("BondMode", "lacp"), "lacp does not belong to BondMode values");
  assertEquals(enumError("FilesystemType", "zfs"), "zfs does not belong to FilesystemType values");
});

Deno.test("hardwareAddrError: encoding/hex texts", () => {
  assertEquals(hardwareAddrError("aa:bb:cc:dd:ee:ff"), null);
  assertEquals(hardwareAddrError("aabbcc"), null);
  assertEquals(hardwareAddrError("aa:bb:c"), "encoding/hex: odd length hex string");
  assertEquals(hardwareAddrError("aa:bg"), "encoding/hex: invalid byte: U+0067 'g'");
  assertEquals(hardwareAddrError("aa:b"), "encoding/hex: odd length hex string");
  assertEquals(hardwareAddrError("aa:z"), "encoding/hex: invalid byte: U+007A 'z'");
});

const BOND = `apiVersion: v1alpha1
kind: BondConfig
name: bond0
links: [eth0]
bondMode: 802.3AD
xmitHashPolicy: layer3+4
lacpRate: fast
`;

Deno.test("decode: valid enum names pass, case-insensitively", () => {
  const docs = decodeConfig(schema, BOND, "c.yaml");
  assertEquals(docs[0].data.bondMode, "802.3AD");
});

Deno.test("decode: invalid enum values are construct errors with their lines, in order", () => {
  const bad = BOND.replace("802.3AD", "lacp").replace("lacpRate: fast", "lacpRate: turbo") +
    "failOverMac: 7\nhardwareAddr: zz:00\n";
  assertEquals(
    decodeError(bad),
    "c.yaml: error decoding document v1alpha1/BondConfig/bond0 (line 1): error decoding BondConfig " +
      "to *network.BondConfigV1Alpha1: yaml: construct errors: " +
      "line 5: lacp does not belong to BondMode values; " +
      "line 7: turbo does not belong to LACPRate values; " +
      "line 8: invalid fail_over_mac value 7; " +
      "line 9: encoding/hex: invalid byte: U+007A 'z'",
  );
});

Deno.test("decode: enums in volume, resolver, routing and list fields", () => {
  const cases: [string, string][] = [
    [
      "apiVersion: v1alpha1\nkind: UserVolumeConfig\nname: v\nvolumeType: lvm\n",
      "line 4: lvm does not belong to VolumeType values",
    ],
    [
      "apiVersion: v1alpha1\nkind: UserVolumeConfig\nname: v\nfilesystem:\n  type: zfs\n",
      "line 5: zfs does not belong to FilesystemType values",
    ],
    [
      "apiVersion: v1alpha1\nkind: UserVolumeConfig\nname: v\nencryption:\n  provider: luks1\n",
      "line 5: luks1 does not belong to EncryptionProviderType values",
    ],
    [
      "apiVersion: v1alpha1\nkind: ResolverConfig\nnameservers:\n  - address: 1.1.1.1\n    protocol: DoQ\n",
      "line 5: DoQ does not belong to DNSProtocol values",
    ],
    [
      "apiVersion: v1alpha1\nkind: EthernetConfig\nname: eth0\nwakeOnLan: [magic, bogus]\n",
      "line 4: bogus does not belong to WOLMode values",
    ],
    [
      "apiVersion: v1alpha1\nkind: LinkConfig\nname: eth0\nroutes:\n  - gateway: ::g\n",
      `line 5: ParseAddr("::g"): each colon-separated field must have at least one digit (at "g")`,
    ],
  ];
  for (const [text, want] of cases) {
    const msg = decodeError(text);
    assertEquals(msg.slice(msg.indexOf("construct errors: ") + 18), want, text);
  }
});

Deno.test("decode: durations follow time.ParseDuration (a bare number only when zero)", () => {
  const doc = (v: string) => `apiVersion: v1alpha1\nkind: TimeSyncConfig\nbootTimeout: ${v}\n`;
  assertEquals(decodeConfig(schema, doc("2m30s"), "c.yaml").length, 1);
  assertEquals(decodeConfig(schema, doc("0"), "c.yaml").length, 1);
  const msg = decodeError(doc("forever"));
  assertEquals(
    msg.slice(msg.indexOf("construct errors: ") + 18),
    "line 3: cannot construct !!str `forever` into time.Duration",
  );
  assertThrows(() => decodeConfig(schema, doc("15"), "c.yaml"));
});
