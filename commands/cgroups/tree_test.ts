import { assertEquals, assertThrows } from "../../tests/assert.ts";
import { CgNode, CgValue, parseValue } from "./tree.ts";

Deno.test("cgroup values: text, max, fractions, percentages and durations as talosctl shows them", () => {
  assertEquals(new CgValue().String(), "unset");
  assertEquals(parseValue("max").String(), "max");
  assertEquals(parseValue("0.05").String(), "0.05");
  assertEquals(parseValue("12.5").Float64(), 12.5);
  assertEquals(parseValue("1536").HumanizeIBytes(), "1.5 KiB");
  assertEquals(parseValue("0.5").HumanizeIBytes(), "0.5");
  assertEquals(parseValue("1").DivideBy(parseValue("3")).String(), "33.33");
  assertEquals(parseValue("5").DivideBy(parseValue("max")).String(), "0.00");
  assertEquals(parseValue("max").DivideBy(parseValue("max")).String(), "100.00");
  assertEquals(parseValue("5").DivideBy(parseValue("0")).String(), "max");
  assertEquals(parseValue("5").DivideBy(new CgValue()).String(), "unset");
  assertEquals(parseValue("3723004005").UsecToDuration(), "1h2m3.004005s");
  assertEquals(parseValue("1500").UsecToDuration(), "1.5ms");
  assertThrows(() => parseValue("1x"), 'strconv.ParseInt: parsing "1x": invalid syntax');
});

Deno.test("cgroup files: flat, nested, space-separated and raw formats", () => {
  const n = new CgNode();
  n.parse("cpu.max", "max 100000\n");
  n.parse("io.stat", "8:0 rbytes=10 wbytes=20\n259:0 rios=3\n");
  n.parse("memory.events", "low 0\nhigh 2\n");
  n.parse("cpuset.cpus.effective", "0-3\n");
  n.parse("unknown.file", "whatever");
  assertEquals(n.CPUMax.map((v) => v.String()), ["max", "100000"]);
  assertEquals(n.IOStat.get("8:0")!.get("wbytes")!.String(), "20");
  assertEquals(n.IOStat.get("259:0")!.get("rios")!.String(), "3");
  assertEquals(n.MemoryEvents.get("high")!.String(), "2");
  assertEquals(n.CPUSetCPUsEffective, "0-3");
  assertThrows(() => n.parse("memory.events", "nospace\n"), "invalid format");
  assertEquals(n.find("a/b/").find("") === n.find("a/b"), true);
});
