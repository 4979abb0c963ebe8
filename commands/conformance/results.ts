// Certified mode's files: the e2e log and JUnit report copied off the results volume, and the
// PRODUCT.yaml the CNCF conformance submission asks for. As talosctl, files of an earlier run
// in the same directory are replaced (a rerun supersedes it); each is written beside its target
// and renamed into place, so a failed download leaves the earlier file whole.

import type { Deps } from "../deps.ts";
import { goWriteError, replaceFile, resolvePath } from "../files.ts";
import { UserError } from "../../errors.ts";
import { concat } from "../../pki/der.ts";
import { emitDocument, mapping, scalar } from "../../goyaml/emit.ts";
import { TALOS_VERSION } from "../../contract/mod.ts";
import type { E2ERunner, LogLevel } from "./e2e_pod.ts";

const RESULT_FILES = ["e2e.log", "junit_01.xml"];

/** Creates the results directory (0755, parents too), before the run starts. */
export async function makeResultsDir(deps: Deps, dir: string): Promise<void> {
  try {
    await Deno.mkdir(resolvePath(deps, dir), { recursive: true, mode: 0o755 });
  } catch (e) {
    throw new UserError(`mkdir ${dir}: ${goWriteError(dir, e).replace(/^\w+ [^:]*: /, "")}`);
  }
}

export async function saveResults(
  deps: Deps,
  runner: E2ERunner,
  signal: AbortSignal,
  dir: string,
  log: (level: LogLevel, text: string) => Promise<void>,
): Promise<void> {
  for (const name of RESULT_FILES) {
    const shown = `${dir}/${name}`;
    await log("INFO", `Downloading ${name} to ${shown}...`);
    const chunks: Uint8Array[] = [];
    await runner.readResult(signal, name, (c) => {
      chunks.push(c.slice());
      return Promise.resolve();
    });
    const data = concat(chunks);
    try {
      await replaceFile(resolvePath(deps, shown), data, 0o644);
    } catch (e) {
      throw new Error(goWriteError(shown, e));
    }
  }
}

/** The product description of a conformance submission, as talosctl marshals it (yaml/v4). */
export function productYaml(): string {
  const fields: [string, string][] = [
    ["vendor", "Sidero Labs"],
    ["name", "Talos Linux"],
    ["version", TALOS_VERSION],
    ["website_url", "https://www.siderolabs.com/"],
    ["repo_url", "https://github.com/siderolabs/talos"],
    ["documentation_url", "https://www.talos.dev"],
    ["product_logo_url", "https://www.talos.dev/images/Sidero_stacked_darkbkgd_RGB.svg"],
    ["type", "installer"],
    [
      "description",
      "Talos Linux is Linux designed for Kubernetes - secure, immutable, and minimal.",
    ],
    ["contact_email_address", "developers@siderolabs.com"],
  ];
  return emitDocument(mapping(fields.map(([k, v]) => [k, scalar(v)])), { flavor: "v4" });
}

export async function writeProduct(deps: Deps, dir: string): Promise<void> {
  const path = `${dir}/PRODUCT.yaml`;
  try {
    await replaceFile(resolvePath(deps, path), productYaml(), 0o644);
  } catch (e) {
    throw new UserError(goWriteError(path, e));
  }
}
