// The body of `diskfree`: per node, the mounts from MountStatus resources (those with a source
// device and not detached), checked against the VolumeStatus when one volume is asked for, then
// statfs of each mount point; a table of all nodes at the end.

import type { RunContext } from "./spec.ts";
import { bool } from "./spec.ts";
import {
  errorCode,
  errorText,
  goQuote,
  type NodeTarget,
  openSession,
  tabwrite,
  throwJoined,
} from "./kit.ts";
import { Code } from "@connectrpc/connect";
import { goFixed, humanizeIBytes } from "../gofmt/mod.ts";
import type { Metadata } from "../gen/common/common_pb.ts";
import { decodeYaml } from "./resources/yaml_values.ts";
import type { StorageServiceStatfsResponse } from "../gen/machine/storage_pb.ts";

const MOUNT_STATUS = "MountStatuses.block.talos.dev";
const VOLUME_STATUS = "VolumeStatuses.block.talos.dev";

interface Row {
  volume: string;
  source: string;
  target: string;
  statfs?: StorageServiceStatfsResponse;
}

type Spec = Record<string, unknown>;

function specOf(r: { spec?: { yamlSpec: string } }): Spec {
  const v = decodeYaml(r.spec?.yamlSpec ?? "");
  return (v && typeof v === "object" && !Array.isArray(v) ? v : {}) as Spec;
}

const str = (
  v: unknown,
) => (typeof v === "string" ? v : v === null || v === undefined ? "" : String(v));

async function collect({ client, options }: NodeTarget, volumeID: string): Promise<Row[]> {
  if (volumeID !== "") {
    let vs;
    try {
      vs = await client.cosi.get(
        { namespace: "runtime", type: VOLUME_STATUS, id: volumeID },
        options,
      );
    } catch (e) {
      if (errorCode(e) === Code.NotFound) throw new Error(`volume ${goQuote(volumeID)} not found`);
      throw new Error(`error looking up volume ${goQuote(volumeID)}: ${errorText(e)}`);
    }
    const spec = specOf(vs.resource ?? {});
    const phase = str(spec.phase);
    if (phase !== "ready") {
      throw new Error(`volume ${goQuote(volumeID)} is not ready (phase: ${phase})`);
    }
    const type = str(spec.type);
    if (["directory", "symlink", "overlay"].includes(type)) {
      throw new Error(
        `volume ${goQuote(volumeID)} is a ${type} volume, which does not have its own filesystem`,
      );
    }
    if (str(spec.filesystem) === "swap") {
      throw new Error(
        `volume ${goQuote(volumeID)} is a swap volume, which does not have a filesystem`,
      );
    }
  }
  const rows: Row[] = [];
  for await (const m of client.cosi.list({ namespace: "runtime", type: MOUNT_STATUS }, options)) {
    const spec = specOf(m.resource ?? {});
    const source = str(spec.source);
    if (source === "" || spec.detached === true) continue;
    const request = (spec.spec ?? {}) as Spec;
    const volume = str(request.volumeID);
    if (volumeID !== "" && volume !== volumeID) continue;
    rows.push({ volume, source, target: str(spec.target) });
  }
  if (volumeID !== "" && rows.length === 0) {
    throw new Error(`volume ${goQuote(volumeID)} not mounted`);
  }
  for (const row of rows) {
    try {
      row.statfs = await client.machineStorage.statfs({ path: row.target }, options);
    } catch (e) {
      throw new Error(`error calling statfs on ${goQuote(row.target)}: ${errorText(e)}`);
    }
  }
  return rows;
}

/** go-humanize ComputeSI + FtoaWithDigits(1), prefix upper-cased: "1.2M", "51K". */
function siCount(v: bigint): string {
  const x = Number(v);
  if (x === 0) return "0";
  // ComputeSI takes the decimal logarithm as ln(x)/ln(10), not log10: the two differ in the
  // last bit near powers of ten, and the exponent is floored.
  let exp = Math.floor(Math.floor(Math.log(x) / Math.log(10)) / 3) * 3;
  let value = x / 10 ** exp;
  if (value === 1000) {
    exp += 3;
    value = x / 10 ** exp;
  }
  const prefix =
    ({ 0: "", 3: "k", 6: "M", 9: "G", 12: "T", 15: "P", 18: "E" } as Record<number, string>)[exp] ??
      "";
  if (prefix === "") return v.toString();
  // strconv's 'f' format: an exact tie (1.25) rounds to even ("1.2"), where toFixed rounds up.
  let s = goFixed(value, 1);
  if (s.includes(".")) s = s.replace(/0+$/, "").replace(/\.$/, "");
  return s + prefix.toUpperCase();
}

/** talosctl's rounded-up percentage, in uint64 arithmetic (which wraps as Go's does). */
function percent(used: bigint, total: bigint): string {
  const u64 = (n: bigint) => BigInt.asUintN(64, n);
  total = u64(total);
  if (total === 0n) return "-";
  const scaled = u64(used * 100n);
  let pct = scaled / total;
  if (scaled % total !== 0n) pct = u64(pct + 1n);
  return `${pct}%`;
}

export async function runDiskfree(ctx: RunContext): Promise<void> {
  const session = await openSession(ctx);
  const volumeID = ctx.args[0] ?? "";
  const plain = bool(ctx, "bytes");
  const inodes = bool(ctx, "inodes");
  const size = (s: bigint) => plain ? s.toString() : humanizeIBytes(s).replace(/ /g, "");
  const count = (v: bigint) => plain ? v.toString() : siCount(v);
  let table = "";
  const errors = await session.unary(
    async (t) => ({
      messages: [{ rows: await collect(t, volumeID), metadata: undefined as Metadata | undefined }],
    }),
    (node, messages) => {
      if (table === "") {
        table = inodes
          ? "NODE\tVOLUME\tFILESYSTEM\tINODES\tIUSED\tIFREE\t%IUSED\tMOUNT POINT\n"
          : "NODE\tVOLUME\tFILESYSTEM\tSIZE\tUSED\tAVAILABLE\tUSAGE\tMOUNT POINT\n";
      }
      for (const { rows } of messages) {
        for (const r of rows) {
          const st = r.statfs!;
          const cells = inodes
            ? [
              count(st.inodes),
              count(st.inodesUsed),
              count(st.inodesFree),
              percent(st.inodesUsed, st.inodes),
            ]
            : [
              size(st.size),
              size(st.used),
              size(st.available),
              percent(st.used, st.used + st.available),
            ];
          table += [node, r.volume, r.source, ...cells, r.target].join("\t") + "\n";
        }
      }
    },
  );
  if (table !== "") await ctx.deps.io.stdout.write(tabwrite(table));
  throwJoined(errors);
}
