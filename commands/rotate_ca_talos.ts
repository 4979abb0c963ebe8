// The Talos API CA rotation of `rotate-ca`, step by step as upstream runs it: read the current
// CA (OSRoot), make an admin certificate from the new CA, check every node answers, accept the
// new CA, check with the new certificate (old server CA), make the new CA the issuing one, check
// with the new PKI, drop the old CA, check again.

import { errorText, type Session } from "./kit.ts";
import { newClient } from "../rpc/client.ts";
import type { PemCertAndKey } from "../pki/secrets_types.ts";
import type { MachineType, Rotation, Talos } from "./rotate_ca_run.ts";
import type { ConfigDocument } from "../machineconfig/schema.ts";
import { ExpectedError, retryConstant } from "./retry.ts";

export interface TalosRotationResult {
  /** The new talosconfig (text). */
  talosconfig: string;
  /** Calls with the new PKI. */
  newTalos: Talos;
}

function talosFor(r: Rotation, session: Session, ca: string, crt: string, key: string): Talos {
  const client = newClient({
    contextName: session.contextName,
    endpoints: [...session.client.config.endpoints],
    tls: { ca, cert: crt, key },
    cluster: session.client.config.cluster,
  }, { signal: r.signal });
  return (node) => ({ node, client, options: client.callOptions(node) });
}

/** Verifies that every node answers Version with these credentials (10 s of retries each). */
export async function verifyTalos(r: Rotation, talos: Talos, label: string): Promise<void> {
  const { Code } = await import("@connectrpc/connect");
  const { errorCode } = await import("./kit.ts");
  await r.print(`> Verifying connectivity with ${label}:\n`);
  for (const { internalIP } of r.info.nodes) {
    if (r.o.dryRun) {
      await r.print(`  - ${internalIP}: OK (dry-run)\n`);
      continue;
    }
    let tag = "";
    try {
      tag = await retryConstant(
        { timeoutMs: 10_000, unitMs: 100, signal: r.signal, log: r.log },
        async (signal) => {
          const t = talos(internalIP);
          try {
            const reply = await t.client.machine.version({}, { ...t.options, signal });
            return reply.messages[0]?.version?.tag ?? "";
          } catch (e) {
            const err = new Error(errorText(e));
            if (errorCode(e) === Code.Unavailable) throw new ExpectedError(err);
            throw err;
          }
        },
      );
    } catch (e) {
      throw new Error(`error calling version API on node ${internalIP}: ${(e as Error).message}`);
    }
    await r.print(`  - ${internalIP}: OK (version ${tag})\n`);
  }
}

/** Patches every node's config through `talos`. */
function patchAll(
  r: Rotation,
  talos: Talos,
  patch: (type: MachineType, docs: ConfigDocument[]) => ConfigDocument[],
): Promise<void> {
  return r.patchAll((node, type) => r.patchNodeConfig(talos, node, (docs) => patch(type, docs)));
}

export async function rotateTalosCA(
  r: Rotation,
  current: Talos,
  session: Session,
  next: PemCertAndKey,
): Promise<TalosRotationResult> {
  const { goQuote } = await import("../gofmt/mod.ts");
  const endpoints = session.client.config.endpoints;
  await r.print(
    `> Starting Talos API PKI rotation, dry-run mode ${r.o.dryRun}...\n` +
      `> Using config context: ${goQuote(session.contextName)}\n` +
      `> Using Talos API endpoints: [${endpoints.map(goQuote).join(" ")}]\n`,
  );
  await r.printTopology();

  const currentCA = await r.currentCA(
    current,
    "OSRootSecrets.secrets.talos.dev",
    "os",
    "existing Talos CA",
  );
  await r.printCA("Current Talos CA", currentCA);
  await r.printCA("New Talos CA", next);

  await r.print("> Generating new talosconfig:\n");
  const { issueClientCertificate } = await import("../pki/client_cert.ts");
  const { CLIENT_CERT_VALIDITY_MS } = await import("../pki/secrets_types.ts");
  const { encodeTalosconfig, newTalosconfig } = await import("../clientconfig/talosconfig.ts");
  let cert: PemCertAndKey;
  try {
    cert = await issueClientCertificate(
      next,
      ["os:admin"],
      CLIENT_CERT_VALIDITY_MS,
      r.ctx.deps.now(),
      r.ctx.deps.random,
    );
  } catch (e) {
    throw new Error(`error generating new talosconfig: ${(e as Error).message}`);
  }
  const talosconfig = encodeTalosconfig(
    newTalosconfig(session.contextName, endpoints, next.crt, cert.crt, cert.key),
  );
  await r.print(talosconfig + "\n");
  // Old server CA with the new client certificate, then the new PKI throughout.
  const intermediate = talosFor(r, session, currentCA.crt, cert.crt, cert.key);
  const newTalos = talosFor(r, session, next.crt, cert.crt, cert.key);

  const { talosAddAcceptedCA, talosDropAcceptedCA, talosSwapCA } = await import(
    "../machineconfig/rotate_ca.ts"
  );
  await verifyTalos(r, current, "existing PKI");
  await r.print("> Adding new Talos CA as accepted...\n");
  await patchAll(r, current, (_, docs) => talosAddAcceptedCA(docs, next.crt));
  await verifyTalos(r, intermediate, "new client cert, but old server CA");
  await r.print("> Making new Talos CA the issuing CA, old Talos CA the accepted CA...\n");
  await patchAll(r, intermediate, (type, docs) => talosSwapCA(docs, type, next, currentCA.crt));
  await verifyTalos(r, newTalos, "new PKI");
  await r.print("> Removing old Talos CA from the accepted CAs...\n");
  await patchAll(r, newTalos, (_, docs) => talosDropAcceptedCA(docs, currentCA.crt));
  await verifyTalos(r, newTalos, "new PKI");
  return { talosconfig, newTalos };
}
