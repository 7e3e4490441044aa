// Bounded subset search shared by bank_payout (several payouts ↔ one bank line) and partial_payments (one order ↔ several payments).

export interface SubsetSearch {
  /** Largest subset tried (the rule set's subset_sum_max_items). Subsets have at least 2 items. */
  maxItems: number;
  /** Stop once this many subsets are found (bank_payout: 2, enough to know it is ambiguous). */
  limit?: number;
  /**
   * Keep only the subsets with the fewest items: once a subset of k items fits, nothing larger is explored and the
   * larger ones already found are dropped (partial_payments: two instalments before three).
   */
  fewestItems?: boolean;
}

/**
 * Subsets of `cands` (2..maxItems items) whose sum of `value` satisfies `fits`, depth-first in the order of `cands`
 * (callers pass a deterministic order), each subset listed in that order. A subset that fits is reported before its
 * extensions are explored. Visits at most Σ C(n, k), k = 1..maxItems, nodes for n candidates: the caller bounds n
 * (subset_sum_max_candidates), e.g. 21,679 subsets of 2..5 among 20.
 */
export function findSubsets<T>(cands: readonly T[], value: (c: T) => number, fits: (sum: number) => boolean, opts: SubsetSearch): T[][] {
  const limit = opts.limit ?? Number.POSITIVE_INFINITY;
  const found: T[][] = [];
  const pick: T[] = [];
  let depth = opts.maxItems;
  const dfs = (from: number, sum: number): void => {
    if (pick.length >= 2 && fits(sum)) {
      if (opts.fewestItems === true && pick.length < depth) {
        found.length = 0;
        depth = pick.length;
      }
      found.push([...pick]);
    }
    if (pick.length >= depth) return;
    for (let i = from; i < cands.length && found.length < limit; i++) {
      const c = cands[i] as T;
      pick.push(c);
      dfs(i + 1, sum + value(c));
      pick.pop();
    }
  };
  dfs(0, 0);
  return found.slice(0, limit);
}
