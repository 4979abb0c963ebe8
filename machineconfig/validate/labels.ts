// Kubernetes label, annotation and taint syntax, as Talos checks node labels/annotations/taints.
// Each function returns null or the error text (several problems in upstream's list format).

import { formatErrors } from "../../gofmt/mod.ts";

const QNAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"];
const RESERVED = [
  "talos.dev/owned-annotations",
  "talos.dev/owned-labels",
  "talos.dev/owned-taints",
];

/** labels.ValidateDNS1123Subdomain. */
export function dns1123SubdomainError(value: string): string | null {
  if (value.length > 253) {
    return `domain name length exceeds limit of 253: ${JSON.stringify(value)}`;
  }
  return DNS1123.test(value)
    ? null
    : `domain doesn't match required format: ${JSON.stringify(value)}`;
}

/** labels.ValidateQualifiedName. */
export function qualifiedNameError(value: string): string | null {
  return qualifiedName(value);
}

function qualifiedName(value: string): string | null {
  const parts = value.split("/");
  let name: string;
  if (parts.length === 1) name = parts[0];
  else if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (prefix.length === 0) return `prefix cannot be empty: ${JSON.stringify(value)}`;
    if (prefix.length > 253) {
      return `prefix ${
        JSON.stringify(prefix)
      } is invalid: domain name length exceeds limit of 253: ${JSON.stringify(prefix)}`;
    }
    if (!DNS1123.test(prefix)) {
      return `prefix ${JSON.stringify(prefix)} is invalid: domain doesn't match required format: ${
        JSON.stringify(prefix)
      }`;
    }
  } else {
    return `invalid format: too many slashes: ${JSON.stringify(value)}`;
  }
  if (name.length === 0) return `name cannot be empty: ${JSON.stringify(value)}`;
  if (name.length > 63) return `name is too long: ${JSON.stringify(value)} (limit is 63)`;
  if (!QNAME.test(name)) return `name ${JSON.stringify(name)} is invalid`;
  return null;
}

function labelValue(value: string): string | null {
  if (value.length > 63) {
    return `label value length exceeds limit of 63: ${JSON.stringify(value)}`;
  }
  if (value !== "" && !QNAME.test(value)) return `label value ${JSON.stringify(value)} is invalid`;
  return null;
}

const text = (
  v: unknown,
) => (typeof v === "string" ? v : v === null || v === undefined ? "" : String(v));

function done(errs: string[]): string | null {
  return errs.length ? formatErrors(errs) : null;
}

export function validateLabels(labels: Record<string, unknown>): string | null {
  const errs: string[] = [];
  for (const k of Object.keys(labels).sort()) {
    const e = qualifiedName(k);
    if (e) errs.push(e);
    const v = labelValue(text(labels[k]));
    if (v) errs.push(v);
  }
  return done(errs);
}

export function validateAnnotations(annotations: Record<string, unknown>): string | null {
  const errs: string[] = [];
  let size = 0;
  for (const k of Object.keys(annotations).sort()) {
    const e = qualifiedName(k);
    if (e) errs.push(e);
    if (RESERVED.includes(k)) errs.push(`annotation ${JSON.stringify(k)} is reserved`);
    size += k.length + text(annotations[k]).length;
  }
  if (size > 256 * 1024) errs.push(`total annotation size exceeds limit of ${256 * 1024} bytes`);
  return done(errs);
}

export function validateTaints(taints: Record<string, unknown>): string | null {
  const errs: string[] = [];
  for (const k of Object.keys(taints).sort()) {
    const e = qualifiedName(k);
    if (e) {
      errs.push(e);
      continue;
    }
    const raw = text(taints[k]);
    const i = raw.indexOf(":");
    const val = i < 0 ? raw : raw.slice(0, i);
    const effect = i < 0 ? raw : raw.slice(i + 1);
    if (!EFFECTS.includes(effect)) {
      errs.push(`invalid taint effect: ${JSON.stringify(effect)}`);
      continue;
    }
    if (i >= 0) {
      const v = labelValue(val);
      if (v) errs.push(v);
    }
  }
  return done(errs);
}
