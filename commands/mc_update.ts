// What `patch` and `edit` share (talosctl's MachineConfigUpdater): the version check, the type
// word resolved through the first node's resource definitions (only the machine config can be
// changed), then node by node: the active MachineConfig read over COSI and handed to the
// command, which sends the new config with ApplyConfiguration. The first failure stops it.

import { visit } from "yaml";
import { parseYaml } from "../goyaml/parse.ts";
import type { Resource } from "../gen/cosi/resource_pb.ts";
import type { RunContext } from "./spec.ts";
import { errorText, type NodeTarget, openSession, UserError } from "./kit.ts";

/** The id of the machine config running on the node (config.ActiveID). */
const ACTIVE_ID = "v1alpha1";

export type McCallback = (target: NodeTarget, mc: Resource) => Promise<void>;

export async function machineConfigUpdater(ctx: RunContext, callback: McCallback): Promise<void> {
  const { clientVersionCheck } = await import("./version_check.ts");
  const { listDefinitions, MACHINE_CONFIG_TYPE, resolveKind } = await import(
    "./resources/kind.ts"
  );
  const session = await openSession(ctx);
  await clientVersionCheck(session, ctx.deps);
  if (ctx.args.length === 0) {
    throw new UserError("not enough arguments: at least 1 is expected");
  }
  // The id argument is accepted but, as upstream, the active config is always the one changed;
  // so is --namespace: the type's default namespace is used.
  const first = session.forNode(session.nodes[0]);
  let rd;
  try {
    rd = resolveKind(await listDefinitions(first.client, first.options), ctx.args[0]);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(errorText(e));
  }
  if (rd.type !== MACHINE_CONFIG_TYPE) {
    throw new UserError("only machineconfig resource type is supported");
  }
  for (const node of session.nodes) {
    let target: NodeTarget;
    try {
      target = session.forNode(node);
    } catch (e) {
      throw new UserError(`error building client for node ${node}: ${errorText(e)}`);
    }
    let mc: Resource | undefined;
    try {
      const reply = await target.client.cosi.get({
        namespace: rd.defaultNamespace,
        type: rd.type,
        id: ACTIVE_ID,
      }, target.options);
      mc = reply.resource;
    } catch (e) {
      throw new UserError(`error getting resource on node ${node}: ${errorText(e)}`);
    }
    if (!mc) throw new UserError(`error getting resource on node ${node}: empty reply`);
    await callback(target, mc);
  }
}

/**
 * The config text of a MachineConfig resource. Talos marks specs that are the config as one
 * YAML string with an annotation; older nodes sent the config document itself as the spec.
 */
export function machineConfigBody(mc: Resource): string {
  const yamlSpec = mc.spec?.yamlSpec ?? "";
  if (Object.keys(mc.metadata?.annotations ?? {}).length === 0) return yamlSpec;
  const [doc] = parseYaml(yamlSpec);
  const value = doc && doc.errors.length === 0 ? doc.toJS() : undefined;
  if (typeof value !== "string") {
    throw new UserError("yaml: unmarshal errors: the machine config spec is not a string");
  }
  return value;
}

/**
 * The text without its comments (talosctl's yamlstrip.Comments), for telling real changes from
 * comment-only ones: re-written from the parsed documents when the text parses, else with
 * comment lines dropped.
 */
export function stripComments(text: string): string {
  let list: ReturnType<typeof parseYaml> | undefined;
  try {
    list = parseYaml(text);
  } catch {
    list = undefined;
  }
  if (list && list.every((d) => d.errors.length === 0)) {
    return list.map((d) => {
      d.commentBefore = null;
      d.comment = null;
      visit(d, (_key, node) => {
        if (node && typeof node === "object") {
          const n = node as { commentBefore?: unknown; comment?: unknown };
          if ("commentBefore" in n) n.commentBefore = undefined;
          if ("comment" in n) n.comment = undefined;
        }
      });
      return d.toString();
    }).join("");
  }
  return text.split("\n")
    .filter((line) => {
      const t = line.trim();
      return !(t.startsWith("#") && !t.startsWith("#!"));
    })
    .join("\n");
}

/** The command's apply, as patch and edit send it: the request from the flags. */
export async function sendConfig(ctx: RunContext, target: NodeTarget, text: string) {
  const { applyRequest } = await import("./apply_send.ts");
  return await target.client.machine.applyConfiguration(
    applyRequest(ctx, new TextEncoder().encode(text)),
    target.options,
  );
}
