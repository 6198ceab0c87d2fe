import { isRapportError } from '@rapport/core'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PostgresStorage } from '../src/index.js'
import { createPostgresStorage } from '../src/index.js'
import type { PgTestBackend } from './pg-test-backend.js'
import { openTestBackend } from './pg-test-backend.js'
import { dealModel, dealRow, dealSchema } from './test-schema.js'

let backend: PgTestBackend
const toClose: PostgresStorage[] = []

function storageIn(schema: string): PostgresStorage {
  const storage =
    backend.kind === 'server'
      ? createPostgresStorage({ connectionString: backend.url! }, { schema })
      : createPostgresStorage({ kysely: backend.kysely }, { schema })
  toClose.push(storage)
  return storage
}

async function tablesIn(schema: string): Promise<string[]> {
  const result = await sql<{
    tablename: string
  }>`select tablename from pg_tables where schemaname = ${schema} order by tablename`.execute(backend.kysely)
  return result.rows.map((r) => r.tablename)
}

beforeAll(async () => {
  backend = await openTestBackend('migrations')
})

afterAll(async () => {
  for (const storage of toClose) await storage.close()
  await backend?.dispose()
})

describe('migrations in a named schema', () => {
  it('plan() lists the SQL, apply() creates the schema, tables, indexes and ledger there, then plans nothing', async () => {
    const schema = backend.freshSchema('plan')
    const storage = storageIn(schema)
    const plan = await storage.migrations.plan(dealSchema)
    expect(plan.statements[0]).toBe(`create schema if not exists "${schema}"`)
    expect(plan.statements.some((s) => /create table if not exists "deal"/.test(s))).toBe(true)
    expect(plan.statements.some((s) => /using gin \("custom" jsonb_path_ops\)/.test(s))).toBe(true)
    expect(await tablesIn(schema)).toEqual([])

    const report = await storage.migrations.apply(dealSchema)
    expect(report.applied).toContain('0100/table/deal')
    expect(report.skipped).toEqual([])
    expect(report.applied).toContain('0510/search-keys/btree-4/deal')
    // The search key index is a table beside the model's (tenant, key, id), ordered for the ranked tiers.
    expect(await tablesIn(schema)).toEqual([
      'deal',
      'deal_search_key',
      'rapport_migrations',
      'rapport_migrations_lock',
    ])
    const indexes = await sql<{
      indexdef: string
    }>`select indexdef from pg_indexes where schemaname = ${schema}`.execute(backend.kysely)
    const defs = indexes.rows.map((r) => r.indexdef).join('\n')
    // tenant_id leads every key, ids end secondary indexes, and keys are NULLS FIRST so `asc nulls first` walks an
    // index forwards and `desc nulls last` backwards.
    expect(defs).toMatch(/deal_pkey .*\(tenant_id, id\)/)
    expect(defs).toMatch(/deal_search_key_order .*\(tenant_id, search_key, record_id\)/)
    expect(defs).toMatch(
      /deal_by_owner_stage_updated .*\(tenant_id NULLS FIRST, owner_id NULLS FIRST, stage NULLS FIRST, updated_at NULLS FIRST, id NULLS FIRST\)/,
    )
    expect(defs).toMatch(
      /deal_by_custom_tier .*\(tenant_id NULLS FIRST, \(\(custom #>> '\{tier\}'::text\[\]\)\) COLLATE "C" NULLS FIRST, id NULLS FIRST\)/,
    )
    expect(defs).toMatch(/deal_custom_gin .*USING gin \(custom jsonb_path_ops\)/)

    expect((await storage.migrations.plan(dealSchema)).statements).toEqual([])
    const again = await storage.migrations.apply(dealSchema)
    expect(again.applied).toEqual([])
    expect(again.skipped).toEqual(report.applied.slice().sort())
  })

  it('an index that replaces an older one is built with INCLUDE, then the old one is dropped in the same schema', async () => {
    const schema = backend.freshSchema('replace')
    const storage = storageIn(schema)
    const byOwner = { name: 'by_owner', fields: ['ownerId'] }
    const v1 = { version: 1, models: { deal: { ...dealModel, indexes: [...dealModel.indexes, byOwner] } } }
    const v2 = {
      version: 2,
      models: {
        deal: {
          ...dealModel,
          indexes: [
            ...dealModel.indexes,
            { name: 'by_owner_staged', fields: ['ownerId'], include: ['stage'], replaces: ['by_owner'] },
          ],
        },
      },
    }
    await storage.migrations.apply(v1)
    await storage.create({ model: dealModel, schema: v1, tenantId: 't1', data: dealRow('deal_1', 't1') })
    const indexDefs = async () =>
      new Map(
        (
          await sql<{
            indexname: string
            indexdef: string
          }>`select indexname, indexdef from pg_indexes where schemaname = ${schema}`.execute(backend.kysely)
        ).rows.map((r) => [r.indexname, r.indexdef]),
      )
    expect((await indexDefs()).has('deal_by_owner')).toBe(true)

    const report = await storage.migrations.apply(v2)
    expect(report.applied).toEqual([
      '0400/index/deal_by_owner_staged',
      '0410/drop-index/deal_by_owner/replaced-by/deal_by_owner_staged',
    ])
    const after = await indexDefs()
    expect(after.has('deal_by_owner')).toBe(false)
    expect(after.get('deal_by_owner_staged')).toMatch(
      /\(tenant_id NULLS FIRST, owner_id NULLS FIRST, id NULLS FIRST\) INCLUDE \(stage\)$/,
    )
    expect((await storage.migrations.plan(v2)).statements).toEqual([])
    expect(
      await storage.findById({ model: dealModel, schema: v2, tenantId: 't1', id: 'deal_1' }),
    ).not.toBeNull()
  })

  it('keeps schemas apart: the same model in two schemas holds different rows', async () => {
    const a = storageIn(backend.freshSchema('a'))
    const b = storageIn(backend.freshSchema('b'))
    await a.migrations.apply(dealSchema)
    await b.migrations.apply(dealSchema)
    const scope = { model: dealModel, tenantId: 't1', schema: dealSchema }
    await a.create({ ...scope, data: dealRow('deal_1', 't1') })
    expect(await a.count(scope)).toBe(1)
    expect(await b.count(scope)).toBe(0)
    // The escape hatch runs in the adapter's schema too.
    const viaKysely = await a.kysely.selectFrom('deal').select('id').execute()
    expect(viaKysely).toEqual([{ id: 'deal_1' }])
  })

  it('serialises concurrent migrators: N parallel apply() on a fresh schema all succeed and the DDL runs once', async () => {
    const schema = backend.freshSchema('race')
    const migrators = Array.from({ length: backend.kind === 'server' ? 6 : 3 }, () => storageIn(schema))
    const reports = await Promise.all(migrators.map((m) => m.migrations.apply(dealSchema)))
    const appliers = reports.filter((r) => r.applied.length > 0)
    expect(appliers).toHaveLength(1)
    for (const report of reports) {
      if (report !== appliers[0]) expect(report.skipped).toEqual(appliers[0]!.applied.slice().sort())
    }
    const ledger = await sql<{
      name: string
    }>`select name from ${sql.id(schema, 'rapport_migrations')}`.execute(backend.kysely)
    const names = ledger.rows.map((r) => r.name)
    expect(names.length).toBe(new Set(names).size)
    expect(names.sort()).toEqual(appliers[0]!.applied.filter((n) => !n.startsWith('0450/')).sort())
  })

  it('reports a missing schema as SCHEMA_OUTDATED until migrated', async () => {
    const storage = storageIn(backend.freshSchema('unmigrated'))
    const error = await storage.count({ model: dealModel, tenantId: 't1', schema: dealSchema }).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(isRapportError(error, 'SCHEMA_OUTDATED')).toBe(true)
  })
})

describe('connection ownership', () => {
  it('never ends a host pool; close() of a connection-string storage ends its own pool', async (ctx) => {
    if (backend.kind !== 'server') ctx.skip('needs a real server to open pg pools (PGlite is in-process)')
    const pool = new pg.Pool({ connectionString: backend.url!, max: 2 })
    const schema = backend.freshSchema('hostpool')
    const hosted = createPostgresStorage({ pool }, { schema })
    await hosted.migrations.apply(dealSchema)
    await hosted.create({
      model: dealModel,
      tenantId: 't1',
      schema: dealSchema,
      data: dealRow('deal_h', 't1'),
    })
    await hosted.close()
    // The host's pool still works, with its own search_path untouched by the adapter's leases.
    const path = await pool.query('show search_path')
    expect(path.rows[0].search_path).toBe('"$user", public')
    expect((await pool.query(`select count(*)::int as n from "${schema}".deal`)).rows[0].n).toBe(1)

    const host = new Kysely<any>({ dialect: new PostgresDialect({ pool }) })
    const viaKysely = createPostgresStorage({ kysely: host }, { schema })
    expect(await viaKysely.count({ model: dealModel, tenantId: 't1', schema: dealSchema })).toBe(1)
    await viaKysely.close()
    expect((await host.selectFrom(`${schema}.deal`).select('id').execute()).map((r) => r.id)).toEqual([
      'deal_h',
    ])
    await pool.end()

    const own = createPostgresStorage({ connectionString: backend.url! }, { schema })
    expect(await own.count({ model: dealModel, tenantId: 't1', schema: dealSchema })).toBe(1)
    await own.close()
    const after = await own.count({ model: dealModel, tenantId: 't1', schema: dealSchema }).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(isRapportError(after)).toBe(true)
  })
})
