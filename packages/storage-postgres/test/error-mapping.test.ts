import type { RapportError } from '@rapport/core'
import { isRapportError } from '@rapport/core'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isRetryablePostgresError, mapPostgresError } from '../src/postgres-error-mapper.js'
import { withPostgresRetry } from '../src/postgres-retry.js'
import type { PgTestBackend } from './pg-test-backend.js'
import { openTestBackend } from './pg-test-backend.js'

let backend: PgTestBackend
let s: string

async function failure(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work()
  } catch (error) {
    return error
  }
  throw new Error('expected the work to fail')
}

async function mapped(work: () => Promise<unknown>): Promise<RapportError> {
  return mapPostgresError(await failure(work), 'test')
}

beforeAll(async () => {
  backend = await openTestBackend('error-mapping')
  s = backend.schema
  const db = backend.kysely
  await sql`create schema ${sql.id(s)}`.execute(db)
  await sql`create table ${sql.id(s, 'parent')} (id text primary key, code text unique, n int check (n >= 0))`.execute(
    db,
  )
  await sql`create table ${sql.id(s, 'child')} (id text primary key, parent_id text not null references ${sql.id(s, 'parent')} (id))`.execute(
    db,
  )
  await sql`insert into ${sql.id(s, 'parent')} values ('p1', 'A', 1)`.execute(db)
})

afterAll(async () => {
  await backend?.dispose()
})

const rows = async (table: string) =>
  (
    await sql<{ id: string }>`select id from ${sql.id(s, table)} order by id`.execute(backend.kysely)
  ).rows.map((r) => r.id)

describe('mapPostgresError on real driver errors', () => {
  it('maps a unique violation (23505) to UNIQUE_VIOLATION and writes nothing', async () => {
    const err = await mapped(() =>
      sql`insert into ${sql.id(s, 'parent')} values ('p2', 'A', 1)`.execute(backend.kysely),
    )
    expect(err.code).toBe('UNIQUE_VIOLATION')
    expect(err.details['sqlState']).toBe('23505')
    expect(err.details['constraint']).toBe('parent_code_key')
    expect(err.cause).toBeDefined()
    expect(await rows('parent')).toEqual(['p1'])
  })

  it('maps foreign key, not-null and check violations to CONSTRAINT_VIOLATION and writes nothing', async () => {
    const fk = await mapped(() =>
      sql`insert into ${sql.id(s, 'child')} values ('c1', 'nope')`.execute(backend.kysely),
    )
    expect([fk.code, fk.details['sqlState']]).toEqual(['CONSTRAINT_VIOLATION', '23503'])
    const notNull = await mapped(() =>
      sql`insert into ${sql.id(s, 'child')} values ('c1', null)`.execute(backend.kysely),
    )
    expect([notNull.code, notNull.details['sqlState']]).toEqual(['CONSTRAINT_VIOLATION', '23502'])
    const check = await mapped(() =>
      sql`insert into ${sql.id(s, 'parent')} values ('p3', 'C', -1)`.execute(backend.kysely),
    )
    expect([check.code, check.details['sqlState']]).toEqual(['CONSTRAINT_VIOLATION', '23514'])
    expect(await rows('child')).toEqual([])
    expect(await rows('parent')).toEqual(['p1'])
  })

  it('maps a missing table or schema to SCHEMA_OUTDATED with a hint to migrate', async () => {
    const table = await mapped(() => sql`select * from ${sql.id(s, 'missing')}`.execute(backend.kysely))
    expect(table.code).toBe('SCHEMA_OUTDATED')
    expect(table.message).toMatch(/crm\.migrate\(\)/)
    const schema = await mapped(() =>
      sql`create table ${sql.id(`${s}_absent`, 'x')} (id int)`.execute(backend.kysely),
    )
    expect(schema.code).toBe('SCHEMA_OUTDATED')
  })

  it('maps anything else to STORAGE_FAILURE with the driver error as cause', async () => {
    const raw = await failure(() => sql`select 1/0`.execute(backend.kysely))
    const err = mapPostgresError(raw, 'division')
    expect(err.code).toBe('STORAGE_FAILURE')
    expect(err.cause).toBe(raw)
    expect(err.details).toMatchObject({ operation: 'division', sqlState: '22012' })
  })

  it('passes RapportErrors through and classifies transient SQLSTATEs', () => {
    const original = mapPostgresError(Object.assign(new Error('dup'), { code: '23505' }))
    expect(mapPostgresError(original)).toBe(original)
    expect(isRetryablePostgresError(Object.assign(new Error('x'), { code: '40001' }))).toBe(true)
    expect(isRetryablePostgresError(Object.assign(new Error('x'), { code: '40P01' }))).toBe(true)
    expect(isRetryablePostgresError(Object.assign(new Error('x'), { code: '23505' }))).toBe(false)
    expect(isRetryablePostgresError(new Error('wrapped', { cause: { code: '40001' } }))).toBe(true)
    const pool = mapPostgresError(new Error('timeout exceeded when trying to connect'))
    expect(pool.code).toBe('STORAGE_BUSY')
    expect(pool.message).toMatch(/pool exhausted/)
    const killed = mapPostgresError(Object.assign(new Error('terminating connection'), { code: '57P01' }))
    expect(killed.code).toBe('STORAGE_FAILURE')
    expect(killed.message).toMatch(/connection was lost/)
  })
})

describe('withPostgresRetry', () => {
  it('re-runs transient failures within the budget and returns the eventual result', async () => {
    let calls = 0
    const result = await withPostgresRetry(
      { maxAttempts: 4, baseDelayMs: 0, maxDelayMs: 0 },
      'flaky',
      async () => {
        calls++
        if (calls < 3) throw Object.assign(new Error('could not serialize access'), { code: '40001' })
        return 'ok'
      },
    )
    expect([result, calls]).toEqual(['ok', 3])
  })

  it('surfaces STORAGE_BUSY with the attempt count once the budget is spent', async () => {
    let calls = 0
    const err = await failure(() =>
      withPostgresRetry({ maxAttempts: 3, baseDelayMs: 0, maxDelayMs: 0 }, 'hot row', async () => {
        calls++
        throw Object.assign(new Error('deadlock detected'), { code: '40P01' })
      }),
    )
    expect(isRapportError(err, 'STORAGE_BUSY')).toBe(true)
    expect((err as RapportError).details).toMatchObject({
      attempts: 3,
      sqlState: '40P01',
      operation: 'hot row',
    })
    expect(calls).toBe(3)
  })

  it('never retries permanent errors', async () => {
    let calls = 0
    const err = await failure(() =>
      withPostgresRetry({ maxAttempts: 5, baseDelayMs: 0, maxDelayMs: 0 }, 'insert', async () => {
        calls++
        throw Object.assign(new Error('duplicate key'), { code: '23505' })
      }),
    )
    expect(isRapportError(err, 'UNIQUE_VIOLATION')).toBe(true)
    expect(calls).toBe(1)
  })
})
