// The order Go's YAML encoders sort string map keys in (keyList.Less): letters compare by code
// point and sort after non-letters, runs of digits compare by numeric value ("a9" < "a10").
// yaml.v3 adds one rule that yaml.v2 lacks: after a shared digit, a letter sorts before a digit
// ("1a" < "10").

const isDigit = (c: string | undefined) => c !== undefined && /^\p{Nd}$/u.test(c);
const isLetter = (c: string) => /^\p{L}$/u.test(c);
const cp = (c: string) => c.codePointAt(0)!;
/** Go's int64 arithmetic, which wraps on overflow. */
const i64 = (n: bigint) => BigInt.asIntN(64, n);

export interface KeyOrderOptions {
  /** yaml.v2's order (no letter-before-digit rule after a shared digit). */
  v2?: boolean;
}

/** a sorts before b. */
export function goKeyLess(a: string, b: string, opts: KeyOrderOptions = {}): boolean {
  const ar = [...a], br = [...b];
  let digits = false;
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) {
      digits = isDigit(ar[i]);
      continue;
    }
    const al = isLetter(ar[i]), bl = isLetter(br[i]);
    if (al && bl) return cp(ar[i]) < cp(br[i]);
    if (al || bl) return digits && !opts.v2 ? al : bl;
    let an = 0n, bn = 0n;
    if (ar[i] === "0" || br[i] === "0") {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== "0") {
          an = bn = 1n;
          break;
        }
      }
    }
    let ai = i, bi = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = i64(an * 10n + BigInt(cp(ar[ai]) - 48));
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = i64(bn * 10n + BigInt(cp(br[bi]) - 48));
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return cp(ar[i]) < cp(br[i]);
  }
  return ar.length < br.length;
}

/** Compare function for Array.prototype.sort in Go's key order. */
export function compareGoKeys(x: string, y: string, opts: KeyOrderOptions = {}): number {
  return goKeyLess(x, y, opts) ? -1 : goKeyLess(y, x, opts) ? 1 : 0;
}

/** The keys of a map[string]T in the order Go's YAML encoder writes them. */
export function sortGoKeys(keys: string[], opts: KeyOrderOptions = {}): string[] {
  return [...keys].sort((x, y) => compareGoKeys(x, y, opts));
}
