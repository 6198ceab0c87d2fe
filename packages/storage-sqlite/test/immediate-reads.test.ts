// Reads run at once when the single connection is free (no queue turn). These tests pin down when it is NOT free:
// a read from another caller must never run inside someone else's open transaction.
import { isRapportError } from '@rapport/core'
import type { StorageFilter } from '@rapport/core/storage'
import { differentialModels, systemColumns, differentialSchema as testSchema } from '@rapport/core/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { SqliteStorage } from '../src/index.js'
import { createSqliteStorage } from '../src/index.js'

const { contact: contactModel } = differentialModels
const scope = { model: contactModel, schema: testSchema, tenantId: 't1' }
const byName = (name: string): StorageFilter => ({
  kind: 'compare',
  ref: { field: 'firstName', type: 'string' },
  op: 'eq',
  value: name,
})

class Rollback extends Error {}

describe('reads that run at once on the single connection', () => {
  let storage: SqliteStorage
  beforeEach(async () => {
    storage = createSqliteStorage({ file: ':memory:' })
    await storage.migrations.apply(testSchema)
  })
  afterEach(() => storage.close())

  it('wait for another caller’s open transaction, so they never see its uncommitted rows', async () => {
    let release!: () => void
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    let written!: () => void
    const wrote = new Promise<void>((resolve) => {
      written = resolve
    })
    const transaction = storage
      .transaction(async (tx) => {
        await tx.create({ ...scope, data: { ...systemColumns('con_tx'), firstName: 'Uncommitted' } })
        written()
        await gate
        throw new Rollback('roll back')
      })
      .catch((error: unknown) => error)
    await wrote
    // Issued while the transaction holds the connection, with its row written but not committed.
    const byId = storage.findById({ ...scope, id: 'con_tx' })
    const many = storage.findMany({ ...scope, where: byName('Uncommitted') })
    release()
    expect(await transaction).toBeInstanceOf(Rollback)
    expect(await byId).toBeNull()
    expect(await many).toEqual([])
  })

  it('see the open transaction’s own writes from inside it', async () => {
    const seen = await storage.transaction(async (tx) => {
      await tx.create({ ...scope, data: { ...systemColumns('con_in'), firstName: 'Inside' } })
      return [
        await tx.findById({ ...scope, id: 'con_in' }),
        await tx.findMany({ ...scope, where: byName('Inside') }),
      ] as const
    })
    expect(seen[0]?.['firstName']).toBe('Inside')
    expect(seen[1].map((r) => r['id'])).toEqual(['con_in'])
  })

  it('report driver failures as a rejected promise with a RapportError, never a synchronous throw', async () => {
    const fresh = createSqliteStorage({ file: ':memory:' }) // never migrated: the table does not exist
    try {
      let byId: Promise<unknown> | undefined
      let many: Promise<unknown> | undefined
      expect(() => {
        byId = fresh.findById({ ...scope, id: 'con_1' })
        many = fresh.findMany({ ...scope })
      }).not.toThrow()
      const errors = await Promise.all([byId, many].map((p) => p?.catch((error: unknown) => error)))
      for (const error of errors) expect(isRapportError(error, 'STORAGE_FAILURE')).toBe(true)
    } finally {
      await fresh.close()
    }
  })
})
