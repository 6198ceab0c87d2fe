import type { ParsedSearchQuery, SearchTier } from '@rapport/core/search'
import {
  SEARCH_KEYS_FIELD,
  SEARCH_TERMS_FIELD,
  searchTermNeedles,
  searchTierNeedles,
} from '@rapport/core/search'
import type { StorageRow } from '@rapport/core/storage'
import type { RawBuilder, SqlBool } from 'kysely'
import { sql } from 'kysely'
import type { ModelMapping } from './model-mapping.js'
import type { SearchKeyIndex } from './search-key-index.js'
import { KEY_RANGE_END, SEARCH_KEY_COLUMNS } from './search-key-index.js'
import type { SqlDialect, SqlFullTextSearch } from './sql-dialect.js'

/** The physical columns of a model's search document; a model with `searchFields` must carry both. */
export function searchColumns(mapping: ModelMapping): { readonly terms: string; readonly keys: string } {
  const terms = mapping.byField.get(SEARCH_TERMS_FIELD)?.column
  const keys = mapping.byField.get(SEARCH_KEYS_FIELD)?.column
  if (!terms || !keys) {
    throw new TypeError(
      `Model "${mapping.model.name}" has searchFields but no "${SEARCH_TERMS_FIELD}"/"${SEARCH_KEYS_FIELD}" fields; ` +
        'add searchDocumentFields from @rapport/core/storage to its fields.',
    )
  }
  return { terms, keys }
}

/**
 * The search statement, the same on every engine but for the dialect's term match: rows of the tenant matching
 * `where` whose tokens start with every term (the dialect's index) and whose keys contain every CJK run, ranked
 * exact key (0), then key prefix (1), then any other match (2), ties by id in code point order; `limit` rows. This is
 * `rankSearchRows()` of `@rapport/core/storage` in SQL.
 */
export function searchStatement(
  dialect: SqlDialect,
  fts: SqlFullTextSearch,
  mapping: ModelMapping,
  alias: string,
  query: ParsedSearchQuery,
  where: RawBuilder<SqlBool>,
  limit: number,
): RawBuilder<Record<string, unknown>> {
  const columns = searchColumns(mapping)
  const keys = sql.id(alias, columns.keys)
  const contains = (value: string) => dialect.textMatch(keys, 'contains', value, false)
  const match = fts.match({ mapping, alias, terms: query.terms })
  const runs = query.runs.map((run) => sql<SqlBool>` and ${contains(run)}`)
  const runChecks = runs.length > 0 ? sql.join(runs, sql``) : sql``
  const needles = searchTierNeedles(query)
  const tier = sql`case when ${contains(needles.exact)} then 0 when ${contains(needles.prefix)} then 1 else 2 end`
  const id = dialect.binaryCollation(sql.id(alias, mapping.byField.get('id')!.column), 'string')
  return sql<
    Record<string, unknown>
  >`select ${sql.id(alias)}.* from ${match.from} where ${match.where} and ${where}${runChecks} order by ${tier}, ${id} limit ${limit}`
}

/** What {@link tierStatement} needs besides the tier and the limit. */
export interface TieredSearch {
  readonly dialect: SqlDialect
  readonly fts: SqlFullTextSearch
  readonly index: SearchKeyIndex
  readonly mapping: ModelMapping
  readonly alias: string
  readonly tenantId: string
  readonly query: ParsedSearchQuery
  /** The row filter (tenant, archived rows, the caller's `where` and scope) over the base table's alias. */
  readonly where: RawBuilder<SqlBool>
  /**
   * The source bits of the fields the caller may read (`searchSourceBits()`), for `SearchArgs.readableFields`: tiers
   * 0 and 1 then take only keys whose bits share one with it, and tier 2 leaves out only rows with such a key.
   */
  readonly readableBits?: number
  /** Tier 2 only: the rows after this id (code point order), to read the tier in batches. */
  readonly after?: string
}

/**
 * One tier of {@link searchStatement}'s ranking as its own statement, ordered by id and cut at `limit`, so the tiers
 * run one after the other and stop as soon as `limit` rows are found (the ranking is tier, then id, so the rows of
 * tier 0, then 1, then 2 are exactly the ranked rows):
 * - tier 0 reads the key index at the query's phrase, already in id order: `limit` stops the read, however many
 *   rows have that key (every contact named Smith);
 * - tier 1 reads the index range of keys starting with the phrase (index only), sorts the distinct ids and reads
 *   rows in that order until `limit` pass, skipping those of tier 0;
 * - tier 2 is the full-text match minus the rows with a key starting with the phrase, ranked by id (only run when
 *   the first two tiers leave room, i.e. few rows have such a key).
 * The rows of tiers 0 and 1 are checked against every term (`' term'` in `searchTerms`, the matching semantics
 * itself) and every CJK run, like tier 2's index match. With `readableBits`, "a key" is a key of a readable source
 * (its bits in the index share one with the mask), both for the tiers and for what each later tier leaves out.
 */
export function tierStatement(
  search: TieredSearch,
  tier: SearchTier,
  limit: number,
): RawBuilder<Record<string, unknown>> {
  const { dialect, fts, index, mapping, alias, tenantId, query, where } = search
  const columns = searchColumns(mapping)
  const keys = sql.id(alias, columns.keys)
  const contains = (column: RawBuilder<unknown>, value: string) =>
    dialect.textMatch(column, 'contains', value, false)
  const needles = searchTierNeedles(query)
  const checks = (list: RawBuilder<SqlBool>[]) => (list.length > 0 ? sql.join(list, sql``) : sql``)
  const runChecks = checks(query.runs.map((run) => sql<SqlBool>` and ${contains(keys, run)}`))
  const t = sql.id(alias)
  const c = SEARCH_KEY_COLUMNS
  const key = sql.id(c.key)
  // The readable keys only: a key whose source bits share one with the caller's (a literal: one plan per mask).
  const masked = search.readableBits !== undefined
  const bits = masked ? sql` and (${sql.id(c.bits)} & ${sql.lit(search.readableBits)}) <> 0` : sql``
  if (tier === 2) {
    const id = dialect.binaryCollation(sql.id(alias, mapping.byField.get('id')!.column), 'string')
    const match = fts.match({ mapping, alias, terms: query.terms })
    const notPrefix = !masked
      ? sql`not ${contains(keys, needles.prefix)}`
      : sql`${sql.id(alias, mapping.byField.get('id')!.column)} not in (select ${sql.id(c.record)} from ${index.table(mapping)} where ${sql.id(c.tenant)} = ${tenantId} and ${key} >= ${query.phrase} and ${key} < ${query.phrase + KEY_RANGE_END}${bits})`
    const after = search.after === undefined ? sql`` : sql` and ${id} > ${search.after}`
    return sql<
      Record<string, unknown>
    >`select ${t}.* from ${match.from} where ${match.where} and ${where}${runChecks} and ${notPrefix}${after} order by ${id} limit ${limit}`
  }
  const terms = sql.id(alias, columns.terms)
  const termChecks = checks(
    searchTermNeedles(query).map((needle) => sql<SqlBool>` and ${contains(terms, needle)}`),
  )
  const k = sql.id('_k')
  const source =
    tier === 0
      ? sql`(select ${sql.id(c.record)} from ${index.table(mapping)} where ${sql.id(c.tenant)} = ${tenantId} and ${key} = ${query.phrase}${bits})`
      : sql`(select distinct ${sql.id(c.record)} from ${index.table(mapping)} where ${sql.id(c.tenant)} = ${tenantId} and ${key} >= ${query.phrase} and ${key} < ${query.phrase + KEY_RANGE_END}${bits})`
  const record = sql.id('_k', c.record)
  const tenant = sql.id(alias, mapping.byField.get('tenantId')!.column)
  const id = sql.id(alias, mapping.byField.get('id')!.column)
  const notExact =
    tier !== 1
      ? sql``
      : !masked
        ? // A key line without bits (`\nkey\n`, from a writer older than the bits) is an exact key too.
          sql` and not ${contains(keys, needles.exact)} and not ${contains(keys, `${needles.prefix}\n`)}`
        : sql` and ${id} not in (select ${sql.id(c.record)} from ${index.table(mapping)} where ${sql.id(c.tenant)} = ${tenantId} and ${key} = ${query.phrase}${bits})`
  if (tier === 1 && index.rangeForm === 'in') {
    const ids = sql`select ${sql.id(c.record)} from ${index.table(mapping)} where ${sql.id(c.tenant)} = ${tenantId} and ${key} >= ${query.phrase} and ${key} < ${query.phrase + KEY_RANGE_END}${bits}`
    return sql<
      Record<string, unknown>
    >`select ${t}.* from ${sql.table(mapping.table)} as ${t} where ${where} and ${id} in (${ids})${termChecks}${runChecks}${notExact} order by ${dialect.binaryCollation(id, 'string')} limit ${limit}`
  }
  return sql<
    Record<string, unknown>
  >`select ${t}.* from ${source} as ${k} inner join ${sql.table(mapping.table)} as ${t} on ${tenant} = ${tenantId} and ${id} = ${record} where ${where}${termChecks}${runChecks}${notExact} order by ${dialect.binaryCollation(record, 'string')} limit ${limit}`
}

/**
 * The rest of a search through some fields only (`SearchArgs.readableFields`) after its first two tiers (`found`, in
 * order): tier 2's rows, in id order, read in batches (4 × the rows still wanted, at least 64) from `read` (the
 * rows after an id), each kept only when `matches` (the readable fields' own document matches: tier 2's index match
 * is the whole document's, which may hold the query only in a field the caller may not read), until `limit` rows are
 * found or none is left.
 */
export async function readableRest(
  found: StorageRow[],
  limit: number,
  matches: (row: StorageRow) => boolean,
  read: (after: string | undefined, count: number) => Promise<StorageRow[]>,
): Promise<StorageRow[]> {
  let after: string | undefined
  for (;;) {
    const count = Math.max((limit - found.length) * 4, 64)
    const rows = await read(after, count)
    for (const row of rows) {
      if (!matches(row)) continue
      found.push(row)
      if (found.length >= limit) return found
    }
    if (rows.length < count) return found
    after = String(rows[rows.length - 1]!['id'])
  }
}
