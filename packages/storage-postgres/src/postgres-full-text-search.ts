import type {
  FullTextSearchQuery,
  ModelMapping,
  SearchKeyIndex,
  SqlFullTextSearch,
} from '@rapport/storage-kysely'
import { SEARCH_KEY_COLUMNS, searchColumns } from '@rapport/storage-kysely'
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

/** A schema-qualified object name beside the model's table (same schema), e.g. `crm.contact_search_key`. */
function siblingOf(mapping: ModelMapping, suffix: string): string {
  const parts = mapping.table.split('.')
  const name = objectNameOf(mapping, suffix)
  return parts.length > 1 ? `${parts.slice(0, -1).join('.')}.${name}` : name
}

/**
 * Postgres's index of search keys: a table `<table>_search_key` (tenant, key, id, source bits) with a unique B-tree index on
 * (tenant, key, id), every column `COLLATE "C"`, so the ids of a key, or of a range of keys, come out in code point
 * order (the order search ranks ties by) without reading the rows. It has a `tenant_id` column, so row-level
 * security covers it like every model table.
 *
 * Statement-level triggers keep it in sync with the `searchKeys` column inside the writing statement's transaction,
 * one set-based statement per write over its transition tables (`REFERENCING OLD/NEW TABLE`), run with `EXECUTE` so
 * each is planned for the rows it actually has. Why not a row trigger (btree-2): PL/pgSQL caches a row trigger's
 * generic plan, and a plan made while the key table was small is a sequential scan, so a `deleteMany` of 20,000
 * rows read the whole key table 20,000 times (minutes with RLS in the conformance kit, seen with auto_explain).
 * A second index on (tenant, id) removes a row's keys without reading the tenant's other keys.
 *
 * @example
 * ```ts
 * postgresSearchKeyIndex.ddl(mapping).create // table, index, triggers, and the rows already stored
 * ```
 */
export const postgresSearchKeyIndex: SearchKeyIndex = Object.freeze({
  version: 'btree-4',
  rangeForm: 'join',

  table(mapping: ModelMapping) {
    return sql.table(siblingOf(mapping, 'search_key'))
  },

  ddl(mapping: ModelMapping) {
    const { keys } = searchColumns(mapping)
    const c = SEARCH_KEY_COLUMNS
    // The trigger function's body is a string literal: identifiers are quoted here, and no value is interpolated.
    const q = (name: string) =>
      name
        .split('.')
        .map((part) => `"${part.replaceAll('"', '""')}"`)
        .join('.')
    const index = q(siblingOf(mapping, 'search_key'))
    const sync = q(siblingOf(mapping, 'search_key_sync'))
    const base = q(mapping.table)
    const trigger = (suffix: string) => q(objectNameOf(mapping, `search_key_${suffix}`))
    const tenant = q(mapping.byField.get('tenantId')!.column)
    const id = q(mapping.byField.get('id')!.column)
    const column = q(keys)
    const [kt, kk, kr, kb] = [q(c.tenant), q(c.key), q(c.record), q(c.bits)]
    /** Leaves out a row `r` that `others` holds (same tenant and id) with the same keys. */
    const unchanged = (others?: string) =>
      others
        ? ` and not exists (select from ${others} as o where o.${tenant} = r.${tenant} and o.${id} = r.${id} and o.${column} is not distinct from r.${column})`
        : ''
    const split = `unnest(string_to_array(btrim(r.${column}, E'\\n'), E'\\n')) as k`
    /**
     * The keys of the rows of `rows` as (t, key, r, bits), each line `key|bits` split at its `|` (bits `0` when the
     * line has none: never taken as readable); `once` drops a key repeated within a row.
     */
    const keyRows = (rows: string, others?: string, once = false) =>
      `select r.${tenant} as t, split_part(u.k, '|', 1) as key, r.${id} as r, coalesce(nullif(split_part(u.k, '|', 2), '')::integer, 0) as bits from ${rows} as r, ` +
      (once ? `lateral (select distinct k from ${split}) as u` : split.replace(' as k', ' as u(k)')) +
      ` where r.${column} <> ''${unchanged(others)}`
    const insertKeys = (rows: string, others?: string) =>
      `insert into ${index} (${kt}, ${kk}, ${kr}, ${kb}) select t, key, r, bits from (${keyRows(rows, others)}) as n on conflict do nothing`
    // By record through the (tenant, record) index: every key of the row goes, whatever the keys were.
    const deleteKeys = (rows: string, others?: string) =>
      `delete from ${index} as x using ${rows} as r where x.${kt} = r.${tenant} and x.${kr} = r.${id}${unchanged(others)}`
    // Each statement is dollar-quoted inside the dollar-quoted body (no statement contains `$sql$`).
    const run = (statement: string) => `    execute $sql$${statement}$sql$;`
    const body = [
      'begin',
      "  if tg_op = 'INSERT' then",
      run(insertKeys('new_rows')),
      "  elsif tg_op = 'DELETE' then",
      run(deleteKeys('old_rows')),
      '  else',
      // Rows whose keys did not change are left alone, so an update of other fields writes no key.
      run(deleteKeys('old_rows', 'new_rows')),
      run(insertKeys('new_rows', 'old_rows')),
      '  end if;',
      '  return null;',
      'end',
    ].join('\n')
    const statementTrigger = (suffix: string, event: string, tables: string) =>
      sql.raw(
        `create trigger ${trigger(suffix)} after ${event} on ${base} referencing ${tables} for each statement execute function ${sync}()`,
      )
    return {
      drop: [
        // btree-2's row trigger, then this version's statement triggers.
        sql.raw(`drop trigger if exists ${trigger('sync')} on ${base}`),
        ...['ins', 'upd', 'del'].map((suffix) =>
          sql.raw(`drop trigger if exists ${trigger(suffix)} on ${base}`),
        ),
        sql.raw(`drop function if exists ${sync}()`),
        sql.raw(`drop table if exists ${index}`),
      ],
      create: [
        // Every column COLLATE "C", like Rapport's string columns: the join to the table's id needs no collation
        // change, and ORDER BY record_id (code point order, the ranking's tie order) reads this index in order.
        sql.raw(
          `create table ${index} (${kt} text collate "C" not null, ${kk} text collate "C" not null, ${kr} text collate "C" not null, ${kb} integer not null)`,
        ),
        // The body names the key table as the model's mapping does, unqualified when the adapter relies on its
        // search_path. `set search_path from current` pins the migration's path on the function, so a write from a
        // connection with another search_path (a host's own pool, psql) still finds the key table.
        sql.raw(
          `create function ${sync}() returns trigger language plpgsql set search_path from current as $rapport$\n${body}\n$rapport$`,
        ),
        // A trigger with transition tables takes one event and no column list (a Postgres rule). Creating them
        // locks out writers of the table until the migration commits, so the fill below misses no row.
        statementTrigger('ins', 'insert', 'new table as new_rows'),
        statementTrigger('upd', 'update', 'old table as old_rows new table as new_rows'),
        statementTrigger('del', 'delete', 'old table as old_rows'),
        // Filled before its indexes exist, which are then built in one sorted pass each (not key by key). The
        // triggers' `on conflict do nothing` absorbs a key repeated within a row; here each row's keys are made distinct.
        sql.raw(
          `insert into ${index} (${kt}, ${kk}, ${kr}, ${kb}) select t, key, r, bits from (${keyRows(base, undefined, true)}) as n`,
        ),
        sql.raw(
          // The bits ride in the index (INCLUDE), so a masked caller's key range stays an index-only scan.
          `create unique index ${q(objectNameOf(mapping, 'search_key_order'))} on ${index} (${kt}, ${kk}, ${kr}) include (${kb})`,
        ),
        // Deletes and updates remove a row's keys by (tenant, record). Without it the planner answered
        // `tenant = … and record_id = …` from the unique index, reading every key of the tenant for each row.
        sql.raw(`create index ${q(objectNameOf(mapping, 'search_key_record'))} on ${index} (${kt}, ${kr})`),
        sql.raw(`analyze ${index}`),
      ],
    }
  },
} satisfies SearchKeyIndex)

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

  keyIndex: postgresSearchKeyIndex,

  match(args: FullTextSearchQuery): { from: RawBuilder<unknown>; where: RawBuilder<SqlBool> } {
    const { terms } = searchColumns(args.mapping)
    const tokens = tokensOf(sql.id(args.alias, terms))
    return {
      from: sql`${sql.table(args.mapping.table)} as ${sql.id(args.alias)}`,
      where: sql<SqlBool>`${tokens} @@ ${tsQuery(args.terms)}::tsquery`,
    }
  },
} satisfies SqlFullTextSearch)
