// gofmt: Go's text conventions that error messages and output must reproduce byte for byte —
// the %q verb (quote.ts) and the hashicorp/go-multierror list (multierror.ts). A leaf module:
// it imports nothing from the project, so every layer may use it.

export { goQuote, goQuoteByte, goQuoteBytes } from "./quote.ts";
export { formatErrors } from "./multierror.ts";
export { textDiff, textDiffWithPaths } from "./textdiff.ts";
export {
  goDuration,
  goDurationSeconds,
  goFixed,
  humanizeBytes,
  humanizeIBytes,
  tabwrite,
} from "./text.ts";
export { goParseUint, NumError } from "./strconv.ts";
export { fileModeString, GO_MODE, goDurationNs, humanizeTime, lsTimestamp } from "./humanize.ts";
export { goLogTime, goTimeString, timestampValid } from "./time.ts";
export { goFields, goPathBase, goPathClean, goTrimSpace } from "./path.ts";
export { goCompareStrings, goSort, goSortFunc } from "./sort.ts";
