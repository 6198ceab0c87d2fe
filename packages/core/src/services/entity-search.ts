import * as z from 'zod'
import { accessFieldRights, projectRecord, unreadableFields } from '../access/session-access.js'
import type { Filter } from '../filter/filter-types.js'
import { searchFilters } from '../search/search-match.js'
import { searchRowMatcher } from '../search/search-row-matcher.js'
import type { ParsedSearchQuery } from '../search/search-text.js'
import { parseSearchQuery } from '../search/search-text.js'
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
    // A search must never match on a field the caller sees masked or not at all (it would reveal the value): for such
    // callers, a row counts only when the query matches its document rebuilt from the readable fields alone.
    const model = ctx.entity.model
    const unreadable = unreadableFields(accessFieldRights(session, name), model.searchFields)
    const fetchRanked = (filter: StorageFilter, count: number) =>
      session.runtime.storage.capabilities.fullTextSearch && ops.search
        ? ops.search({ ...scope, query, where: filter, limit: count })
        : searchByFilters(ops, scope, filter, terms, count)
    let rows: StorageRow[]
    if (unreadable.length === 0) {
      rows = await fetchRanked(where, limit)
    } else {
      const readable = {
        searchFields: model.searchFields.filter((f) => !unreadable.includes(f)),
        searchPhrases: (model.searchPhrases ?? []).filter((p) => p.every((f) => !unreadable.includes(f))),
      }
      rows = await readableMatches(
        (seen, count) => fetchRanked(excluding(where, seen), count),
        searchRowMatcher(readable, terms),
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
 * The first `limit` ranked rows that `readable` accepts. Rows matching only through a field the caller may not read
 * are dropped, and the ranked rows after those already seen are fetched until `limit` rows are kept or none are left;
 * a fixed over-fetch would return too few rows whenever more matches than it came from unreadable fields. The first
 * batch over-fetches 4 × `limit` rows (one round trip is cheaper than several small ones when masked and readable
 * matches interleave, as a masked email and a name often do), and each further batch doubles, up to `maxBatch`.
 */
async function readableMatches(
  fetch: (seen: readonly StorageValue[], count: number) => Promise<StorageRow[]>,
  readable: (row: StorageRow) => boolean,
  limit: number,
  maxBatch: number,
): Promise<StorageRow[]> {
  const kept: StorageRow[] = []
  const seen: StorageValue[] = []
  for (let batch = Math.min(limit * 4, maxBatch); ; batch = Math.min(batch * 2, maxBatch)) {
    const rows = await fetch(seen, batch)
    for (const row of rows) {
      seen.push(row['id'] as StorageValue)
      if (readable(row)) kept.push(row)
      if (kept.length === limit) return kept
    }
    if (rows.length < batch) return kept
  }
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
