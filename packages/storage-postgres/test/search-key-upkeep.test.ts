import { withSearchDocument } from '@rapport/core/search'
import type { StorageFilter, StorageRow } from '@rapport/core/storage'
import { conformanceSchema } from '@rapport/core/testing'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PostgresStorage } from '../src/index.js'
import { createPostgresStorage } from '../src/index.js'
import type { PgTestBackend } from './pg-test-backend.js'
import { openTestBackend } from './pg-test-backend.js'

/**
 * The search key index (`<table>_search_key`) under row-level security, on ONE connection, so PL/pgSQL's plan cache
 * is shared by every statement: the btree-2 row trigger cached a sequential-scan plan while the key table was small
 * and then read the whole key table once per deleted row (a `deleteMany` of 20,000 rows ran for minutes in the
 * conformance kit). Work is measured in rows read (`pg_stat_xact_user_tables`), never in time.
 */
const model = conformanceSchema.models['person']!
const TENANT = 'ten_upkeep'
const OTHER = 'ten_upkeep_other'
const person = model
let backend: PgTestBackend
let storage: PostgresStorage
let serial = 0
const storages: PostgresStorage[] = []

function row(name: string, tenantId = TENANT, extra: StorageRow = {}): StorageRow {
  const at = new Date(Date.UTC(2026, 0, 1, 0, 0, serial))
  const base: StorageRow = Object.fromEntries(Object.keys(person.fields).map((field) => [field, null]))
  serial += 1
  return withSearchDocument(person, {
    ...base,
    id: `per_upkeep${serial.toString(36).padStart(6, '0')}`,
    tenantId,
    createdAt: at,
    updatedAt: at,
    version: 1,
    name,
    email: `${name.replaceAll(' ', '.')}@example.test`,
    bio: `bio of ${name}`,
    ...extra,
  })
}

const scope = (tenantId = TENANT) => ({ model, schema: conformanceSchema, tenantId })
const within = (ids: readonly string[]): StorageFilter => ({
  kind: 'in',
  ref: { field: 'id', type: 'string' },
  values: ids,
  negate: false,
})

/** Every (tenant, key, source bits, id) the key table holds, as the owner sees it (no RLS), sorted. */
async function indexedKeys(): Promise<string[]> {
  const result = await sql<{ entry: string }>`
    select tenant_id || '|' || search_key || '|' || search_bits || '|' || record_id as entry
    from ${sql.table(`${storage.schema}.conformance_person_search_key`)}`.execute(backend.kysely)
  return result.rows.map((r) => r.entry).sort()
}

/** The (tenant, key|bits, id) the stored rows' `searchKeys` lines say the key table must hold, sorted. */
async function expectedKeys(): Promise<string[]> {
  const result = await sql<{ tenant_id: string; id: string; search_keys: string | null }>`
    select tenant_id, id, search_keys from ${sql.table(`${storage.schema}.conformance_person`)}`.execute(
    backend.kysely,
  )
  const entries = result.rows.flatMap((r) =>
    (r.search_keys ?? '')
      .split('\n')
      .filter((key) => key !== '')
      // A line without source bits (a raw writer's) is indexed with bits 0.
      .map((key) => `${r.tenant_id}|${key.includes('|') ? key : `${key}|0`}|${r.id}`),
  )
  return [...new Set(entries)].sort()
}

/** A fresh schema, migrated, and a storage on one connection (the server's pool of one, or PGlite's only one). */
async function openStorage(schema: string): Promise<PostgresStorage> {
  const options = { schema, rls: { role: 'rapport_app_test' } }
  const opened =
    backend.kind === 'server'
      ? createPostgresStorage({ connectionString: backend.url! }, { ...options, pool: { max: 1 } })
      : createPostgresStorage({ kysely: backend.kysely }, options)
  await opened.migrations.apply(conformanceSchema)
  storages.push(opened)
  return opened
}

beforeAll(async () => {
  backend = await openTestBackend('search_key_upkeep')
})

afterAll(async () => {
  for (const opened of storages) await opened.close()
  await backend?.dispose()
})

describe('the Postgres search key index under row-level security', () => {
  it('holds exactly the stored searchKeys after every kind of write', async () => {
    storage = await openStorage(backend.schema)
    const rows = Array.from({ length: 30 }, (_, i) => row(`keeper ${i}`))
    await storage.createMany({ ...scope(), data: rows })
    await storage.create({ ...scope(OTHER), data: row('keeper 0', OTHER) })
    await storage.create({ ...scope(), data: row('李 小龙') })
    expect(await indexedKeys()).toEqual(await expectedKeys())
    expect((await indexedKeys()).some((entry) => entry.startsWith(`${OTHER}|`))).toBe(true)

    // A search field changes (keys move), then a field outside the document (keys stay).
    const first = rows[0]!['id'] as string
    const renamed = withSearchDocument(person, { ...rows[0]!, name: 'renamed Zoë' })
    await storage.updateById({
      ...scope(),
      id: first,
      data: {
        name: 'renamed Zoë',
        searchTerms: String(renamed['searchTerms']),
        searchKeys: String(renamed['searchKeys']),
      },
    })
    await storage.updateById({ ...scope(), id: rows[1]!['id'] as string, data: { age: 41 } })
    expect(await indexedKeys()).toEqual(await expectedKeys())
    const keysOf = async (id: string) =>
      (await indexedKeys())
        .filter((entry) => entry.endsWith(`|${id}`))
        .map((entry) => entry.split('|').slice(1, 3).join('|'))
    expect(await keysOf(first)).toEqual(
      String(renamed['searchKeys'])
        .split('\n')
        .filter((key) => key !== '')
        .sort(),
    )
    // Some of the old name's keys are gone, so the update did move keys.
    const before = String(rows[0]!['searchKeys']).split('\n')
    const after = await keysOf(first)
    expect(before.some((key) => key !== '' && !after.includes(key))).toBe(true)

    // Many rows at once: a search field emptied, a plain field set.
    const cleared = rows.slice(2, 12).map((r) => r['id'] as string)
    await storage.updateMany({ ...scope(), where: within(cleared), data: { searchKeys: '' } })
    await storage.updateMany({ ...scope(), where: within(cleared), data: { age: 7 } })
    expect(await indexedKeys()).toEqual(await expectedKeys())
    expect((await indexedKeys()).some((entry) => cleared.some((id) => entry.endsWith(`|${id}`)))).toBe(false)

    await storage.deleteById({ ...scope(), id: first })
    await storage.deleteMany({ ...scope(), where: within(rows.slice(12, 25).map((r) => r['id'] as string)) })
    expect(await indexedKeys()).toEqual(await expectedKeys())
    // The other tenant's identical row kept its keys.
    expect((await indexedKeys()).filter((entry) => entry.startsWith(`${OTHER}|`)).length).toBeGreaterThan(0)
  })

  it('follows writes made on a host connection whose search_path does not name the schema', async () => {
    storage = await openStorage(backend.freshSchema('upkeep_host'))
    const rows = Array.from({ length: 4 }, (_, i) => row(`host ${i}`))
    await storage.createMany({ ...scope(), data: rows })
    const table = sql.table(`${storage.schema}.conformance_person`)
    // The host's own connection, as psql or its pool would be: the schema is named, not on the search_path.
    const path = await sql<{ p: string }>`select current_setting('search_path') as p`.execute(backend.kysely)
    expect(path.rows[0]!.p).not.toContain(storage.schema)
    const [renamed, removed] = rows.map((r) => r['id'] as string)
    await sql`update ${table} set search_keys = ${'hostkey'} where id = ${renamed}`.execute(backend.kysely)
    await sql`delete from ${table} where id = ${removed}`.execute(backend.kysely)
    expect(await indexedKeys()).toEqual(await expectedKeys())
    expect(await indexedKeys()).toContain(`${TENANT}|hostkey|0|${renamed}`)
  })

  it('deletes many rows with work proportional to them, after small writes warmed the plan cache', async () => {
    storage = await openStorage(backend.freshSchema('upkeep_plans'))
    // Small writes on the same connection first: a cached plan made now sees a key table of a few rows.
    for (let i = 0; i < 12; i++) {
      const one = row(`warm ${i}`)
      await storage.create({ ...scope(), data: one })
      await storage.deleteById({ ...scope(), id: one['id'] as string })
    }
    const bulk = Array.from({ length: 3_000 }, (_, i) => row(`bulk ${i}`))
    await storage.createMany({ ...scope(), data: bulk })
    const keysBefore = (await indexedKeys()).length
    const half = bulk.slice(0, 1_500).map((r) => r['id'] as string)

    // The statement deleteMany runs, inside the storage's own RLS transaction, then that transaction's row reads.
    const reads = await storage.withTenant(TENANT, async (db) => {
      const deleted =
        await sql`delete from conformance_person where tenant_id = ${TENANT} and id = any(${half})`.execute(
          db,
        )
      expect(Number(deleted.numAffectedRows)).toBe(half.length)
      const stats = await sql<{ seq: string; idx: string }>`
        select coalesce(seq_tup_read, 0) as seq, coalesce(idx_tup_fetch, 0) as idx
        from pg_stat_xact_user_tables where relid = 'conformance_person_search_key'::regclass`.execute(db)
      return Number(stats.rows[0]!.seq) + Number(stats.rows[0]!.idx)
    })
    // One pass over the key table at most; a scan per deleted row reads it 1,500 times (≈ 1,500 × keysBefore).
    expect(reads).toBeLessThanOrEqual(2 * keysBefore)
    expect(await indexedKeys()).toEqual(await expectedKeys())

    expect(
      await storage.deleteMany({
        ...scope(),
        where: within(bulk.slice(1_500).map((r) => r['id'] as string)),
      }),
    ).toBe(1_500)
    expect(await indexedKeys()).toEqual(await expectedKeys())
  })
})
