// Number formats of the dashboard: Go's %N.Mf and %Nd, go-humanize's ComputeSI and Ftoa, Go's
// Duration text and the header's uptime and CPU frequency forms.

import { goDuration, goFixed, humanizeBytes, humanizeIBytes } from "../../gofmt/text.ts";

export { humanizeBytes, humanizeIBytes };

/** Go's %<w>.<p>f. */
export function fixed(x: number, p: number, w = 0): string {
  return goFixed(x, p).padStart(w);
}

/** Go's %<w>d. */
export function int(x: number | bigint, w = 0): string {
  return String(x).padStart(w);
}

const SI = ["", "k", "M", "G", "T", "P", "E", "Z", "Y"];

/** go-humanize ComputeSI for values >= 0: the value scaled to below 1000 and its prefix. */
export function computeSI(x: number): [number, string] {
  if (x === 0) return [0, ""];
  let e = Math.floor(Math.log10(Math.abs(x)) / 3);
  e = Math.max(0, Math.min(e, SI.length - 1));
  return [x / 1000 ** e, SI[e]];
}

/** go-humanize Ftoa: the shortest fixed form with at most six decimals, zeros trimmed. */
export function ftoa(x: number): string {
  const s = x.toFixed(6);
  return s.replace(/\.?0+$/, "");
}

/** The header's CPU frequency: "800MHz", "2.4GHz" (MHz in, rounded as upstream rounds). */
export function cpuFrequency(mhz: number): string {
  let value = Math.round(mhz);
  let unit = "MHz";
  if (mhz >= 1000) {
    value = Math.round(value / 1000 * 100) / 100;
    unit = "GHz";
  }
  return ftoa(value) + unit;
}

/** Uptime as Go's Duration text, whole seconds, with a day count in front past a day. */
export function uptime(ms: number): string {
  const day = 24 * 3600_000;
  const d = Math.round(ms / 1000) * 1000;
  if (d >= day) return `${Math.floor(d / day)}d${goDuration(d % day)}`;
  return goDuration(d);
}

/** A number of seconds as Go's time.Duration(int64(s)) * time.Second prints it. */
export function seconds(s: number): string {
  return goDuration(Math.trunc(s) * 1000);
}
