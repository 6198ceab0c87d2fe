import type { StorageAdapter } from '@rapport/core/storage'
import type { ConformanceSuite } from '@rapport/core/testing'
import {
  conformanceSchema,
  conformanceSuites,
  createMemoryStorage,
  runConformance,
} from '@rapport/core/testing'
import { describe, expect, it } from 'vitest'
import { matchesTestPattern, planConformance, skipReason } from '../../src/testing/run-conformance.js'

async function memory(options: Parameters<typeof createMemoryStorage>[0] = {}): Promise<StorageAdapter> {
  const storage = createMemoryStorage(options)
  await storage.migrations.apply(conformanceSchema)
  return storage
}

describe('runConformance', () => {
  it('reports skip entries with their reasons and never runs them', async () => {
    const crud = Object.keys(conformanceSuites.find((s) => s.name === 'crud')!.tests).map((t) => `crud/${t}`)
    const report = await runConformance({
      storage: await memory(),
      only: ['crud/*', 'search/*'],
      skip: { 'search/*': 'no index here', [crud[0]!]: 'flaky driver' },
    })
    expect(report.failed).toEqual([])
    expect(report.passed).toEqual(crud.slice(1))
    expect(report.skipped).toContainEqual({ id: crud[0], reason: 'flaky driver' })
    const searchSkips = report.skipped.filter((s) => s.id.startsWith('search/'))
    expect(searchSkips.length).toBeGreaterThan(0)
    expect(searchSkips.every((s) => s.reason === 'no index here')).toBe(true)
  })

  it('skips suites whose capability is missing, with the capability as reason', async () => {
    const report = await runConformance({
      storage: await memory({ fullTextSearch: false }),
      only: ['search/*'],
    })
    expect(report.passed).toEqual([])
    expect(report.failed).toEqual([])
    expect(report.skipped.length).toBe(
      Object.keys(conformanceSuites.find((s) => s.name === 'search')!.tests).length,
    )
    for (const { reason } of report.skipped) expect(reason).toContain('fullTextSearch')
  })

  it('records failures with their errors, runs reset before each test and reports each result', async () => {
    const probe: ConformanceSuite = {
      name: 'probe',
      description: 'a suite with one passing and one failing test',
      tests: {
        passes: async (ctx) => {
          expect(ctx.tenantId).toMatch(/^tnt_conformance_/)
        },
        fails: async () => {
          throw new Error('adapter misbehaved')
        },
      },
    }
    const resets: number[] = []
    const results: string[] = []
    const report = await runConformance({
      storage: await memory(),
      suites: [probe],
      reset: async () => {
        resets.push(resets.length)
      },
      onResult: ({ id, status }) => results.push(`${id}:${status}`),
    })
    expect(report.passed).toEqual(['probe/passes'])
    expect(report.failed.map((f) => [f.id, (f.error as Error).message])).toEqual([
      ['probe/fails', 'adapter misbehaved'],
    ])
    expect(resets).toEqual([0, 1])
    expect(results).toEqual(['probe/passes:passed', 'probe/fails:failed'])
  })

  it('gives every test its own tenant', async () => {
    const tenants: string[] = []
    const suite: ConformanceSuite = {
      name: 'tenants',
      description: 'records tenant ids',
      tests: Object.fromEntries(
        ['a', 'b', 'c'].map((name) => [
          name,
          async (ctx) => {
            tenants.push(ctx.tenantId, ctx.newTenantId())
          },
        ]),
      ),
    }
    await runConformance({ storage: await memory(), suites: [suite] })
    expect(new Set(tenants).size).toBe(6)
  })
})

describe('test ids and skip patterns', () => {
  it('matches ids exactly, by suite wildcard or by *', () => {
    expect(matchesTestPattern('crud/a b', 'crud/a b')).toBe(true)
    expect(matchesTestPattern('crud/a b', 'crud/*')).toBe(true)
    expect(matchesTestPattern('crud/a b', '*')).toBe(true)
    expect(matchesTestPattern('crud/a b', 'cru/*')).toBe(false)
    expect(matchesTestPattern('crudx/a', 'crud/*')).toBe(false)
    expect(matchesTestPattern('crud/a b', 'crud/a')).toBe(false)
  })

  it('ids are unique and the suites are the documented ones', () => {
    const ids = planConformance(conformanceSuites).map((t) => t.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(conformanceSuites.map((s) => s.name)).toEqual([
      'crud',
      'tenancy',
      'bulk',
      'filters',
      'filter-edges',
      'json-paths',
      'ordering-and-pagination',
      'constraints',
      'concurrency',
      'transactions',
      'search',
      'soft-delete',
      'order-aggregation',
      'grouped-aggregation',
      'migrations',
      'events',
      'access',
    ])
  })

  it('prefers explicit skip reasons over capability reasons', () => {
    const [test] = planConformance(conformanceSuites, ['search/*'])
    const caps = { transactions: true, fullTextSearch: false, jsonPaths: true, concurrentWriters: false }
    expect(skipReason(test!, { 'search/*': 'mine' }, caps)).toBe('mine')
    expect(skipReason(test!, undefined, caps)).toContain('fullTextSearch')
    expect(skipReason(test!, undefined, { ...caps, fullTextSearch: true })).toBeUndefined()
  })
})

describe('conformanceSchema', () => {
  it('is complete: every relation, reference, index and search field resolves', () => {
    const { models } = conformanceSchema
    for (const model of Object.values(models)) {
      expect(models[model.name]).toBe(model)
      for (const [name, def] of Object.entries(model.fields)) {
        if (def.references) expect(models[def.references.model], `${model.name}.${name}`).toBeDefined()
      }
      for (const index of model.indexes) {
        for (const field of index.fields) {
          expect(model.fields[typeof field === 'string' ? field : field.field]).toBeDefined()
        }
      }
      for (const field of model.searchFields) expect(model.fields[field]?.type).toMatch(/^(string|text)$/)
      for (const relation of Object.values(model.relations)) {
        const target = models[relation.model]!
        expect(target).toBeDefined()
        if (relation.kind === 'hasMany') expect(target.fields[relation.foreignKey]).toBeDefined()
        if (relation.kind === 'belongsTo') expect(model.fields[relation.localKey]).toBeDefined()
        if (relation.kind === 'through') {
          const join = models[relation.through]!
          expect(join.fields[relation.throughFrom]).toBeDefined()
          expect(join.fields[relation.throughTo]).toBeDefined()
        }
      }
    }
  })

  it('is deeply frozen', () => {
    const person = conformanceSchema.models['person']!
    expect(Object.isFrozen(conformanceSchema)).toBe(true)
    expect(Object.isFrozen(person.fields['name'])).toBe(true)
    expect(Object.isFrozen(person.indexes[0]?.fields)).toBe(true)
    expect(() => {
      ;(person.searchFields as string[]).push('custom')
    }).toThrow(TypeError)
  })
})
