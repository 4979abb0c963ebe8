import { assertEquals } from "../tests/assert.ts";
import { ipv6Text } from "./ip.ts";

function bytes(...groups: number[]): Uint8Array {
  const b = new Uint8Array(16);
  groups.forEach((g, i) => [b[2 * i], b[2 * i + 1]] = [g >> 8, g & 0xff]);
  return b;
}

Deno.test("ipv6Text: RFC 5952 as Go prints it", () => {
  assertEquals(ipv6Text(bytes()), "::");
  assertEquals(ipv6Text(bytes(0, 0, 0, 0, 0, 0, 0, 1)), "::1");
  assertEquals(ipv6Text(bytes(0xfe80, 0, 0, 0, 0x1, 0, 0, 0)), "fe80::1:0:0:0");
  assertEquals(ipv6Text(bytes(0x2001, 0xdb8, 0, 1, 0, 0, 0, 1)), "2001:db8:0:1::1");
  assertEquals(ipv6Text(bytes(0x2001, 0xdb8, 0, 0, 1, 0, 0, 1)), "2001:db8::1:0:0:1");
  assertEquals(ipv6Text(bytes(1, 0, 2, 0, 3, 0, 4, 0)), "1:0:2:0:3:0:4:0");
  assertEquals(ipv6Text(bytes(0x2001, 0xdb8, 0, 0, 0, 0, 2, 1)), "2001:db8::2:1");
});
