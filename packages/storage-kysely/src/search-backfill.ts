import { SEARCH_SEMANTICS_VERSION, searchDocument } from '@rapport/core/search'
import type { StorageRow } from '@rapport/core/storage'
import type { Kysely } from 'kysely'
import { sql } from 'kysely'
import type { ModelMapping } from './model-mapping.js'
import { decodeRow } from './row-codec.js'
import { searchColumns } from './search-statement.js'
import type { SqlDialect } from './sql-dialect.js'

const BATCH = 500

/** The migration name of a model's search index: a new tokeniser, index or field list gives a new name. */
export function searchMigrationName(mapping: ModelMapping, dialect: SqlDialect): string {
  const model = mapping.model
  const phrases = (model.searchPhrases ?? []).map((phrase) => phrase.join('+')).join(';')
  const version = `v${SEARCH_SEMANTICS_VERSION}.${dialect.fullTextSearch?.version ?? '0'}`
  return `0500/search/${version}/${mapping.table}/${model.searchFields.join(',')}${phrases ? `|${phrases}` : ''}`
}

/**
 * Recomputes the search document (`searchTerms`, `searchKeys`) of every existing row with core's tokeniser, in
 * batches by (tenant, id). Runs inside the migration that rebuilds the index, so an upgraded database finds exactly
 * what a new one does. Reads only the search fields, writes only the two search columns (no version bump: the record
 * did not change).
 */
export async function backfillSearchDocuments(
  db: Kysely<any>,
  mapping: ModelMapping,
  dialect: SqlDialect,
): Promise<number> {
  const model = mapping.model
  const columns = searchColumns(mapping)
  const tenant = mapping.byField.get('tenantId')!.column
  const id = mapping.byField.get('id')!.column
  const sources = new Set(['tenantId', 'id', ...model.searchFields, ...(model.searchPhrases ?? []).flat()])
  const selected = mapping.columns.filter((c) => sources.has(c.field))
  const table = sql.table(mapping.table)
  const order = sql`${dialect.binaryCollation(sql.id(tenant), 'string')}, ${dialect.binaryCollation(sql.id(id), 'string')}`
  let after: readonly [string, string] | undefined
  let total = 0
  for (;;) {
    const from = after
      ? sql`where (${sql.id(tenant)} > ${after[0]} or (${sql.id(tenant)} = ${after[0]} and ${sql.id(id)} > ${after[1]}))`
      : sql``
    const result = await sql<Record<string, unknown>>`select ${sql.join(
      selected.map((c) => sql.id(c.column)),
    )} from ${table} ${from} order by ${order} limit ${BATCH}`.execute(db)
    if (result.rows.length === 0) return total
    const updates = result.rows.map((raw) => {
      const row: StorageRow = decodeRow(mapping, raw, dialect)
      const doc = searchDocument(model, row)
      return sql`select ${row['tenantId']} as ${sql.id('tn')}, ${row['id']} as ${sql.id('rid')}, ${doc.searchTerms} as ${sql.id('st')}, ${doc.searchKeys} as ${sql.id('sk')}`
    })
    await sql`update ${table} set ${sql.id(columns.terms)} = ${sql.id('_v', 'st')}, ${sql.id(columns.keys)} = ${sql.id('_v', 'sk')} from (${sql.join(updates, sql` union all `)}) as ${sql.id('_v')} where ${table}.${sql.id(tenant)} = ${sql.id('_v', 'tn')} and ${table}.${sql.id(id)} = ${sql.id('_v', 'rid')}`.execute(
      db,
    )
    total += result.rows.length
    const last = result.rows[result.rows.length - 1]!
    after = [String(last[tenant]), String(last[id])]
    if (result.rows.length < BATCH) return total
  }
}
