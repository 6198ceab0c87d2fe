import { compareStorageValues, readFieldRef } from './compare-storage-values.js'
import { compileStorageFilter } from './evaluate-storage-filter.js'
import type { AggregateGroupRow, AggregateRowsArgs } from './grouped-aggregation.js'
import type { StorageOperations } from './storage-adapter.js'
import type { StorageFilter, StorageRow, StorageValue } from './storage-filter.js'

/** Options of {@link aggregateRowsByScan}. */
export interface AggregateScanOptions {
  /** Rows per `findMany` page (default 1000). Memory use is one page plus one running total per group. */
  readonly pageSize?: number
}

const ID = { field: 'id', type: 'string' } as const

/**
 * The reference implementation of {@link StorageOperations.aggregate} over `findMany`: core runs it when an adapter
 * cannot group in the database, the memory adapter uses it, and SQL adapters must return exactly what it returns. It
 * streams the rows in pages by id (a keyset), so it holds one page and one running total per group. Groups come
 * back sorted by their keys (`compareStorageValues`).
 *
 * @example
 * ```ts
 * const groups = await aggregateRowsByScan(storage, { model, schema, tenantId, where, groupBy: [], measures: [{ kind: 'count' }] })
 * ```
 */
export async function aggregateRowsByScan(
  ops: Pick<StorageOperations, 'findMany'>,
  args: AggregateRowsArgs,
  options: AggregateScanOptions = {},
): Promise<AggregateGroupRow[]> {
  const pageSize = options.pageSize ?? 1000
  // A bucket whose filter follows a relation (`exists`, `count`) cannot be decided from the row alone: the storage answers it,
  // once per page, for the page's ids. Relation-free buckets are evaluated in memory.
  const related = new Map<StorageFilter, Set<StorageValue>>()
  const keyOf = args.groupBy.map((key): ((row: StorageRow) => StorageValue) => {
    if (key.kind === 'field') return (row) => readFieldRef(row, key.ref)
    const tests = key.cases.map((filter): ((row: StorageRow) => boolean) => {
      if (followsRelation(filter)) return (row) => related.get(filter)?.has(row['id'] ?? null) === true
      return compileStorageFilter(filter, { related: () => [] })
    })
    return (row) => {
      const index = tests.findIndex((test) => test(row))
      return index === -1 ? tests.length : index
    }
  })
  const relationCases = args.groupBy.flatMap((key) =>
    key.kind === 'case' ? key.cases.filter((filter) => followsRelation(filter)) : [],
  )
  const groups = new Map<string, { keys: StorageValue[]; values: number[] }>()
  const groupId = (keys: readonly StorageValue[]) =>
    JSON.stringify(keys.map((k) => (k instanceof Date ? { at: k.getTime() } : k)))
  if (args.groupBy.length === 0) groups.set(groupId([]), { keys: [], values: args.measures.map(() => 0) })
  let after: StorageValue = null
  for (;;) {
    const where: StorageFilter =
      after === null
        ? args.where
        : { kind: 'and', filters: [args.where, { kind: 'compare', ref: ID, op: 'gt', value: after }] }
    const rows = await ops.findMany({
      model: args.model,
      tenantId: args.tenantId,
      schema: args.schema,
      where,
      orderBy: [{ ref: ID, direction: 'asc' }],
      limit: pageSize,
    })
    if (rows.length > 0) {
      const ids: StorageFilter = {
        kind: 'in',
        ref: ID,
        values: rows.map((row) => row['id'] ?? null),
        negate: false,
      }
      for (const filter of relationCases) {
        const matched = await ops.findMany({
          model: args.model,
          tenantId: args.tenantId,
          schema: args.schema,
          where: { kind: 'and', filters: [ids, filter] },
          orderBy: [{ ref: ID, direction: 'asc' }],
          limit: rows.length,
        })
        related.set(filter, new Set(matched.map((row) => row['id'] ?? null)))
      }
    }
    for (const row of rows) {
      const keys = keyOf.map((read) => read(row))
      const id = groupId(keys)
      let group = groups.get(id)
      if (!group) {
        group = { keys, values: args.measures.map(() => 0) }
        groups.set(id, group)
      }
      for (const [i, measure] of args.measures.entries()) {
        if (measure.kind === 'count') group.values[i] = (group.values[i] ?? 0) + 1
        else {
          const value = readFieldRef(row, measure.ref)
          if (typeof value === 'number') group.values[i] = (group.values[i] ?? 0) + value
        }
      }
    }
    const last = rows.at(-1)
    if (rows.length < pageSize || !last) break
    after = last['id'] ?? null
  }
  return sortGroups([...groups.values()])
}

/** Whether a filter holds an `exists` or `count` node anywhere. */
function followsRelation(filter: StorageFilter): boolean {
  switch (filter.kind) {
    case 'exists':
    case 'count':
      return true
    case 'and':
    case 'or':
      return filter.filters.some(followsRelation)
    case 'not':
      return followsRelation(filter.filter)
    default:
      return false
  }
}

/** Sorts groups by their keys, first key first, with the storage port's value order. */
export function sortGroups<G extends AggregateGroupRow>(groups: G[]): G[] {
  return groups.sort((a, b) => {
    for (let i = 0; i < a.keys.length; i++) {
      const c = compareStorageValues(a.keys[i], b.keys[i])
      if (c !== 0) return c
    }
    return 0
  })
}
