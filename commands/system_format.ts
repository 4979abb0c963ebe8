// Shared formatting of the process and container listings.

import { goFields, goPathBase } from "../gofmt/path.ts";

/** How talosctl shows a process's command line: the executable's full path in place of the
 * first argument when they name the same program, non-printable characters as spaces. */
export function processArgs(
  p: { command: string; executable: string; args: string },
): string {
  let args: string;
  const first = goFields(p.args)[0];
  if (p.executable === "") args = p.command;
  else if (p.args !== "" && first === goPathBase(goFields(p.executable)[0] ?? "")) {
    // A function, so that "$&" in a path is not a replacement pattern.
    args = p.args.replace(first, () => p.executable);
  } else args = p.args;
  let out = "";
  for (const ch of args) {
    const c = ch.codePointAt(0)!;
    out += c < 32 || c > 126 ? " " : ch;
  }
  return out;
}

/** A container or its stats row: containers in a pod sandbox are drawn under it. */
export function containerDisplay(c: { id: string; podId: string }): string {
  return c.id !== c.podId ? `└─ ${c.id}` : c.id;
}

/** The namespace and driver for -k. */
export async function containerTarget(kubernetes: boolean) {
  const { ContainerDriver } = await import("../gen/common/common_pb.ts");
  return kubernetes
    ? { namespace: "k8s.io", driver: ContainerDriver.CRI }
    : { namespace: "system", driver: ContainerDriver.CONTAINERD };
}

/** The -k flag and the hidden --use-cri of the container commands. */
export const kubernetesFlags = [
  {
    name: "kubernetes",
    short: "k",
    kind: "bool" as const,
    usage: "use the Kubernetes containers (containerd namespace k8s.io)",
  },
  { name: "use-cri", kind: "bool" as const, usage: "use the CRI driver", hidden: true },
];
