import { createCrm } from '@rapport/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PostgresStorage } from '../src/index.js'
import { createPostgresStorage } from '../src/index.js'
import type { PgTestBackend } from './pg-test-backend.js'
import { openPgliteBackend } from './pg-test-backend.js'

/**
 * Row-level security on PGlite, in every environment (CI's other RLS suites use the real server). The adapter opens
 * and binds a tenant's transaction in one `begin; select set_config(…)` text on pg; PGlite prepares every query and
 * refused that text ("cannot insert multiple commands into a prepared statement"), so every read failed there.
 */
let backend: PgTestBackend
let storage: PostgresStorage

beforeAll(async () => {
  backend = await openPgliteBackend('rls_pglite')
  storage = createPostgresStorage({ kysely: backend.kysely }, { schema: backend.schema, rls: true })
})
afterAll(async () => {
  await storage.close()
  await backend.dispose()
})

describe('row-level security on PGlite', () => {
  it('reads and writes each tenant through the bound transaction, and no tenant sees another', async () => {
    const crm = createCrm({ storage })
    await crm.migrate()
    const a = crm.scoped({ tenantId: 'tenant_a' })
    const b = crm.scoped({ tenantId: 'tenant_b' })
    const ada = await a.contacts.create({ firstName: 'Ada' })
    await b.contacts.create({ firstName: 'Bo' })
    expect((await a.contacts.list()).items.map((c) => c.firstName)).toEqual(['Ada'])
    expect((await b.contacts.list()).items.map((c) => c.firstName)).toEqual(['Bo'])
    expect((await a.contacts.get(ada.id)).firstName).toBe('Ada')
    await expect(b.contacts.get(ada.id)).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })
})
