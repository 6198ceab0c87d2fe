import type {
  FieldDefinition,
  FieldRef,
  IndexDefinition,
  OrderPeriodUnit,
  StorageValue,
  TextOperator,
} from '@rapport/core/storage'
import type { Expression, Kysely, RawBuilder, SqlBool } from 'kysely'
import type { ColumnMapping, ModelMapping } from './model-mapping.js'
import type { SearchKeyIndex } from './search-key-index.js'

/** The scalar type of a value a filter or sort key reads (a column or a JSON path). */
export type SqlValueType = FieldRef['type']

/** `in` lists longer than this use {@link SqlDialect.inList} (when the dialect has it). */
export const LONG_LIST_THRESHOLD = 100

/**
 * How a driver error is classified by {@link SqlDialect.classifyError}:
 * - `unique`: a unique or primary key violation (becomes `UNIQUE_VIOLATION`);
 * - `constraint`: a foreign key, not-null, check or datatype violation (`CONSTRAINT_VIOLATION`);
 * - `busy`: the database is locked or the pool is exhausted; retried, then `STORAGE_BUSY`;
 * - `undefined`: anything else (`STORAGE_FAILURE`).
 */
export type SqlErrorKind = 'unique' | 'constraint' | 'busy' | undefined

/** What a dialect needs to match search terms. */
export interface FullTextSearchQuery {
  /** The model's physical mapping; its `searchTerms` column holds the tokens (`" t1 t2 … "`). */
  readonly mapping: ModelMapping
  /** The alias the base table must be selected under; the row filter and the ranking refer to it. */
  readonly alias: string
  /** The terms of core's `parseSearchQuery()`: never empty, lower case, no spaces, no quotes or backslashes. */
  readonly terms: readonly string[]
}

/** The `FROM` clause and the predicate that select the rows whose tokens start with every term. */
export interface FullTextSearchMatch {
  /** Selects the base table under the alias (joined to an index table if the engine needs one). */
  readonly from: RawBuilder<unknown>
  /** True exactly when, for every term, one of the row's tokens starts with it. */
  readonly where: RawBuilder<SqlBool>
}

/**
 * How a dialect indexes search tokens. Core computes every record's tokens and keys (the `searchTerms` and
 * `searchKeys` columns) and parses the query; the base adds the CJK-run check, the ranking and the row filter, so a
 * dialect only answers "does some token start with each term", fast.
 */
export interface SqlFullTextSearch {
  /** Part of the migration name: change it when `ddl()` changes, and existing databases rebuild their index. */
  readonly version: string
  /**
   * Statements that (re)build the index of a model with `searchFields`: `drop` removes this and every earlier index
   * of the model (run before the base fills `searchTerms` of existing rows), `create` builds the index over the
   * filled column. Run inside one migration transaction where the engine allows.
   */
  ddl(mapping: ModelMapping): {
    readonly drop: readonly RawBuilder<unknown>[]
    readonly create: readonly RawBuilder<unknown>[]
  }
  /**
   * Optional: the statement that merges a model's index segments so the tokens of deleted rows leave the file
   * (SQLite FTS5 `optimize`); run by `storage.scrub()`.
   */
  optimize?(mapping: ModelMapping): RawBuilder<unknown>
  /** The source and predicate of a search. */
  match(args: FullTextSearchQuery): FullTextSearchMatch
  /**
   * Optional: an index of the rows' search keys, so the exact and prefix tiers are read in id order and `limit`
   * stops the read (see {@link SearchKeyIndex}). Without it, every matching row is ranked.
   */
  readonly keyIndex?: SearchKeyIndex
}

/** Arguments of {@link SqlDialect.setNullOnDelete}; every name is a physical table or column name. */
export interface SetNullOnDeleteArgs {
  /** A unique name for the trigger (or similar object). */
  readonly name: string
  /** The table holding the reference. */
  readonly table: string
  /** Its tenant column. */
  readonly tenantColumn: string
  /** The referencing column, set to `NULL`. */
  readonly column: string
  /** The referenced table. */
  readonly referencedTable: string
  /** The referenced table's tenant column. */
  readonly referencedTenantColumn: string
  /** The referenced table's id column. */
  readonly referencedIdColumn: string
}

/**
 * Everything that differs between SQL engines, kept deliberately small. `@rapport/storage-kysely` implements the
 * storage operations, the filter semantics, DDL and migrations once on top of this interface; an engine package
 * (`@rapport/storage-sqlite`, `@rapport/storage-postgres`, or your own libSQL/MySQL adapter) implements it.
 *
 * Every method returns Kysely SQL fragments (`sql` template results) so identifiers stay quoted and values stay bound.
 * A fragment that compiles a predicate must be `TRUE` exactly when the documented two-valued result is true (it may be
 * `FALSE` or `NULL` otherwise): the base negates with `IS NOT TRUE`.
 *
 * @example
 * ```ts
 * import { createKyselyStorage, type SqlDialect } from '@rapport/storage-kysely'
 *
 * declare const myDialect: SqlDialect
 * declare const db: import('kysely').Kysely<any>
 * const storage = createKyselyStorage({ db, dialect: myDialect })
 * ```
 */
export interface SqlDialect {
  /** A short engine name used in `StorageAdapter.name` and error details, e.g. `sqlite`. */
  readonly name: string
  /** The most bind parameters one statement may carry (SQLite 32766, Postgres 65535). */
  readonly maxBindParameters: number
  /** `INSERT/UPDATE/DELETE … RETURNING` is available (otherwise the base re-reads rows). */
  readonly supportsReturning: boolean
  /**
   * The engine has one connection, so every operation and transaction must be serialised by the adapter (SQLite).
   * When false, transactions use `db.transaction()` on a pooled connection.
   */
  readonly singleConnection: boolean
  /**
   * How composite foreign keys are created: `inline` in `CREATE TABLE` (SQLite, which cannot add constraints
   * later; referenced tables need not exist yet), or `alter` with `ALTER TABLE … ADD CONSTRAINT` once every table
   * exists (Postgres).
   */
  readonly foreignKeys: 'inline' | 'alter'
  /** The engine sorts `NULL` first ascending and last descending without `NULLS FIRST/LAST` (SQLite does). */
  readonly nullsSortFirstNatively: boolean
  /** The statement that opens a write transaction on a single connection, e.g. `begin immediate`. */
  readonly beginTransactionSql?: string
  /** A clause appended to `CREATE TABLE` (e.g. SQLite `strict`), if any. */
  readonly createTableSuffix?: string
  /** The SQL column type of a field, e.g. `integer`, `text`, `jsonb`, `timestamptz`. */
  columnType(field: FieldDefinition): string
  /**
   * Converts a (validated) storage value into a driver parameter for a column of `field`'s type, e.g. a `Date` into
   * epoch milliseconds, `true` into `1`, JSON into text. `null` stays `null`.
   */
  encodeValue(value: Exclude<StorageValue, null>, field: FieldDefinition): unknown
  /**
   * Optional: the encoder of one column type, chosen once per column when a model's INSERT encoder is compiled, or
   * `null` when the storage value is already the driver parameter (text, numbers). It must agree with
   * {@link SqlDialect.encodeValue}; without it the compiled encoder calls `encodeValue` for every value.
   */
  valueEncoder?(field: FieldDefinition): ((value: unknown) => unknown) | null
  /**
   * Optional: a multi-row INSERT that takes one array parameter per column, e.g. Postgres
   * `insert into t (a, b) select * from unnest($1::text[], $2::bigint[])`. Its parameter count is fixed whatever
   * the row count, so a batch is one statement with one text (and one plan) for every batch size, where a multi-row
   * `VALUES` list binds a parameter per value under the bind-parameter limit. The parameters it is run with are the
   * columns' encoded values ({@link SqlDialect.encodeValue}), one array per column in this order.
   */
  columnArrayInsert?(table: string, columns: readonly ColumnMapping[]): RawBuilder<unknown>
  /**
   * Optional: a row source of one array parameter per column, e.g. Postgres `unnest($1::text[], $2::bigint[])`,
   * each array holding the column's encoded values ({@link SqlDialect.encodeValue}) in `definitions`' order. With it
   * `updateByIds` is one `UPDATE … FROM <source>` per batch; without it, one `updateById` per row.
   */
  columnArraySource?(
    definitions: readonly FieldDefinition[],
    arrays: readonly (readonly unknown[])[],
  ): RawBuilder<unknown>
  /** Converts a driver value read from a column of `field`'s type back into a storage value. Never gets `null`. */
  decodeValue(value: unknown, field: FieldDefinition): StorageValue
  /**
   * Optional: the decoder of one column type, chosen once per column when a model's row decoder is compiled, or
   * `null` when the driver's value is already the storage value (text on most engines). It must agree with
   * {@link SqlDialect.decodeValue}; without it the compiled decoder calls `decodeValue` for every value.
   */
  valueDecoder?(field: FieldDefinition): ((value: unknown) => StorageValue) | null
  /**
   * Converts a filter value into a parameter comparable with {@link SqlDialect.jsonPath} of type `type` (e.g. a
   * `Date` into its ISO string, `true` into `1` on SQLite).
   */
  encodePathValue(value: Exclude<StorageValue, null>, type: SqlValueType): unknown
  /**
   * Reads a scalar at `path` inside the JSON column `column` as a value of `type`; a missing key or JSON `null`
   * reads as SQL `NULL`. `type` is `undefined` in index definitions (which carry no type); the dialect must then
   * produce the same expression it produces for filters so expression indexes are usable.
   */
  jsonPath(
    column: Expression<unknown>,
    path: readonly string[],
    type: SqlValueType | undefined,
  ): RawBuilder<unknown>
  /**
   * True when the JSON array at `column` (`path` inside it, when given) has an element equal to one of `values`
   * (already encoded with {@link SqlDialect.encodePathValue}; never empty, never containing `null`).
   */
  jsonArrayContains(
    column: Expression<unknown>,
    path: readonly string[] | undefined,
    values: readonly unknown[],
    type: SqlValueType,
  ): RawBuilder<SqlBool>
  /** True when the JSON array at `column`/`path` is missing, `null`, or has no elements. */
  jsonArrayIsEmpty(column: Expression<unknown>, path: readonly string[] | undefined): RawBuilder<SqlBool>
  /**
   * A case-sensitive, code-point-exact text test; `value` is non-empty and, when `foldAscii` is set, already folded
   * to ASCII lower case by the base; the dialect folds `expr` with {@link SqlDialect.asciiLower}.
   */
  textMatch(
    expr: Expression<unknown>,
    op: TextOperator,
    value: string,
    foldAscii: boolean,
  ): RawBuilder<SqlBool>
  /** Folds ASCII letters A–Z to a–z and leaves every other character untouched. */
  asciiLower(expr: Expression<unknown>): RawBuilder<unknown>
  /** Wraps a sort or comparison operand so strings order by code point (Postgres `COLLATE "C"`); may be identity. */
  binaryCollation(expr: Expression<unknown>, type: SqlValueType): Expression<unknown>
  /**
   * Membership in a long list as ONE bound parameter (SQLite `x in (select value from json_each(?))`, Postgres
   * `x = any(?)`), so lists beyond {@link SqlDialect.maxBindParameters} work. `values` are encoded, distinct and never
   * `null`. The base uses it for lists longer than {@link LONG_LIST_THRESHOLD}; without it every value is bound.
   */
  inList?(expr: Expression<unknown>, values: readonly unknown[], type: SqlValueType): RawBuilder<SqlBool>
  /**
   * The physical columns a unique or constraint violation names (from the driver's message or detail), used to
   * fill `details.fields` of the `RapportError`; optional.
   */
  constraintColumns?(error: unknown): readonly string[] | undefined
  /** Classifies a driver error; see {@link SqlErrorKind}. */
  classifyError(error: unknown): SqlErrorKind
  /**
   * Makes deleting a referenced row set `column` of the referencing rows to `NULL`, for engines whose composite
   * foreign keys cannot set one column to null (SQLite: a `BEFORE DELETE` trigger; the foreign key is then created
   * with `NO ACTION`). When absent, the base emits `ON DELETE SET NULL (column)` (Postgres 15+).
   */
  setNullOnDelete?(args: SetNullOnDeleteArgs): readonly RawBuilder<unknown>[]
  /** Names of the indexes that exist in the database (to diff migrations). */
  listIndexes(db: Kysely<any>): Promise<ReadonlySet<string>>
  /** Full-text search, when the engine offers it. */
  readonly fullTextSearch?: SqlFullTextSearch
  /**
   * Optional: statements run after every `migrations.apply()`, outside its transaction, e.g. SQLite's
   * `PRAGMA optimize`, which gathers the planner statistics SQLite otherwise never collects.
   */
  readonly afterMigrateSql?: readonly RawBuilder<unknown>[]
  /** Optional: statements `storage.scrub()` runs last, e.g. SQLite's truncating WAL checkpoint. */
  readonly scrubSql?: readonly RawBuilder<unknown>[]
  /**
   * The UTC period index of the `datetime` column `column` as an integer, exactly `orderPeriodIndex()` of
   * `@rapport/core/storage`: days since 1970-01-01 (floored), Monday-based weeks `floor((day + 3) / 7)`, or
   * `year * 12 + month - 1`. When present the adapter aggregates orders inside the database
   * (`capabilities.orderAggregation`).
   */
  periodIndex?(column: Expression<unknown>, unit: OrderPeriodUnit): RawBuilder<number>
  /**
   * How an index stores its {@link IndexDefinition.include} fields: `'include'`, in an `INCLUDE (…)` clause outside
   * the key (Postgres 11+); absent, appended to the key after `id` (SQLite, which has no such clause).
   */
  readonly indexInclude?: 'include'
}
