// Read-only accessors over the document model (missing or mistyped values read as Go's zero
// value) and the types shared by the v1alpha1 checks.

import type { Value, ValueMap } from "../schema.ts";

export interface Findings {
  warnings: string[];
  errors: string[];
}

export interface Mode {
  name: string;
  requiresInstall: boolean;
  inContainer: boolean;
}

/** `v` when it is a mapping, else undefined. */
export const asMap = (v: Value | undefined): ValueMap | undefined =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? v : undefined;

/** A per-kind check's result (kinds_block.ts KindFindings): errors, then warnings if any. */
export const findings = (errors: string[], warnings: string[] = []): Findings => ({
  warnings,
  errors,
});

export const map = (v: Value | undefined, key: string): ValueMap | undefined => {
  const x = v !== null && typeof v === "object" && !Array.isArray(v) ? v[key] : undefined;
  return x !== null && typeof x === "object" && !Array.isArray(x) ? x : undefined;
};
export const str = (v: Value | undefined, key: string): string => {
  const x = v !== null && typeof v === "object" && !Array.isArray(v) ? v[key] : undefined;
  return typeof x === "string" ? x : typeof x === "number" ? String(x) : "";
};
export const arr = (v: Value | undefined, key: string): Value[] => {
  const x = v !== null && typeof v === "object" && !Array.isArray(v) ? v[key] : undefined;
  return Array.isArray(x) ? x : [];
};
export const bool = (v: Value | undefined, key: string): boolean | undefined => {
  const x = v !== null && typeof v === "object" && !Array.isArray(v) ? v[key] : undefined;
  return typeof x === "boolean" ? x : undefined;
};
export const num = (v: Value | undefined, key: string): number => {
  const x = v !== null && typeof v === "object" && !Array.isArray(v) ? v[key] : undefined;
  return typeof x === "number" ? x : 0;
};
export const has = (v: Value | undefined, key: string): boolean =>
  v !== null && typeof v === "object" && !Array.isArray(v) && v[key] !== undefined &&
  v[key] !== null;

/** Machine type as upstream parses it ("" and "join" are workers). */

export function machineType(cfg: ValueMap): string {
  const t = str(map(cfg, "machine"), "type");
  if (t === "" || t === "join" || t === "worker") return "worker";
  if (t === "init" || t === "controlplane") return t;
  return "unknown";
}
