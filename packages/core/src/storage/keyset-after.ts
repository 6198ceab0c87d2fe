import type { StorageFilter, StorageOrderBy, StorageValue } from './storage-filter.js'

/**
 * The `after` node: rows strictly after the position `values` in the ordering `orderBy`, with the storage port's
 * null placement (nulls first ascending, last descending). Keyset pages and the order-summary fallback scan resume
 * with it; SQL adapters compile it to a row-value comparison `(k1, k2, …) > (v1, v2, …)` that the planner serves
 * as one index range, where the equivalent disjunction of {@link expandKeysetAfter} made it scan.
 *
 * @example
 * ```ts
 * const where = keysetAfter([{ ref: { field: 'updatedAt', type: 'datetime' }, direction: 'desc' }, { ref: { field: 'id', type: 'string' }, direction: 'desc' }], [last.updatedAt, last.id])
 * ```
 */
export function keysetAfter(
  orderBy: readonly StorageOrderBy[],
  values: readonly StorageValue[],
): StorageFilter {
  return { kind: 'after', orderBy, values }
}

/**
 * The meaning of an `after` node in the other node kinds: `(k1 after v1) or (k1 = v1 and k2 after v2) or …`, where
 * "after" honours the null placement. Adapters without a faster form evaluate this; the in-memory evaluator does, so
 * it is the reference every adapter is tested against.
 */
export function expandKeysetAfter(
  orderBy: readonly StorageOrderBy[],
  values: readonly StorageValue[],
): StorageFilter {
  const branches: StorageFilter[] = []
  for (let i = 0; i < orderBy.length; i++) {
    const equalities: StorageFilter[] = []
    for (let j = 0; j < i; j++) equalities.push(equals(orderBy[j] as StorageOrderBy, values[j] ?? null))
    const after = strictlyAfter(orderBy[i] as StorageOrderBy, values[i] ?? null)
    if (after.kind === 'const' && !after.value) continue
    branches.push({ kind: 'and', filters: [...equalities, after] })
  }
  return { kind: 'or', filters: branches }
}

function equals({ ref }: StorageOrderBy, value: StorageValue): StorageFilter {
  return value === null ? { kind: 'isNull', ref, isNull: true } : { kind: 'compare', ref, op: 'eq', value }
}

function strictlyAfter(order: StorageOrderBy, value: StorageValue): StorageFilter {
  const { ref, direction } = order
  if (direction === 'asc') {
    // Nulls come first ascending: after a null come all non-nulls; after a value come the greater ones.
    return value === null ? { kind: 'isNull', ref, isNull: false } : { kind: 'compare', ref, op: 'gt', value }
  }
  // Nulls come last descending: nothing follows a null; after a value come smaller values and then the nulls.
  if (value === null) return { kind: 'const', value: false }
  return {
    kind: 'or',
    filters: [
      { kind: 'compare', ref, op: 'lt', value },
      { kind: 'isNull', ref, isNull: true },
    ],
  }
}
