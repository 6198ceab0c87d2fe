import type { ParsedSearchQuery } from '@rapport/core/search'
import { SEARCH_KEYS_FIELD, SEARCH_TERMS_FIELD, searchTierNeedles } from '@rapport/core/search'
import type { RawBuilder, SqlBool } from 'kysely'
import { sql } from 'kysely'
import type { ModelMapping } from './model-mapping.js'
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
