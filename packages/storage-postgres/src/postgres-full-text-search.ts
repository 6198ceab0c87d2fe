import type { FullTextSearchQuery, ModelMapping, SqlFullTextSearch } from '@rapport/storage-kysely'
import { searchColumns } from '@rapport/storage-kysely'
import type { RawBuilder, SqlBool } from 'kysely'
import { sql } from 'kysely'

/** A Postgres identifier made of the table name and a suffix, at most 63 bytes. */
function objectNameOf(mapping: ModelMapping, suffix: string): string {
  const table = mapping.table.split('.').pop()!
  const name = `${table}_${suffix}`
  return name.length <= 63 ? name : name.slice(-63)
}

/**
 * The tokens of a row as a `tsvector`, taken verbatim: `array_to_tsvector` applies no parser, no dictionary and no
 * stemming, so Postgres's lexemes are exactly core's tokens. The GIN index and every search use this expression.
 */
function tokensOf(column: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`array_to_tsvector(string_to_array(btrim(${column}), ' '))`
}

/**
 * Core's search terms as a `tsquery` literal: each term a quoted prefix lexeme (`'ada':*`), all required (`&`).
 * Terms never hold quotes, backslashes or spaces; the `tsquery` input syntax, unlike `to_tsquery`, does not
 * normalise lexemes.
 *
 * @example
 * ```ts
 * tsQuery(['ada', 'lov']) // "'ada':* & 'lov':*"
 * ```
 */
export function tsQuery(terms: readonly string[]): string {
  return terms.map((term) => `'${term.replaceAll('\\', '\\\\').replaceAll("'", "''")}':*`).join(' & ')
}

/**
 * Search for Postgres: a GIN index on the `tsvector` of the `searchTerms` column core fills with its tokens, queried
 * with prefix lexemes. Built-in (no `pg_trgm` or other extension, so it runs on PGlite and managed servers alike),
 * serves prefixes of any length, and needs no trigram of three characters, so two-character CJK words are indexed.
 *
 * @example
 * ```ts
 * await storage.search({ model, schema, tenantId, query: 'Ada Lov', limit: 10 })
 * ```
 */
export const postgresFullTextSearch: SqlFullTextSearch = Object.freeze({
  version: 'gin-tsvector-1',

  ddl(mapping: ModelMapping) {
    const { terms } = searchColumns(mapping)
    const name = objectNameOf(mapping, 'search')
    return {
      // `_fts` is the index of Rapport ≤ 0.1 (to_tsvector('simple') over the raw fields).
      drop: [
        sql`drop index if exists ${sql.id(objectNameOf(mapping, 'fts'))}`,
        sql`drop index if exists ${sql.id(name)}`,
      ],
      create: [
        sql`create index ${sql.id(name)} on ${sql.table(mapping.table)} using gin (${tokensOf(sql.id(terms))})`,
      ],
    }
  },

  match(args: FullTextSearchQuery): { from: RawBuilder<unknown>; where: RawBuilder<SqlBool> } {
    const { terms } = searchColumns(args.mapping)
    const tokens = tokensOf(sql.id(args.alias, terms))
    return {
      from: sql`${sql.table(args.mapping.table)} as ${sql.id(args.alias)}`,
      where: sql<SqlBool>`${tokens} @@ ${tsQuery(args.terms)}::tsquery`,
    }
  },
} satisfies SqlFullTextSearch)
