// Sending a machine config to nodes (loaded at run time by apply-config, patch and edit): the
// ApplyConfiguration request from the command's --mode/--dry-run/--timeout, and the node's reply
// printed as talosctl prints it (warnings, then the mode details, on stderr).

import { create } from "@bufbuild/protobuf";
import { DurationSchema } from "@bufbuild/protobuf/wkt";
import {
  type ApplyConfigurationRequest,
  ApplyConfigurationRequest_Mode as Mode,
  ApplyConfigurationRequestSchema,
  type ApplyConfigurationResponse,
} from "../gen/machine/machine_pb.ts";
import type { Output } from "./deps.ts";
import type { RunContext } from "./spec.ts";

const MODES: Record<string, Mode> = {
  auto: Mode.AUTO,
  "no-reboot": Mode.NO_REBOOT,
  staged: Mode.STAGED,
  try: Mode.TRY,
};

/** The request for `data` with the command's --mode, --dry-run and --timeout. */
export function applyRequest(ctx: RunContext, data: Uint8Array): ApplyConfigurationRequest {
  const ms = ctx.flags.timeout as number;
  const seconds = Math.trunc(ms / 1000);
  return create(ApplyConfigurationRequestSchema, {
    data,
    mode: MODES[ctx.flags.mode as string] ?? Mode.AUTO,
    dryRun: ctx.flags["dry-run"] === true,
    tryModeTimeout: create(DurationSchema, {
      seconds: BigInt(seconds),
      nanos: Math.round((ms - seconds * 1000) * 1e6),
    }),
  });
}

/**
 * talosctl's PrintApplyResults: each warning, then the mode details, on stderr. A warning
 * always gets its own newline, even one that already ends with one (as cli.Warning("%s", w)).
 */
export async function printApplyResults(
  stderr: Output,
  resp: Pick<ApplyConfigurationResponse, "messages"> | undefined,
): Promise<void> {
  let text = "";
  for (const m of resp?.messages ?? []) {
    for (const w of m.warnings) text += `WARNING: ${w}\n`;
    if (m.modeDetails !== "") text += m.modeDetails + "\n";
  }
  if (text !== "") await stderr.write(text);
}
