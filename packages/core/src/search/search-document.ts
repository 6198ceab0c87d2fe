import type { FieldDefinition, ModelDefinition } from '../storage/model-definition.js'
import type { StorageRow, StorageValue } from '../storage/storage-filter.js'
import { addSearchTokens, isCjkCharacter, normalizeSearchText, phoneDigits } from './search-text.js'

/** The column holding a record's search tokens: `" t1 t2 … "` (one space before and after each token). */
export const SEARCH_TERMS_FIELD = 'searchTerms'
/**
 * The column holding a record's search keys: `"\nk1|b1\nk2|b2\n"`, each normalised value on its own line with its
 * source bits after a `|` (a character normalisation never keeps): bit `i` set when the key came from the model's
 * `i`-th search source (see {@link searchSourceBits}).
 */
export const SEARCH_KEYS_FIELD = 'searchKeys'

/**
 * The two columns core adds to every model with `searchFields`. Adapters index {@link SEARCH_TERMS_FIELD} and read
 * {@link SEARCH_KEYS_FIELD} to check CJK runs and to rank.
 */
export const searchDocumentFields: Readonly<Record<string, FieldDefinition>> = Object.freeze({
  [SEARCH_TERMS_FIELD]: Object.freeze({ type: 'string' }),
  [SEARCH_KEYS_FIELD]: Object.freeze({ type: 'string' }),
})

/** What a record is found by: its tokens and its keys, as stored in the two search columns. */
export interface SearchDocument {
  /** `" t1 t2 … "`, or `""` when the record has no searchable text. */
  readonly searchTerms: string
  /** `"\nk1|b1\nk2|b2\n"` (each key with its source bits), or `""` when the record has no searchable text. */
  readonly searchKeys: string
}

/** The strings of a field value: a string, or the strings inside a JSON array or object (e.g. email addresses). */
function stringsOf(value: StorageValue | undefined, into: string[], depth = 0): void {
  if (typeof value === 'string') into.push(value)
  else if (depth < 4 && Array.isArray(value)) for (const v of value) stringsOf(v, into, depth + 1)
  else if (depth < 4 && value !== null && typeof value === 'object' && !(value instanceof Date)) {
    for (const v of Object.values(value)) stringsOf(v as StorageValue, into, depth + 1)
  }
}

/** Joins name parts: with a space, except between two CJK characters (`张` + `伟` → `张伟`). */
function joinPhrase(parts: readonly string[]): string {
  let out = ''
  for (const part of parts) {
    if (out.length === 0) out = part
    else {
      const left = Array.from(out).pop()!
      const right = Array.from(part)[0]!
      out += isCjkCharacter(left) && isCjkCharacter(right) ? part : ` ${part}`
    }
  }
  return out
}

/**
 * Computes the search document of a row from its model's `searchFields` and `searchPhrases`. Every string of those
 * fields is normalised ({@link normalizeSearchText}) and becomes one key; phone numbers become their digits. Each
 * phrase (e.g. `lastName` + `firstName`) joins the normalised fields into one more key, without a space between CJK
 * characters, so `张` + `伟` is found by `张伟` and `Ada` + `Lovelace` ranks `Ada Lovelace` as an exact match. The
 * tokens are those of {@link addSearchTokens} over every key.
 *
 * @example
 * ```ts
 * const doc = searchDocument(model, { firstName: '伟', lastName: '张', emailAddresses: ['wei@example.cn'] })
 * doc.searchTerms.includes(' 张伟 ') // true
 * ```
 */
export function searchDocument(
  model: Pick<ModelDefinition, 'searchFields' | 'searchPhrases'>,
  row: Readonly<StorageRow>,
): SearchDocument {
  const keys = new Map<string, number>()
  const tokens = new Set<string>()
  const tagged = searchSourceCount(model) <= MAX_SEARCH_SOURCES
  forEachSearchValue(model, row, normalizeSearchText, (normalized, _parts, source) => {
    const key = phoneDigits(normalized) ?? normalized
    keys.set(key, (keys.get(key) ?? 0) | (tagged ? 1 << source : 0))
    addSearchTokens(normalized, tokens)
    return false
  })
  let searchKeys = ''
  if (keys.size > 0) {
    for (const [key, bits] of keys) searchKeys += `\n${key}|${bits}`
    searchKeys += '\n'
  }
  return { searchTerms: tokens.size > 0 ? ` ${[...tokens].join(' ')} ` : '', searchKeys }
}

/**
 * At most this many search sources (search fields, then phrases) get a bit of their own in the stored keys; a model
 * with more stores bits `0` (no key is known to come from a given field) and core re-checks a masked caller's
 * results in JavaScript instead.
 */
export const MAX_SEARCH_SOURCES = 30

function searchSourceCount(model: Pick<ModelDefinition, 'searchFields' | 'searchPhrases'>): number {
  return model.searchFields.length + (model.searchPhrases?.length ?? 0)
}

/**
 * The source bits of the keys a caller may match through: bit `i` of the `i`-th search field, and bit
 * `searchFields.length + j` of the `j`-th phrase when every part of it is readable. `undefined` when the model has
 * more than {@link MAX_SEARCH_SOURCES} sources (its keys carry no bits). A key whose stored bits share one with this
 * mask came from a field the caller may read.
 *
 * @example
 * ```ts
 * searchSourceBits({ searchFields: ['firstName', 'emails'] }, ['firstName']) // 1
 * ```
 */
export function searchSourceBits(
  model: Pick<ModelDefinition, 'searchFields' | 'searchPhrases'>,
  readableFields: readonly string[],
): number | undefined {
  if (searchSourceCount(model) > MAX_SEARCH_SOURCES) return undefined
  const readable = new Set(readableFields)
  let bits = 0
  model.searchFields.forEach((field, i) => {
    if (readable.has(field)) bits |= 1 << i
  })
  const offset = model.searchFields.length
  ;(model.searchPhrases ?? []).forEach((phrase, j) => {
    if (phrase.every((field) => readable.has(field))) bits |= 1 << (offset + j)
  })
  return bits
}

/**
 * Calls `visit` with each normalised value a row is found by, as {@link searchDocument} keys them: every non-empty
 * string of the model's search fields, then each phrase of two or more non-empty parts (with the parts, normalised),
 * and the index of its source (the field's in `searchFields`; `searchFields.length` + the phrase's).
 * The document holds each value as a key (a phone number as its digits) and its tokens. `normalize` is
 * {@link normalizeSearchText} or a memo of it. A visitor that has seen enough returns `true` to stop.
 *
 * @internal
 */
export function forEachSearchValue(
  model: Pick<ModelDefinition, 'searchFields' | 'searchPhrases'>,
  row: Readonly<StorageRow>,
  normalize: (text: string) => string,
  visit: (normalized: string, parts: readonly string[] | undefined, source: number) => boolean | undefined,
): void {
  const fields = model.searchFields
  for (let i = 0; i < fields.length; i++) {
    const strings: string[] = []
    stringsOf(row[fields[i]!], strings)
    for (const s of strings) {
      const normalized = normalize(s)
      if (normalized.length > 0 && visit(normalized, undefined, i)) return
    }
  }
  let source = fields.length
  for (const phrase of model.searchPhrases ?? []) {
    const parts: string[] = []
    for (const field of phrase) {
      const value = row[field]
      if (typeof value !== 'string') continue
      const normalized = normalize(value)
      if (normalized.length > 0) parts.push(normalized)
    }
    if (parts.length >= 2 && visit(joinPhrase(parts), parts, source)) return
    source++
  }
}

/**
 * Returns the row with its search document set, for models with `searchFields` (the row itself otherwise). Core
 * calls it on every write; custom writers of storage rows (tests, importers) call it too.
 *
 * @example
 * ```ts
 * await storage.create({ model, schema, tenantId, data: withSearchDocument(model, row) })
 * ```
 */
export function withSearchDocument(
  model: Pick<ModelDefinition, 'searchFields' | 'searchPhrases'>,
  row: StorageRow,
): StorageRow {
  if (model.searchFields.length === 0) return row
  return { ...row, ...searchDocument(model, row) }
}
