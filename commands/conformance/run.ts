// One conformance run as talosctl's hydrophone package makes it: clean up what an earlier run
// left, deploy the test pod, stream its log to stdout, read its exit code, (certified mode)
// download the results and write PRODUCT.yaml, clean up again. The cleanup also runs when the
// run fails or is interrupted (Ctrl-C), bounded by the mode's delete timeout; its failure then
// is only a warning. The run itself is bounded by the mode's run timeout.

import type { Deps } from "../deps.ts";
import type { K8sClient } from "../../k8s/mod.ts";
import { DeadlineExceeded, withTimeout } from "../../wait/mod.ts";
import { goDuration, goDurationSeconds } from "../../gofmt/text.ts";
import { goLogTime } from "../../gofmt/time.ts";
import { UserError } from "../../errors.ts";
import { DEFAULT_CONFIG, E2ERunner, type LogLevel } from "./e2e_pod.ts";
import type { RunOptions } from "./modes.ts";

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** A signal that `ms` (when positive) or `parent` aborts; upstream's withTimeout. */
function bounded(parent: AbortSignal, ms: number): AbortSignal & Disposable {
  if (ms > 0) return withTimeout(parent, ms);
  const ctl = new AbortController();
  const onAbort = () => ctl.abort(parent.reason);
  if (parent.aborted) onAbort();
  else parent.addEventListener("abort", onAbort, { once: true });
  return Object.assign(ctl.signal, {
    [Symbol.dispose]: () => parent.removeEventListener("abort", onAbort),
  });
}

export interface RunEnv {
  deps: Deps;
  /** The cluster's API client (the admin kubeconfig comes from the node on first use). */
  k8s: () => Promise<K8sClient>;
  /** The command's cancellation (Ctrl-C; health's wait timeout). */
  signal: AbortSignal;
}

export async function runConformance(env: RunEnv, o: RunOptions): Promise<void> {
  const { deps } = env;
  const out = (s: string) => deps.io.stdout.write(s);
  const log = (level: LogLevel, text: string) =>
    deps.io.stderr.write(`${goLogTime(deps.now())} ${level} ${text}\n`);
  let client: K8sClient;
  try {
    client = await env.k8s();
  } catch (e) {
    throw new UserError(`error getting kubernetes config: ${message(e)}`);
  }
  const config = {
    ...DEFAULT_CONFIG,
    conformanceImage: `registry.k8s.io/conformance:v${o.kubernetesVersion}`,
    parallel: o.parallel,
    skip: o.skip,
  };
  const runner = new E2ERunner(client, config, log);
  const cleanup = async (parent: AbortSignal) => {
    using signal = bounded(parent, o.deleteTimeoutMs);
    try {
      await runner.cleanup(signal);
    } catch (e) {
      if (signal.aborted && signal.reason instanceof DeadlineExceeded) {
        throw new UserError(
          `timed out after ${goDuration(o.deleteTimeoutMs)} waiting for the ${
            JSON.stringify(config.namespace)
          } namespace to be deleted: context deadline exceeded`,
        );
      }
      throw new UserError(`failed to cleanup: ${message(e)}`);
    }
  };
  const verboseGinkgo = config.verbosity >= 6;
  // As hydrophone's spinner: only when stderr is a terminal; it draws on stdout, so that has to
  // be one too here (no control sequences in a file or pipe).
  const spinner = !verboseGinkgo && config.verbosity > 2 && o.useSpinner && !deps.env.CI &&
      deps.io.stderr.isTTY && deps.io.stdout.isTTY
    ? new Spinner(out)
    : undefined;
  try {
    await cleanup(env.signal);
    using run = bounded(env.signal, o.runTimeoutMs);
    const focus = o.runTests.join("|");
    await out(`running conformance tests version ${o.kubernetesVersion}\n`);
    await out(`running tests: ${focus}\n`);
    try {
      await runner.deploy(run, focus, verboseGinkgo);
    } catch (e) {
      throw new UserError(`failed to deploy tests: ${contextMessage(e, run)}`);
    }
    const before = deps.now().getTime();
    spinner?.start();
    try {
      await runner.printLogs(run, out);
    } catch (e) {
      throw new UserError(`failed to get test logs: ${contextMessage(e, run)}`);
    }
    spinner?.stop();
    await out(`tests finished after ${goDurationSeconds(deps.now().getTime() - before)}.\n`);
    let code: number;
    try {
      code = await runner.exitCode(run);
    } catch (e) {
      throw new UserError(`failed to determine exit code: ${contextMessage(e, run)}`);
    }
    if (code !== 0) throw new UserError(`tests failed: code ${code}`);
    await out("tests completed successfully\n");
    if (o.resultsPath !== undefined) {
      const { saveResults, writeProduct } = await import("./results.ts");
      try {
        await saveResults(deps, runner, run, o.resultsPath, log);
      } catch (e) {
        throw new UserError(`failed to download results: ${contextMessage(e, run)}`);
      }
      await writeProduct(deps, o.resultsPath);
    }
    await cleanup(env.signal);
  } finally {
    spinner?.stop();
    // Also after Ctrl-C: the namespace must not stay behind.
    try {
      await cleanup(new AbortController().signal);
    } catch (e) {
      await deps.io.stderr.write(`warning: ${message(e)}\n`);
    }
  }
}

/** An error of an interrupted or timed-out step reads as Go's context error. */
function contextMessage(e: unknown, signal: AbortSignal): string {
  if (signal.aborted && (e === signal.reason || !(e instanceof Error))) {
    return signal.reason instanceof DeadlineExceeded
      ? "context deadline exceeded"
      : "context canceled";
  }
  return message(e);
}

/** hydrophone's spinner: a braille frame redrawn in place every 100 ms (line wrap off). */
class Spinner {
  static readonly FRAMES = [
    "⠈⠁",
    "⠈⠑",
    "⠈⠱",
    "⠈⡱",
    "⢀⡱",
    "⢄⡱",
    "⢄⡱",
    "⢆⡱",
    "⢎⡱",
    "⢎⡰",
    "⢎⡠",
    "⢎⡀",
    "⢎⠁",
    "⠎⠁",
    "⠊⠁",
  ];
  #timer?: ReturnType<typeof setInterval>;
  #i = 0;
  constructor(readonly write: (s: string) => Promise<void>) {}

  start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => {
      const frame = Spinner.FRAMES[this.#i++ % Spinner.FRAMES.length];
      this.write(`\x1b[?7l\r${frame}\x1b[?7h`).catch(() => {});
    }, 100);
  }

  stop(): void {
    if (this.#timer === undefined) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
