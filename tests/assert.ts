// Assertions for tests. JSR (@std/assert) is not reachable here, so node:assert is wrapped in
// the familiar names.

import { strict as assert } from "node:assert";

export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  assert.deepStrictEqual(actual, expected, msg);
}
export function assertNotEquals<T>(actual: T, expected: T, msg?: string): void {
  assert.notDeepStrictEqual(actual, expected, msg);
}
export function assert_(cond: unknown, msg?: string): asserts cond {
  assert.ok(cond, msg);
}
export { assert_ as assert };
export function assertStringIncludes(actual: string, expected: string, msg?: string): void {
  if (!actual.includes(expected)) {
    throw new assert.AssertionError({
      message: msg ?? `expected string to include:\n${expected}\n--- actual:\n${actual}`,
      actual,
      expected,
    });
  }
}
export function assertMatch(actual: string, re: RegExp, msg?: string): void {
  assert.match(actual, re, msg);
}
export async function assertRejects(
  fn: () => Promise<unknown>,
  match?: RegExp | string,
): Promise<Error> {
  try {
    await fn();
  } catch (e) {
    const err = e as Error;
    if (match !== undefined) {
      if (typeof match === "string") assertStringIncludes(err.message, match);
      else assert.match(err.message, match);
    }
    return err;
  }
  throw new assert.AssertionError({ message: "expected the promise to reject" });
}
export function assertThrows(fn: () => unknown, match?: RegExp | string): Error {
  try {
    fn();
  } catch (e) {
    const err = e as Error;
    if (match !== undefined) {
      if (typeof match === "string") assertStringIncludes(err.message, match);
      else assert.match(err.message, match);
    }
    return err;
  }
  throw new assert.AssertionError({ message: "expected the function to throw" });
}
