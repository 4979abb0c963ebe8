// Platforms as go-containerregistry's v1.Platform: "os/arch[/variant][:osversion]" parsing and
// the index child matching remote.Image does for a wanted platform.

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
  "os.version"?: string;
  "os.features"?: string[];
  features?: string[];
}

/** v1.ParsePlatform. */
export function parsePlatform(s: string): Platform {
  const [main, osVersion] = s.split(":", 2);
  const parts = main.split("/");
  if (parts.length > 3) throw new Error(`too many slashes in platform spec: ${s}`);
  const p: Platform = { os: parts[0], architecture: parts[1] ?? "" };
  if (parts[2]) p.variant = parts[2];
  if (osVersion) p["os.version"] = osVersion;
  return p;
}

/** "os/arch[/variant]" as v1.Platform.String() prints it. */
export function platformString(p: Platform): string {
  let s = p.os;
  if (p.architecture) s += `/${p.architecture}`;
  if (p.variant) s += `/${p.variant}`;
  if (p["os.version"]) s += `:${p["os.version"]}`;
  return s;
}

/** v1.Platform.Satisfies: `have` offers everything `want` asks for. */
export function satisfies(have: Platform | undefined, want: Platform): boolean {
  if (!have) return false;
  if (have.os !== want.os || have.architecture !== want.architecture) return false;
  if (want.variant && have.variant !== want.variant) return false;
  if (want["os.version"] && have["os.version"] !== want["os.version"]) return false;
  for (const f of want.features ?? []) if (!(have.features ?? []).includes(f)) return false;
  for (const f of want["os.features"] ?? []) {
    if (!(have["os.features"] ?? []).includes(f)) return false;
  }
  return true;
}
