import { SEARCH_SEMANTICS_VERSION, searchDocumentFields, withSearchDocument } from '@rapport/core/search'
import type { ModelDefinition, StorageAdapter, StorageSchema } from '@rapport/core/storage'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import type { Kysely } from 'kysely'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PostgresStorage } from '../src/index.js'
import { createPostgresStorage } from '../src/index.js'
import type { PgTestBackend } from './pg-test-backend.js'
import { openTestBackend } from './pg-test-backend.js'

/**
 * A database whose search keys were written before they carried source bits (search semantics v1: `\nkey\n` lines,
 * a key index without a bits column, its ledger entries) is upgraded by `migrations.apply()`: every row's keys are
 * recomputed with their bits and the key index is rebuilt with them, so a search through some fields only
 * (`readableFields`) finds a row by those fields' keys and never by another's. A key line still without bits (a
 * custom writer's) is stored with bits 0: never taken as a readable key, so such a row is found only by the re-check
 * of the full-text tier.
 */
const model: ModelDefinition = {
  name: 'contact',
  table: 'bits_upgrade',
  idPrefix: 'con',
  fields: {
    id: { type: 'string', required: true },
    tenantId: { type: 'string', required: true },
    createdAt: { type: 'datetime', required: true },
    updatedAt: { type: 'datetime', required: true },
    version: { type: 'integer', required: true },
    archivedAt: { type: 'datetime' },
    name: { type: 'string', required: true },
    email: { type: 'string' },
    ...searchDocumentFields,
  },
  indexes: [],
  relations: {},
  searchFields: ['name', 'email'],
}
const schema: StorageSchema = { version: 1, models: { contact: model } }
const at = new Date(Date.UTC(2025, 0, 1))
const row = (id: string, name: string, email: string | null) =>
  withSearchDocument(model, {
    id,
    tenantId: 't1',
    createdAt: at,
    updatedAt: at,
    version: 1,
    archivedAt: null,
    name,
    email,
  })
/** Search keys as semantics v1 wrote them: the same keys, no bits. */
const legacy = (keys: string) => keys.replace(/\|\d+\n/g, '\n')

async function upgrade(
  storage: StorageAdapter,
  db: Kysely<any>,
  keyTable: string,
  keyIndexVersion: string,
  dropTriggers: (db: Kysely<any>) => Promise<void>,
) {
  await storage.migrations.apply(schema)
  await storage.createMany({
    model,
    schema,
    tenantId: 't1',
    data: [
      row('con_1', '张伟明', 'ada@zoo.example'),
      row('con_2', 'Ada Lovelace', 'wei@zoo.example'),
      row('con_3', 'Zoo Keeper', 'ada@ada.example'),
    ],
  })
  // Back to v1: keys without bits, a key index without the bits column, the v1 ledger names.
  const stored = await sql<{
    id: string
    search_keys: string
  }>`select id, search_keys from ${sql.table(model.table)}`.execute(db)
  for (const r of stored.rows) {
    expect(r.search_keys).toMatch(/\|\d+\n/)
    await sql`update ${sql.table(model.table)} set search_keys = ${legacy(r.search_keys)} where id = ${r.id}`.execute(
      db,
    )
  }
  // The triggers go with it (v1's would insert whole `key|bits` lines until step 0510 rebuilds the index).
  await dropTriggers(db)
  await sql`drop table ${sql.table(keyTable)}`.execute(db)
  await sql`create table ${sql.table(keyTable)} (tenant_id text not null, search_key text not null, record_id text not null)`.execute(
    db,
  )
  await sql`update rapport_migrations set name = replace(name, ${`/v${SEARCH_SEMANTICS_VERSION}.`}, '/v1.') where name like '0500/search/%'`.execute(
    db,
  )
  await sql`update rapport_migrations set name = replace(name, ${`/${keyIndexVersion}/`}, '/btree-old/') where name like '0510/search-keys/%'`.execute(
    db,
  )

  const report = await storage.migrations.apply(schema)
  expect(report.applied.some((name) => name.startsWith('0500/search/'))).toBe(true)
  expect(report.applied.some((name) => name.startsWith('0510/search-keys/'))).toBe(true)
  const keys = await sql<{
    search_key: string
    record_id: string
    search_bits: number
  }>`select search_key, record_id, search_bits from ${sql.table(keyTable)} order by record_id, search_key`.execute(
    db,
  )
  // name is source 0 (bit 1), email source 1 (bit 2).
  expect(keys.rows.map((k) => [k.record_id, k.search_key, Number(k.search_bits)])).toEqual([
    ['con_1', 'ada@zoo.example', 2],
    ['con_1', '张伟明', 1],
    ['con_2', 'ada lovelace', 1],
    ['con_2', 'wei@zoo.example', 2],
    ['con_3', 'ada@ada.example', 2],
    ['con_3', 'zoo keeper', 1],
  ])

  const search = async (query: string, readableFields?: string[]) =>
    (
      await storage.search!({
        model,
        schema,
        tenantId: 't1',
        query,
        limit: 10,
        ...(readableFields ? { readableFields } : {}),
      })
    ).map((r) => r['id'])
  // Through every field, all three have a key starting with "ada" (tier 1), in id order. Through the name only, just
  // con_2 (its name's key); the emails of con_1 and con_3 are not searched.
  expect(await search('ada')).toEqual(['con_1', 'con_2', 'con_3'])
  expect(await search('ada', ['name'])).toEqual(['con_2'])
  expect(await search('ada@zoo.example')).toEqual(['con_1'])
  expect(await search('ada@zoo.example', ['name'])).toEqual([])
  expect(await search('zoo', ['name'])).toEqual(['con_3'])
  expect(await search('张伟明', ['name'])).toEqual(['con_1'])
  expect(await search('伟明', ['name'])).toEqual(['con_1'])

  // A key line written without bits counts as no readable key: the row is found only by tier 2's re-check.
  await sql`update ${sql.table(model.table)} set search_keys = ${'\nada lovelace\nwei@zoo.example\n'} where id = 'con_2'`.execute(
    db,
  )
  const bits = await sql<{
    search_bits: number
  }>`select search_bits from ${sql.table(keyTable)} where record_id = 'con_2'`.execute(db)
  expect(bits.rows.map((b) => Number(b.search_bits))).toEqual([0, 0])
  expect(await search('ada', ['name'])).toEqual(['con_2'])
  expect(await search('ada lovelace', ['name'])).toEqual(['con_2'])
  expect(await search('ada')).toEqual(['con_1', 'con_2', 'con_3'])
}

let backend: PgTestBackend
let postgres: PostgresStorage

beforeAll(async () => {
  backend = await openTestBackend('bits_upgrade')
  postgres =
    backend.kind === 'server'
      ? createPostgresStorage({ connectionString: backend.url! }, { schema: backend.schema })
      : createPostgresStorage({ kysely: backend.kysely }, { schema: backend.schema })
})

afterAll(async () => {
  await postgres?.close()
  await backend?.dispose()
})

describe('migrations give existing search keys their source bits', () => {
  it('on SQLite', async () => {
    const storage = createSqliteStorage({ file: ':memory:' })
    await upgrade(storage, storage.kysely, 'bits_upgrade_search_key', 'btree-2', async (db) => {
      for (const suffix of ['ai', 'au', 'ad'])
        await sql`drop trigger ${sql.id(`bits_upgrade_search_key_${suffix}`)}`.execute(db)
    })
    await storage.close()
  })

  it('on Postgres', async () => {
    const table = sql.table(`${backend.schema}.bits_upgrade`)
    await upgrade(
      postgres,
      postgres.kysely,
      `${backend.schema}.bits_upgrade_search_key`,
      'btree-4',
      async (db) => {
        for (const suffix of ['ins', 'upd', 'del'])
          await sql`drop trigger ${sql.id(`bits_upgrade_search_key_${suffix}`)} on ${table}`.execute(db)
      },
    )
  })
})
