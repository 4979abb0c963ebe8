import { assertEquals } from "../../tests/assert.ts";
import { ConsoleReporter } from "./reporter.ts";
import { Reporter } from "../lifecycle/reporter.ts";
import { PollingCondition, SKIP, waitChecks } from "./conditions.ts";

function capture(isTTY: boolean) {
  const out = {
    isTTY,
    text: "",
    write: (d: string | Uint8Array) => {
      out.text += typeof d === "string" ? d : new TextDecoder().decode(d);
      return Promise.resolve();
    },
  };
  return out;
}

Deno.test("reporter: plain lines without a terminal, redrawn coloured lines on one", async () => {
  const checks = [
    () => new PollingCondition("one", async () => {}, 50),
    () => new PollingCondition("two", () => Promise.reject(SKIP), 50),
  ];
  const plain = capture(false);
  await waitChecks(
    new AbortController().signal,
    {},
    checks,
    new ConsoleReporter(new Reporter(plain, { redraw: false, color: false })),
  );
  assertEquals(
    plain.text,
    "waiting for one: ...\nwaiting for one: OK\nwaiting for two: ...\nwaiting for two: SKIP\n",
  );
  const tty = capture(true);
  await waitChecks(
    new AbortController().signal,
    {},
    checks,
    new ConsoleReporter(new Reporter(tty, { redraw: true, color: true })),
  );
  assertEquals(
    tty.text,
    "\x1b[33m◰ waiting for one: ...\x1b[0m\n" +
      "\x1b[A\x1b[K\x1b[32mwaiting for one: OK\x1b[0m\n" +
      "\x1b[33m◳ waiting for two: ...\x1b[0m\n" +
      "\x1b[A\x1b[K\x1b[34mwaiting for two: SKIP\x1b[0m\n",
  );
});

Deno.test("waitChecks: a failing assertion is retried until the deadline, then fails", async () => {
  let attempts = 0;
  const c = () =>
    new PollingCondition("flaky", () => {
      attempts++;
      return Promise.reject(new Error(`attempt ${attempts}`));
    }, 120);
  const ctl = new AbortController();
  const { withTimeout } = await import("./conditions.ts");
  using signal = withTimeout(ctl.signal, 300);
  const out = capture(false);
  let err: Error | undefined;
  try {
    await waitChecks(
      signal,
      {},
      [c],
      new ConsoleReporter(new Reporter(out, { redraw: false, color: false })),
    );
  } catch (e) {
    err = e as Error;
  }
  assertEquals(err?.message, "context deadline exceeded");
  assertEquals(attempts >= 2, true);
  assertEquals(out.text.startsWith("waiting for flaky: ...\nwaiting for flaky: attempt 1\n"), true);
});
