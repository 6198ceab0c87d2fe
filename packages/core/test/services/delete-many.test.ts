import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { definePlugin, isRapportError } from '../../src/index.js'
import { setupCrm } from './helpers.js'

/** One item of a generated batch: a company by index (past the end: an id nobody has), maybe at a stale version. */
interface Pick {
  readonly at: number
  readonly stale: boolean
}

const COMPANIES = 5

/**
 * A CRM with COMPANIES companies, each the target of a task (so a delete cleans a link up), where company "C2" is
 * protected by a `before` hook; returns what a delete path did: its error code, the companies left, the links left
 * and the `company.deleted` events, in order.
 */
async function outcome(picks: readonly Pick[], del: (crm: Crm, items: Item[]) => Promise<void>) {
  const guard = definePlugin({
    id: 'guard',
    hooks: { company: { delete: { before: (record) => (record['name'] === 'C2' ? false : undefined) } } },
  })
  const { crm } = await setupCrm({ plugins: [guard] })
  const deleted: string[] = []
  crm.events.on('company.deleted', (e) => void deleted.push(String((e.record as { name: string }).name)))
  const companies = await crm.companies.createMany(
    Array.from({ length: COMPANIES }, (_, i) => ({ name: `C${i}` })),
  )
  for (const c of companies)
    await crm.tasks.create({ title: `Call ${c.name}`, targets: [{ type: 'company', id: c.id }] })
  const items = picks.map(({ at, stale }) => {
    const company = companies[at]
    return company
      ? {
          id: company.id,
          ...(stale ? { expectedVersion: company.version + 1 } : { expectedVersion: company.version }),
        }
      : { id: 'com_01JAAAAAAAAAAAAAAAAAAAAAAA' }
  })
  let code: string | null = null
  try {
    await del(crm, items)
  } catch (error) {
    if (!isRapportError(error)) throw error
    code = error.code
  }
  const left = (await crm.companies.list({ orderBy: [{ field: 'name' }] })).items.map((c) => c.name)
  const links = (await crm.tasks.list({ orderBy: [{ field: 'title' }] })).items.map((t) => t.targets.length)
  await new Promise((r) => setTimeout(r, 0))
  return { code, left, links, deleted }
}

type Crm = Awaited<ReturnType<typeof setupCrm>>['crm']
type Item = { id: string; expectedVersion?: number }

describe('entity services: deleteMany', () => {
  it('is a transaction of one delete per item, in order: same errors, same records, links and events left', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ at: fc.integer({ min: 0, max: COMPANIES }), stale: fc.boolean() }), {
          maxLength: 6,
        }),
        async (picks) => {
          const batch = await outcome(picks, (crm, items) => crm.companies.deleteMany(items))
          const oneByOne = await outcome(picks, (crm, items) =>
            crm.transaction(async (tx) => {
              for (const { id, ...options } of items) await tx.companies.delete(id, options)
            }),
          )
          expect(batch).toEqual(oneByOne)
        },
      ),
      { numRuns: 60 },
    )
  })

  it('deletes a batch of records, each under the version it must have; bad input deletes nothing', async () => {
    const { crm } = await setupCrm()
    const companies = await crm.companies.createMany(Array.from({ length: 7 }, (_, i) => ({ name: `C${i}` })))
    await crm.companies.deleteMany(
      companies.slice(0, 5).map((c) => ({ id: c.id, expectedVersion: c.version })),
    )
    expect((await crm.companies.list()).items.map((c) => c.name).sort()).toEqual(['C5', 'C6'])
    for (const bad of [
      [{ id: companies[5]!.id }, { nope: 1 }],
      [{ id: companies[5]!.id, expectedVersion: -1 }],
    ]) {
      await expect(crm.companies.deleteMany(bad as never)).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      })
    }
    await expect(crm.companies.deleteMany('x' as never)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
    expect(await crm.companies.count()).toBe(2)
    await crm.companies.deleteMany([])
    expect(await crm.companies.count()).toBe(2)
  })
})
