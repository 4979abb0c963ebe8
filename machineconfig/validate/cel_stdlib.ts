// The overloads of CEL's standard library as cel-go declares them for a default environment
// (cross-type numeric comparisons disabled), and the optional-type library Talos enables for
// its OOM expressions.

import {
  BOOL,
  BYTES,
  DOUBLE,
  DURATION,
  DYN,
  INT,
  list,
  mapOf,
  opt,
  type Overload,
  param,
  STRING,
  type T,
  TIMESTAMP,
  UINT,
} from "./cel_types.ts";

const A = param("A"), B = param("B");
const ORDERED = [BOOL, INT, UINT, DOUBLE, STRING, BYTES, TIMESTAMP, DURATION];
const same = (types: T[], result?: T): Overload[] => types.map((t) => [[t, t], result ?? t]);
const unary = (pairs: [T, T][]): Overload[] => pairs.map(([a, r]) => [[a], r]);

const TIME_ACCESSORS = [
  "getFullYear",
  "getMonth",
  "getDayOfYear",
  "getDayOfMonth",
  "getDate",
  "getDayOfWeek",
  "getHours",
  "getMinutes",
  "getSeconds",
  "getMilliseconds",
];

const STD: Record<string, Overload[]> = {
  "_?_:_": [[[BOOL, A, A], A]],
  "_&&_": [[[BOOL, BOOL], BOOL]],
  "_||_": [[[BOOL, BOOL], BOOL]],
  "!_": [[[BOOL], BOOL]],
  "_==_": [[[A, A], BOOL]],
  "_!=_": [[[A, A], BOOL]],
  "_+_": [
    [[BYTES, BYTES], BYTES],
    [[DOUBLE, DOUBLE], DOUBLE],
    [[DURATION, DURATION], DURATION],
    [[DURATION, TIMESTAMP], TIMESTAMP],
    [[TIMESTAMP, DURATION], TIMESTAMP],
    [[INT, INT], INT],
    [[list(A), list(A)], list(A)],
    [[STRING, STRING], STRING],
    [[UINT, UINT], UINT],
  ],
  "_-_": [
    [[DOUBLE, DOUBLE], DOUBLE],
    [[DURATION, DURATION], DURATION],
    [[INT, INT], INT],
    [[TIMESTAMP, DURATION], TIMESTAMP],
    [[TIMESTAMP, TIMESTAMP], DURATION],
    [[UINT, UINT], UINT],
  ],
  "_*_": same([DOUBLE, INT, UINT]),
  "_/_": same([DOUBLE, INT, UINT]),
  "_%_": same([INT, UINT]),
  "-_": unary([[DOUBLE, DOUBLE], [INT, INT]]),
  "_<_": same(ORDERED, BOOL),
  "_<=_": same(ORDERED, BOOL),
  "_>_": same(ORDERED, BOOL),
  "_>=_": same(ORDERED, BOOL),
  "_[_]": [[[list(A), INT], A], [[mapOf(A, B), A], B]],
  "@in": [[[A, list(A)], BOOL], [[A, mapOf(A, B)], BOOL]],
  size: [BYTES, list(A), mapOf(A, B), STRING].flatMap((t): Overload[] => [
    [[t], INT],
    [[t], INT, true],
  ]),
  type: [[[A], { k: "type", t: A }]],
  bool: unary([[BOOL, BOOL], [STRING, BOOL]]),
  bytes: unary([[BYTES, BYTES], [STRING, BYTES]]),
  double: unary([[DOUBLE, DOUBLE], [INT, DOUBLE], [STRING, DOUBLE], [UINT, DOUBLE]]),
  duration: unary([[DURATION, DURATION], [STRING, DURATION]]),
  dyn: [[[A], DYN]],
  int: unary([
    [INT, INT],
    [DOUBLE, INT],
    [DURATION, INT],
    [STRING, INT],
    [TIMESTAMP, INT],
    [UINT, INT],
  ]),
  string: unary([
    [STRING, STRING],
    [BOOL, STRING],
    [BYTES, STRING],
    [DOUBLE, STRING],
    [DURATION, STRING],
    [INT, STRING],
    [TIMESTAMP, STRING],
    [UINT, STRING],
  ]),
  timestamp: unary([[TIMESTAMP, TIMESTAMP], [INT, TIMESTAMP], [STRING, TIMESTAMP]]),
  uint: unary([[UINT, UINT], [DOUBLE, UINT], [INT, UINT], [STRING, UINT]]),
  contains: [[[STRING, STRING], BOOL, true]],
  endsWith: [[[STRING, STRING], BOOL, true]],
  startsWith: [[[STRING, STRING], BOOL, true]],
  matches: [[[STRING, STRING], BOOL], [[STRING, STRING], BOOL, true]],
  ...Object.fromEntries(TIME_ACCESSORS.map((f): [string, Overload[]] => [f, [
    [[TIMESTAMP], INT, true],
    [[TIMESTAMP, STRING], INT, true],
    [[DURATION], INT, true],
  ]])),
};

const OPTIONAL: Record<string, Overload[]> = {
  "optional.of": [[[A], opt(A)]],
  "optional.ofNonZeroValue": [[[A], opt(A)]],
  "optional.none": [[[], opt(DYN)]],
  hasValue: [[[opt(A)], BOOL, true]],
  value: [[[opt(A)], A, true]],
  orValue: [[[opt(A), A], A, true]],
  or: [[[opt(A), opt(A)], opt(A), true]],
};

/** The standard overloads of `fn` (plus the optional library when enabled). */
export function stdOverloads(fn: string, optional: boolean): Overload[] | undefined {
  return STD[fn] ?? (optional ? OPTIONAL[fn] : undefined);
}
