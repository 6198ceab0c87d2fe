import { isRapportError } from '@rapport/core'
import { Kysely, PGliteDialect } from 'kysely'
import { describe, expect, it } from 'vitest'
import type { PostgresConnectionSource } from './postgres-storage-config.js'
import { resolvePostgresStorageOptions } from './postgres-storage-config.js'

const url = { connectionString: 'postgres://u@localhost/db' }

function configError(source: unknown, options?: unknown) {
  try {
    resolvePostgresStorageOptions(source as PostgresConnectionSource, options as never)
  } catch (error) {
    return error
  }
  throw new Error('expected INVALID_CONFIG')
}

describe('resolvePostgresStorageOptions', () => {
  it('applies defaults and freezes the result', () => {
    const resolved = resolvePostgresStorageOptions(url)
    expect(resolved).toEqual({
      schema: 'rapport',
      isolationLevel: 'read committed',
      retry: { maxAttempts: 5, baseDelayMs: 10, maxDelayMs: 1000 },
      pool: { max: 10, connectionTimeoutMillis: 10_000 },
    })
    expect(Object.isFrozen(resolved)).toBe(true)
    expect(Object.isFrozen(resolved.retry)).toBe(true)
  })

  it('accepts a pool or a Kysely instance', () => {
    const pool = { connect: async () => ({}), end: async () => {}, options: {} }
    expect(resolvePostgresStorageOptions({ pool } as never, { schema: 'crm_2' }).schema).toBe('crm_2')
    const kysely = new Kysely<any>({
      dialect: new PGliteDialect({ pglite: () => Promise.reject(new Error('unused')) }),
    })
    expect(resolvePostgresStorageOptions({ kysely }, { retry: { maxAttempts: 1 } }).retry.maxAttempts).toBe(1)
  })

  it.each([
    ['no source', {}, undefined],
    ['two sources', { connectionString: 'x', kysely: {} }, undefined],
    ['an empty connection string', { connectionString: '' }, undefined],
    ['a pool without connect()', { pool: {} }, undefined],
    ['a kysely that is not one', { kysely: {} }, undefined],
    ['an upper-case schema', url, { schema: 'Rapport' }],
    ['a quoted schema', url, { schema: 'a"; drop' }],
    ['a pg_ schema', url, { schema: 'pg_catalog' }],
    ['zero attempts', url, { retry: { maxAttempts: 0 } }],
    ['the old retry vocabulary (attempts)', url, { retry: { attempts: 3 } }],
    ['a max delay below the base delay', url, { retry: { baseDelayMs: 50, maxDelayMs: 10 } }],
    ['fractional pool size', url, { pool: { max: 1.5 } }],
    ['an unknown isolation level', url, { isolationLevel: 'chaos' }],
    ['pool options with a host pool', { pool: { connect() {} } }, { pool: { max: 3 } }],
  ])('rejects %s with INVALID_CONFIG', (_name, source, options) => {
    const error = configError(source, options)
    expect(isRapportError(error, 'INVALID_CONFIG')).toBe(true)
    expect((error as Error).message).toMatch(/^createPostgresStorage: /)
  })
})
