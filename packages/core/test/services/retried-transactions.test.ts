import { describe, expect, it } from 'vitest'
import type { StorageAdapter } from '../../src/storage/index.js'
import { createMemoryStorage } from '../../src/testing/index.js'
import { setupCrm } from './helpers.js'

/**
 * The storage port lets an adapter run a transaction's callback again after a transient conflict (Postgres does on
 * deadlocks and serialization failures). This adapter does what Postgres does to the first attempt of every
 * transaction: it lets the callback finish, rolls it back, and runs it again. The real deadlock is exercised on the
 * server in storage-postgres' `retry-events.test.ts`.
 */
function retryingOnce(inner: StorageAdapter): StorageAdapter & { readonly attempts: number } {
  let attempts = 0
  return {
    ...inner,
    get attempts() {
      return attempts
    },
    async transaction(fn) {
      let first = true
      for (;;) {
        try {
          return await inner.transaction(async (tx) => {
            attempts++
            const result = await fn(tx)
            if (first) {
              first = false
              throw new Error('serialization failure (simulated at commit)')
            }
            return result
          })
        } catch (error) {
          if (!first && (error as Error).message.startsWith('serialization failure')) continue
          throw error
        }
      }
    },
  }
}

describe('events of re-run transactions', () => {
  it('delivers only the attempt that committed, once', async () => {
    const storage = retryingOnce(createMemoryStorage())
    const { crm } = await setupCrm({ storage })
    const delivered: string[] = []
    crm.events.on('*', (type, payload) => {
      delivered.push(`${type}:${(payload as { record?: { name: string } }).record?.name ?? ''}`)
    })
    let run = 0
    const before = storage.attempts
    await crm.transaction(async (tx) => {
      run++
      await tx.companies.create({ name: `attempt ${run}` })
    })
    expect(storage.attempts - before).toBe(2)
    expect(delivered).toEqual(['company.created:attempt 2'])
    expect((await crm.companies.list()).items.map((c) => c.name)).toEqual(['attempt 2'])
  })
})
