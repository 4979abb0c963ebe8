import { assertEquals } from "../tests/assert.ts";
import { formatGoFloat } from "./float.ts";

Deno.test("floats use Go's shortest 'g' form (strconv.FormatFloat(f, 'g', -1, 64))", () => {
  const cases: [number, string][] = [
    [1.5, "1.5"],
    [2, "2"],
    [-0.25, "-0.25"],
    [0.0001, "0.0001"],
    [0.00012345, "0.00012345"],
    [0.00001, "1e-05"],
    [-0.000012, "-1.2e-05"],
    [123456.5, "123456.5"],
    [999999.9, "999999.9"],
    [100000, "100000"],
    [1e6, "1e+06"],
    [1234567.5, "1.2345675e+06"],
    [-1234567.5, "-1.2345675e+06"],
    [0.1 + 0.2, "0.30000000000000004"],
    [1e21, "1e+21"],
    [1.7976931348623157e308, "1.7976931348623157e+308"],
    [5e-324, "5e-324"],
    [1e100, "1e+100"],
    [-0, "-0"],
    [NaN, ".nan"],
    [Infinity, ".inf"],
    [-Infinity, "-.inf"],
  ];
  for (const [f, want] of cases) assertEquals(formatGoFloat(f), want, String(f));
});
