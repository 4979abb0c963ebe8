// ContainerConfig's own checks (upstream's ContainerConfigV1Alpha1.Validate and the Validate of
// its mounts, security, network, resources, dependsOn and runAs sections). Problems are joined
// as errors.Join joins them; an image that is not pinned by digest is a warning.

import type { Value, ValueMap } from "../schema.ts";
import { goQuote } from "../../gofmt/mod.ts";
import { humanizeParseBytes } from "./goparse.ts";
import { parseImageReference } from "./imageref.ts";
import type { KindFindings } from "./kinds_block.ts";
import { arr, has, map, str } from "./values.ts";

const MOUNT_OPTIONS = ["ro", "rw", "noexec", "nosuid", "nodev", "noatime", "rbind", "rshared"];
const NETWORK_CONDITIONS = ["addresses", "connectivity", "hostname", "etcfiles"];
const strings = (v: Value | undefined, key: string) => arr(v, key).map((x) => String(x ?? ""));

function nameError(name: string): string | null {
  if (name === "") return "name is required";
  if (name.length > 63) return `name ${goQuote(name)} must be 63 characters or fewer`;
  if (!/^[a-z0-9-]+$/.test(name)) {
    return `name ${
      goQuote(name)
    }: name can only contain lowercase ASCII letters, digits and hyphens`;
  }
  return null;
}

function absPath(what: string, path: string): string | null {
  if (path === "") return `${what} is required`;
  return path.startsWith("/") ? null : `${what} ${goQuote(path)} must be an absolute path`;
}

function mountOptions(options: string[]): string[] {
  const errs = options.filter((o) => !MOUNT_OPTIONS.includes(o))
    .map((o) => `unsupported mount option ${goQuote(o)}`);
  if (options.includes("ro") && options.includes("rw")) {
    errs.push("mount options ro and rw are mutually exclusive");
  }
  return errs;
}

/** ContainerMount.Validate: the destination and the mount's problems. */
function mount(m: ValueMap | undefined): { destination: string; errors: string[] } {
  const set = ["userVolume", "tmpfs", "hostPath"].filter((k) => has(m, k));
  if (set.length !== 1) {
    return {
      destination: "",
      errors: ["exactly one of userVolume, tmpfs or hostPath must be set"],
    };
  }
  const kind = set[0];
  const spec = map(m, kind);
  const destination = str(spec, "destination");
  const errs: (string | null)[] = [];
  if (kind === "userVolume" && str(spec, "name") === "") errs.push("userVolume.name is required");
  if (kind === "hostPath") errs.push(absPath("hostPath.source", str(spec, "source")));
  errs.push(absPath(`${kind}.destination`, destination));
  errs.push(...mountOptions(strings(spec, "options")));
  return { destination, errors: errs.filter((e): e is string => e !== null) };
}

function mounts(d: ValueMap): string[] {
  const errs: string[] = [];
  const seen = new Set<string>();
  arr(d, "mounts").forEach((m, i) => {
    const r = mount(m !== null && typeof m === "object" && !Array.isArray(m) ? m : undefined);
    if (r.errors.length) {
      errs.push(`mounts[${i}]: ${r.errors.join("\n")}`);
      return;
    }
    if (seen.has(r.destination)) {
      errs.push(`mounts[${i}]: duplicate destination ${goQuote(r.destination)}`);
    }
    seen.add(r.destination);
  });
  return errs;
}

function capabilityError(field: string, c: string): string | null {
  if (c === "") return `${field}: capability name must not be empty`;
  if (c.startsWith("CAP_")) {
    return `${field}: capability ${goQuote(c)} must be given without the CAP_ prefix`;
  }
  if (c.toUpperCase() !== c) return `${field}: capability ${goQuote(c)} must be upper case`;
  if (!/^[A-Z_]*$/.test(c)) {
    return `${field}: capability ${goQuote(c)} may only contain upper case letters and underscores`;
  }
  return null;
}

function security(s: ValueMap): string[] {
  const errs: string[] = [];
  const profile = str(s, "profile");
  if (profile !== "" && profile !== "restricted" && profile !== "privileged") {
    errs.push(
      `unsupported security profile ${goQuote(profile)}, expected restricted or privileged`,
    );
  }
  const caps = map(s, "capabilities");
  if (!caps) return errs;
  const add = strings(caps, "add"), drop = strings(caps, "drop");
  for (const c of add) {
    if (c === "ALL") {
      errs.push("capabilities.add does not accept ALL, use profile: privileged instead");
    } else {
      const e = capabilityError("capabilities.add", c);
      if (e) errs.push(e);
    }
  }
  for (const c of drop) {
    const e = c === "ALL" ? null : capabilityError("capabilities.drop", c);
    if (e) errs.push(e);
  }
  for (const c of add) {
    if (drop.includes(c)) errs.push(`capability ${goQuote(c)} appears in both add and drop`);
  }
  return errs;
}

function cpuError(v: string): string | null {
  if (!v.endsWith("m")) {
    return `limits.cpu ${goQuote(v)} must be expressed in millicores, e.g. 1500m`;
  }
  const digits = v.slice(0, -1);
  if (!/^\d+$/.test(digits)) {
    return `limits.cpu ${goQuote(v)} is not a valid millicore quantity: strconv.ParseUint: ` +
      `parsing ${goQuote(digits)}: invalid syntax`;
  }
  if (BigInt(digits) >= 2n ** 64n) {
    return `limits.cpu ${goQuote(v)} is not a valid millicore quantity: strconv.ParseUint: ` +
      `parsing ${goQuote(digits)}: value out of range`;
  }
  return BigInt(digits) === 0n ? `limits.cpu ${goQuote(v)} must be greater than zero` : null;
}

function resources(r: ValueMap): string[] {
  const limits = map(r, "limits");
  if (!limits) return [];
  const errs: string[] = [];
  const memory = str(limits, "memory");
  if (memory !== "") {
    const m = humanizeParseBytes(memory);
    if ("error" in m) errs.push(`limits.memory ${goQuote(memory)} is not a valid size: ${m.error}`);
  }
  const cpu = str(limits, "cpu");
  const e = cpu === "" ? null : cpuError(cpu);
  if (e) errs.push(e);
  return errs;
}

function dependsOn(d: ValueMap, self: string): string[] {
  const errs: string[] = [];
  for (const p of strings(d, "paths")) {
    const e = absPath("dependsOn.paths entry", p);
    if (e) errs.push(e);
  }
  for (const c of strings(d, "networks")) {
    if (!NETWORK_CONDITIONS.includes(c)) {
      errs.push(`unsupported dependsOn.networks condition ${goQuote(c)}`);
    }
  }
  for (const c of strings(d, "containers")) {
    if (c === "") errs.push("dependsOn.containers entry must not be empty");
    else if (c === self) errs.push(`container ${goQuote(self)} cannot depend on itself`);
  }
  return errs;
}

function runAs(r: ValueMap): string[] {
  const errs: string[] = [];
  for (const k of ["uid", "gid"]) {
    const v = r[k];
    if (typeof v === "number" && v < 0) errs.push(`runAs.${k} must be non-negative, got ${v}`);
  }
  return errs;
}

/** ContainerConfigV1Alpha1.Validate. */
export function containerConfig(d: ValueMap): KindFindings {
  const errs: string[] = [];
  const warnings: string[] = [];
  const name = str(d, "name");
  const ne = nameError(name);
  if (ne) errs.push(ne);
  const image = str(d, "image");
  if (image === "") errs.push("image is required");
  else {
    const ref = parseImageReference(image);
    if (ref === null) {
      errs.push(
        `invalid image reference ${goQuote(image)}: could not parse reference: ${image}`,
      );
    } else if (ref !== "digest") {
      warnings.push(
        `container ${goQuote(name)}: image ${
          goQuote(image)
        } is not digest-pinned, the running image may change on restart`,
      );
    }
  }
  strings(d, "environment").forEach((env, i) => {
    if (!env.includes("=")) {
      errs.push(`environment[${i}]: ${goQuote(env)} must be in KEY=value form`);
    }
  });
  errs.push(...mounts(d));
  const sections: [string, (v: ValueMap) => string[]][] = [
    ["security", security],
    ["network", (n) => {
      const mode = str(n, "mode");
      return mode === "" || mode === "none" || mode === "host"
        ? []
        : [`unsupported network mode ${goQuote(mode)}, expected none or host`];
    }],
    ["resources", resources],
    ["dependsOn", (v) => dependsOn(v, name)],
    ["runAs", runAs],
  ];
  for (const [key, check] of sections) {
    const v = d[key];
    if (v !== null && typeof v === "object" && !Array.isArray(v)) errs.push(...check(v));
  }
  return { warnings, errors: errs };
}
