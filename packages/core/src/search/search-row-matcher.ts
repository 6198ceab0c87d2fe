import { compareStringsByCodePoint } from '../storage/compare-storage-values.js'
import type { ModelDefinition } from '../storage/model-definition.js'
import type { StorageRow } from '../storage/storage-filter.js'
import { forEachSearchValue, searchDocument } from './search-document.js'
import type { SearchTier } from './search-match.js'
import { matchesSearch, searchTier } from './search-match.js'
import type { ParsedSearchQuery } from './search-text.js'
import { addSearchTokens, normalizeSearchText, phoneDigits } from './search-text.js'

/** At most this many terms and runs fit one bitmask of satisfied conditions; longer queries take the slow path. */
const MAX_MASK_CONDITIONS = 31
/** A memo forgets past this many distinct values, so one long scan cannot hold every string it read. */
const MAX_MEMO_ENTRIES = 4096

/**
 * A test equal to `matchesSearch({ ...row, ...searchDocument(model, row) }, query)` (the row found by `model`'s search
 * fields and phrases, not by its stored search columns), without building the document. Each normalised value of the
 * row is reduced to the query's conditions it satisfies (a term starting one of its tokens, a CJK run inside its
 * key), memoised per value, and the row matches when its values together satisfy all of them: the document's tokens
 * and keys are the union of its values'. Values repeat across the rows of one search (a surname, a company), so a
 * value is normalised and tokenised once per matcher.
 *
 * Core and the SQL adapters use it to re-check search results against the fields a caller may read.
 *
 * @example
 * ```ts
 * const readable = searchRowMatcher({ searchFields: ['firstName', 'lastName'] }, parseSearchQuery('ada'))
 * readable({ firstName: 'Ada', emailAddresses: ['x@y.example'] }) // true
 * ```
 */
export function searchRowMatcher(
  model: Pick<ModelDefinition, 'searchFields' | 'searchPhrases'>,
  query: ParsedSearchQuery,
): (row: Readonly<StorageRow>) => boolean {
  if (query.terms.length === 0) return () => false
  const conditions = query.terms.length + query.runs.length
  if (conditions > MAX_MASK_CONDITIONS) {
    return (row) => matchesSearch({ ...row, ...searchDocument(model, row) }, query)
  }
  const all = 2 ** conditions - 1
  const satisfied = new Map<string, number>()
  const conditionsOf = (value: string): number => {
    let mask = satisfied.get(value)
    if (mask !== undefined) return mask
    mask = 0
    const tokens = new Set<string>()
    addSearchTokens(value, tokens)
    for (const [i, term] of query.terms.entries()) {
      for (const token of tokens) {
        if (token.startsWith(term)) {
          mask |= 1 << i
          break
        }
      }
    }
    // Runs are CJK text: the value's key (its digits, for a phone number) holds one exactly when the value does.
    for (const [i, run] of query.runs.entries())
      if (value.includes(run)) mask |= 1 << (query.terms.length + i)
    if (satisfied.size >= MAX_MEMO_ENTRIES) satisfied.clear()
    satisfied.set(value, mask)
    return mask
  }
  // A phrase of search fields joined by spaces adds no token and no key text its parts lack (they are values of the
  // row themselves), unless the joined text reads as a phone number (its digits are new tokens): skip it then.
  const fields = new Set(model.searchFields)
  const partsAreFields = (model.searchPhrases ?? []).every((p) => p.every((f) => fields.has(f)))
  return (row) => {
    let mask = 0
    forEachSearchValue(model, row, normalize, (value, parts) => {
      if (parts && partsAreFields && isSpaced(value, parts) && phoneDigits(value) === undefined) return false
      mask |= conditionsOf(value)
      return mask === all
    })
    return mask === all
  }
}

/**
 * {@link searchRowMatcher} and the rank: for a matching row, `searchTier()` of its search document rebuilt from
 * `model`'s fields and phrases (0 when one of those values' keys equals the query's phrase, 1 when one starts with it,
 * 2 otherwise); `undefined` for a row that does not match. Core ranks a caller's results by it when some search
 * fields are hidden or masked from them, so a row never sorts by a key the caller may not read.
 *
 * @example
 * ```ts
 * const rank = searchRowRank({ searchFields: ['firstName'] }, parseSearchQuery('ada'))
 * rank({ firstName: 'Ada', emailAddresses: ['ada'] }) // 0
 * ```
 */
export function searchRowRank(
  model: Pick<ModelDefinition, 'searchFields' | 'searchPhrases'>,
  query: ParsedSearchQuery,
): (row: Readonly<StorageRow>) => SearchTier | undefined {
  const matches = searchRowMatcher(model, query)
  if (query.terms.length + query.runs.length > MAX_MASK_CONDITIONS) {
    return (row) => {
      const document = { ...row, ...searchDocument(model, row) }
      return matchesSearch(document, query) ? searchTier(document, query) : undefined
    }
  }
  const phrase = query.phrase
  return (row) => {
    if (!matches(row)) return undefined
    let tier: SearchTier = 2
    forEachSearchValue(model, row, normalize, (value) => {
      const key = phoneDigits(value) ?? value
      if (key === phrase) tier = 0
      else if (tier === 2 && key.startsWith(phrase)) tier = 1
      return tier === 0
    })
    return tier
  }
}

/**
 * The search fields and phrases of `model` a caller may read: the `readable` fields, and the phrases made only of
 * them. What a masked caller's search matches and ranks through.
 */
export function readableSearchModel(
  model: Pick<ModelDefinition, 'searchFields' | 'searchPhrases'>,
  readable: readonly string[],
): Pick<ModelDefinition, 'searchFields' | 'searchPhrases'> {
  const fields = new Set(readable)
  return {
    searchFields: model.searchFields.filter((f) => fields.has(f)),
    searchPhrases: (model.searchPhrases ?? []).filter((p) => p.every((f) => fields.has(f))),
  }
}

/**
 * The reference ranking of a search through some fields only (`SearchArgs.readableFields`): the rows matching through
 * those fields, by {@link searchRowRank}, then id. What the memory adapter's `search()` returns.
 */
export function rankReadableSearchRows(
  rows: Iterable<StorageRow>,
  model: Pick<ModelDefinition, 'searchFields' | 'searchPhrases'>,
  readable: readonly string[],
  query: ParsedSearchQuery,
): StorageRow[] {
  const rank = searchRowRank(readableSearchModel(model, readable), query)
  const scored: { row: StorageRow; tier: SearchTier; id: string }[] = []
  for (const row of rows) {
    const tier = rank(row)
    if (tier !== undefined) scored.push({ row, tier, id: String(row['id']) })
  }
  scored.sort((a, b) => a.tier - b.tier || compareStringsByCodePoint(a.id, b.id))
  return scored.map((entry) => entry.row)
}

/**
 * Normalised values, shared by every matcher: normalisation does not depend on the query, and the values a caller's
 * searches re-check (the names of the rows they may see) repeat from one search to the next.
 */
const normalizedValues = new Map<string, string>()

function normalize(text: string): string {
  let out = normalizedValues.get(text)
  if (out === undefined) {
    if (normalizedValues.size >= MAX_MEMO_ENTRIES) normalizedValues.clear()
    out = normalizeSearchText(text)
    normalizedValues.set(text, out)
  }
  return out
}

/** True when `joined` is `parts` joined by single spaces (no CJK parts written together). */
function isSpaced(joined: string, parts: readonly string[]): boolean {
  let length = parts.length - 1
  for (const part of parts) length += part.length
  return joined.length === length
}
