// IP address parsing with Go's net.ParseIP rules, returning the bytes X.509 stores in an
// iPAddress SAN: 4 bytes for IPv4 (also IPv4-mapped IPv6, as Go's To4 does), 16 for IPv6.

function parseV4(s: string): number[] | null {
  const parts = s.split(".");
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    // Go rejects empty fields, leading zeros and values above 255.
    if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p[0] === "0")) return null;
    const n = Number(p);
    if (n > 255) return null;
    out.push(n);
  }
  return out;
}

function parseV6(s: string): number[] | null {
  let tail: number[] = [];
  let text = s;
  const lastColon = text.lastIndexOf(":");
  if (text.includes(".")) {
    const v4 = parseV4(text.slice(lastColon + 1));
    if (!v4) return null;
    tail = v4;
    text = text.slice(0, lastColon + 1) + "0:0";
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groups = (h: string) => (h === "" ? [] : h.split(":"));
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  const all = [...head, ...rest];
  if (all.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return null;
  const missing = 8 - all.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const words = [...head, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...rest].map((g) =>
    parseInt(g, 16)
  );
  const bytes = words.flatMap((w) => [w >> 8, w & 0xff]);
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

/** Go's net.ParseIP; null when `s` is not an IP address. */
export function parseIp(s: string): Uint8Array | null {
  if (s.includes(":")) {
    const v6 = parseV6(s);
    if (!v6) return null;
    const mapped = v6.slice(0, 10).every((b) => b === 0) && v6[10] === 0xff && v6[11] === 0xff;
    return new Uint8Array(mapped ? v6.slice(12) : v6);
  }
  const v4 = parseV4(s);
  return v4 ? new Uint8Array(v4) : null;
}
