import { createCrm } from '@rapport/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPostgresStorage } from '../src/index.js'
import type { PgTestBackend } from './pg-test-backend.js'
import { openTestBackend } from './pg-test-backend.js'

/**
 * `pool: { max: 1 }`: migrations hold the pool's only connection for their advisory lock, so everything they run
 * must run on that very connection, never wait for a second one.
 */
let backend: PgTestBackend

beforeAll(async () => {
  backend = await openTestBackend('pool_of_one')
})

afterAll(async () => {
  await backend?.dispose()
})

describe('a pool of one connection', () => {
  it('migrate() runs on the lock’s own connection (no STORAGE_BUSY), twice, and the CRM then works', async (ctx) => {
    if (backend.kind !== 'server') {
      ctx.skip(
        'pool options apply to the adapter’s own pg pool: runs on the real server (RAPPORT_TEST_PG_URL)',
      )
      return
    }
    const storage = createPostgresStorage(
      { connectionString: backend.url! },
      { schema: backend.schema, pool: { max: 1, connectionTimeoutMillis: 2_000 } },
    )
    try {
      const crm = createCrm({ storage, tenantId: 'ten_one' })
      const first = await crm.migrate()
      expect(first.applied.length).toBeGreaterThan(0)
      const again = await crm.migrate()
      expect(again.applied).toEqual([])
      const contact = await crm.contacts.create({ firstName: 'Ada' })
      await crm.transaction(async (tx) => {
        await tx.contacts.update(contact.id, { lastName: 'Lovelace' })
      })
      expect((await crm.contacts.get(contact.id)).lastName).toBe('Lovelace')
    } finally {
      await storage.close()
    }
  })
})
