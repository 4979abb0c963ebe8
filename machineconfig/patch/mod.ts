// The machine-config patch engine: loading patches (strategic merge, JSON 6902, `$patch: delete`),
// applying them in order, and strict decoding of config text into the document model.

export {
  isEmptyPatch,
  type LoadOptions,
  loadPatch,
  loadPatches,
  type Patch,
  PatchLoadError,
} from "./load.ts";
export {
  type ApplyOptions,
  applyPatches,
  type ConfigState,
  json6902,
  PatchApplyError,
  stateDocs,
  stateText,
  strategicMerge,
} from "./apply.ts";
export { ConfigDecodeError, decodeConfig } from "./decode.ts";
