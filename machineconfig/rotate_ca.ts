// The machine config edits of a CA rotation (`talosctl rotate-ca`), as upstream's rotation makes
// them, on decoded documents:
//
// - Talos API CA (v1alpha1 machine.ca / machine.acceptedCAs): add the new CA as accepted; make it
//   the issuing CA (control plane nodes get the key, workers only the certificate) with the old
//   one accepted; drop the old one.
// - Kubernetes API server CA, in either layout: the v1alpha1 cluster.ca / cluster.acceptedCAs,
//   or, when the config has a KubeAPIServerCAConfig document, its issuingCA / acceptedCAs (where
//   adding skips a CA that is already accepted, and a worker gets the new CA first in acceptedCAs
//   instead of an issuing CA).
//
// v1alpha1 certificate fields hold base64 PEM, the KubeAPIServerCAConfig document plain PEM;
// CAs are compared by their PEM bytes, as upstream compares them. Every function returns new
// documents and leaves its input alone.

import type { ConfigDocument, Value, ValueMap } from "./schema.ts";
import type { PemCertAndKey } from "../pki/secrets_types.ts";
import { base64Decode, base64Encode } from "../pki/pem.ts";

const API_CA_KIND = "KubeAPIServerCAConfig";

const enc = new TextEncoder(), dec = new TextDecoder();
const b64 = (pem: string) => base64Encode(enc.encode(pem));
const unb64 = (v: Value | undefined): string => {
  if (typeof v !== "string" || v === "") return "";
  try {
    return dec.decode(base64Decode(v));
  } catch {
    return v; // not base64: compared as is, and so never equal to a PEM
  }
};

function clone(docs: ConfigDocument[]): ConfigDocument[] {
  return structuredClone(docs);
}

function section(doc: ConfigDocument, key: "machine" | "cluster"): ValueMap {
  const v = doc.data[key];
  if (v && typeof v === "object" && !Array.isArray(v)) return v as ValueMap;
  const m: ValueMap = {};
  doc.data[key] = m;
  return m;
}

function v1alpha1(docs: ConfigDocument[]): ConfigDocument {
  const d = docs.find((x) => x.kind === "v1alpha1");
  if (!d) throw new Error("the machine config has no v1alpha1 document");
  return d;
}

function certList(m: ValueMap, key: string): ValueMap[] {
  const v = m[key];
  return Array.isArray(v) ? (v.filter((x) => x && typeof x === "object") as ValueMap[]) : [];
}

/** The config's machine.type ("controlplane", "init", "worker"; "" when unset). */
export function machineTypeOf(docs: ConfigDocument[]): string {
  const m = v1alpha1(docs).data.machine as ValueMap | undefined;
  return typeof m?.type === "string" ? m.type : "";
}

const isControlPlane = (type: string) => type === "controlplane" || type === "init";

// ---------------------------------------------------------------------------------------------
// Talos API CA

/** Appends `crt` (PEM) to machine.acceptedCAs. */
export function talosAddAcceptedCA(docs: ConfigDocument[], crt: string): ConfigDocument[] {
  const out = clone(docs);
  const m = section(v1alpha1(out), "machine");
  m.acceptedCAs = [...certList(m, "acceptedCAs"), { crt: b64(crt) }];
  return out;
}

/**
 * Makes `next` the issuing CA (with its key on control plane nodes of `machineType`), keeps
 * `current` (PEM certificate) accepted and `next` no longer listed as accepted.
 */
export function talosSwapCA(
  docs: ConfigDocument[],
  machineType: string,
  next: PemCertAndKey,
  current: string,
): ConfigDocument[] {
  const out = clone(docs);
  const m = section(v1alpha1(out), "machine");
  m.acceptedCAs = [...certList(m, "acceptedCAs"), { crt: b64(current) }]
    .filter((c) => unb64(c.crt) !== next.crt);
  m.ca = isControlPlane(machineType)
    ? { crt: b64(next.crt), key: b64(next.key) }
    : { crt: b64(next.crt), key: "" };
  return out;
}

/** Removes `crt` (PEM) from machine.acceptedCAs. */
export function talosDropAcceptedCA(docs: ConfigDocument[], crt: string): ConfigDocument[] {
  const out = clone(docs);
  const m = section(v1alpha1(out), "machine");
  m.acceptedCAs = certList(m, "acceptedCAs").filter((c) => unb64(c.crt) !== crt);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Kubernetes API server CA

function apiCADoc(docs: ConfigDocument[]): ConfigDocument | undefined {
  return docs.find((d) => d.kind === API_CA_KIND);
}

function pemList(d: ConfigDocument): string[] {
  const v = d.data.acceptedCAs;
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/** Adds `crt` (PEM) to the accepted Kubernetes API server CAs. */
export function k8sAddAcceptedCA(docs: ConfigDocument[], crt: string): ConfigDocument[] {
  const out = clone(docs);
  const api = apiCADoc(out);
  if (api) {
    const list = pemList(api);
    if (!list.includes(crt)) api.data.acceptedCAs = [...list, crt];
    return out;
  }
  const c = section(v1alpha1(out), "cluster");
  c.acceptedCAs = [...certList(c, "acceptedCAs"), { crt: b64(crt) }];
  return out;
}

/** Removes `crt` (PEM) from the accepted Kubernetes API server CAs. */
export function k8sDeleteAcceptedCA(docs: ConfigDocument[], crt: string): ConfigDocument[] {
  const out = clone(docs);
  const api = apiCADoc(out);
  if (api) {
    api.data.acceptedCAs = pemList(api).filter((c) => c !== crt);
    return out;
  }
  const c = section(v1alpha1(out), "cluster");
  c.acceptedCAs = certList(c, "acceptedCAs").filter((x) => unb64(x.crt) !== crt);
  return out;
}

/**
 * Sets the Kubernetes API server CA: the issuing CA on control plane machines (by the config's
 * machine.type); on workers the certificate only (v1alpha1), or first in acceptedCAs.
 */
export function k8sSetCA(docs: ConfigDocument[], next: PemCertAndKey): ConfigDocument[] {
  const out = clone(docs);
  const controlPlane = isControlPlane(machineTypeOf(out));
  const api = apiCADoc(out);
  if (!api) {
    const c = section(v1alpha1(out), "cluster");
    c.ca = controlPlane
      ? { crt: b64(next.crt), key: b64(next.key) }
      : { crt: b64(next.crt), key: "" };
    return out;
  }
  if (!controlPlane) {
    api.data.acceptedCAs = [next.crt, ...pemList(api).filter((c) => c !== next.crt)];
    return out;
  }
  api.data.issuingCA = { cert: next.crt, key: next.key };
  return out;
}

/** The swap step of the Kubernetes rotation: keep `current` accepted, make `next` the CA. */
export function k8sSwapCA(
  docs: ConfigDocument[],
  next: PemCertAndKey,
  current: string,
): ConfigDocument[] {
  return k8sSetCA(k8sDeleteAcceptedCA(k8sAddAcceptedCA(docs, current), next.crt), next);
}
