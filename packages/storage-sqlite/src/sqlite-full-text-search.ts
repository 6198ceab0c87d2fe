import type { FullTextSearchQuery, ModelMapping, SqlFullTextSearch } from '@rapport/storage-kysely'
import { objectName, searchColumns } from '@rapport/storage-kysely'
import type { RawBuilder, SqlBool } from 'kysely'
import { sql } from 'kysely'

/** The FTS5 table holding a model's search tokens. */
export function searchTableName(table: string): string {
  return objectName(table, 'search')
}

/**
 * Turns core's search terms into an FTS5 query: each term a quoted prefix term (`"ada"*`), all required. Terms never
 * hold quotes or spaces, and the `ascii` tokenizer keeps each one whole, so FTS5 operators typed by the user are
 * never interpreted.
 *
 * @example
 * ```ts
 * ftsQuery(['ada', 'lov']) // '"ada"* "lov"*'
 * ```
 */
export function ftsQuery(terms: readonly string[]): string {
  return terms.map((term) => `"${term.replaceAll('"', '""')}"*`).join(' ')
}

/**
 * Search for SQLite: an FTS5 table `<table>_search` over the `searchTerms` column core fills with its tokens. The
 * `ascii` tokenizer with the joiners as token characters splits on spaces only and leaves every non-ASCII
 * character alone, so FTS5's tokens are exactly core's (no second tokeniser to disagree with the first);
 * `detail=none` (no positions: terms are matched as prefixes, never as phrases), contentless with
 * `contentless_delete=1` (no second copy of the text), prefix indexes for 1–3 byte prefixes (search as you type),
 * kept in sync by triggers inside the writing transaction. Needs SQLite ≥ 3.43.
 *
 * @example
 * ```ts
 * await storage.search({ model, schema, tenantId, query: '星辰', limit: 10 })
 * ```
 */
export const sqliteFullTextSearch: SqlFullTextSearch = Object.freeze({
  version: 'fts5-ascii-1',

  ddl(mapping: ModelMapping) {
    const { terms } = searchColumns(mapping)
    const table = sql.table(mapping.table)
    const search = sql.table(searchTableName(mapping.table))
    const trigger = (kind: string, suffix: string) => sql.id(objectName(mapping.table, kind, suffix))
    const dropAll = (kind: string) => [
      sql`drop trigger if exists ${trigger(kind, 'ai')}`,
      sql`drop trigger if exists ${trigger(kind, 'au')}`,
      sql`drop trigger if exists ${trigger(kind, 'ad')}`,
      sql`drop table if exists ${sql.table(objectName(mapping.table, kind))}`,
    ]
    const column = sql.id(terms)
    return {
      // `_fts` is the index of Rapport ≤ 0.1 (FTS5 over the raw fields, unicode61).
      drop: [...dropAll('fts'), ...dropAll('search')],
      create: [
        sql`create virtual table ${search} using fts5(${sql.id('terms')}, content='', contentless_delete=1, detail=none, tokenize="ascii tokenchars '@._+-'", prefix='1 2 3')`,
        sql`create trigger ${trigger('search', 'ai')} after insert on ${table} for each row when new.${column} is not null begin insert into ${search} (rowid, ${sql.id('terms')}) values (new.rowid, new.${column}); end`,
        sql`create trigger ${trigger('search', 'au')} after update of ${column} on ${table} for each row begin delete from ${search} where rowid = old.rowid; insert into ${search} (rowid, ${sql.id('terms')}) select new.rowid, new.${column} where new.${column} is not null; end`,
        sql`create trigger ${trigger('search', 'ad')} after delete on ${table} for each row begin delete from ${search} where rowid = old.rowid; end`,
        sql`insert into ${search} (rowid, ${sql.id('terms')}) select rowid, ${column} from ${table} where ${column} is not null`,
      ],
    }
  },

  optimize(mapping: ModelMapping) {
    const search = sql.table(searchTableName(mapping.table))
    return sql`insert into ${search} (${search}) values ('optimize')`
  },

  match(args: FullTextSearchQuery): { from: RawBuilder<unknown>; where: RawBuilder<SqlBool> } {
    const search = sql.table(searchTableName(args.mapping.table))
    const alias = sql.id(args.alias)
    return {
      from: sql`${search} inner join ${sql.table(args.mapping.table)} as ${alias} on ${alias}.rowid = ${search}.rowid`,
      where: sql<SqlBool>`${search} match ${ftsQuery(args.terms)}`,
    }
  },
} satisfies SqlFullTextSearch)
