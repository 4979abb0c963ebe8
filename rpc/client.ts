// TalosClient: typed service clients over one failover transport for a talosconfig context,
// plus the per-call metadata (`node`, `context`) talosctl sends.

import { type CallOptions, type Client, createClient } from "@connectrpc/connect";
import { MachineService } from "../gen/machine/machine_pb.ts";
import { ImageService } from "../gen/machine/image_pb.ts";
import { LVMService, MDService } from "../gen/machine/volumes_pb.ts";
import { TimeService } from "../gen/time/time_pb.ts";
import { StorageService } from "../gen/storage/storage_pb.ts";
import { ClusterService } from "../gen/cluster/cluster_pb.ts";
import { InspectService } from "../gen/inspect/inspect_pb.ts";
import { State } from "../gen/cosi/state_pb.ts";
import { LifecycleService } from "../gen/machine/lifecycle_pb.ts";
import { StorageService as MachineStorageService } from "../gen/machine/storage_pb.ts";
import { DebugService } from "../gen/machine/debug_pb.ts";
import { normalizeEndpoint } from "./endpoints.ts";
import {
  endpointTransport,
  failoverTransport,
  type TlsMaterial,
  type TransportOptions,
} from "./transport.ts";

/** What a client needs from a talosconfig context, already decoded. */
export interface ClientConfig {
  /** Context name, for messages. */
  contextName: string;
  /** Endpoints as written by the user (normalised here). */
  endpoints: string[];
  /** PEM material. */
  tls: TlsMaterial;
  /** Cluster name for proxies such as Omni; sent as `context` metadata when non-empty. */
  cluster?: string;
}

export interface TalosClient {
  readonly config: ClientConfig;
  /** Normalised endpoints ("host:port"), as given (calls rotate over them in a shuffled order). */
  readonly endpoints: string[];
  readonly machine: Client<typeof MachineService>;
  readonly time: Client<typeof TimeService>;
  readonly storage: Client<typeof StorageService>;
  readonly cluster: Client<typeof ClusterService>;
  readonly inspect: Client<typeof InspectService>;
  readonly cosi: Client<typeof State>;
  readonly lifecycle: Client<typeof LifecycleService>;
  /** Container images (Talos 1.13+). */
  readonly image: Client<typeof ImageService>;
  readonly lvm: Client<typeof LVMService>;
  readonly md: Client<typeof MDService>;
  /** machine.StorageService (statfs), not the storage.StorageService of `storage`. */
  readonly machineStorage: Client<typeof MachineStorageService>;
  /** Debug containers (a bidirectional stream). */
  readonly debug: Client<typeof DebugService>;
  /**
   * Call options targeting `node` (one-to-one proxying through the endpoint); no node = the
   * endpoint itself. Includes `signal` so Ctrl-C cancels the call.
   */
  callOptions(node?: string, extra?: CallOptions): CallOptions;
}

export interface NewClientOptions extends TransportOptions {
  signal?: AbortSignal;
}

/** Builds a client; nothing is dialed until the first call. */
export function newClient(config: ClientConfig, opts: NewClientOptions = {}): TalosClient {
  const endpoints = config.endpoints.map(normalizeEndpoint);
  const transport = failoverTransport(
    endpoints,
    (ep) => endpointTransport(ep, config.tls, opts),
    opts.random,
  );
  return {
    config,
    endpoints,
    machine: createClient(MachineService, transport),
    time: createClient(TimeService, transport),
    storage: createClient(StorageService, transport),
    cluster: createClient(ClusterService, transport),
    inspect: createClient(InspectService, transport),
    cosi: createClient(State, transport),
    lifecycle: createClient(LifecycleService, transport),
    image: createClient(ImageService, transport),
    lvm: createClient(LVMService, transport),
    md: createClient(MDService, transport),
    machineStorage: createClient(MachineStorageService, transport),
    debug: createClient(DebugService, transport),
    callOptions(node?: string, extra: CallOptions = {}): CallOptions {
      const headers = new Headers(extra.headers);
      if (node !== undefined && node !== "") headers.set("node", node);
      if (config.cluster) headers.set("context", config.cluster);
      const signal = extra.signal ?? opts.signal;
      return { ...extra, headers, ...(signal ? { signal } : {}) };
    },
  };
}
