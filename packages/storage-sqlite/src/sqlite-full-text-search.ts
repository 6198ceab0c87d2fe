import type { FullTextSearchQuery, ModelMapping, SqlFullTextSearch } from '@rapport/storage-kysely'
import { objectName } from '@rapport/storage-kysely'
import type { RawBuilder } from 'kysely'
import { sql } from 'kysely'

/** The FTS5 table of a model's table. */
export function ftsTableName(table: string): string {
  return objectName(table, 'fts')
}

function searchColumns(mapping: ModelMapping) {
  return mapping.model.searchFields.map((field) => {
    const column = mapping.byField.get(field)
    if (!column) throw new Error(`Model "${mapping.model.name}" has no search field "${field}".`)
    return column
  })
}

/** The text indexed for one column of the row `alias` (`new`, `old` or a table alias): JSON yields its strings. */
function indexedText(mapping: ModelMapping, alias: string, field: string): RawBuilder<unknown> {
  const column = mapping.byField.get(field)!
  const ref = sql`${sql.raw(alias)}.${sql.id(column.column)}`
  if (column.definition.type === 'json') {
    return sql`(select group_concat(${sql.id('_jt', 'value')}, ' ') from json_tree(${ref}) as ${sql.id('_jt')} where ${sql.id('_jt', 'type')} = 'text')`
  }
  return ref
}

/**
 * Turns free text into an FTS5 query: every term that holds a letter or digit becomes a quoted prefix term
 * (`"ada"*`), all required. FTS5 operators typed by the user are never interpreted.
 *
 * @example
 * ```ts
 * ftsQuery('Ada  love') // '"Ada"* "love"*'
 * ```
 */
export function ftsQuery(text: string): string | undefined {
  const terms = text
    .split(/\s+/)
    .filter((term) => /[\p{L}\p{N}]/u.test(term))
    .map((term) => `"${term.replaceAll('"', '""')}"*`)
  return terms.length > 0 ? terms.join(' ') : undefined
}

/**
 * FTS5 full-text search for SQLite. Each model with `searchFields` gets a contentless-delete FTS5 table
 * (`<table>_fts`, `unicode61` tokenizer without diacritics) whose rowids are the base table's rowids, kept in sync by
 * `AFTER INSERT/UPDATE/DELETE` triggers inside the writing transaction. JSON search fields (e.g. `emails`) index
 * their string values. Results are the base rows of the tenant, best `bm25` rank first. Needs SQLite ≥ 3.43.
 *
 * @example
 * ```ts
 * await storage.search({ model, schema, tenantId, query: 'ada lovelace', limit: 10 })
 * ```
 */
export const sqliteFullTextSearch: SqlFullTextSearch = Object.freeze({
  ddl(mapping: ModelMapping): readonly RawBuilder<unknown>[] {
    const fts = ftsTableName(mapping.table)
    const columns = searchColumns(mapping)
    const names = columns.map((c) => sql.id(c.column))
    const values = (alias: string) => sql.join(columns.map((c) => indexedText(mapping, alias, c.field)))
    const trigger = (suffix: string) => sql.id(objectName(mapping.table, 'fts', suffix))
    const table = sql.table(mapping.table)
    return [
      sql`drop trigger if exists ${trigger('ai')}`,
      sql`drop trigger if exists ${trigger('au')}`,
      sql`drop trigger if exists ${trigger('ad')}`,
      sql`drop table if exists ${sql.table(fts)}`,
      sql`create virtual table ${sql.table(fts)} using fts5(${sql.join(names)}, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2')`,
      sql`create trigger ${trigger('ai')} after insert on ${table} for each row begin insert into ${sql.table(fts)} (rowid, ${sql.join(names)}) values (new.rowid, ${values('new')}); end`,
      sql`create trigger ${trigger('au')} after update of ${sql.join(names)} on ${table} for each row begin delete from ${sql.table(fts)} where rowid = old.rowid; insert into ${sql.table(fts)} (rowid, ${sql.join(names)}) values (new.rowid, ${values('new')}); end`,
      sql`create trigger ${trigger('ad')} after delete on ${table} for each row begin delete from ${sql.table(fts)} where rowid = old.rowid; end`,
      sql`insert into ${sql.table(fts)} (rowid, ${sql.join(names)}) select ${sql.id('_src')}.rowid, ${values('"_src"')} from ${table} as ${sql.id('_src')}`,
    ]
  },

  search(args: FullTextSearchQuery): RawBuilder<Record<string, unknown>> | undefined {
    const match = ftsQuery(args.query)
    if (!match) return undefined
    const fts = sql.table(ftsTableName(args.mapping.table))
    const alias = sql.id(args.alias)
    const id = sql.id(args.alias, args.mapping.byField.get('id')!.column)
    return sql<
      Record<string, unknown>
    >`select ${alias}.* from ${fts} inner join ${sql.table(args.mapping.table)} as ${alias} on ${alias}.rowid = ${fts}.rowid where ${fts} match ${match} and ${args.where} order by ${fts}.rank, ${id} limit ${args.limit}`
  },
} satisfies SqlFullTextSearch)
