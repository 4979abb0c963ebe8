// Runtime events as the Events stream carries them: a google.protobuf.Any whose type URL is
// "talos/runtime/machine.<Message>". Decoding to the known event types (others, such as the
// empty "hello" event the stream starts with, are not decoded), and their texts.

import { type DescMessage, fromBinary, type MessageShape } from "@bufbuild/protobuf";
import {
  AddressEventSchema,
  ConfigLoadErrorEventSchema,
  ConfigValidationErrorEventSchema,
  type Event,
  MachineStatusEvent_MachineStage,
  MachineStatusEventSchema,
  PhaseEvent_Action,
  PhaseEventSchema,
  RestartEventSchema,
  SequenceEvent_Action,
  SequenceEventSchema,
  ServiceStateEvent_Action,
  ServiceStateEventSchema,
  TaskEvent_Action,
  TaskEventSchema,
} from "../../gen/machine/machine_pb.ts";
import { Code as TalosCode } from "../../gen/common/common_pb.ts";

const SCHEMAS = {
  sequence: SequenceEventSchema,
  phase: PhaseEventSchema,
  task: TaskEventSchema,
  service: ServiceStateEventSchema,
  configLoadError: ConfigLoadErrorEventSchema,
  configValidationError: ConfigValidationErrorEventSchema,
  address: AddressEventSchema,
  machineStatus: MachineStatusEventSchema,
  restart: RestartEventSchema,
} as const;

type Schemas = typeof SCHEMAS;

/** A decoded event payload, tagged with its kind. */
export type Payload = {
  [K in keyof Schemas]: { kind: K; msg: MessageShape<Schemas[K]> };
}[keyof Schemas];

export interface DecodedEvent {
  typeUrl: string;
  id: string;
  actorId: string;
  payload: Payload;
}

const byUrl = new Map<string, [keyof Schemas, DescMessage]>(
  (Object.entries(SCHEMAS) as [keyof Schemas, DescMessage][]).map((
    [k, s],
  ) => [`talos/runtime/${s.typeName}`, [k, s]]),
);

/**
 * Decodes an event; undefined for a type this client does not know (the stream's first,
 * empty event included). A payload that does not decode throws.
 */
export function decodeEvent(e: Event): DecodedEvent | undefined {
  const typeUrl = e.data?.typeUrl ?? "";
  const known = byUrl.get(typeUrl);
  if (!known) return undefined;
  const msg = fromBinary(known[1], e.data!.value);
  return { typeUrl, id: e.id, actorId: e.actorId, payload: { kind: known[0], msg } as Payload };
}

// Go's String() of the enums, as %v prints them.
export const sequenceAction = (a: SequenceEvent_Action) => SequenceEvent_Action[a] ?? String(a);
export const phaseAction = (a: PhaseEvent_Action) => PhaseEvent_Action[a] ?? String(a);
export const taskAction = (a: TaskEvent_Action) => TaskEvent_Action[a] ?? String(a);
export const serviceAction = (a: ServiceStateEvent_Action) =>
  ServiceStateEvent_Action[a] ?? String(a);
export const machineStage = (s: MachineStatusEvent_MachineStage) =>
  MachineStatusEvent_MachineStage[s] ?? String(s);
export const talosCode = (c: TalosCode) => TalosCode[c] ?? String(c);

/** Go's %v of a bool. */
export const goBool = (b: boolean | undefined) => b ? "true" : "false";
