// The emulator's authorization against machined's rule map at HEAD (internal/app/machined/pkg/
// system/services/machined.go): the RPCs the CLI calls, the fallback, maintenance-only readers.

import { assertEquals } from "../assert.ts";
import { allowedRoles, authorized } from "./rules.ts";

Deno.test("rules: roles per RPC as machined's table at HEAD", () => {
  const A = "os:admin", O = "os:operator", R = "os:reader", B = "os:etcd:backup";
  const expect: Record<string, string[]> = {
    "/machine.MachineService/Version": [A, O, R],
    "/machine.MachineService/ServiceList": [A, O, R],
    "/machine.MachineService/ServiceStart": [A, O],
    "/machine.MachineService/ServiceStop": [A, O],
    "/machine.MachineService/ServiceRestart": [A, O],
    "/machine.MachineService/Logs": [A, O, R],
    "/machine.MachineService/LogsContainers": [A, O, R],
    "/machine.MachineService/Dmesg": [A, O, R],
    "/machine.MachineService/EtcdMemberList": [A, O, R, B],
    "/machine.MachineService/EtcdStatus": [A, O, R, B],
    "/machine.MachineService/EtcdSnapshot": [A, O, B],
    "/machine.MachineService/Kubeconfig": [A],
    "/machine.MachineService/GenerateClientConfiguration": [A],
    "/machine.MachineService/EtcdDowngradeEnable": [A],
    "/machine.MachineService/NoSuchMethod": [A],
  };
  for (const [path, roles] of Object.entries(expect)) assertEquals(allowedRoles(path), roles, path);
  assertEquals(authorized("/machine.MachineService/Version", ["os:etcd:backup"]), false);
  assertEquals(authorized("/machine.MachineService/EtcdStatus", ["os:etcd:backup"]), true);
});

Deno.test("rules: readers may apply a configuration only in maintenance mode", () => {
  const path = "/machine.MachineService/ApplyConfiguration";
  assertEquals(authorized(path, ["os:reader"]), false);
  assertEquals(authorized(path, ["os:reader"], true), true);
  assertEquals(authorized(path, ["os:admin"]), true);
  assertEquals(authorized(path, ["os:operator"]), false);
});
