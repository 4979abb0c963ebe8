// CEL types as cel-go's checker models them, their display names (checker.FormatCELType and
// types.Type.String) and assignability with type parameters, plus the environments Talos
// declares for its expressions (pkg/machinery/cel/celenv): variables, constants, custom
// functions and the fields of the protobuf messages the selectors read.

export type T =
  | { k: "int" | "uint" | "double" | "bool" | "string" | "bytes" | "null" | "dyn" | "error" }
  | { k: "duration" | "timestamp" }
  | { k: "list"; e: T }
  | { k: "map"; key: T; val: T }
  | { k: "msg"; name: string }
  | { k: "opt"; t: T }
  | { k: "type"; t: T }
  | { k: "param"; name: string };

export const INT: T = { k: "int" }, UINT: T = { k: "uint" }, DOUBLE: T = { k: "double" };
export const BOOL: T = { k: "bool" }, STRING: T = { k: "string" }, BYTES: T = { k: "bytes" };
export const NULL: T = { k: "null" }, DYN: T = { k: "dyn" }, ERROR: T = { k: "error" };
export const DURATION: T = { k: "duration" }, TIMESTAMP: T = { k: "timestamp" };
export const list = (e: T): T => ({ k: "list", e });
export const mapOf = (key: T, val: T): T => ({ k: "map", key, val });
export const opt = (t: T): T => ({ k: "opt", t });
export const param = (name: string): T => ({ k: "param", name });

/** checker.FormatCELType (used in the checker's messages). */
export function formatType(t: T): string {
  switch (t.k) {
    case "error":
      return "!error!";
    case "list":
      return `list(${formatType(t.e)})`;
    case "map":
      return `map(${formatType(t.key)}, ${formatType(t.val)})`;
    case "msg":
      return t.name;
    case "opt":
      return `optional_type(${formatType(t.t)})`;
    case "type":
      return `type(${formatType(t.t)})`;
    case "param":
      return t.name;
    default:
      return t.k;
  }
}

/** types.Type.String (used by Talos's "expression output type is ..." message). */
export function typeString(t: T): string {
  switch (t.k) {
    case "null":
      return "null_type";
    case "duration":
      return "google.protobuf.Duration";
    case "timestamp":
      return "google.protobuf.Timestamp";
    case "error":
      return "*error*";
    case "list":
      return `list(${typeString(t.e)})`;
    case "map":
      return `map(${typeString(t.key)}, ${typeString(t.val)})`;
    case "opt":
      return `optional_type(${typeString(t.t)})`;
    case "type":
      return `type(${typeString(t.t)})`;
    case "param":
      return `<${t.name}>`;
    default:
      return formatType(t);
  }
}

export type Subs = Map<string, T>;

/** Replaces bound parameters; unbound ones become dyn when `toDyn`. */
export function substitute(t: T, subs: Subs, toDyn: boolean): T {
  switch (t.k) {
    case "param": {
      const b = subs.get(t.name);
      return b ? substitute(b, subs, toDyn) : toDyn ? DYN : t;
    }
    case "list":
      return list(substitute(t.e, subs, toDyn));
    case "map":
      return mapOf(substitute(t.key, subs, toDyn), substitute(t.val, subs, toDyn));
    case "opt":
      return opt(substitute(t.t, subs, toDyn));
    case "type":
      return { k: "type", t: substitute(t.t, subs, toDyn) };
    default:
      return t;
  }
}

const NULLABLE = new Set(["msg", "null", "duration", "timestamp", "opt"]);

/** Can a value of type `from` be used where `to` is expected (binding parameters in subs)? */
export function assignable(to: T, from: T, subs: Subs): boolean {
  if (to.k === "param") {
    const b = subs.get(to.name);
    if (b) return assignable(b, from, subs);
    if (from.k !== "param" || from.name !== to.name) subs.set(to.name, from);
    return true;
  }
  if (from.k === "param") {
    const b = subs.get(from.name);
    if (b) return assignable(to, b, subs);
    subs.set(from.name, to);
    return true;
  }
  if (to.k === "dyn" || from.k === "dyn" || to.k === "error" || from.k === "error") return true;
  if (from.k === "null") return NULLABLE.has(to.k);
  if (to.k !== from.k) return false;
  switch (to.k) {
    case "list":
      return assignable(to.e, (from as { e: T }).e, subs);
    case "map": {
      const f = from as { key: T; val: T };
      return assignable(to.key, f.key, subs) && assignable(to.val, f.val, subs);
    }
    case "msg":
      return to.name === (from as { name: string }).name;
    case "opt":
    case "type":
      return assignable(to.t, (from as { t: T }).t, subs);
    default:
      return true;
  }
}

export const sameType = (a: T, b: T): boolean => formatType(a) === formatType(b);

const UNITS = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "kB", "MB", "GB", "TB", "PB", "EB"];
const CLASSES = ["Besteffort", "Burstable", "Guaranteed", "Podruntime", "System"];

const DISK = "talos.resource.definitions.block.DiskSpec";
const VOLUME = "talos.resource.definitions.block.DiscoveredVolumeSpec";
const LINK = "talos.resource.definitions.network.LinkStatusSpec";

/** Fields of the messages the selectors see (from upstream's .proto files, enums are int). */
export const MESSAGES: Record<string, Record<string, T>> = {
  [DISK]: {
    size: UINT,
    io_size: UINT,
    sector_size: UINT,
    readonly: BOOL,
    model: STRING,
    serial: STRING,
    modalias: STRING,
    wwid: STRING,
    bus_path: STRING,
    sub_system: STRING,
    transport: STRING,
    rotational: BOOL,
    cdrom: BOOL,
    dev_path: STRING,
    pretty_size: STRING,
    secondary_disks: list(STRING),
    uuid: STRING,
    symlinks: list(STRING),
    firmware_version: STRING,
  },
  [VOLUME]: {
    size: UINT,
    sector_size: UINT,
    io_size: UINT,
    name: STRING,
    uuid: STRING,
    label: STRING,
    block_size: UINT,
    filesystem_block_size: UINT,
    probed_size: UINT,
    partition_uuid: STRING,
    partition_type: STRING,
    partition_label: STRING,
    partition_index: UINT,
    type: STRING,
    device_path: STRING,
    parent: STRING,
    dev_path: STRING,
    parent_dev_path: STRING,
    pretty_size: STRING,
    offset: UINT,
  },
  [LINK]: {
    index: UINT,
    type: INT,
    link_index: UINT,
    flags: UINT,
    hardware_addr: BYTES,
    broadcast_addr: BYTES,
    mtu: UINT,
    queue_disc: STRING,
    master_index: UINT,
    operational_state: INT,
    kind: STRING,
    slave_kind: STRING,
    bus_path: STRING,
    pciid: STRING,
    driver: STRING,
    driver_version: STRING,
    firmware_version: STRING,
    product_id: STRING,
    vendor_id: STRING,
    product: STRING,
    vendor: STRING,
    link_state: BOOL,
    speed_megabits: INT,
    port: INT,
    duplex: INT,
    // nested messages: their own fields are not modelled (selections on them are dynamic)
    vlan: DYN,
    bridge_master: DYN,
    bond_master: DYN,
    wireguard: DYN,
    permanent_addr: BYTES,
    alias: STRING,
    alt_names: list(STRING),
    vrf_master: DYN,
    veth: DYN,
  },
};

/** A custom (non-standard) function overload: [argument types, result, member?]. */
export type Overload = [args: T[], result: T, member?: boolean];

export interface CelEnv {
  vars: Record<string, T>;
  functions: Record<string, Overload[]>;
}

const units = Object.fromEntries(UNITS.map((u) => [u, UINT]));
const glob: Overload[] = [[[STRING, STRING], BOOL]];
const qosMap = mapOf(INT, DOUBLE);
const psi = (prefix: string, t: T) =>
  Object.fromEntries(
    ["some", "full"].flatMap((kind) =>
      ["avg10", "avg60", "avg300", "total"].map((w) => [`${prefix}memory_${kind}_${w}`, t])
    ),
  );

/** Talos's CEL environments by name. */
export const ENVS: Record<string, CelEnv> = {
  disk: {
    vars: { disk: { k: "msg", name: DISK }, system_disk: BOOL, ...units },
    functions: { glob },
  },
  volume: {
    vars: { volume: { k: "msg", name: VOLUME }, disk: { k: "msg", name: DISK }, ...units },
    functions: {},
  },
  link: {
    vars: { link: { k: "msg", name: LINK } },
    functions: { glob, mac: [[[BYTES], STRING]] },
  },
  oomTrigger: {
    vars: {
      ...psi("", DOUBLE),
      ...psi("d_", DOUBLE),
      ...psi("qos_", qosMap),
      ...psi("d_qos_", qosMap),
      qos_memory_current: qosMap,
      qos_memory_peak: qosMap,
      qos_memory_max: qosMap,
      d_qos_memory_current: qosMap,
      d_qos_memory_peak: qosMap,
      d_qos_memory_max: qosMap,
      time_since_trigger: DURATION,
      ...units,
      ...Object.fromEntries(CLASSES.map((c) => [c, INT])),
    },
    functions: {
      multiply_qos_vectors: [[[mapOf(DYN, DOUBLE), mapOf(DYN, DOUBLE)], DOUBLE]],
    },
  },
  oomScoring: {
    vars: {
      memory_max: opt(UINT),
      memory_current: opt(UINT),
      memory_peak: opt(UINT),
      path: STRING,
      class: INT,
      ...units,
      ...Object.fromEntries(CLASSES.map((c) => [c, INT])),
    },
    functions: {},
  },
};
