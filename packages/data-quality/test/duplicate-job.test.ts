import { ADAPTERS, openCrm } from '@rapport/test-storages'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dataQualityPlugin, defaultPersonRule, findDuplicatePairs } from '../src/index.js'
import { readFebrl } from './febrl.js'

const plugins = [
  dataQualityPlugin({ duplicateRules: [{ ...defaultPersonRule, onCreate: 'allow' }] }),
] as const

// FEBRL 3 (© ANU, ANUOS 1.3: see fixtures/febrl/NOTICE.md): the first 400 records, duplicates included.
const records = readFebrl('dataset3')
  .filter((r) => r.firstName || r.lastName)
  .slice(0, 400)

describe.each(ADAPTERS)('the batch duplicate job on $name', (adapter) => {
  let t: Awaited<ReturnType<typeof openCrm<typeof plugins>>>
  // A migration on a shared, loaded Postgres can take longer than the default 10 s.
  beforeAll(async () => {
    t = await openCrm(adapter, plugins)
  }, 60_000)
  afterAll(() => t.dispose())

  it('finds exactly the pairs the in-memory blocking finds on the same records, streaming the key index', async () => {
    const { crm } = t
    await crm.customFields.define('contact', { key: 'birthDate', type: 'text' })
    await crm.customFields.define('contact', { key: 'nationalId', type: 'text' })
    const ids = new Map<string, string>()
    for (let i = 0; i < records.length; i += 100) {
      const batch = records.slice(i, i + 100)
      const created = await crm.contacts.createMany(
        batch.map((r) => ({
          firstName: r.firstName,
          lastName: r.lastName,
          address: r.address,
          custom: r.custom,
        })),
      )
      for (const [j, c] of created.entries()) ids.set((batch[j] as { recId: string }).recId, c.id)
    }
    const expected = findDuplicatePairs(defaultPersonRule, records, (r) => ids.get(r.recId) as string)
      .pairs.map((p) => [p.a, p.b].sort().join(' '))
      .sort()
    const progress: { phase: string; done: number; total: number }[] = []
    const [result] = await crm.plugins['data-quality'].findAllDuplicates('contact', {
      onProgress: (p) => progress.push({ ...p }),
    })
    expect(result).toMatchObject({ scanned: records.length, pairs: expected.length })
    expect(result?.candidates).toBeGreaterThanOrEqual(expected.length)
    // Asked for progress, the job counts the keys first: the last report is every key of the total.
    expect(progress.at(-1)).toEqual({ phase: 'keys', done: result?.keys, total: result?.keys })
    const sets = await crm
      .entity<{ id: string; pairs: { a: string; b: string }[] }>('dqDuplicateSet')
      .list({ limit: 1000 })
    const found = sets.items.flatMap((s) => s.pairs.map((p) => [p.a, p.b].sort().join(' '))).sort()
    expect(found).toEqual(expected)
    expect(expected.length).toBeGreaterThan(20)
    // A second run stores nothing new.
    const [again] = await crm.plugins['data-quality'].findAllDuplicates('contact')
    expect(again?.created).toBe(0)
    // Scored in chunks of 7 candidates as the blocks stream in (a pair sharing two keys lands in two chunks): the
    // same pairs, each once.
    for (const set of sets.items) await crm.entity('dqDuplicateSet').delete(set.id)
    const [chunked] = await crm.plugins['data-quality'].findAllDuplicates('contact', { chunkSize: 7 })
    expect(chunked).toMatchObject({ pairs: expected.length, sets: result?.sets, created: result?.created })
    const rescored = (
      await crm.entity<{ pairs: { a: string; b: string }[] }>('dqDuplicateSet').list({ limit: 1000 })
    ).items
      .flatMap((s) => s.pairs.map((p) => [p.a, p.b].sort().join(' ')))
      .sort()
    expect(rescored).toEqual(expected)
    // Chunks of 7 (a record's prepared form is kept for two chunks, then read again), a pair marked "not a duplicate"
    // and an archived record: the job drops exactly their pairs.
    const stored = await crm.entity<{ id: string }>('dqDuplicateSet').list({ limit: 1000 })
    for (const set of stored.items) await crm.entity('dqDuplicateSet').delete(set.id)
    const [dismissedA, dismissedB] = (expected[0] as string).split(' ') as [string, string]
    await crm.plugins['data-quality'].markNotDuplicate('contact', dismissedB, dismissedA)
    const archived = (expected.at(-1) as string).split(' ')[0] as string
    await crm.contacts.archive(archived)
    const remaining = expected.filter((p) => p !== expected[0] && !p.split(' ').includes(archived))
    const [windowed] = await crm.plugins['data-quality'].findAllDuplicates('contact', { chunkSize: 7 })
    expect(windowed?.pairs).toBe(remaining.length)
    const kept = (
      await crm.entity<{ pairs: { a: string; b: string }[] }>('dqDuplicateSet').list({ limit: 1000 })
    ).items
      .flatMap((s) => s.pairs.map((p) => [p.a, p.b].sort().join(' ')))
      .sort()
    expect(kept).toEqual(remaining)
  })
})
