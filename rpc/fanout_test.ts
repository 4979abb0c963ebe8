import { assertEquals, assertRejects } from "../tests/assert.ts";
import { Code } from "@connectrpc/connect";
import { streamBytes } from "./fanout.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

function msg(text: string, error = "", code?: Code) {
  return {
    bytes: enc.encode(text),
    metadata: error === "" && code === undefined ? undefined : {
      hostname: "",
      error,
      status: code === undefined ? undefined : { code, message: error, details: [] },
      $typeName: "common.Metadata",
    },
  } as unknown as Parameters<typeof streamBytes>[0] extends AsyncIterable<infer M> ? M : never;
}

async function* stream(...ms: ReturnType<typeof msg>[]) {
  yield* ms;
}

async function read(s: AsyncIterable<Uint8Array>): Promise<string> {
  let out = "";
  for await (const b of s) out += dec.decode(b);
  return out;
}

Deno.test("streamBytes: bytes up to the end; a cancelled stream ends as if complete", async () => {
  assertEquals(await read(streamBytes(stream(msg("ab"), msg(""), msg("c")))), "abc");
  assertEquals(
    await read(streamBytes(stream(msg("ab"), msg("c", "cancelled", Code.Canceled), msg("x")))),
    "abc",
  );
});

Deno.test("streamBytes: an in-band error comes after its message's bytes", async () => {
  let got = "";
  const err = await assertRejects(async () => {
    for await (const b of streamBytes(stream(msg("ab"), msg("c", "lstat /x: denied")))) {
      got += dec.decode(b);
    }
  });
  assertEquals([got, err.message], ["abc", "lstat /x: denied"]);
  await assertRejects(
    () => read(streamBytes(stream(msg("", "gone", Code.Unknown)))),
    "gone",
  );
});
