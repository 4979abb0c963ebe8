// Test servers (the emulator, the Kubernetes and registry doubles) on loopback: a free port, and
// a close that drops open connections first, so that idle keep-alives do not hold it up.

import type { Server, Socket } from "node:net";

export interface Listening {
  readonly port: number;
  close(): Promise<void>;
}

/** Starts `server` listening on `host` at a free port; TLS handshake failures are ignored. */
export async function listen(server: Server, host = "127.0.0.1"): Promise<Listening> {
  const sockets = new Set<Socket>();
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  server.on("tlsClientError", () => {});
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as { port: number }).port,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
