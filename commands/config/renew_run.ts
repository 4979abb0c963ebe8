// The work behind `talosctl config renew`, loaded only when the command runs.
//
// Every check runs before the talosconfig is touched, and the file is written once, under its
// lock, only if the context still holds what was read at the start (so a concurrent edit is
// never overwritten). Any failure leaves the file byte for byte as it was.

import type { RunContext } from "../spec.ts";
import { UserError } from "../../errors.ts";
import { goQuote } from "../../gofmt/mod.ts";
import type { TalosconfigPath, TalosContext } from "../../clientconfig/talosconfig.ts";
import { formatUtc, timeLeft } from "../certcheck.ts";
import { lib, wrap } from "./common.ts";

export interface RenewOptions {
  ttlMs: number;
  fromSecrets: string;
  fromControlplaneConfig: string;
  force: boolean;
  output: string;
}

interface Issued {
  crt: string;
  key: string;
  /** The issuing CA's certificate (PEM). */
  caPem: string;
  issuedBy: string;
}

interface Renewal {
  context: string;
  talosconfig: string;
  roles: string[];
  issuedBy: string;
  oldNotAfter: Date;
  newNotAfter: Date;
  caReplaced: boolean;
}

const OFFLINE_HINT = "--from-secrets secrets.yaml or --from-controlplane-config controlplane.yaml";

export async function renewClientConfig(ctx: RunContext, o: RenewOptions): Promise<void> {
  const { deps } = ctx;
  if (o.output !== "text" && o.output !== "json") {
    throw new UserError(`unknown output format: ${goQuote(o.output)} (use text or json)`);
  }
  if (o.fromSecrets !== "" && o.fromControlplaneConfig !== "") {
    throw new UserError(
      "--from-secrets and --from-controlplane-config cannot be used together: pick one",
    );
  }
  const { certificateEnd } = await import("../lifetime.ts");
  const { goDuration } = await import("../../gofmt/mod.ts");
  certificateEnd("crt-ttl", goDuration(o.ttlMs), o.ttlMs, ctx.deps.now());
  const offline = o.fromSecrets !== "" || o.fromControlplaneConfig !== "";

  const tc = await lib();
  const file = await locate(ctx);
  let cfg;
  try {
    cfg = await tc.readTalosconfigFile(file.path, file.shown);
  } catch (e) {
    wrap("error reading config: ", e);
  }
  const name = ctx.global.context !== "" ? ctx.global.context : cfg.context;
  if (name === "") throw new UserError(`no context is set in ${file.path}: use --context`);
  if (!Object.hasOwn(cfg.contexts, name)) {
    const known = Object.keys(cfg.contexts).sort().map(goQuote).join(", ") || "none";
    throw new UserError(
      `context ${goQuote(name)} is not defined in ${file.path} (contexts: ${known})`,
    );
  }
  if (!file.writeAllowed) {
    throw new UserError(`not allowed to write to config: ${file.path}: use --talosconfig`);
  }
  const c = cfg.contexts[name];
  const before = { crt: c.crt, key: c.key, ca: c.ca };
  const sel = { name, ctx: c };
  const oldPem = tc.contextPem(sel, "crt");
  if (oldPem === "") {
    throw new UserError(`context ${goQuote(name)} has no client certificate (crt) to renew`);
  }
  const { parseCertificatePem } = await import("../../pki/cert_info.ts");
  let old;
  try {
    old = parseCertificatePem(oldPem);
  } catch (e) {
    throw new UserError(
      `the client certificate (crt) of context ${goQuote(name)} cannot be read: ${
        (e as Error).message
      }`,
    );
  }
  const roles = [...new Set(old.subjectOrganizations.map((r) => r.trim()).filter((r) => r))]
    .sort();
  if (roles.length === 0) {
    throw new UserError(
      `the client certificate of context ${goQuote(name)} carries no roles (subject O)`,
    );
  }
  const now = deps.now();
  const contextCa = tc.contextPem(sel, "ca");

  let issued: Issued;
  if (offline) {
    const { loadOsCA } = await import("../credentials.ts");
    const { ca, source } = await loadOsCA(deps, o);
    await checkSameCA(contextCa, ca.crt, name, source, o.force);
    const { issueClientCertificate } = await import("../../pki/client_cert.ts");
    const pair = await issueClientCertificate(ca, roles, o.ttlMs, now, deps.random);
    issued = { ...pair, caPem: ca.crt, issuedBy: source };
  } else {
    if (old.notAfter.getTime() < now.getTime()) {
      throw new UserError(
        `the client certificate of context ${goQuote(name)} expired on ${
          formatUtc(old.notAfter)
        }: nodes refuse it, so it cannot be renewed online; sign a new one with the cluster's ` +
          `Talos API CA instead: ${OFFLINE_HINT}`,
      );
    }
    issued = await renewOnline(ctx, roles, o.ttlMs);
    await checkSameCA(contextCa, issued.caPem, name, issued.issuedBy, o.force);
  }
  const caReplaced = !(await sameCA(contextCa, issued.caPem));
  const fresh = parseCertificatePem(issued.crt);

  try {
    await tc.updateTalosconfig(deps, ctx.global, (latest) => {
      const cur = latest.contexts[name] as TalosContext | undefined;
      if (!cur || cur.crt !== before.crt || cur.key !== before.key || cur.ca !== before.ca) {
        throw new UserError(
          `context ${goQuote(name)} in ${file.path} changed while it was being renewed; ` +
            `nothing was written, try again`,
        );
      }
      cur.crt = tc.base64Encode(issued.crt);
      cur.key = tc.base64Encode(issued.key);
      if (caReplaced) cur.ca = tc.base64Encode(issued.caPem);
    });
  } catch (e) {
    wrap("", e);
  }

  const result: Renewal = {
    context: name,
    talosconfig: file.path,
    roles: [...new Set(fresh.subjectOrganizations)].sort(),
    issuedBy: issued.issuedBy,
    oldNotAfter: old.notAfter,
    newNotAfter: fresh.notAfter,
    caReplaced,
  };
  await deps.io.stdout.write(
    o.output === "json" ? renewalJson(result, now) : renewalText(result, now),
  );
}

/** The talosconfig to renew, as the client picks it, but never created: it must exist. */
async function locate(ctx: RunContext): Promise<TalosconfigPath> {
  const tc = await lib();
  const { deps, global } = ctx;
  if (global.talosconfig !== "") {
    return { path: tc.absolutePath(deps, global.talosconfig), writeAllowed: true };
  }
  let candidates: TalosconfigPath[];
  try {
    candidates = tc.defaultTalosconfigPaths(deps);
  } catch (e) {
    throw new UserError(`error reading config: ${(e as Error).message}`);
  }
  for (const c of candidates) {
    try {
      await Deno.stat(c.path);
      return c;
    } catch {
      // next candidate
    }
  }
  throw new UserError(
    `no talosconfig to renew: none of ${
      candidates.map((c) => c.path).join(", ")
    } exists (use --talosconfig)`,
  );
}

async function renewOnline(ctx: RunContext, roles: string[], ttlMs: number): Promise<Issued> {
  const { openSession, errorCode, errorText, filterMessages } = await import("../kit.ts");
  const { durationOf } = await import("./new_run.ts");
  const session = await openSession(ctx, { requireNodes: false, warnExpiry: false });
  let target, issuedBy;
  if (ctx.global.nodes.length > 0) {
    const node = session.single("config renew");
    target = session.forNode(node);
    issuedBy = `node ${node}`;
  } else {
    const client = session.client;
    target = { client, options: client.callOptions() };
    issuedBy = `endpoint ${client.config.endpoints.join(", ")}`;
  }
  let reply;
  try {
    reply = await target.client.machine.generateClientConfiguration(
      { roles, crtTtl: durationOf(ttlMs) },
      target.options,
    );
  } catch (err) {
    const text = errorText(err);
    switch (errorCode(err)) {
      case 7: // PermissionDenied
        throw new UserError(
          `${text}\nrenewing online takes a certificate with the os:admin role; ` +
            `renew offline with ${OFFLINE_HINT}`,
        );
      case 9: // FailedPrecondition: worker nodes before Talos 1.13
      case 12: // Unimplemented: worker nodes
        throw new UserError(`${text}\nask a control plane node: --nodes <control plane address>`);
      default:
        throw new UserError(text);
    }
  }
  const { messages, error } = filterMessages(reply.messages);
  if (error) throw new UserError(error.message);
  if (messages.length !== 1) throw new UserError(`expected 1 message, got ${messages.length}`);
  const dec = new TextDecoder();
  const m = messages[0];
  return { crt: dec.decode(m.crt), key: dec.decode(m.key), caPem: dec.decode(m.ca), issuedBy };
}

/** True when `caPem` is one of the certificates in `contextCa` (or has its name and key). */
async function sameCA(contextCa: string, caPem: string): Promise<boolean> {
  const { decodePemAll } = await import("../../pki/pem.ts");
  const { parseCertificateDer } = await import("../../pki/cert_info.ts");
  const { compareDer } = await import("../../pki/der.ts");
  const certs = (pem: string) =>
    decodePemAll(pem).filter((b) => b.label === "CERTIFICATE").flatMap((b) => {
      try {
        return [parseCertificateDer(b.der)];
      } catch {
        return [];
      }
    });
  const [ca] = certs(caPem);
  if (!ca) return false;
  const eq = (a: Uint8Array, b: Uint8Array) => compareDer(a, b) === 0;
  return certs(contextCa).some((c) =>
    eq(c.der, ca.der) || (eq(c.subjectDer, ca.subjectDer) && eq(c.spki, ca.spki))
  );
}

async function fingerprint(pem: string): Promise<string> {
  const { decodePem } = await import("../../pki/pem.ts");
  const der = decodePem(pem)?.der;
  if (!der) return "none";
  const h = new Uint8Array(await crypto.subtle.digest("SHA-256", der as BufferSource));
  return Array.from(h.subarray(0, 8), (b) => b.toString(16).padStart(2, "0")).join(":");
}

async function checkSameCA(
  contextCa: string,
  caPem: string,
  context: string,
  source: string,
  force: boolean,
): Promise<void> {
  if (force || await sameCA(contextCa, caPem)) return;
  throw new UserError(
    `the Talos API CA of ${source} is not the CA of context ${goQuote(context)} ` +
      `(SHA-256 ${await fingerprint(caPem)}... vs ${await fingerprint(contextCa)}...): ` +
      `it belongs to another cluster, or the CA was rotated; nothing was changed ` +
      `(--force signs with it anyway and makes it the context's CA)`,
  );
}

function renewalText(r: Renewal, now: Date): string {
  const rel = (d: Date) => {
    const left = d.getTime() - now.getTime();
    return left < 0 ? "expired" : `in ${timeLeft(left)}`;
  };
  return `renewed the client certificate of context ${goQuote(r.context)} in ${r.talosconfig}\n` +
    `roles:      ${r.roles.join(", ")}\n` +
    `issued by:  ${r.issuedBy}\n` +
    (r.caReplaced ? `CA:         replaced by the CA of ${r.issuedBy} (--force)\n` : "") +
    `old expiry: ${formatUtc(r.oldNotAfter)} (${rel(r.oldNotAfter)})\n` +
    `new expiry: ${formatUtc(r.newNotAfter)} (${rel(r.newNotAfter)})\n`;
}

function renewalJson(r: Renewal, now: Date): string {
  const iso = (d: Date) => d.toISOString().replace(/\.\d+Z$/, "Z");
  return JSON.stringify(
    {
      context: r.context,
      talosconfig: r.talosconfig,
      roles: r.roles,
      issuedBy: r.issuedBy,
      caReplaced: r.caReplaced,
      oldNotAfter: iso(r.oldNotAfter),
      oldExpired: r.oldNotAfter.getTime() < now.getTime(),
      newNotAfter: iso(r.newNotAfter),
    },
    null,
    2,
  ) + "\n";
}
