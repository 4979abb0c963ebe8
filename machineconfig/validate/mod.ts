// Machine-config validation as `talosctl validate` does it (client side, local mode): the legacy
// v1alpha1 document's checks, each multi-document kind's checks, then whole-config rules.
// Warnings are returned separately; with `strict` they become errors ("warning: ...").

import type { ConfigDocument, Schema } from "../schema.ts";
import { formatErrors } from "../../gofmt/mod.ts";
import { machineType, type Mode, validateV1Alpha1 } from "./v1alpha1.ts";
import { validateContainer, validateDocuments } from "./docs.ts";
import { v1alpha1Conflicts } from "./conflicts.ts";

export type { Mode } from "./v1alpha1.ts";
export { containerConflict } from "./conflicts.ts";

const MODES: Record<string, Mode> = {
  cloud: { name: "cloud", requiresInstall: false, inContainer: false },
  container: { name: "container", requiresInstall: false, inContainer: true },
  metal: { name: "metal", requiresInstall: true, inContainer: false },
  "metal-agent": { name: "metal-agent", requiresInstall: false, inContainer: false },
};

/** Parses a runtime mode name; null when unknown. */
export function parseMode(name: string): Mode | null {
  return Object.hasOwn(MODES, name) ? MODES[name] : null;
}

export interface ValidationResult {
  warnings: string[];
  /** The error text in upstream's format, or null when the config is valid. */
  error: string | null;
}

export function validateConfig(
  schema: Schema,
  docs: ConfigDocument[],
  mode: Mode,
  opts: { strict?: boolean } = {},
): ValidationResult {
  const errors: string[] = [];
  let warnings: string[] = [];
  const legacy = docs.find((d) => d.kind === "v1alpha1");
  if (legacy) {
    const f = validateV1Alpha1(legacy.data, mode);
    let errs = f.errors;
    if (opts.strict) {
      errs = [...errs, ...f.warnings.map((w) => `warning: ${w}`)];
    } else {
      warnings = f.warnings;
    }
    if (errs.length) errors.push(`v1alpha1.Config: ${formatErrors(errs)}`);
  }
  const others = docs.filter((d) => d.kind !== "v1alpha1");
  const perDoc = validateDocuments(schema, others);
  warnings = [...warnings, ...perDoc.warnings];
  errors.push(...perDoc.errors);
  if (legacy) errors.push(...v1alpha1Conflicts(legacy.data, others));
  errors.push(
    ...validateContainer(
      schema,
      others,
      legacy?.data,
      mode,
      legacy ? machineType(legacy.data) : "",
    ),
  );
  return { warnings, error: errors.length ? formatErrors(errors) : null };
}
