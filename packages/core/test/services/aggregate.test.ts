import { describe, expect, it } from 'vitest'
import { createCrm, definePlugin, isRapportError } from '../../src/index.js'
import type { StorageAdapter } from '../../src/storage/index.js'
import { createMemoryStorage } from '../../src/testing/index.js'

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    if (isRapportError(error)) return error.code
    throw error
  }
  return 'no error'
}

/** The memory adapter without its own aggregate, so core's scan answers. */
function scanning(): StorageAdapter {
  const { aggregate: _drop, ...rest } = createMemoryStorage()
  return { ...rest, capabilities: { ...rest.capabilities, aggregation: false } } as StorageAdapter
}

async function seed(storage: StorageAdapter) {
  const crm = createCrm({ storage })
  await crm.migrate()
  const pipeline = await crm.pipelines.create({ name: 'B2B', stages: [{ name: 'Open', probability: 10 }] })
  const stageId = pipeline.stages[0]?.id as string
  const deal = (name: string, amountMinor: number | null, closeDate: string) =>
    crm.deals.create({
      name,
      pipelineId: pipeline.id,
      stageId,
      ...(amountMinor === null ? {} : { amount: { amountMinor, currency: 'EUR' } }),
      expectedCloseDate: closeDate,
    } as never)
  await deal('a', 1000, '2026-01-10')
  await deal('b', 2500, '2026-02-10')
  await deal('c', null, '2026-02-20')
  const archived = await deal('d', 7, '2026-03-01')
  await crm.deals.archive(archived.id)
  return crm
}

const options = {
  groupBy: [
    {
      name: 'quarter',
      cases: [{ field: 'expectedCloseDate', op: 'gte', value: '2026-02-01' }],
    },
  ],
  measures: { deals: { count: true }, total: { sum: 'amount.amountMinor' } },
} as const

describe('entity aggregate()', () => {
  it('groups by buckets and sums exactly, the same through the adapter and through core’s scan', async () => {
    for (const storage of [createMemoryStorage(), scanning()]) {
      const crm = await seed(storage)
      const result = await crm.deals.aggregate(options as never)
      expect(result.source).toBe(storage.capabilities.aggregation ? 'storage' : 'scan')
      expect(result.groups).toEqual([
        { key: { quarter: 0 }, values: { deals: 2, total: 2500 } },
        { key: { quarter: 1 }, values: { deals: 1, total: 1000 } },
      ])
      const totals = await crm.deals.aggregate({
        includeArchived: true,
        measures: { total: { sum: 'amount.amountMinor' } },
      })
      expect(totals.groups).toEqual([{ key: {}, values: { total: 3507 } }])
    }
  })

  it('applies plugin scopes, and refuses bad fields and filters', async () => {
    const onlyA = definePlugin({
      id: 'only-a',
      scope: ({ entity }) => (entity === 'deal' ? { field: 'name', op: 'eq', value: 'a' } : undefined),
    })
    const storage = createMemoryStorage()
    await seed(storage)
    const crm = createCrm({ storage, plugins: [onlyA] })
    const { groups } = await crm.deals.aggregate({ measures: { n: { count: true } } })
    expect(groups).toEqual([{ key: {}, values: { n: 1 } }])
    expect(await codeOf(crm.deals.aggregate({ measures: { s: { sum: 'name' } } }))).toBe('VALIDATION_FAILED')
    expect(await codeOf(crm.deals.aggregate({ groupBy: ['nope'], measures: { n: { count: true } } }))).toBe(
      'VALIDATION_FAILED',
    )
    expect(await codeOf(crm.deals.aggregate({ measures: {} }))).toBe('VALIDATION_FAILED')
    expect(
      await codeOf(
        crm.deals.aggregate({
          groupBy: [{ name: 'x', cases: [{ field: 'nope', op: 'eq', value: 1 }] }],
          measures: { n: { count: true } },
        }),
      ),
    ).toBe('INVALID_FILTER')
  })
})
