// blang/semver's ParseTolerant as pflag Values of talosctl use it (flags.Semver): the parsed
// version's string, or blang's error text. Pure and import-free, so flag specs can check with it.

const NUMBERS = /^[0-9]+$/;
const ALNUM = /^[0-9A-Za-z-]+$/;

function number(part: string, what: string, label: string): void {
  if (!NUMBERS.test(part)) {
    throw new Error(`Invalid character(s) found in ${what} number "${part}"`);
  }
  if (part.length > 1 && part[0] === "0") {
    throw new Error(`${label} number must not contain leading zeroes "${part}"`);
  }
}

/** blang semver.Parse: "1.2.3[-pre][+build]" -> its canonical string, or blang's error. */
export function parseSemver(s: string): string {
  if (s === "") throw new Error("Version string empty");
  const parts = s.split(".");
  if (parts.length < 3) throw new Error("No Major.Minor.Patch elements found");
  const [major, minor] = parts;
  let rest = parts.slice(2).join(".");
  number(major, "major", "Major");
  number(minor, "minor", "Minor");
  let build: string[] = [];
  let pre: string[] = [];
  const plus = rest.indexOf("+");
  if (plus >= 0) {
    build = rest.slice(plus + 1).split(".");
    rest = rest.slice(0, plus);
  }
  const dash = rest.indexOf("-");
  if (dash >= 0) {
    pre = rest.slice(dash + 1).split(".");
    rest = rest.slice(0, dash);
  }
  number(rest, "patch", "Patch");
  for (const p of pre) {
    if (p === "") throw new Error("Prerelease is empty");
    if (!ALNUM.test(p)) throw new Error(`Invalid character(s) found in prerelease "${p}"`);
    if (NUMBERS.test(p) && p.length > 1 && p[0] === "0") {
      throw new Error(`Version contains leading zero "${p}"`);
    }
  }
  for (const b of build) {
    if (b === "") throw new Error("Build meta data is empty");
    if (!ALNUM.test(b)) throw new Error(`Invalid character(s) found in build meta data "${b}"`);
  }
  let out = `${Number(major)}.${Number(minor)}.${Number(rest)}`;
  if (pre.length > 0) out += "-" + pre.join(".");
  if (build.length > 0) out += "+" + build.join(".");
  return out;
}

/** blang semver.ParseTolerant: surrounding spaces and one leading "v" dropped, "1.2" is 1.2.0. */
export function parseTolerantSemver(input: string): string {
  const parts = input.trim().replace(/^v/, "").split(".");
  const head = parts.slice(0, 2);
  const tail = parts.length > 2 ? [parts.slice(2).join(".")] : [];
  const fixed = [...head, ...tail].map((p) => {
    if (p.length <= 1) return p;
    const t = p.replace(/^0+/, "");
    return t === "" || !/^[0-9]/.test(t) ? "0" + t : t;
  });
  if (fixed.length < 3) {
    if (/[+-]/.test(fixed[fixed.length - 1])) {
      throw new Error("Short version cannot contain PreRelease/Build meta data");
    }
    while (fixed.length < 3) fixed.push("0");
  }
  return parseSemver(fixed.join("."));
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
