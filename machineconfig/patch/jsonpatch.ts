// RFC 6902 JSON Patch over plain JSON values, with the semantics (and error texts) of the Go
// library talosctl uses: negative array indices count from the end, "replace" on a missing object
// key adds it, "test" compares structurally, "-" appends.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** One operation as decoded from the patch: every field is kept as given. */
export type Operation = { [key: string]: Json | undefined };

export class JsonPatchError extends Error {
  override name = "JsonPatchError";
}

type Container = { kind: "obj"; obj: JsonObject } | { kind: "ary"; ary: Json[] };

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function decodeKey(k: string): string {
  return k.replaceAll("~1", "/").replaceAll("~0", "~");
}

/** Go's strconv.Atoi, as far as patch paths go: an optional sign and decimal digits. */
function atoi(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) {
    throw new JsonPatchError(`strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  }
  return Number(s);
}

function wrap(v: Json | undefined): Container | null {
  if (Array.isArray(v)) return { kind: "ary", ary: v };
  if (isObject(v)) return { kind: "obj", obj: v };
  return null;
}

function invalidIndex(i: number): JsonPatchError {
  return new JsonPatchError(`Unable to access invalid index: ${i}: invalid index referenced`);
}

function get(c: Container, key: string): Json | undefined {
  if (c.kind === "obj") return Object.hasOwn(c.obj, key) ? c.obj[key] : undefined;
  let i = atoi(key);
  if (i < 0) {
    if (i < -c.ary.length) throw invalidIndex(i);
    i += c.ary.length;
  }
  if (i >= c.ary.length) throw invalidIndex(i);
  return c.ary[i];
}

function set(c: Container, key: string, v: Json): void {
  if (c.kind === "obj") {
    c.obj[key] = v;
    return;
  }
  let i = atoi(key);
  if (i < 0) {
    if (i < -c.ary.length) throw invalidIndex(i);
    i += c.ary.length;
  }
  if (i >= c.ary.length) throw invalidIndex(i);
  c.ary[i] = v;
}

function add(c: Container, key: string, v: Json): void {
  if (c.kind === "obj") {
    c.obj[key] = v;
    return;
  }
  if (key === "-") {
    c.ary.push(v);
    return;
  }
  let i: number;
  try {
    i = atoi(key);
  } catch (e) {
    throw new JsonPatchError(
      `value was not a proper array index: '${key}': ${(e as Error).message}`,
    );
  }
  const size = c.ary.length + 1;
  if (i >= size) throw invalidIndex(i);
  if (i < 0) {
    if (i < -size) throw invalidIndex(i);
    i += size;
  }
  c.ary.splice(i, 0, v);
}

function remove(c: Container, key: string): void {
  if (c.kind === "obj") {
    if (!Object.hasOwn(c.obj, key)) {
      throw new JsonPatchError(`Unable to remove nonexistent key: ${key}: missing value`);
    }
    delete c.obj[key];
    return;
  }
  let i = atoi(key);
  if (i >= c.ary.length) throw invalidIndex(i);
  if (i < 0) {
    if (i < -c.ary.length) throw invalidIndex(i);
    i += c.ary.length;
  }
  c.ary.splice(i, 1);
}

/** Walks to the parent of the last path segment; null when any step is missing. */
function findObject(root: Container, path: string): [Container, string] | null {
  const split = path.split("/");
  if (split.length < 2) return null;
  let doc = root;
  for (const part of split.slice(1, -1)) {
    let next: Json | undefined;
    try {
      next = get(doc, decodeKey(part));
    } catch {
      return null;
    }
    const c = wrap(next);
    if (c === null) return null;
    doc = c;
  }
  return [doc, decodeKey(split[split.length - 1])];
}

function field(op: Operation, name: string, what: string): string {
  const v = op[name];
  if (v === undefined || v === null) {
    throw new JsonPatchError(`${what}: missing value`);
  }
  if (typeof v !== "string") {
    throw new JsonPatchError(`json: cannot unmarshal ${jsonKind(v)} into Go value of type string`);
  }
  return v;
}

function jsonKind(v: Json): string {
  if (Array.isArray(v)) return "array";
  if (v === null) return "null";
  return typeof v === "object" ? "object" : typeof v;
}

function value(op: Operation): Json {
  const v = op.value;
  return v === undefined ? null : structuredClone(v);
}

/** Structural equality of JSON values. */
export function jsonEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length &&
      ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

function kindOf(op: Operation): string {
  return typeof op.op === "string" ? op.op : "unknown";
}

/** Applies the operations in order to a copy of `doc` and returns the result. */
export function applyJsonPatch(doc: Json, ops: Operation[]): Json {
  const rootHolder = wrap(structuredClone(doc));
  if (rootHolder === null) throw new JsonPatchError("json: document is not an object or array");
  let root: Container = rootHolder;
  for (const op of ops) {
    const kind = kindOf(op);
    switch (kind) {
      case "add": {
        const path = field(op, "path", "add operation failed to decode path");
        const found = findObject(root, path);
        if (!found) {
          throw new JsonPatchError(
            `add operation does not apply: doc is missing path: "${path}": missing value`,
          );
        }
        try {
          add(found[0], found[1], value(op));
        } catch (e) {
          throw new JsonPatchError(`error in add for path: '${path}': ${(e as Error).message}`);
        }
        break;
      }
      case "remove": {
        const path = field(op, "path", "remove operation failed to decode path");
        const found = findObject(root, path);
        if (!found) {
          throw new JsonPatchError(
            `remove operation does not apply: doc is missing path: "${path}": missing value`,
          );
        }
        try {
          remove(found[0], found[1]);
        } catch (e) {
          throw new JsonPatchError(`error in remove for path: '${path}': ${(e as Error).message}`);
        }
        break;
      }
      case "replace": {
        const path = field(
          op,
          "path",
          "replace operation failed to decode path: operation missing path field",
        );
        if (path === "") {
          const c = wrap(value(op));
          if (c === null) {
            throw new JsonPatchError("replace operation value must be object or array: <nil>");
          }
          root = c;
          break;
        }
        const found = findObject(root, path);
        if (!found) {
          throw new JsonPatchError(
            `replace operation does not apply: doc is missing path: ${path}: missing value`,
          );
        }
        try {
          get(found[0], found[1]);
        } catch {
          throw new JsonPatchError(
            `replace operation does not apply: doc is missing key: ${path}: missing value`,
          );
        }
        try {
          set(found[0], found[1], value(op));
        } catch (e) {
          throw new JsonPatchError(`error in remove for path: '${path}': ${(e as Error).message}`);
        }
        break;
      }
      case "move":
      case "copy": {
        const from = field(
          op,
          "from",
          `${kind} operation failed to decode from: operation, missing from field`,
        );
        const src = findObject(root, from);
        if (!src) {
          throw new JsonPatchError(
            `${kind} operation does not apply: doc is missing from path: ${from}: missing value`,
          );
        }
        let v: Json | undefined;
        try {
          v = get(src[0], src[1]);
          if (kind === "move") remove(src[0], src[1]);
        } catch (e) {
          const where = kind === "move" ? `move for path: '${src[1]}'` : `copy for from: '${from}'`;
          throw new JsonPatchError(`error in ${where}: ${(e as Error).message}`);
        }
        const path = field(op, "path", `${kind} operation failed to decode path`);
        const dst = findObject(root, path);
        if (!dst) {
          throw new JsonPatchError(
            `${kind} operation does not apply: doc is missing destination path: ${path}: missing value`,
          );
        }
        try {
          add(dst[0], dst[1], v === undefined ? null : structuredClone(v));
        } catch (e) {
          const where = kind === "move"
            ? `error in move for path: '${path}'`
            : "error while adding value during copy";
          throw new JsonPatchError(`${where}: ${(e as Error).message}`);
        }
        break;
      }
      case "test": {
        const path = field(
          op,
          "path",
          "test operation failed to decode path: operation missing path field",
        );
        let actual: Json | undefined;
        if (path === "") {
          actual = root.kind === "obj" ? root.obj : root.ary;
        } else {
          const found = findObject(root, path);
          if (!found) {
            throw new JsonPatchError(
              `test operation does not apply: is missing path: ${path}: missing value`,
            );
          }
          try {
            actual = get(found[0], found[1]);
          } catch (e) {
            throw new JsonPatchError(`error in test for path: '${path}': ${(e as Error).message}`);
          }
        }
        const expected = op.value;
        const ok = (actual === undefined || actual === null)
          ? expected === undefined || expected === null
          : expected !== undefined && jsonEqual(actual, expected);
        if (!ok) throw new JsonPatchError(`testing value ${path} failed: test failed`);
        break;
      }
      default:
        throw new JsonPatchError(`Unexpected kind: ${kind}`);
    }
  }
  return root.kind === "obj" ? root.obj : root.ary;
}
