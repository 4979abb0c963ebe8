// More of Go's text formats that file and process listings print: os.FileMode.String, the full
// precision of time.Duration.String, time.Time.Format for the layouts talosctl uses and
// go-humanize's relative times.

// Go's FileMode type bits, from the highest down, with their letters in FileMode.String.
const MODE_LETTERS = "dalTLDpSugct?";

/** Go's os.FileMode(mode).String(): "drwxr-xr-x", "Lrwxrwxrwx", "-rw-------". */
export function fileModeString(mode: number): string {
  let out = "";
  for (let i = 0; i < MODE_LETTERS.length; i++) {
    if ((mode >>> (31 - i)) & 1) out += MODE_LETTERS[i];
  }
  if (out === "") out = "-";
  const rwx = "rwxrwxrwx";
  for (let i = 0; i < 9; i++) out += (mode >>> (8 - i)) & 1 ? rwx[i] : "-";
  return out;
}

/** Go's os.FileMode bits used by the API's FileInfo.mode. */
export const GO_MODE = {
  dir: 1 << 31 >>> 0,
  symlink: 1 << 27,
  device: 1 << 26,
  namedPipe: 1 << 25,
  socket: 1 << 24,
  setuid: 1 << 23,
  setgid: 1 << 22,
  charDevice: 1 << 21,
  sticky: 1 << 20,
  irregular: 1 << 19,
} as const;

function fraction(v: bigint, digits: number): string {
  const scale = 10n ** BigInt(digits);
  const whole = v / scale;
  const frac = (v % scale).toString().padStart(digits, "0").replace(/0+$/, "");
  return frac === "" ? `${whole}` : `${whole}.${frac}`;
}

/** Go's time.Duration(ns).String() at full precision: "1h2m3.5s", "1.5ms", "250µs", "7ns". */
export function goDurationNs(d: bigint): string {
  if (d === 0n) return "0s";
  const neg = d < 0n;
  const u = neg ? -d : d;
  let out: string;
  if (u < 1000n) out = `${u}ns`;
  else if (u < 1_000_000n) out = `${fraction(u, 3)}µs`;
  else if (u < 1_000_000_000n) out = `${fraction(u, 6)}ms`;
  else {
    const secs = u / 1_000_000_000n;
    const s = fraction(u % 60_000_000_000n, 9);
    const m = (secs / 60n) % 60n;
    const h = secs / 3600n;
    out = h > 0n ? `${h}h${m}m${s}s` : m > 0n ? `${m}m${s}s` : `${s}s`;
  }
  return neg ? "-" + out : out;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const p2 = (n: number) => String(n).padStart(2, "0");

/**
 * A modification time as `talosctl ls -l` prints it, in local time: Go's "Jan _2 15:04:05"
 * when within six months (30-day months) of now or in the future, else "Jan _2 2006 15:04".
 */
export function lsTimestamp(t: Date, now: Date): string {
  const day = String(t.getDate()).padStart(2, " ");
  const head = `${MONTHS[t.getMonth()]} ${day}`;
  const sixMonths = 6 * 30 * 24 * 3600 * 1000;
  if (now.getTime() - t.getTime() < sixMonths) {
    return `${head} ${p2(t.getHours())}:${p2(t.getMinutes())}:${p2(t.getSeconds())}`;
  }
  return `${head} ${t.getFullYear()} ${p2(t.getHours())}:${p2(t.getMinutes())}`;
}

const SEC = 1000, MIN = 60 * SEC, HOUR = 60 * MIN, DAY = 24 * HOUR, WEEK = 7 * DAY;
const MONTH = 30 * DAY, YEAR = 12 * MONTH;

// go-humanize's default magnitudes: below `limit`, print `format` with the difference divided
// by `div` (a format without %d ignores it).
const MAGNITUDES: { limit: number; format: string; div: number }[] = [
  { limit: SEC, format: "now", div: SEC },
  { limit: 2 * SEC, format: "1 second %s", div: 1 },
  { limit: MIN, format: "%d seconds %s", div: SEC },
  { limit: 2 * MIN, format: "1 minute %s", div: 1 },
  { limit: HOUR, format: "%d minutes %s", div: MIN },
  { limit: 2 * HOUR, format: "1 hour %s", div: 1 },
  { limit: DAY, format: "%d hours %s", div: HOUR },
  { limit: 2 * DAY, format: "1 day %s", div: 1 },
  { limit: WEEK, format: "%d days %s", div: DAY },
  { limit: 2 * WEEK, format: "1 week %s", div: 1 },
  { limit: MONTH, format: "%d weeks %s", div: WEEK },
  { limit: 2 * MONTH, format: "1 month %s", div: 1 },
  { limit: YEAR, format: "%d months %s", div: MONTH },
  { limit: 18 * MONTH, format: "1 year %s", div: 1 },
  { limit: 2 * YEAR, format: "2 years %s", div: 1 },
  { limit: 37 * YEAR, format: "%d years %s", div: YEAR },
  { limit: Infinity, format: "a long while %s", div: 1 },
];

/** go-humanize's Time(t) relative to `now`: "3 days ago", "now", "2 hours from now". */
export function humanizeTime(t: Date, now: Date): string {
  let diff = now.getTime() - t.getTime();
  let label = "ago";
  if (diff < 0) {
    diff = -diff;
    label = "from now";
  }
  const mag = MAGNITUDES.find((m) => m.limit > diff) ?? MAGNITUDES[MAGNITUDES.length - 1];
  return mag.format.replace("%d", String(Math.trunc(diff / mag.div))).replace("%s", label);
}
