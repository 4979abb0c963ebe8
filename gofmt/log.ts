// The prefix Go's standard `log` package writes before each line (log.LstdFlags): local date and
// time to the second, "2006/01/02 15:04:05 ".

const p2 = (n: number) => String(n).padStart(2, "0");

/** "2006/01/02 15:04:05" in local time. */
export function goLogTime(d: Date): string {
  return `${d.getFullYear()}/${p2(d.getMonth() + 1)}/${p2(d.getDate())} ` +
    `${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
}

/** One line as log.Printf writes it (the newline added). */
export function goLogLine(d: Date, message: string): string {
  return `${goLogTime(d)} ${message}${message.endsWith("\n") ? "" : "\n"}`;
}
