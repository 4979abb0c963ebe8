// Go's unstable sorts, reproduced step for step so that equal elements end up in the order Go
// leaves them: sort.Sort / sort.Slice and slices.SortFunc are pattern-defeating quicksorts
// (insertion sort up to 12 elements, ninther pivots, heapsort fallback) whose only randomness is
// a xorshift generator seeded with the length. The two packages differ in the xorshift shifts
// alone. JavaScript's Array.prototype.sort is stable, so a listing sorted by a key with ties
// (processes with the same RSS) would come out in another order than talosctl's.

type Less = (i: number, j: number) => boolean;

interface Data {
  less: Less;
  swap(i: number, j: number): void;
  /** One step of the package's xorshift generator. */
  next(state: { r: bigint }): bigint;
}

const U64 = (1n << 64n) - 1n;

/** sort's generator: shifts 13, 7, 17. */
function nextSort(s: { r: bigint }): bigint {
  s.r ^= (s.r << 13n) & U64;
  s.r ^= s.r >> 7n;
  s.r ^= (s.r << 17n) & U64;
  return s.r;
}

/** slices' generator: shifts 13, 17, 5. */
function nextSlices(s: { r: bigint }): bigint {
  s.r ^= (s.r << 13n) & U64;
  s.r ^= s.r >> 17n;
  s.r ^= (s.r << 5n) & U64;
  return s.r;
}

/** math/bits.Len for a non-negative int: the number of bits needed to hold it. */
function bitsLen(n: number): number {
  return n === 0 ? 0 : Math.floor(Math.log2(n)) + 1;
}

function insertion(d: Data, a: number, b: number): void {
  for (let i = a + 1; i < b; i++) {
    for (let j = i; j > a && d.less(j, j - 1); j--) d.swap(j, j - 1);
  }
}

function siftDown(d: Data, lo: number, hi: number, first: number): void {
  let root = lo;
  for (;;) {
    let child = 2 * root + 1;
    if (child >= hi) return;
    if (child + 1 < hi && d.less(first + child, first + child + 1)) child++;
    if (!d.less(first + root, first + child)) return;
    d.swap(first + root, first + child);
    root = child;
  }
}

function heap(d: Data, a: number, b: number): void {
  const hi = b - a;
  for (let i = Math.trunc((hi - 1) / 2); i >= 0; i--) siftDown(d, i, hi, a);
  for (let i = hi - 1; i >= 0; i--) {
    d.swap(a, a + i);
    siftDown(d, 0, i, a);
  }
}

const UNKNOWN = 0, INCREASING = 1, DECREASING = 2;

function choosePivot(d: Data, a: number, b: number): [number, number] {
  const l = b - a;
  const counter = { swaps: 0 };
  const q = Math.trunc(l / 4);
  let i = a + q, j = a + q * 2, k = a + q * 3;
  // Index of the median of three, counting the swaps a sorting network would make.
  const median = (x: number, y: number, z: number): number => {
    if (d.less(y, x)) {
      [x, y] = [y, x];
      counter.swaps++;
    }
    if (d.less(z, y)) {
      [y, z] = [z, y];
      counter.swaps++;
    }
    if (d.less(y, x)) {
      [x, y] = [y, x];
      counter.swaps++;
    }
    return y;
  };
  if (l >= 8) {
    if (l >= 50) {
      i = median(i - 1, i, i + 1);
      j = median(j - 1, j, j + 1);
      k = median(k - 1, k, k + 1);
    }
    j = median(i, j, k);
  }
  if (counter.swaps === 0) return [j, INCREASING];
  if (counter.swaps === 12) return [j, DECREASING];
  return [j, UNKNOWN];
}

function reverseRange(d: Data, a: number, b: number): void {
  for (let i = a, j = b - 1; i < j; i++, j--) d.swap(i, j);
}

/** Shifts a few out-of-order neighbours into place; true when data[a:b] ends up sorted. */
function partialInsertion(d: Data, a: number, b: number): boolean {
  let i = a + 1;
  for (let step = 0; step < 5; step++) {
    while (i < b && !d.less(i, i - 1)) i++;
    if (i === b) return true;
    if (b - a < 50) return false;
    d.swap(i, i - 1);
    if (i - a >= 2) {
      for (let j = i - 1; j >= 1; j--) {
        if (!d.less(j, j - 1)) break;
        d.swap(j, j - 1);
      }
    }
    if (b - i >= 2) {
      for (let j = i + 1; j < b; j++) {
        if (!d.less(j, j - 1)) break;
        d.swap(j, j - 1);
      }
    }
  }
  return false;
}

function breakPatterns(d: Data, a: number, b: number): void {
  const length = b - a;
  if (length < 8) return;
  const state = { r: BigInt(length) };
  const mask = BigInt(2 ** bitsLen(length) - 1);
  const middle = a + Math.trunc(length / 4) * 2;
  for (let idx = middle - 1; idx <= middle + 1; idx++) {
    let other = Number(d.next(state) & mask);
    if (other >= length) other -= length;
    d.swap(idx, a + other);
  }
}

/** Elements equal to the pivot first; returns where the greater ones start. */
function partitionEqual(d: Data, a: number, b: number, pivot: number): number {
  d.swap(a, pivot);
  let i = a + 1, j = b - 1;
  for (;;) {
    while (i <= j && !d.less(a, i)) i++;
    while (i <= j && d.less(a, j)) j--;
    if (i > j) return i;
    d.swap(i, j);
    i++;
    j--;
  }
}

function partition(d: Data, a: number, b: number, pivot: number): [number, boolean] {
  d.swap(a, pivot);
  let i = a + 1, j = b - 1;
  while (i <= j && d.less(i, a)) i++;
  while (i <= j && !d.less(j, a)) j--;
  if (i > j) {
    d.swap(j, a);
    return [j, true];
  }
  d.swap(i, j);
  i++;
  j--;
  for (;;) {
    while (i <= j && d.less(i, a)) i++;
    while (i <= j && !d.less(j, a)) j--;
    if (i > j) break;
    d.swap(i, j);
    i++;
    j--;
  }
  d.swap(j, a);
  return [j, false];
}

function pdq(d: Data, a: number, b: number, limit: number): void {
  let balanced = true, partitioned = true;
  for (;;) {
    const length = b - a;
    if (length <= 12) return insertion(d, a, b);
    if (limit === 0) return heap(d, a, b);
    if (!balanced) {
      breakPatterns(d, a, b);
      limit--;
    }
    let [pivot, hint] = choosePivot(d, a, b);
    if (hint === DECREASING) {
      reverseRange(d, a, b);
      pivot = (b - 1) - (pivot - a);
      hint = INCREASING;
    }
    if (balanced && partitioned && hint === INCREASING && partialInsertion(d, a, b)) return;
    if (a > 0 && !d.less(a - 1, pivot)) {
      a = partitionEqual(d, a, b, pivot);
      continue;
    }
    const [mid, already] = partition(d, a, b, pivot);
    partitioned = already;
    const left = mid - a, right = b - mid;
    const threshold = Math.trunc(length / 8);
    if (left < right) {
      balanced = left >= threshold;
      pdq(d, a, mid, limit);
      a = mid + 1;
    } else {
      balanced = right >= threshold;
      pdq(d, mid + 1, b, limit);
      b = mid;
    }
  }
}

function run<T>(items: T[], less: (x: T, y: T) => boolean, next: Data["next"]): T[] {
  const d: Data = {
    less: (i, j) => less(items[i], items[j]),
    swap: (i, j) => {
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    },
    next,
  };
  if (items.length > 1) pdq(d, 0, items.length, bitsLen(items.length));
  return items;
}

/** Go's sort.Sort (and sort.Slice) with this Less, in place; returns `items`. */
export function goSort<T>(items: T[], less: (x: T, y: T) => boolean): T[] {
  return run(items, less, nextSort);
}

/** Go's slices.SortFunc with this cmp, in place; returns `items`. */
export function goSortFunc<T>(items: T[], cmp: (x: T, y: T) => number): T[] {
  return run(items, (x, y) => cmp(x, y) < 0, nextSlices);
}

/** Go's string order (sort.Strings, slices.Sort): bytewise on UTF-8, i.e. by code point. */
export function goCompareStrings(a: string, b: string): number {
  const x = [...a], y = [...b];
  for (let i = 0; i < x.length && i < y.length; i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}
