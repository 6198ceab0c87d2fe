// Reads pass each entity's record fields (`ReadFields`); an adapter declaring `exactReadFields` returns exactly those,
// and core hands such a row out as the record. A differential: the same data read through an adapter that projects
// rows and through one that returns whole rows must give byte-identical records (same keys, same order, same values).
import { describe, expect, it } from 'vitest'
import { createCrm } from '../../src/index.js'
import type { StorageAdapter, StorageOperations, StorageRow } from '../../src/storage/index.js'
import { createMemoryStorage } from '../../src/testing/index.js'
import { setupCrm } from './helpers.js'

/** Projects a row to `fields`, in the model's field order, as an exactReadFields adapter must. */
function project(row: StorageRow, model: { fields: object }, fields: readonly string[]): StorageRow {
  const out: StorageRow = {}
  for (const field of Object.keys(model.fields)) if (fields.includes(field)) out[field] = row[field] ?? null
  return out
}

function projectingOps<O extends StorageOperations>(ops: O): O {
  return {
    ...ops,
    async findById(args) {
      const row = await ops.findById(args)
      return row && args.fields ? project(row, args.model, args.fields) : row
    },
    async findMany(args) {
      const rows = await ops.findMany(args)
      return args.fields ? rows.map((row) => project(row, args.model, args.fields!)) : rows
    },
  }
}

/** The same storage, with reads that honour `fields` exactly and say so. */
function projecting(inner: StorageAdapter): StorageAdapter {
  return {
    ...projectingOps(inner),
    capabilities: { ...inner.capabilities, exactReadFields: true },
    transaction: (fn) => inner.transaction((tx) => fn(projectingOps(tx))),
  }
}

describe('reads with the record fields only', () => {
  it('give the same records, key for key, as whole rows through fromRow (contacts and money-bearing deals)', async () => {
    const inner = createMemoryStorage()
    const { crm: whole, pipeline, stage } = await setupCrm({ storage: inner })
    const exact = createCrm({ storage: projecting(inner) })
    await exact.migrate()
    const company = await whole.companies.create({ name: 'Acme' })
    for (let i = 0; i < 7; i++) {
      await whole.contacts.create({
        firstName: `First${i}`,
        lastName: i % 2 ? `Last${i}` : undefined,
        emails: [{ address: `p${i}@example.com`, primary: true }],
        companyId: i % 3 ? company.id : undefined,
        tags: i % 2 ? ['a', 'b'] : [],
        title: i % 2 ? 'Engineer' : undefined,
      })
      await whole.deals.create({
        name: `Deal ${i}`,
        pipelineId: pipeline.id,
        stageId: stage('Proposal'),
        ...(i % 2 ? { amount: { amountMinor: 1000 * i, currency: 'EUR' } } : {}),
      })
    }
    for (const service of ['contacts', 'deals', 'companies'] as const) {
      const a = await whole[service].list({ limit: 3, orderBy: [{ field: 'createdAt', direction: 'desc' }] })
      const b = await exact[service].list({ limit: 3, orderBy: [{ field: 'createdAt', direction: 'desc' }] })
      expect(JSON.stringify(b)).toBe(JSON.stringify(a))
      for (const record of (await whole[service].list({ limit: 50 })).items) {
        const id = (record as { id: string }).id
        expect(JSON.stringify(await exact[service].get(id))).toBe(JSON.stringify(record))
        expect(JSON.stringify(await exact[service].find(id))).toBe(JSON.stringify(record))
      }
    }
  })
})
