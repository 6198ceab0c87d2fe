import { compareStringsByCodePoint } from '../storage/compare-storage-values.js'
import type { StorageFilter, StorageRow } from '../storage/storage-filter.js'
import { SEARCH_KEYS_FIELD, SEARCH_TERMS_FIELD } from './search-document.js'
import type { ParsedSearchQuery } from './search-text.js'

/** Search ranks: an exact key, then a key that starts with the query, then any other match. */
export type SearchTier = 0 | 1 | 2

/**
 * The needle the keys must contain for an exact match (`\nphrase|`: the key ends where its source bits begin) and for
 * a prefix match (`\nphrase`).
 */
export function searchTierNeedles(query: ParsedSearchQuery): {
  readonly exact: string
  readonly prefix: string
} {
  return { exact: `\n${query.phrase}|`, prefix: `\n${query.phrase}` }
}

/** The needles {@link SEARCH_TERMS_FIELD} must contain: ` term` for each term (some token starts with it). */
export function searchTermNeedles(query: ParsedSearchQuery): string[] {
  return query.terms.map((term) => ` ${term}`)
}

/**
 * True when a row's search document matches: every term starts one of its tokens, and every CJK run of the query
 * occurs in its keys. This is the whole matching semantics; SQL adapters use an index for the terms and then test
 * exactly this.
 */
export function matchesSearch(row: Readonly<StorageRow>, query: ParsedSearchQuery): boolean {
  if (query.terms.length === 0) return false
  const terms = row[SEARCH_TERMS_FIELD]
  const keys = row[SEARCH_KEYS_FIELD]
  if (typeof terms !== 'string' || typeof keys !== 'string') return false
  return (
    searchTermNeedles(query).every((needle) => terms.includes(needle)) &&
    query.runs.every((run) => keys.includes(run))
  )
}

/** The rank of a matching row: 0 when a key equals the query, 1 when a key starts with it, 2 otherwise. */
export function searchTier(row: Readonly<StorageRow>, query: ParsedSearchQuery): SearchTier {
  const keys = row[SEARCH_KEYS_FIELD]
  if (typeof keys !== 'string') return 2
  const { exact, prefix } = searchTierNeedles(query)
  return keys.includes(exact) ? 0 : keys.includes(prefix) ? 1 : 2
}

/**
 * The matching rows, best first: by {@link searchTier}, then by id (code point order). The reference ordering every
 * adapter's `search()` returns.
 *
 * @example
 * ```ts
 * rankSearchRows(rows, parseSearchQuery('Ada Lov')).slice(0, 20)
 * ```
 */
export function rankSearchRows(rows: Iterable<StorageRow>, query: ParsedSearchQuery): StorageRow[] {
  const scored: { row: StorageRow; tier: SearchTier }[] = []
  for (const row of rows) {
    if (matchesSearch(row, query)) scored.push({ row, tier: searchTier(row, query) })
  }
  scored.sort(
    (a, b) => a.tier - b.tier || compareStringsByCodePoint(String(a.row['id']), String(b.row['id'])),
  )
  return scored.map((entry) => entry.row)
}

function contains(field: string, value: string): StorageFilter {
  return { kind: 'text', ref: { field, type: 'string' }, op: 'contains', value, caseInsensitive: false }
}

/**
 * {@link matchesSearch} as a storage filter (plain `contains` tests on the two search columns), and the filters of
 * the first two tiers. Core uses them when an adapter has no `search()`: three ordered `findMany` calls then return
 * exactly what `search()` returns.
 */
export function searchFilters(query: ParsedSearchQuery): {
  readonly match: StorageFilter
  readonly exact: StorageFilter
  readonly prefix: StorageFilter
} {
  const { exact, prefix } = searchTierNeedles(query)
  return {
    match: {
      kind: 'and',
      filters: [
        ...searchTermNeedles(query).map((needle) => contains(SEARCH_TERMS_FIELD, needle)),
        ...query.runs.map((run) => contains(SEARCH_KEYS_FIELD, run)),
      ],
    },
    exact: contains(SEARCH_KEYS_FIELD, exact),
    prefix: contains(SEARCH_KEYS_FIELD, prefix),
  }
}
