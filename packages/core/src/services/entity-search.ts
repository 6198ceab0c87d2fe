import * as z from 'zod'
import { accessFieldRights, projectRecord, unreadableFields } from '../access/session-access.js'
import type { Filter } from '../filter/filter-types.js'
import { SEARCH_KEYS_FIELD, searchSourceBits } from '../search/search-document.js'
import type { SearchTier } from '../search/search-match.js'
import { searchFilters, searchTier } from '../search/search-match.js'
import { readableSearchModel, searchRowRank } from '../search/search-row-matcher.js'
import type { ParsedSearchQuery } from '../search/search-text.js'
import { parseSearchQuery } from '../search/search-text.js'
import { compareStringsByCodePoint } from '../storage/compare-storage-values.js'
import type { ModelScope } from '../storage/model-definition.js'
import { unstorableTextReason } from '../storage/storable-value.js'
import type { StorageOperations } from '../storage/storage-adapter.js'
import type { StorageFilter, StorageRow, StorageValue } from '../storage/storage-filter.js'
import type { EntityContext } from './entity-behaviour.js'
import { readFilters, storageScope } from './entity-scope.js'
import type { SearchOptions } from './list-options.js'
import { failValidation, toIssues } from './record-validation.js'

const MAX_QUERY_LENGTH = 1000

const searchOptionsSchema = z
  .object({
    where: z.unknown().optional(),
    limit: z.int().min(1).optional(),
    includeArchived: z.boolean().optional(),
  })
  .strict()

/**
 * Search over the entity's search fields, best match first, with the semantics of `@rapport/core/storage`'s
 * `parseSearchQuery()` and `rankSearchRows()` (see the search guide). A query that is not a string, is longer than
 * 1,000 characters or holds a NUL or a lone surrogate, and options that `list()` would also refuse (unknown keys,
 * a bad limit), fail with `VALIDATION_FAILED` on every adapter. Adapters without `search()` get the same results
 * from ordered `findMany` calls on the search columns.
 */
export async function searchRecords(
  ctx: EntityContext,
  query: string,
  options: SearchOptions,
): Promise<Record<string, unknown>[]> {
  const name = ctx.entity.name
  if (typeof query !== 'string' || query.length > MAX_QUERY_LENGTH) {
    failValidation(name, [
      {
        path: ['query'],
        message: `Expected a string of at most ${MAX_QUERY_LENGTH} characters`,
        code: 'invalid_type',
      },
    ])
  }
  const unstorable = unstorableTextReason(query)
  if (unstorable)
    failValidation(name, [{ path: ['query'], message: `The query ${unstorable}`, code: 'invalid_value' }])
  const parsed = searchOptionsSchema.safeParse(options ?? {})
  if (!parsed.success) failValidation(name, toIssues(parsed.error, ['options']))
  const limit = parsed.data.limit ?? 20
  if (limit > ctx.session.runtime.limits.maxPageSize) {
    failValidation(name, [
      {
        path: ['options', 'limit'],
        message: `At most ${ctx.session.runtime.limits.maxPageSize} results`,
        code: 'too_big',
      },
    ])
  }
  const terms = parseSearchQuery(query)
  if (terms.terms.length === 0 || ctx.entity.model.searchFields.length === 0) return []
  const session = ctx.session
  return session.read(async (ops) => {
    const filters = await readFilters(
      ctx,
      session,
      parsed.data.where as Filter | undefined,
      parsed.data.includeArchived ?? false,
    )
    const where: StorageFilter = { kind: 'and', filters }
    const scope = storageScope(ctx, session)
    // A search must never match or rank on a field the caller sees masked or not at all (it would reveal the value):
    // for such callers, a row counts, and ranks, only by its document rebuilt from the readable fields alone.
    const model = ctx.entity.model
    const unreadable = unreadableFields(accessFieldRights(session, name), model.searchFields)
    const fetchRanked = (filter: StorageFilter, count: number) =>
      session.runtime.storage.capabilities.fullTextSearch && ops.search
        ? ops.search({ ...scope, query, where: filter, limit: count })
        : searchByFilters(ops, scope, filter, terms, count)
    let rows: StorageRow[]
    const capabilities = session.runtime.storage.capabilities
    if (unreadable.length === 0) {
      rows = await fetchRanked(where, limit)
    } else {
      const readableFields = model.searchFields.filter((f) => !unreadable.includes(f))
      const readable = readableSearchModel(model, readableFields)
      if (readable.searchFields.length === 0) return []
      const search = ops.search?.bind(ops)
      // The adapter ranks by the readable fields' keys (their source bits): no over-fetch, no re-ranking here.
      rows =
        capabilities.fullTextSearch &&
        capabilities.readableSearch &&
        search &&
        searchSourceBits(model, readableFields) !== undefined
          ? await readableInOrder(
              (seen, count) =>
                search({ ...scope, query, where: excluding(where, seen), limit: count, readableFields }),
              searchRowRank(readable, terms),
              limit,
              session.runtime.limits.maxPageSize,
            )
          : await readableMatches(
              (seen, count) => fetchRanked(excluding(where, seen), count),
              searchRowRank(readable, terms),
              terms,
              limit,
              session.runtime.limits.maxPageSize,
            )
    }
    const rights = accessFieldRights(session, name)
    return rows.map((row) => projectRecord(ctx.entity.fromRow(row), rights, true))
  })
}

/** `where`, minus the rows already seen (ranking is a total order, so the rest comes back in the same order). */
function excluding(where: StorageFilter, seen: readonly StorageValue[]): StorageFilter {
  if (seen.length === 0) return where
  return {
    kind: 'and',
    filters: [where, { kind: 'in', ref: { field: 'id', type: 'string' }, values: seen, negate: true }],
  }
}

/**
 * The first `limit` rows by the caller's own ranking, from an adapter that ranks by the readable fields itself
 * (`SearchArgs.readableFields`): its rows come in that order, and any of them may still match only through fields
 * the caller may not read (its last tier is the whole document's match), so rows `readable` does not rank are
 * dropped, keeping the order, batch after batch (the first `limit` rows, then doubling up to `maxBatch`) until
 * `limit` rows are kept or none is left.
 */
async function readableInOrder(
  fetch: (seen: readonly StorageValue[], count: number) => Promise<StorageRow[]>,
  readable: (row: StorageRow) => SearchTier | undefined,
  limit: number,
  maxBatch: number,
): Promise<StorageRow[]> {
  const kept: StorageRow[] = []
  const seen: StorageValue[] = []
  for (let batch = limit; ; batch = Math.min(batch * 2, maxBatch)) {
    const rows = await fetch(seen, batch)
    for (const row of rows) {
      seen.push(row['id'] as StorageValue)
      if (readable(row) === undefined) continue
      kept.push(row)
      if (kept.length === limit) return kept
    }
    if (rows.length < batch) return kept
  }
}

/**
 * The first `limit` rows by the caller's own ranking: the rows `readable` ranks (rows matching only through a field
 * the caller may not read get none), by that rank, then id. The adapter ranks by the whole document, so it is read in
 * batches, each the ranked rows after those already seen, until the result is settled or no row is left: every row
 * still to come ranks after the last one read by the whole document, and a row's readable rank is never better than
 * its whole-document rank (its readable keys are some of its keys), so a kept row ranked before the last row read is
 * final. The first batch over-fetches 4 × `limit` rows (one round trip is cheaper than several small ones when
 * masked and readable matches interleave, as a masked email and a name often do), and each further batch doubles, up
 * to `maxBatch`.
 */
async function readableMatches(
  fetch: (seen: readonly StorageValue[], count: number) => Promise<StorageRow[]>,
  readable: (row: StorageRow) => SearchTier | undefined,
  query: ParsedSearchQuery,
  limit: number,
  maxBatch: number,
): Promise<StorageRow[]> {
  const kept: Ranked[] = []
  const seen: StorageValue[] = []
  for (let batch = Math.min(limit * 4, maxBatch); ; batch = Math.min(batch * 2, maxBatch)) {
    const rows = await fetch(seen, batch)
    let last: Ranked | undefined
    for (const row of rows) {
      const id = String(row['id'])
      seen.push(row['id'] as StorageValue)
      // A row without its stored keys cannot say its whole-document rank: take the best, so nothing settles early.
      last = { row, id, tier: typeof row[SEARCH_KEYS_FIELD] === 'string' ? searchTier(row, query) : 0 }
      const tier = readable(row)
      if (tier !== undefined) kept.push({ row, id, tier })
    }
    kept.sort(byRank)
    const settled =
      rows.length < batch ||
      (last !== undefined && kept.length >= limit && byRank(kept[limit - 1]!, last) < 0)
    if (settled) return kept.slice(0, limit).map((entry) => entry.row)
  }
}

/** A row with its rank. */
interface Ranked {
  readonly row: StorageRow
  readonly id: string
  readonly tier: SearchTier
}

function byRank(a: Ranked, b: Ranked): number {
  return a.tier - b.tier || compareStringsByCodePoint(a.id, b.id)
}

/**
 * `search()` for adapters without it: the matching rows of each rank in id order (exact key, then key prefix, then
 * the rest), until `limit` rows. The same rows, in the same order, as `rankSearchRows()`.
 */
async function searchByFilters(
  ops: StorageOperations,
  scope: ModelScope,
  where: StorageFilter,
  query: ParsedSearchQuery,
  limit: number,
): Promise<StorageRow[]> {
  const { match, exact, prefix } = searchFilters(query)
  const not = (filter: StorageFilter): StorageFilter => ({ kind: 'not', filter })
  const tiers: StorageFilter[] = [exact, { kind: 'and', filters: [prefix, not(exact)] }, not(prefix)]
  const rows: StorageRow[] = []
  for (const tier of tiers) {
    if (rows.length >= limit) break
    rows.push(
      ...(await ops.findMany({
        ...scope,
        where: { kind: 'and', filters: [where, match, tier] },
        orderBy: [{ ref: { field: 'id', type: 'string' }, direction: 'asc' }],
        limit: limit - rows.length,
      })),
    )
  }
  return rows
}
