import type { FullTextSearchQuery, ModelMapping, SqlFullTextSearch } from '@rapport/storage-kysely'
import type { RawBuilder } from 'kysely'
import { sql } from 'kysely'

const WEIGHTS = ['A', 'B', 'C', 'D'] as const

/** The index name of a model's full-text index. */
function indexName(mapping: ModelMapping): string {
  const table = mapping.table.split('.').pop()!
  const name = `${table}_fts`
  return name.length <= 63 ? name : name.slice(-63)
}

/**
 * The weighted document of a row: each search field through the `simple` text search configuration (no stemming,
 * no stop words), the first field weighted `A` so name matches rank first. JSON fields (emails) are searched as
 * their JSON text. Filters and the index use this exact expression, so the GIN index serves every search.
 */
function documentOf(mapping: ModelMapping, alias?: string): RawBuilder<unknown> {
  const parts = mapping.model.searchFields.map((field, i) => {
    const column = mapping.byField.get(field)!
    const ref = alias ? sql.id(alias, column.column) : sql.id(column.column)
    const text = column.definition.type === 'json' ? sql`${ref}::text` : sql`${ref}`
    const weight = sql.lit(WEIGHTS[Math.min(i, WEIGHTS.length - 1)]!)
    return sql`setweight(to_tsvector('simple'::regconfig, coalesce(${text}, '')), ${weight})`
  })
  return sql`(${sql.join(parts, sql` || `)})`
}

/** The words of a user's query: letters and digits in any script, everything else separates. */
function words(query: string): string[] {
  return query.match(/[\p{L}\p{N}]+/gu) ?? []
}

/**
 * Postgres full-text search: a GIN expression index on the weighted `tsvector` of a model's `searchFields`
 * (`simple` configuration), queried with every word required (`plainto_tsquery`) and ranked by `ts_rank`.
 */
export const postgresFullTextSearch: SqlFullTextSearch = Object.freeze({
  ddl(mapping: ModelMapping) {
    const name = indexName(mapping)
    return [
      sql`drop index if exists ${sql.id(name)}`,
      sql`create index ${sql.id(name)} on ${sql.table(mapping.table)} using gin (${documentOf(mapping)})`,
    ]
  },
  search(args: FullTextSearchQuery) {
    const terms = words(args.query)
    if (terms.length === 0) return undefined
    const query = sql`plainto_tsquery('simple'::regconfig, ${terms.join(' ')})`
    const document = documentOf(args.mapping, args.alias)
    const id = args.mapping.byField.get('id')!.column
    return sql<
      Record<string, unknown>
    >`select ${sql.id(args.alias)}.* from ${sql.table(args.mapping.table)} as ${sql.id(args.alias)} where ${args.where} and ${document} @@ ${query} order by ts_rank(${document}, ${query}) desc, ${sql.id(args.alias, id)} limit ${args.limit}`
  },
})
