import { assertEquals } from "../tests/assert.ts";
import { goSort, goSortFunc } from "./sort.ts";

// Expected orders were printed by Go's own sort.Sort (go1.19, whose xorshift has the shifts
// slices.SortFunc still uses) sorting the same keys in descending order; the numbers are the
// original positions of the elements.

const descending = (a: { k: number }, b: { k: number }) => (a.k > b.k ? -1 : a.k < b.k ? 1 : 0);
const order = (keys: number[], sort: (items: { k: number; i: number }[]) => unknown) => {
  const items = keys.map((k, i) => ({ k, i }));
  sort(items);
  return items.map((x) => x.i);
};

Deno.test("goSortFunc leaves equal elements where Go's pdqsort does (pattern breaking included)", () => {
  const cases: [number[], number[]][] = [
    [[1, 1, 0, 1, 0, 1, 0, 0, 0, 1, 1, 1, 1, 0], [9, 10, 12, 3, 11, 5, 1, 0, 6, 7, 8, 4, 2, 13]],
    [
      [0, 0, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 1, 1],
      [12, 7, 9, 16, 4, 17, 6, 2, 5, 1, 3, 11, 0, 13, 14, 15, 10, 8],
    ],
    [
      [0, 2, 1, 1, 0, 2, 2, 2, 2, 1, 2, 2, 2, 2, 0, 1, 0, 1, 0],
      [12, 13, 8, 1, 10, 5, 6, 7, 11, 2, 3, 15, 17, 9, 18, 4, 0, 14, 16],
    ],
  ];
  for (const [keys, want] of cases) {
    assertEquals(order(keys, (items) => goSortFunc(items, descending)), want);
  }
});

Deno.test("goSort: up to 12 elements is an insertion sort (stable), beyond that it is not", () => {
  const small = [3, 1, 3, 2, 1, 3, 0, 2, 1, 3, 2, 1];
  assertEquals(
    order(small, (items) => goSort(items, (a, b) => a.k > b.k)),
    order(small, (items) => items.sort((a, b) => b.k - a.k)),
  );
  // 25 processes, 16 of them kernel threads with no resident memory: talosctl ps's order.
  const rss = [83, 15, 44, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 40, 29, 161, 444, 98, 1];
  assertEquals(
    order(rss, (items) => goSort(items, (a, b) => a.k > b.k)),
    [22, 21, 23, 0, 2, 19, 20, 1, 24, 12, 16, 11, 9, 13, 14, 15, 10, 17, 18, 8, 7, 6, 5, 4, 3],
  );
});
