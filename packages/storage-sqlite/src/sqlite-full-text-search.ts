import type {
  FullTextSearchQuery,
  ModelMapping,
  SearchKeyIndex,
  SqlFullTextSearch,
} from '@rapport/storage-kysely'
import { objectName, SEARCH_KEY_COLUMNS, searchColumns } from '@rapport/storage-kysely'
import type { RawBuilder, SqlBool } from 'kysely'
import { sql } from 'kysely'

/** The FTS5 table holding a model's search tokens. */
export function searchTableName(table: string): string {
  return objectName(table, 'search')
}

/** The table of a model's search keys (see {@link sqliteSearchKeyIndex}). */
export function searchKeyTableName(table: string): string {
  return objectName(table, 'search_key')
}

/**
 * The lines of a `searchKeys` value (`"\nk1|b1\nk2|b2\n"`) as rows of `json_each`. Keys are normalised text: letters,
 * marks, digits, `@._+-` and single spaces, never a quote, backslash or control character, and bits are digits, so
 * joining them into a JSON array literal needs no escaping.
 */
function keysOf(column: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`json_each('["' || replace(substr(${column}, 2, length(${column}) - 2), char(10), '","') || '"]')`
}

/** The key of a `json_each` line `key|bits` (the whole line when it has no bits). */
function keyOf(line: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`(case when instr(${line}, '|') > 0 then substr(${line}, 1, instr(${line}, '|') - 1) else ${line} end)`
}

/** The source bits of a `json_each` line `key|bits`, `0` when it has none (never taken as readable). */
function bitsOf(line: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`(case when instr(${line}, '|') > 0 then cast(substr(${line}, instr(${line}, '|') + 1) as integer) else 0 end)`
}

/**
 * SQLite's index of search keys: a `WITHOUT ROWID` table `<table>_search_key` keyed by (tenant, key, id), so the
 * ids of a key, or of a range of keys, come out of one B-tree in id order, each with the key's source bits in the
 * same B-tree row. Triggers keep it in sync with the `searchKeys` column inside the writing transaction (split with
 * `json_each`, each line `key|bits`).
 *
 * @example
 * ```ts
 * sqliteSearchKeyIndex.ddl(mapping).create // table, triggers, and the rows already stored
 * ```
 */
export const sqliteSearchKeyIndex: SearchKeyIndex = Object.freeze({
  version: 'btree-2',
  rangeForm: 'in',

  table(mapping: ModelMapping) {
    return sql.table(searchKeyTableName(mapping.table))
  },

  ddl(mapping: ModelMapping) {
    const { keys } = searchColumns(mapping)
    const c = SEARCH_KEY_COLUMNS
    const base = sql.table(mapping.table)
    const index = sql.table(searchKeyTableName(mapping.table))
    const tenant = sql.id(mapping.byField.get('tenantId')!.column)
    const id = sql.id(mapping.byField.get('id')!.column)
    const column = sql.id(keys)
    const trigger = (suffix: string) => sql.id(objectName(mapping.table, 'search_key', suffix))
    const present = (row: string) =>
      sql`${sql.raw(row)}.${column} is not null and ${sql.raw(row)}.${column} <> ''`
    const value = sql.id('value')
    const columnsOf = sql`(${sql.id(c.tenant)}, ${sql.id(c.key)}, ${sql.id(c.record)}, ${sql.id(c.bits)})`
    const insertKeys = sql`insert or ignore into ${index} ${columnsOf} select new.${tenant}, ${keyOf(value)}, new.${id}, ${bitsOf(value)} from ${keysOf(sql`new.${column}`)} where ${present('new')}`
    const deleteKeys = sql`delete from ${index} where ${sql.id(c.tenant)} = old.${tenant} and ${sql.id(c.record)} = old.${id} and ${sql.id(c.key)} in (select ${keyOf(value)} from ${keysOf(sql`old.${column}`)} where ${present('old')})`
    const jValue = sql.id('j', 'value')
    return {
      drop: [
        sql`drop trigger if exists ${trigger('ai')}`,
        sql`drop trigger if exists ${trigger('au')}`,
        sql`drop trigger if exists ${trigger('ad')}`,
        sql`drop table if exists ${index}`,
      ],
      create: [
        sql`create table ${index} (${sql.id(c.tenant)} text not null, ${sql.id(c.key)} text not null, ${sql.id(c.record)} text not null, ${sql.id(c.bits)} integer not null, primary key (${sql.id(c.tenant)}, ${sql.id(c.key)}, ${sql.id(c.record)})) without rowid`,
        sql`create trigger ${trigger('ai')} after insert on ${base} for each row begin ${insertKeys}; end`,
        sql`create trigger ${trigger('au')} after update of ${column} on ${base} for each row begin ${deleteKeys}; ${insertKeys}; end`,
        sql`create trigger ${trigger('ad')} after delete on ${base} for each row begin ${deleteKeys}; end`,
        sql`insert or ignore into ${index} ${columnsOf} select t.${tenant}, ${keyOf(jValue)}, t.${id}, ${bitsOf(jValue)} from ${base} as t, ${keysOf(sql`t.${column}`)} as j where ${present('t')}`,
      ],
    }
  },
} satisfies SearchKeyIndex)

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

  keyIndex: sqliteSearchKeyIndex,

  match(args: FullTextSearchQuery): { from: RawBuilder<unknown>; where: RawBuilder<SqlBool> } {
    const search = sql.table(searchTableName(args.mapping.table))
    const alias = sql.id(args.alias)
    return {
      from: sql`${search} inner join ${sql.table(args.mapping.table)} as ${alias} on ${alias}.rowid = ${search}.rowid`,
      where: sql<SqlBool>`${search} match ${ftsQuery(args.terms)}`,
    }
  },
} satisfies SqlFullTextSearch)
