// Endpoint normalisation, as talosctl does it: URLs reduced to host:port, then the apid port
// (50000) added to anything without a port. IPv6 addresses are bracketed.

export const APID_PORT = 50000;

export interface HostPort {
  host: string;
  port: number;
}

/** Splits "host:port" / "[v6]:port"; null when there is no port. */
export function splitHostPort(addr: string): HostPort | null {
  const v6 = /^\[([^\]]+)\]:(\d+)$/.exec(addr);
  if (v6) return { host: v6[1], port: Number(v6[2]) };
  const m = /^([^:]*):(\d+)$/.exec(addr);
  if (m) return { host: m[1], port: Number(m[2]) };
  return null;
}

export function joinHostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

function reduceUrl(endpoint: string): string {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)/.exec(endpoint);
  if (!m) return endpoint;
  const [, scheme, authority] = m;
  const hostPort = authority.replace(/^[^@]*@/, "");
  const hp = splitHostPort(hostPort);
  if (hp) return joinHostPort(hp.host, hp.port);
  const host = hostPort.replace(/^\[(.*)\]$/, "$1");
  if (scheme.toLowerCase() === "https") return joinHostPort(host, 443);
  return hostPort;
}

/** `https://h` -> `h:443`, `grpc://h:1` -> `h:1`, `h` -> `h:50000`, `::1` -> `[::1]:50000`. */
export function normalizeEndpoint(endpoint: string): string {
  const reduced = reduceUrl(endpoint.trim());
  if (splitHostPort(reduced)) return reduced;
  return joinHostPort(reduced.replace(/^\[(.*)\]$/, "$1"), APID_PORT);
}

export function isIP(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(":");
}
