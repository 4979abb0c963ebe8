// The server half of `version`: Version on every node (one call per node). Each node's block is
// printed when its reply arrives, labelled with the node asked; failed nodes (including replies
// carrying in-band errors) are reported at the end, exit 1.

import { toJsonString } from "@bufbuild/protobuf";
import type { RunContext } from "./spec.ts";
import { VersionSchema } from "../gen/machine/machine_pb.ts";
import { openSession, throwJoined } from "./kit.ts";

export async function serverVersions(ctx: RunContext, json: boolean): Promise<void> {
  const session = await openSession(ctx);
  const out = ctx.deps.io.stdout;
  const errors = await session.unary(
    ({ client, options }) => client.machine.version({}, options),
    async (node, messages) => {
      let text = "";
      for (const m of messages) {
        if (json) {
          text += toJsonString(VersionSchema, m) + "\n";
          continue;
        }
        const v = m.version;
        text += `\tNODE:        ${node}\n` +
          `\tTag:         ${v?.tag ?? ""}\n` +
          `\tSHA:         ${v?.sha ?? ""}\n` +
          `\tBuilt:       ${v?.built ?? ""}\n` +
          `\tGo version:  ${v?.goVersion ?? ""}\n` +
          `\tOS/Arch:     ${v?.os ?? ""}/${v?.arch ?? ""}\n` +
          `\tEnabled:     ${m.features?.rbac ? "RBAC" : ""}\n`;
      }
      await out.write(text);
    },
    "error getting version from node",
  );
  throwJoined(errors);
}
