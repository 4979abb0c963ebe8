// goyaml: the one emulation of Go's YAML encoders (gopkg.in/yaml.v3 and go.yaml.in/yaml/v4
// `Marshal`, with yaml.v2's variants where a caller asks) that every byte-exact YAML writer in
// the project uses: the machine config (machineconfig/encode.ts, docs.ts), talosconfig files
// (clientconfig/talosconfig.ts, `config info -o yaml`) and the secrets bundle
// (pki/secrets_encode.ts); emit_v2.ts writes JSON-shaped values as client-go (sigs.k8s.io/yaml,
// go-yaml v2) does, for kubeconfig files and JSON-patched machine configs.
//
// Layering: a leaf. It imports nothing from the project, has no I/O and no npm dependency, so
// machineconfig/, pki/ and clientconfig/ can all depend on it without depending on each other.
//
//   resolve.ts  how a plain scalar would read back (Go's resolver, YAML 1.1 words, timestamps)
//   scalar.ts   scalar analysis, style choice per encoder flavor (v2/v3/v4), escapes
//   emit.ts     node tree -> document text (indentation, complex keys, comments)
//   emit_v2.ts  JSON-shaped values -> go-yaml v2 text (sorted keys, v2 quoting)
//   keys.ts     Go's map-key order;  float.ts  Go's float64 text

export {
  type Comments,
  emitDocument,
  type EmitOptions,
  type MapNode,
  mapping,
  nullNode,
  scalar,
  type ScalarNode,
  type SeqNode,
  sequence,
  strings,
  type YamlNode,
} from "./emit.ts";
export { compareGoKeys, goKeyLess, type KeyOrderOptions, sortGoKeys } from "./keys.ts";
export { formatGoFloat } from "./float.ts";
export { type GoYamlFlavor } from "./scalar.ts";
export {
  isGoTimestamp,
  isNonStringPlain,
  isYaml11Special,
  resolvesToNonString,
} from "./resolve.ts";

/**
 * Talos v1.12 and later (and so the talosctl we track) marshal machine configs, talosconfig
 * files and secrets bundles with go.yaml.in/yaml/v4; every writer of those files uses this.
 */
export const TALOS_YAML = { flavor: "v4" } as const;
export { emitYamlV2, type JsonObject, type JsonValue } from "./emit_v2.ts";
