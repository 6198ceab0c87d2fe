import { createCrm, isRapportError } from '@rapport/core'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createPostgresStorage } from '../src/index.js'
import { PgPoolDriver } from '../src/postgres-pool-driver.js'
import type { PgTestBackend } from './pg-test-backend.js'
import { openTestBackend } from './pg-test-backend.js'

/**
 * On the adapter's own pool, top-level reads (`findById`, `findMany`) run on a pooled connection straight on `pg`
 * (`PgPoolDriver.query`), skipping Kysely's executor; reads inside a transaction stay on its connection. Both paths
 * must return the same records and the same errors.
 */
let backend: PgTestBackend

beforeAll(async () => {
  backend = await openTestBackend('pooled_reads')
})

afterAll(async () => {
  await backend?.dispose()
})

describe('pooled top-level reads', () => {
  it('get and list read the same records on the pooled path as inside a transaction', async (ctx) => {
    if (backend.kind !== 'server') {
      ctx.skip('the pooled path is the adapter’s own pg pool: runs on the real server (RAPPORT_TEST_PG_URL)')
      return
    }
    const storage = createPostgresStorage({ connectionString: backend.url! }, { schema: backend.schema })
    const pooled = vi.spyOn(PgPoolDriver.prototype, 'query')
    try {
      const crm = createCrm({ storage, tenantId: 'ten_pooled' })
      await crm.migrate()
      const created = await crm.contacts.createMany(
        Array.from({ length: 12 }, (_, i) => ({
          firstName: `P${i}`,
          lastName: i % 2 ? 'Odd' : 'Even',
          emails: [{ address: `p${i}@example.com`, label: 'work' }],
          ownerId: i % 3 ? 'usr_a' : 'usr_b',
          tags: i % 4 ? ['x'] : [],
        })),
      )
      const options = {
        where: { field: 'ownerId', op: 'eq', value: 'usr_a' } as const,
        orderBy: [{ field: 'createdAt', direction: 'desc' } as const],
        limit: 5,
      }
      pooled.mockClear()
      const top = await Promise.all(created.map((c) => crm.contacts.get(c.id)))
      const topPage = await crm.contacts.list(options)
      const topPooled = pooled.mock.results.filter((r) => r.value !== undefined).length
      expect(topPooled).toBeGreaterThanOrEqual(created.length + 1)
      pooled.mockClear()
      const { inside, insidePage } = await crm.transaction(async (tx) => ({
        inside: await Promise.all(created.map((c) => tx.contacts.get(c.id))),
        insidePage: await tx.contacts.list(options),
      }))
      expect(pooled).not.toHaveBeenCalled()
      expect(top).toEqual(inside)
      expect(top).toEqual(created)
      expect(topPage).toEqual(insidePage)
      expect(topPage.items.map((c) => c.ownerId)).toEqual(Array(5).fill('usr_a'))

      // A missing id is NOT_FOUND on both paths.
      const missing = async (read: () => Promise<unknown>) => {
        const error = await read().then(
          () => undefined,
          (e: unknown) => e,
        )
        return isRapportError(error) ? error.code : error
      }
      expect(await missing(() => crm.contacts.get('con_missing'))).toBe('NOT_FOUND')
      expect(await missing(() => crm.transaction((tx) => tx.contacts.get('con_missing')))).toBe('NOT_FOUND')
    } finally {
      pooled.mockRestore()
      await storage.close()
    }
  })
})
