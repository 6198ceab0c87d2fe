import type { RawBuilder } from 'kysely'
import type { ModelMapping } from './model-mapping.js'

/**
 * The columns of a search key index: the tenant, one search key of a row, the row's id, and the key's source bits
 * (the number after the key's `|` in `searchKeys`, `0` when absent: such a key is never taken as readable).
 */
export const SEARCH_KEY_COLUMNS = Object.freeze({
  tenant: 'tenant_id',
  key: 'search_key',
  record: 'record_id',
  bits: 'search_bits',
})

/** Above every character a search key can hold (normalisation turns noncharacters into spaces). */
export const KEY_RANGE_END = '\u{10FFFF}'

/**
 * An index of every row's search keys (`searchKeys`, one entry per key) ordered by tenant, key and id, kept in sync
 * by the engine. It serves search's first two tiers in id order: a key equal to the query and a key starting with
 * it are index ranges, so `limit` stops the read after `limit` rows however many rows match. Without it every
 * matching row is read and ranked before the first `limit` are known.
 */
export interface SearchKeyIndex {
  /** Part of the migration name: change it when `ddl()` changes. */
  readonly version: string
  /**
   * How the prefix tier reads the ids of a key range: `in` puts them in `id in (…)` on the base table, which SQLite
   * answers by walking its sorted IN list through the primary key, in id order, so `limit` stops the read; `join`
   * joins the distinct ids to the rows, for planners (Postgres) that pick their own order and keep the top `limit`.
   */
  readonly rangeForm: 'in' | 'join'
  /** The index table of a model (columns {@link SEARCH_KEY_COLUMNS}). */
  table(mapping: ModelMapping): RawBuilder<unknown>
  /**
   * Statements that (re)build the index: `drop` removes it, `create` creates the table, the triggers that keep it in
   * sync with the `searchKeys` column, and fills it from the rows already stored.
   */
  ddl(mapping: ModelMapping): {
    readonly drop: readonly RawBuilder<unknown>[]
    readonly create: readonly RawBuilder<unknown>[]
  }
}
