// blang/semver's ParseTolerant as pflag Values of talosctl use it (flags.Semver): the parsed
// version's string, or blang's error text (the parser is ../semver.ts).

import { parseTolerant, semverString } from "../semver.ts";

/** blang semver.ParseTolerant, then Version.String(): " v1.2" is "1.2.0". */
export function parseTolerantSemver(input: string): string {
  return semverString(parseTolerant(input));
}

/**
 * The value of a flags.Semver flag: the parsed version, with a "v" in front when the default or
 * the given value had one (the prefix, once set, stays).
 */
export function semverFlagValue(value: string, defaultValue: string): string {
  const prefix = defaultValue.startsWith("v") || value.startsWith("v") ? "v" : "";
  return prefix + parseTolerantSemver(value);
}

/** A FlagSpec `check` for semver flags. */
export function semverCheck(value: string): string | undefined {
  try {
    parseTolerantSemver(value);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
