import type { StorageAdapter } from '@rapport/core/storage'
import { createMemoryStorage, differentialSchema } from '@rapport/core/testing'
import { checkAdaptersAgree } from '@rapport/core/testing/differential'
import { describe, expect, it } from 'vitest'

/** The memory adapter, except that it sorts descending keys ascending: a realistic ORDER BY bug. */
function descAsAsc(base: StorageAdapter): StorageAdapter {
  return {
    ...base,
    findMany: (args) =>
      base.findMany({
        ...args,
        ...(args.orderBy ? { orderBy: args.orderBy.map((o) => ({ ...o, direction: 'asc' as const })) } : {}),
      }),
  }
}

describe('the shared differential harness', () => {
  it('passes two correct adapters', async () => {
    const a = createMemoryStorage()
    const b = createMemoryStorage()
    for (const s of [a, b]) await s.migrations.apply(differentialSchema)
    await checkAdaptersAgree(
      [
        ['a', a],
        ['b', b],
      ],
      { numRuns: 30 },
    )
  })

  it('catches an adapter that sorts descending keys ascending, and names it', async () => {
    const reference = createMemoryStorage()
    const broken = descAsAsc(createMemoryStorage())
    for (const s of [reference, broken]) await s.migrations.apply(differentialSchema)
    await expect(
      checkAdaptersAgree(
        [
          ['memory', reference],
          ['broken', broken],
        ],
        { numRuns: 100, seed: 1 },
      ),
    ).rejects.toThrow(/broken disagrees with memory/)
  })
})
