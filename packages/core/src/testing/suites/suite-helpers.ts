import type { CompileStorageFilterOptions } from '../../storage/evaluate-storage-filter.js'
import type {
  CompareOperator,
  FieldRef,
  StorageFilter,
  StorageRow,
  StorageValue,
  TextOperator,
} from '../../storage/storage-filter.js'
import { columnRef, resolveRelation } from '../conformance-context.js'
import type { ConformanceModelName } from '../conformance-schema.js'
import type { ConformanceContext } from '../conformance-types.js'

/** A `compare` node on a column (or a ready `FieldRef`) of `person` unless told otherwise. */
export function cmp(
  field: string | FieldRef,
  op: CompareOperator,
  value: StorageValue,
  model: ConformanceModelName = 'person',
): StorageFilter {
  return { kind: 'compare', ref: typeof field === 'string' ? columnRef(model, field) : field, op, value }
}

/** An `in` (or, negated, `nin`) node. */
export function within(
  field: string | FieldRef,
  values: readonly StorageValue[],
  negate = false,
  model: ConformanceModelName = 'person',
): StorageFilter {
  return { kind: 'in', ref: typeof field === 'string' ? columnRef(model, field) : field, values, negate }
}

/** A `text` node. */
export function text(
  field: string | FieldRef,
  op: TextOperator,
  value: string,
  caseInsensitive = false,
  model: ConformanceModelName = 'person',
): StorageFilter {
  return {
    kind: 'text',
    ref: typeof field === 'string' ? columnRef(model, field) : field,
    op,
    value,
    caseInsensitive,
  }
}

/** An `isNull` node. */
export function isNull(
  field: string | FieldRef,
  value = true,
  model: ConformanceModelName = 'person',
): StorageFilter {
  return { kind: 'isNull', ref: typeof field === 'string' ? columnRef(model, field) : field, isNull: value }
}

/** `and` of the given filters. */
export const and = (...filters: StorageFilter[]): StorageFilter => ({ kind: 'and', filters })
/** `or` of the given filters. */
export const or = (...filters: StorageFilter[]): StorageFilter => ({ kind: 'or', filters })
/** `not` of a filter. */
export const not = (filter: StorageFilter): StorageFilter => ({ kind: 'not', filter })
/** An `exists` node over a relation declared on `model`. */
export function exists(
  model: ConformanceModelName,
  relation: string,
  filter: StorageFilter = { kind: 'const', value: true },
): StorageFilter {
  return { kind: 'exists', relation: resolveRelation(model, relation), filter }
}

/** The ids of rows, as strings. */
export function idsOf(rows: readonly StorageRow[]): string[] {
  return rows.map((row) => String(row['id']))
}

/** Creates rows one by one through the adapter, in order. */
export async function createAll(
  ctx: ConformanceContext,
  model: ConformanceModelName,
  rows: readonly StorageRow[],
  tenantId = ctx.tenantId,
): Promise<void> {
  for (const data of rows) await ctx.storage.create({ ...ctx.scope(model, tenantId), data })
}

/**
 * The reference `related()` over rows the test holds itself (one tenant), for computing expected results with
 * `evaluateStorageFilter`.
 */
export function relatedIn(
  rowsByModel: Readonly<Record<string, readonly StorageRow[]>>,
): CompileStorageFilterOptions {
  return {
    related(relation, row) {
      const targets = rowsByModel[relation.model] ?? []
      if (relation.kind === 'direct') {
        const local = row[relation.localField]
        if (local === null || local === undefined) return []
        return targets.filter((target) => target[relation.relatedField] === local)
      }
      const joins = (rowsByModel[relation.through] ?? []).filter(
        (join) =>
          join[relation.throughFrom] === row['id'] &&
          Object.entries(relation.throughWhere).every(([field, value]) => join[field] === value),
      )
      return targets.filter((target) => joins.some((join) => join[relation.throughTo] === target['id']))
    },
  }
}

/** A small deterministic PRNG (mulberry32), so generated cases are reproducible from their seed on any runner. */
export function seededRandom(seed: number): {
  next(): number
  int(n: number): number
  pick<T>(items: readonly T[]): T
} {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number): number => Math.floor(next() * n)
  return { next, int, pick: <T>(items: readonly T[]): T => items[int(items.length)] as T }
}

/** Renders a filter for failure messages (Dates as ISO strings). */
export function showFilter(filter: StorageFilter): string {
  return JSON.stringify(filter, (_key, value: unknown) =>
    typeof value === 'object' && value !== null && 'kind' in value && 'model' in value && 'through' in value
      ? `<through ${(value as { model: string }).model}>`
      : value,
  )
}
