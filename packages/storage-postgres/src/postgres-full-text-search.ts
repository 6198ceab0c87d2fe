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
 * Postgres's index of search keys: a table `<table>_search_key` (tenant, key, id) with a unique B-tree index on
 * (tenant, key, id), every column `COLLATE "C"`, so the ids of a key, or of a range of keys, come out in code point
 * order (the order search ranks ties by) without reading the rows. A row trigger keeps it in sync with the
 * `searchKeys` column inside the writing transaction; it has a `tenant_id` column, so row-level security covers it
 * like every model table.
 *
 * @example
 * ```ts
 * postgresSearchKeyIndex.ddl(mapping).create // table, index, trigger, and the rows already stored
 * ```
 */
export const postgresSearchKeyIndex: SearchKeyIndex = Object.freeze({
  version: 'btree-2',
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
    const trigger = q(objectNameOf(mapping, 'search_key_sync'))
    const tenant = q(mapping.byField.get('tenantId')!.column)
    const id = q(mapping.byField.get('id')!.column)
    const column = q(keys)
    const [kt, kk, kr] = [q(c.tenant), q(c.key), q(c.record)]
    const split = (row: string) => `unnest(string_to_array(btrim(${row}.${column}, E'\\n'), E'\\n'))`
    const body = [
      'begin',
      `  if tg_op in ('UPDATE', 'DELETE') and old.${column} is not null and old.${column} <> '' then`,
      `    delete from ${index} where ${kt} = old.${tenant} and ${kr} = old.${id}`,
      `      and ${kk} = any(string_to_array(btrim(old.${column}, E'\\n'), E'\\n'));`,
      '  end if;',
      `  if tg_op in ('INSERT', 'UPDATE') and new.${column} is not null and new.${column} <> '' then`,
      `    insert into ${index} (${kt}, ${kk}, ${kr}) select new.${tenant}, k, new.${id} from ${split('new')} as k on conflict do nothing;`,
      '  end if;',
      '  return null;',
      'end',
    ].join('\n')
    return {
      drop: [
        sql.raw(`drop trigger if exists ${trigger} on ${base}`),
        sql.raw(`drop function if exists ${sync}()`),
        sql.raw(`drop table if exists ${index}`),
      ],
      create: [
        // Every column COLLATE "C", like Rapport's string columns: the join to the table's id needs no collation
        // change, and ORDER BY record_id (code point order, the ranking's tie order) reads this index in order.
        sql.raw(
          `create table ${index} (${kt} text collate "C" not null, ${kk} text collate "C" not null, ${kr} text collate "C" not null)`,
        ),
        sql.raw(
          `create unique index ${q(objectNameOf(mapping, 'search_key_order'))} on ${index} (${kt}, ${kk}, ${kr})`,
        ),
        sql.raw(
          `create function ${sync}() returns trigger language plpgsql as $rapport$\n${body}\n$rapport$`,
        ),
        sql.raw(
          `create trigger ${trigger} after insert or delete or update of ${column} on ${base} for each row execute function ${sync}()`,
        ),
        sql.raw(
          `insert into ${index} (${kt}, ${kk}, ${kr}) select t.${tenant}, k, t.${id} from ${base} as t, ${split('t')} as k where t.${column} is not null and t.${column} <> '' on conflict do nothing`,
        ),
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
