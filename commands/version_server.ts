// The server half of `version`: Version on every node (one call per node), printed in the
// order the nodes were given; failed nodes are reported after the others, exit 1.

import { toJsonString } from "@bufbuild/protobuf";
import { bool, type RunContext } from "./spec.ts";
import { VersionSchema } from "../gen/machine/machine_pb.ts";
import { attribute, forEachNode, NodeError, openSession } from "../rpc/mod.ts";
import { throwJoined } from "../rpc/render.ts";

export async function serverVersions(ctx: RunContext, json: boolean): Promise<void> {
  const session = await openSession(ctx, { insecure: bool(ctx, "insecure") });
  const results = await forEachNode(session.nodes, (node) => {
    const { client, options } = session.forNode(node);
    return client.machine.version({}, options);
  });
  const errors: Error[] = [];
  let text = "";
  for (const r of results) {
    if (!r.ok) {
      errors.push(new NodeError(r.node, r.error, "error getting version from node"));
      continue;
    }
    for (const part of attribute(r.node, r.value.messages)) {
      if (part.error) {
        errors.push(new NodeError(part.node, part.error, "error getting version from node"));
        continue;
      }
      const m = part.message!;
      if (json) {
        text += toJsonString(VersionSchema, m) + "\n";
        continue;
      }
      const v = m.version;
      text += `\tNODE:        ${part.node}\n` +
        `\tTag:         ${v?.tag ?? ""}\n` +
        `\tSHA:         ${v?.sha ?? ""}\n` +
        `\tBuilt:       ${v?.built ?? ""}\n` +
        `\tGo version:  ${v?.goVersion ?? ""}\n` +
        `\tOS/Arch:     ${v?.os ?? ""}/${v?.arch ?? ""}\n` +
        `\tEnabled:     ${m.features?.rbac ? "RBAC" : ""}\n`;
    }
  }
  await ctx.deps.io.stdout.write(text);
  throwJoined(errors);
}
