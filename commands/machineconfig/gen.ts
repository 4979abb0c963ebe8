// `talosctl machineconfig gen` (alias `mc gen`): the same generation as `gen config`, without
// flags of its own, so it always runs with `gen config`'s defaults (as upstream does).

import { genConfigSpec } from "../gen/config.ts";
import type { CommandSpec } from "../spec.ts";

export const spec: CommandSpec = genConfigSpec(false);
