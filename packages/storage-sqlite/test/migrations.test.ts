import { isRapportError } from '@rapport/core'
import type { ModelDefinition, StorageSchema } from '@rapport/core/storage'
import { differentialModels, systemColumns, differentialSchema as testSchema } from '@rapport/core/testing'
import Database from 'better-sqlite3'
import { Kysely, SqliteDialect, sql } from 'kysely'
import type { Migration } from 'kysely/migration'
import { Migrator } from 'kysely/migration'
import { describe, expect, it } from 'vitest'
import { createSqliteStorage } from '../src/index.js'

const { contact: contactModel } = differentialModels

async function tableNames(db: Kysely<any>): Promise<string[]> {
  const result = await sql<{
    name: string
  }>`select name from sqlite_master where type = 'table' order by name`.execute(db)
  return result.rows.map((r) => r.name)
}

/** A plugin that adds a model and a field on contacts. */
const pluginSchema: StorageSchema = {
  version: 1,
  models: {
    ...testSchema.models,
    contact: {
      ...contactModel,
      fields: { ...contactModel.fields, loyaltyPoints: { type: 'integer' } },
      indexes: [...contactModel.indexes, { name: 'by_loyalty', fields: ['loyaltyPoints'] }],
    },
    reward: {
      name: 'reward',
      table: 'reward',
      idPrefix: 'rew',
      plugin: 'loyalty',
      fields: {
        ...Object.fromEntries(
          Object.entries(contactModel.fields).filter(([k]) =>
            ['id', 'tenantId', 'createdAt', 'updatedAt', 'version', 'archivedAt'].includes(k),
          ),
        ),
        contactId: { type: 'string', required: true, references: { model: 'contact', onDelete: 'cascade' } },
        points: { type: 'integer', required: true },
      },
      indexes: [{ name: 'by_contact', fields: ['contactId'] }],
      relations: {},
      searchFields: [],
    } satisfies ModelDefinition,
  },
}

describe('migrations', () => {
  it('apply is idempotent, records its steps in rapport_migrations, and plan() is empty afterwards', async () => {
    const storage = createSqliteStorage({ file: ':memory:' })
    const planned = await storage.migrations.plan(testSchema)
    expect(planned.statements.some((s) => s.startsWith('create table if not exists "contact"'))).toBe(true)
    expect(planned.statements.some((s) => s.includes('primary key ("tenant_id", "id")'))).toBe(true)
    expect(
      planned.statements.some((s) =>
        s.includes('foreign key ("tenant_id", "company_id") references "company" ("tenant_id", "id")'),
      ),
    ).toBe(true)
    expect(planned.statements).toContain(
      `create index if not exists "contact_by_tier" on "contact" ("tenant_id", (json_extract("custom", '$."tier"')), "id")`,
    )
    expect(planned.statements.some((s) => s.includes('using fts5'))).toBe(true)
    expect(await tableNames(storage.kysely)).toEqual([]) // plan() ran nothing

    const first = await storage.migrations.apply(testSchema)
    expect(first.applied).toContain('0100/table/contact')
    expect(first.skipped).toEqual([])
    const second = await storage.migrations.apply(testSchema)
    expect(second.applied).toEqual([])
    expect([...second.skipped].sort()).toEqual([...first.applied].sort())
    expect((await storage.migrations.plan(testSchema)).statements).toEqual([])

    const ledger = await storage.kysely.selectFrom('rapport_migrations').select('name').execute()
    expect(ledger.map((r) => r.name).sort()).toEqual([...first.applied].sort())
    expect(await tableNames(storage.kysely)).toEqual(
      expect.arrayContaining(['rapport_migrations', 'rapport_migrations_lock']),
    )
    expect(await tableNames(storage.kysely)).not.toContain('kysely_migration')
    await storage.close()
  })

  it("a host's own Kysely Migrator on the same database does not collide, and the host's instance stays open", async () => {
    const kysely = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) })
    const hostMigrations: Record<string, Migration> = {
      '0001_host_users': {
        up: async (db) => {
          await db.schema
            .createTable('host_user')
            .addColumn('id', 'integer', (c) => c.primaryKey())
            .execute()
        },
      },
    }
    const host = new Migrator({ db: kysely, provider: { getMigrations: async () => hostMigrations } })
    expect((await host.migrateToLatest()).error).toBeUndefined()

    const storage = createSqliteStorage({ kysely })
    await storage.migrations.apply(testSchema)
    // The host migrates again (with a new migration) after Rapport did: both ledgers are independent.
    hostMigrations['0002_host_orders'] = {
      up: async (db) => {
        await db.schema
          .createTable('host_order')
          .addColumn('id', 'integer', (c) => c.primaryKey())
          .execute()
      },
    }
    const again = await host.migrateToLatest()
    expect(again.error).toBeUndefined()
    expect(again.results?.map((r) => r.migrationName)).toEqual(['0002_host_orders'])
    const hostLedger = await kysely.selectFrom('kysely_migration').select('name').execute()
    expect(hostLedger.map((r) => r.name)).toEqual(['0001_host_users', '0002_host_orders'])
    expect((await storage.migrations.apply(testSchema)).applied).toEqual([])

    await storage.close()
    // close() left the host's instance usable.
    expect(await tableNames(kysely)).toContain('host_order')
    await kysely.destroy()
  })

  it('plugin models and fields migrate additively, keeping existing rows', async () => {
    const storage = createSqliteStorage({ file: ':memory:' })
    await storage.migrations.apply(testSchema)
    const scope = { model: contactModel, schema: testSchema, tenantId: 't1' }
    await storage.create({ ...scope, data: { ...systemColumns('con_1'), firstName: 'Ada' } })

    const plan = await storage.migrations.plan(pluginSchema)
    expect(plan.statements).toEqual([
      expect.stringContaining('create table if not exists "reward"'),
      'alter table "contact" add column "loyalty_points" integer',
      'create index if not exists "contact_by_loyalty" on "contact" ("tenant_id", "loyalty_points", "id")',
      'create index if not exists "reward_by_contact" on "reward" ("tenant_id", "contact_id", "id")',
    ])
    const report = await storage.migrations.apply(pluginSchema)
    expect(report.applied).toEqual([
      '0100/table/reward',
      '0200/column/contact/loyalty_points',
      '0400/index/contact_by_loyalty',
      '0400/index/reward_by_contact',
    ])
    const extended = { model: pluginSchema.models['contact']!, schema: pluginSchema, tenantId: 't1' }
    const before = await storage.findById({ ...extended, id: 'con_1' })
    expect(before).toMatchObject({ firstName: 'Ada', loyaltyPoints: null })
    await storage.updateById({ ...extended, id: 'con_1', data: { loyaltyPoints: 12 } })
    await storage.create({
      model: pluginSchema.models['reward']!,
      schema: pluginSchema,
      tenantId: 't1',
      data: { ...systemColumns('rew_1'), contactId: 'con_1', points: 5 },
    })
    expect((await storage.findById({ ...extended, id: 'con_1' }))?.['loyaltyPoints']).toBe(12)
    // Running the older schema again is harmless (no destructive diff), and so is the new one.
    expect((await storage.migrations.apply(testSchema)).applied).toEqual([])
    expect((await storage.migrations.apply(pluginSchema)).applied).toEqual([])
    await storage.close()
  })

  it('set-null references to a table whose name sorts later migrate, and null the reference on delete', async () => {
    const systemFields = Object.fromEntries(
      Object.entries(contactModel.fields).filter(([k]) =>
        ['id', 'tenantId', 'createdAt', 'updatedAt', 'version', 'archivedAt'].includes(k),
      ),
    )
    const model = (name: string, fields: ModelDefinition['fields']): ModelDefinition => ({
      name,
      table: name,
      idPrefix: name,
      fields: { ...systemFields, ...fields },
      indexes: [],
      relations: {},
      searchFields: [],
    })
    const schema: StorageSchema = {
      version: 1,
      models: {
        aardvark: model('aardvark', {
          zebraId: { type: 'string', references: { model: 'zebra', onDelete: 'set null' } },
        }),
        zebra: model('zebra', {}),
      },
    }
    const storage = createSqliteStorage({ file: ':memory:' })
    const report = await storage.migrations.apply(schema)
    expect(report.applied).toEqual([
      '0100/table/aardvark',
      '0100/table/zebra',
      '0300/fk/aardvark_zebra_id_fkey',
    ])
    const zebra = { model: schema.models['zebra']!, schema, tenantId: 't1' }
    const aardvark = { model: schema.models['aardvark']!, schema, tenantId: 't1' }
    await storage.create({ ...zebra, data: systemColumns('zebra_1') })
    await storage.create({ ...aardvark, data: { ...systemColumns('aardvark_1'), zebraId: 'zebra_1' } })
    expect(await storage.deleteById({ ...zebra, id: 'zebra_1' })).toBe(true)
    expect((await storage.findById({ ...aardvark, id: 'aardvark_1' }))?.['zebraId']).toBeNull()
    await storage.close()
  })

  it('a failing migration run is rolled back as a whole and can be retried once the data is fixed', async () => {
    const storage = createSqliteStorage({ file: ':memory:' })
    await storage.migrations.apply(testSchema)
    const scope = { model: contactModel, schema: testSchema, tenantId: 't1' }
    await storage.create({ ...scope, data: { ...systemColumns('con_1'), ownerId: 'usr_1' } })
    await storage.create({ ...scope, data: { ...systemColumns('con_2'), ownerId: 'usr_1' } })
    const ledgerBefore = await storage.kysely.selectFrom('rapport_migrations').select('name').execute()
    // A plugin adds a table and a unique index the existing rows violate.
    const uniqueOwner: StorageSchema = {
      version: 2,
      models: {
        ...pluginSchema.models,
        contact: { ...contactModel, indexes: [{ name: 'one_per_owner', fields: ['ownerId'], unique: true }] },
      },
    }
    const err = await storage.migrations.apply(uniqueOwner).catch((e: unknown) => e)
    expect(isRapportError(err, 'STORAGE_FAILURE')).toBe(true)
    expect(await tableNames(storage.kysely)).not.toContain('reward')
    expect(await storage.kysely.selectFrom('rapport_migrations').select('name').execute()).toEqual(
      ledgerBefore,
    )
    expect(await storage.count(scope)).toBe(2)

    await storage.updateById({ ...scope, id: 'con_2', data: { ownerId: 'usr_2' } })
    const report = await storage.migrations.apply(uniqueOwner)
    expect(report.applied).toContain('0100/table/reward')
    expect(report.applied).toContain('0400/index/contact_one_per_owner')
    await storage.close()
  })

  it('an index that replaces an older one is created with its included columns, then the old one is dropped', async () => {
    const storage = createSqliteStorage({ file: ':memory:' })
    const byOwner = { name: 'by_owner', fields: ['ownerId'] }
    const v1: StorageSchema = {
      version: 1,
      models: {
        ...testSchema.models,
        contact: { ...contactModel, indexes: [...contactModel.indexes, byOwner] },
      },
    }
    const v2: StorageSchema = {
      version: 2,
      models: {
        ...testSchema.models,
        contact: {
          ...contactModel,
          indexes: [
            ...contactModel.indexes,
            { name: 'by_owner_named', fields: ['ownerId'], include: ['firstName'], replaces: ['by_owner'] },
          ],
        },
      },
    }
    await storage.migrations.apply(v1)
    const scope = { model: contactModel, schema: v2, tenantId: 't1' }
    await storage.create({
      ...scope,
      data: { ...systemColumns('con_1'), firstName: 'Ada', ownerId: 'usr_1' },
    })
    const indexColumns = async (name: string) =>
      (
        await sql<{ name: string }>`select name from pragma_index_info(${name}) order by seqno`.execute(
          storage.kysely,
        )
      ).rows.map((r) => r.name)
    expect(await indexColumns('contact_by_owner')).toEqual(['tenant_id', 'owner_id', 'id'])

    const report = await storage.migrations.apply(v2)
    expect(report.applied).toEqual([
      '0400/index/contact_by_owner_named',
      '0410/drop-index/contact_by_owner/replaced-by/contact_by_owner_named',
    ])
    expect(await indexColumns('contact_by_owner')).toEqual([])
    expect(await indexColumns('contact_by_owner_named')).toEqual([
      'tenant_id',
      'owner_id',
      'id',
      'first_name',
    ])
    // The included column answers the query from the index alone.
    const plan = await sql<{ detail: string }>`explain query plan
      select id, first_name from contact where tenant_id = 't1' and owner_id = 'usr_1' order by id`.execute(
      storage.kysely,
    )
    expect(plan.rows.map((r) => r.detail).join('\n')).toContain('USING COVERING INDEX contact_by_owner_named')
    expect((await storage.migrations.plan(v2)).statements).toEqual([])
    expect(await storage.findById({ ...scope, id: 'con_1' })).toMatchObject({
      firstName: 'Ada',
      ownerId: 'usr_1',
    })
    // A fresh database never had the old index: nothing to drop.
    const fresh = createSqliteStorage({ file: ':memory:' })
    expect((await fresh.migrations.apply(v2)).applied.filter((step) => step.startsWith('0410/'))).toEqual([])
    await fresh.close()
    await storage.close()
  })

  it('a schema naming an unknown referenced model fails with INVALID_CONFIG and creates nothing', async () => {
    const storage = createSqliteStorage({ file: ':memory:' })
    const broken: StorageSchema = {
      version: 1,
      models: {
        contact: {
          ...contactModel,
          fields: { ...contactModel.fields, companyId: { type: 'string', references: { model: 'nope' } } },
        },
      },
    }
    const err = await storage.migrations.apply(broken).catch((e: unknown) => e)
    expect(isRapportError(err, 'INVALID_CONFIG')).toBe(true)
    expect(await tableNames(storage.kysely)).toEqual([])
    await storage.close()
  })
})
