/**
 * `@rapport/core/search`: the search semantics, one normaliser and tokeniser for records and queries, the search
 * document every adapter stores, and the reference matcher and ranking.
 *
 * @example
 * ```ts
 * import { normalizeSearchText, parseSearchQuery } from '@rapport/core/search'
 *
 * normalizeSearchText('Zoë  ÅSTRÖM') // 'zoe astrom'
 * const query = parseSearchQuery('ada lovelace')
 * ```
 *
 * @module
 */
export {
  MAX_SEARCH_SOURCES,
  SEARCH_KEYS_FIELD,
  SEARCH_TERMS_FIELD,
  type SearchDocument,
  searchDocument,
  searchDocumentFields,
  searchSourceBits,
  withSearchDocument,
} from './search-document.js'
export {
  matchesSearch,
  rankSearchRows,
  type SearchTier,
  searchFilters,
  searchTermNeedles,
  searchTier,
  searchTierNeedles,
} from './search-match.js'
export {
  rankReadableSearchRows,
  readableSearchModel,
  searchRowMatcher,
  searchRowRank,
} from './search-row-matcher.js'
export {
  addSearchTokens,
  isCjkCharacter,
  MAX_SEARCH_TERMS,
  MAX_SEARCH_TOKEN_LENGTH,
  normalizeSearchText,
  type ParsedSearchQuery,
  parseSearchQuery,
  phoneDigits,
  SEARCH_JOINERS,
  SEARCH_SEMANTICS_VERSION,
} from './search-text.js'
