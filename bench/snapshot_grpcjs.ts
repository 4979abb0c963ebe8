// Baseline for bench/snapshot.ts: a plain @grpc/grpc-js client draining EtcdSnapshot from the
// emulator (raw bytes, no decoding beyond framing), writing nothing. Prints bytes received.
//
//   deno run -A bench/snapshot_grpcjs.ts PORT CA_PEM_FILE CERT_PEM_FILE KEY_PEM_FILE NODE

import { Buffer } from "node:buffer";

// Loaded by a computed specifier so that type-checking this file with the rest of the project
// does not pull @grpc/grpc-js's @types/node over Deno's own Node types.
// deno-lint-ignore no-explicit-any
const grpc: any = await import(["@grpc", "grpc-js"].join("/"));

const [port, caFile, certFile, keyFile, node] = Deno.args;
const read = (p: string) => Buffer.from(Deno.readTextFileSync(p));
const key = Buffer.from(
  Deno.readTextFileSync(keyFile).replace(/ED25519 PRIVATE KEY/g, "PRIVATE KEY"),
);
const client = new grpc.Client(
  `localhost:${port}`,
  grpc.credentials.createSsl(read(caFile), key, read(certFile)),
  { "grpc.max_receive_message_length": 32 << 20 },
);
const md = new grpc.Metadata();
md.set("node", node);
let total = 0;
await new Promise<void>((resolve, reject) => {
  const call = client.makeServerStreamRequest(
    "/machine.MachineService/EtcdSnapshot",
    () => Buffer.alloc(0),
    (b: Buffer) => b,
    {},
    md,
  );
  // Each message is common.Data{bytes = 2}: count the payload bytes without a full decode.
  call.on("data", (b: Buffer) => total += b.length);
  call.on("error", reject);
  call.on("status", (s: { code: number }) => s.code === 0 ? resolve() : reject(s));
});
client.close();
console.log(total);
