// Go's time.Time.String() for UTC instants (what protobuf's Timestamp.AsTime() yields):
// "2006-01-02 15:04:05.999999999 +0000 UTC", the fraction without trailing zeros.

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** Seconds since the Unix epoch and nanoseconds, as Go prints time.Unix(s, n).UTC(). */
export function goTimeString(seconds: bigint | number, nanos = 0): string {
  const secs = BigInt(seconds);
  const d = new Date(Number(secs) * 1000);
  const year = d.getUTCFullYear();
  const y = year < 0 ? "-" + pad(-year, 4) : pad(year, 4);
  let text = `${y}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${
    pad(d.getUTCMinutes())
  }:${pad(d.getUTCSeconds())}`;
  if (nanos !== 0) text += "." + pad(nanos, 9).replace(/0+$/, "");
  return text + " +0000 UTC";
}

/** protobuf's Timestamp.IsValid: within years 1-9999 and nanos in [0, 1e9). */
export function timestampValid(seconds: bigint | number, nanos: number): boolean {
  const s = BigInt(seconds);
  return s >= -62135596800n && s <= 253402300799n && nanos >= 0 && nanos < 1e9;
}

/** The local-time prefix of Go's standard logger (log.LstdFlags): "2006/01/02 15:04:05". */
export function goLogTime(d: Date): string {
  return `${d.getFullYear()}/${pad(d.getMonth() + 1)}/${pad(d.getDate())} ${pad(d.getHours())}:${
    pad(d.getMinutes())
  }:${pad(d.getSeconds())}`;
}
