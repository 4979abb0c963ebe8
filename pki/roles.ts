// Talos API roles (carried as client certificate Subject O values), parsed as upstream's
// role.Parse: trimmed, empty entries dropped, unknown roles reported, result sorted and unique.

export const ALL_ROLES = [
  "os:admin",
  "os:operator",
  "os:reader",
  "os:etcd:backup",
  "os:image:verifier",
  "os:meta:writer",
  "os:impersonator",
];

export function parseRoles(input: string[]): { roles: string[]; unknown: string[] } {
  const set = new Set<string>();
  const unknown: string[] = [];
  for (const raw of input) {
    const r = raw.trim();
    if (r === "") continue;
    if (!ALL_ROLES.includes(r)) unknown.push(r);
    set.add(r);
  }
  return { roles: [...set].sort(), unknown };
}
