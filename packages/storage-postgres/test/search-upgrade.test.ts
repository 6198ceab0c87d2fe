import { searchDocumentFields } from '@rapport/core/search'
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
 * A database created before the search rewrite (no search columns, the old `<table>_fts` index, its ledger entry)
 * is upgraded by `migrations.apply()`: the old index goes, every existing row gets its search document, the new
 * index is built, and both old and new rows are found, in CJK too.
 */
const system = {
  id: { type: 'string', required: true },
  tenantId: { type: 'string', required: true },
  createdAt: { type: 'datetime', required: true },
  updatedAt: { type: 'datetime', required: true },
  version: { type: 'integer', required: true },
  archivedAt: { type: 'datetime' },
} as const
const oldModel: ModelDefinition = {
  name: 'company',
  table: 'search_upgrade',
  idPrefix: 'com',
  fields: { ...system, name: { type: 'string', required: true }, notes: { type: 'text' } },
  indexes: [],
  relations: {},
  searchFields: [],
}
const newModel: ModelDefinition = {
  ...oldModel,
  fields: { ...oldModel.fields, ...searchDocumentFields },
  searchFields: ['name', 'notes'],
}
const oldSchema: StorageSchema = { version: 1, models: { company: oldModel } }
const newSchema: StorageSchema = { version: 2, models: { company: newModel } }
const at = new Date(Date.UTC(2025, 0, 1))
const row = (id: string, name: string) => ({
  id,
  tenantId: 't1',
  createdAt: at,
  updatedAt: at,
  version: 1,
  archivedAt: null,
  name,
  notes: null,
})

async function upgrade(
  storage: StorageAdapter,
  db: Kysely<any>,
  table: string,
  legacyIndex: (db: Kysely<any>) => Promise<void>,
) {
  await storage.migrations.apply(oldSchema)
  await storage.createMany({
    model: oldModel,
    schema: oldSchema,
    tenantId: 't1',
    data: [row('com_1', '北京星辰科技有限公司'), row('com_2', 'Lovelace Analytical Engines')],
  })
  await legacyIndex(db)
  await sql`insert into rapport_migrations (name, timestamp) values (${`0500/fts/${table}/name,notes`}, ${at.toISOString()})`.execute(
    db,
  )
  const plan = await storage.migrations.plan(newSchema)
  expect(plan.statements.some((s) => s.includes('compute the search documents'))).toBe(true)
  const report = await storage.migrations.apply(newSchema)
  expect(report.applied.some((name) => name.startsWith('0500/search/'))).toBe(true)
  const search = async (query: string) =>
    (await storage.search!({ model: newModel, schema: newSchema, tenantId: 't1', query, limit: 10 })).map(
      (r) => r['id'],
    )
  expect(await search('星辰')).toEqual(['com_1'])
  expect(await search('Lov')).toEqual(['com_2'])
  await storage.create({
    model: newModel,
    schema: newSchema,
    tenantId: 't1',
    data: { ...row('com_3', 'x'), searchTerms: ' 星辰 辰 ', searchKeys: '\n星辰\n' },
  })
  expect(await search('星辰')).toEqual(['com_3', 'com_1'])
  expect((await storage.migrations.plan(newSchema)).statements).toEqual([])
}

let backend: PgTestBackend
let postgres: PostgresStorage

beforeAll(async () => {
  backend = await openTestBackend('search_upgrade')
  postgres =
    backend.kind === 'server'
      ? createPostgresStorage({ connectionString: backend.url! }, { schema: backend.schema })
      : createPostgresStorage({ kysely: backend.kysely }, { schema: backend.schema })
})

afterAll(async () => {
  await postgres?.close()
  await backend?.dispose()
})

describe('migrations upgrade an existing search index', () => {
  it('on SQLite: drops the unicode61 FTS5 table and its triggers, fills the documents, builds the new index', async () => {
    const storage = createSqliteStorage({ file: ':memory:' })
    await upgrade(storage, storage.kysely, 'search_upgrade', async (db) => {
      // The DDL of Rapport ≤ 0.1.
      await sql`create virtual table "search_upgrade_fts" using fts5("name", "notes", content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2')`.execute(
        db,
      )
      await sql`create trigger "search_upgrade_fts_ad" after delete on "search_upgrade" for each row begin delete from "search_upgrade_fts" where rowid = old.rowid; end`.execute(
        db,
      )
    })
    const tables = await sql<{
      name: string
    }>`select name from sqlite_master where name like 'search_upgrade_fts%'`.execute(storage.kysely)
    expect(tables.rows).toEqual([])
    await storage.close()
  })

  it('on Postgres: drops the to_tsvector index, fills the documents, builds the new GIN index', async () => {
    const schema = backend.schema
    await upgrade(postgres, postgres.kysely, 'search_upgrade', async (db) => {
      await sql`create index "search_upgrade_fts" on ${sql.table(`${schema}.search_upgrade`)} using gin ((setweight(to_tsvector('simple'::regconfig, coalesce("name", '')), 'A')))`.execute(
        db,
      )
    })
    const indexes = await sql<{
      indexname: string
    }>`select indexname from pg_indexes where schemaname = ${schema}`.execute(postgres.kysely)
    const names = indexes.rows.map((r) => r.indexname)
    expect(names).not.toContain('search_upgrade_fts')
    expect(names).toContain('search_upgrade_search')
  })
})
