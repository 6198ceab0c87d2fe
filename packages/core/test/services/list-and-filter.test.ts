import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Filter } from '../../src/filter/index.js'
import { isRapportError } from '../../src/index.js'
import { setupCrm } from './helpers.js'

const lastNames = ['Ng', 'Okafor', 'Müller', 'ng', 'Zhang', null, 'Łukasz', 'O’Brien']

describe('list, count and filters', () => {
  it('pages with keyset cursors: no gaps or duplicates, even while rows are inserted between pages', async () => {
    const { crm } = await setupCrm()
    await crm.contacts.createMany(
      Array.from({ length: 230 }, (_, i) => ({
        firstName: `P${i}`,
        lastName: lastNames[i % lastNames.length] ?? null,
      })),
    )
    const seen: string[] = []
    let cursor: string | null = null
    let inserted = 0
    do {
      const page: Awaited<ReturnType<typeof crm.contacts.list>> = await crm.contacts.list({
        orderBy: [{ field: 'lastName', direction: 'desc' }],
        limit: 17,
        cursor,
      })
      seen.push(...page.items.map((c) => c.id))
      // Concurrent inserts land anywhere in the order; they must not shift the pages we have not read yet.
      await crm.contacts.create({ firstName: `late${inserted++}`, lastName: 'Aaa' })
      cursor = page.nextCursor
    } while (cursor)
    const original = (
      await crm.contacts.list({ where: { field: 'firstName', op: 'startsWith', value: 'P' }, limit: 1000 })
    ).items
    expect(new Set(seen).size).toBe(seen.length)
    for (const c of original) expect(seen).toContain(c.id)
    // The order we saw matches the documented ordering: descending, nulls last, ties by id.
    const all = (
      await crm.contacts.list({ orderBy: [{ field: 'lastName', direction: 'desc' }], limit: 1000 })
    ).items
    const positions = seen.map((id) => all.findIndex((c) => c.id === id))
    expect([...positions].sort((a, b) => a - b)).toEqual(positions)
    expect(all.at(-1)?.lastName).toBeNull()
  })

  it('keyset pages agree with a plain sort for random orderings (property)', async () => {
    const { crm } = await setupCrm({
      customFields: { company: [{ key: 'seats', type: 'number' }] },
    })
    const rows = await crm.companies.createMany(
      Array.from({ length: 60 }, (_, i) => ({
        name: `C${i % 7}`,
        industry: i % 3 === 0 ? null : ['a', 'b', 'c'][i % 3],
        custom: i % 4 === 0 ? {} : { seats: (i * 37) % 11 },
      })),
    )
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            field: fc.constantFrom('name', 'industry', 'custom.seats', 'createdAt'),
            direction: fc.constantFrom('asc' as const, 'desc' as const),
          }),
          { minLength: 1, maxLength: 3 },
        ),
        fc.integer({ min: 1, max: 25 }),
        async (orderBy, limit) => {
          const ids: string[] = []
          let cursor: string | null = null
          do {
            const page: Awaited<ReturnType<typeof crm.companies.list>> = await crm.companies.list({
              orderBy,
              limit,
              cursor,
            })
            ids.push(...page.items.map((c) => c.id))
            cursor = page.nextCursor
          } while (cursor)
          const full = (await crm.companies.list({ orderBy, limit: 1000 })).items.map((c) => c.id)
          expect(ids).toEqual(full)
          expect(new Set(ids)).toEqual(new Set(rows.map((r) => r.id)))
        },
      ),
      { numRuns: 40 },
    )
  })

  it('rejects a cursor made for another ordering, and malformed cursors', async () => {
    const { crm } = await setupCrm()
    await crm.companies.createMany([{ name: 'A' }, { name: 'B' }, { name: 'C' }])
    const page = await crm.companies.list({ orderBy: [{ field: 'name' }], limit: 1 })
    expect(page.nextCursor).not.toBeNull()
    for (const bad of [
      crm.companies.list({ orderBy: [{ field: 'createdAt' }], cursor: page.nextCursor }),
      crm.companies.list({ cursor: 'not-a-cursor!!' }),
    ]) {
      const err = await bad.catch((e: unknown) => e)
      expect(isRapportError(err, 'INVALID_CURSOR')).toBe(true)
    }
  })

  it('filters on custom fields registered at runtime, validates their values and sorts by them', async () => {
    const { crm } = await setupCrm()
    await crm.customFields.define('contact', {
      key: 'tier',
      type: 'select',
      options: ['gold', 'silver', 'bronze'],
    })
    await crm.customFields.define('contact', { key: 'renewal', type: 'date' })
    await crm.customFields.define('contact', { key: 'arr', type: 'money' })
    const bad = await crm.contacts
      .create({ firstName: 'X', custom: { tier: 'platinum' } })
      .catch((e: unknown) => e)
    expect(isRapportError(bad, 'VALIDATION_FAILED')).toBe(true)
    const unknown = await crm.contacts
      .create({ firstName: 'X', custom: { nope: 1 } })
      .catch((e: unknown) => e)
    expect(isRapportError(unknown, 'VALIDATION_FAILED')).toBe(true)
    expect(await crm.contacts.count()).toBe(0)
    await crm.contacts.createMany([
      {
        firstName: 'A',
        custom: { tier: 'gold', renewal: '2026-03-01', arr: { amountMinor: 500_00, currency: 'EUR' } },
      },
      {
        firstName: 'B',
        custom: { tier: 'silver', renewal: '2026-01-15', arr: { amountMinor: 90_000_00, currency: 'EUR' } },
      },
      { firstName: 'C', custom: { tier: 'gold' } },
      { firstName: 'D' },
    ])
    const gold = await crm.contacts.list({
      where: { field: 'custom.tier', op: 'eq', value: 'gold' },
      orderBy: [{ field: 'firstName' }],
    })
    expect(gold.items.map((c) => c.firstName)).toEqual(['A', 'C'])
    const notGold = await crm.contacts.list({
      where: { not: { field: 'custom.tier', op: 'eq', value: 'gold' } },
      orderBy: [{ field: 'firstName' }],
    })
    expect(notGold.items.map((c) => c.firstName)).toEqual(['B', 'D'])
    const big = await crm.contacts.count({
      where: { field: 'custom.arr.amountMinor', op: 'gte', value: 1_000_00 },
    })
    expect(big).toBe(1)
    const byRenewal = await crm.contacts.list({ orderBy: [{ field: 'custom.renewal', direction: 'asc' }] })
    // Nulls first ascending, ties broken by id (creation order).
    expect(byRenewal.items.map((c) => c.firstName)).toEqual(['C', 'D', 'B', 'A'])
    await crm.customFields.remove('contact', 'renewal')
    const stale = await crm.contacts
      .list({ where: { field: 'custom.renewal', op: 'isNull', value: true } })
      .catch((e: unknown) => e)
    expect(isRapportError(stale, 'INVALID_FILTER')).toBe(true)
  })

  it('expresses relation existence: companies with an open deal, contacts with a call', async () => {
    const { crm, pipeline, stage } = await setupCrm()
    const [acme, globex, initech] = await crm.companies.createMany([
      { name: 'Acme' },
      { name: 'Globex' },
      { name: 'Initech' },
    ])
    if (!acme || !globex || !initech) throw new Error('setup')
    await crm.deals.create({
      name: 'won',
      pipelineId: pipeline.id,
      stageId: stage('Won'),
      companyId: globex.id,
    })
    await crm.deals.create({
      name: 'open',
      pipelineId: pipeline.id,
      stageId: stage('Proposal'),
      companyId: acme.id,
    })
    const openStages = pipeline.stages.filter((s) => s.kind === 'open').map((s) => s.id)
    const withOpenDeal: Filter = { exists: 'deals', where: { field: 'stageId', op: 'in', value: openStages } }
    const names = async (where: Filter) =>
      (await crm.companies.list({ where, orderBy: [{ field: 'name' }] })).items.map((c) => c.name)
    expect(await names(withOpenDeal)).toEqual(['Acme'])
    expect(await names({ not: withOpenDeal })).toEqual(['Globex', 'Initech'])
    expect(await names({ exists: 'deals' })).toEqual(['Acme', 'Globex'])

    const ada = await crm.contacts.create({ firstName: 'Ada', companyId: acme.id })
    const bob = await crm.contacts.create({ firstName: 'Bob', companyId: initech.id })
    await crm.activities.create({
      type: 'call',
      occurredAt: new Date('2026-01-01T08:00:00Z'),
      targets: [{ type: 'contact', id: ada.id }],
    })
    await crm.activities.create({
      type: 'note',
      occurredAt: new Date('2026-01-01T08:00:00Z'),
      targets: [{ type: 'contact', id: bob.id }],
    })
    const called = await crm.contacts.list({
      where: { exists: 'activities', where: { field: 'type', op: 'eq', value: 'call' } },
    })
    expect(called.items.map((c) => c.firstName)).toEqual(['Ada'])
    const atCompanyWithOpenDeal = await crm.contacts.list({
      where: { exists: 'company', where: withOpenDeal },
    })
    expect(atCompanyWithOpenDeal.items.map((c) => c.firstName)).toEqual(['Ada'])
    const badTarget = await crm.activities
      .create({ type: 'call', occurredAt: new Date(), targets: [{ type: 'contact', id: 'con_missing' }] })
      .catch((e: unknown) => e)
    expect(isRapportError(badTarget, 'VALIDATION_FAILED')).toBe(true)
    expect(await crm.activities.count()).toBe(2)
  })

  it('binds relative dates and actor placeholders at query time', async () => {
    const { crm, advance } = await setupCrm({ actor: { id: 'user_1' } })
    await crm.tasks.create({ title: 'old', assigneeId: 'user_1', dueAt: new Date('2025-12-01T00:00:00Z') })
    await crm.tasks.create({ title: 'recent', assigneeId: 'user_1', dueAt: new Date('2025-12-28T00:00:00Z') })
    await crm.tasks.create({ title: 'other', assigneeId: 'user_2', dueAt: new Date('2025-12-29T00:00:00Z') })
    advance(0)
    const mineRecent = await crm.tasks.list({
      where: {
        and: [
          { field: 'assigneeId', op: 'eq', value: { $var: 'actor.id' } },
          { field: 'dueAt', op: 'gte', value: { $ago: { days: 7 } } },
        ],
      },
    })
    expect(mineRecent.items.map((t) => t.title)).toEqual(['recent'])
    const overdue = await crm.tasks.count({
      where: {
        and: [
          { field: 'status', op: 'eq', value: 'open' },
          { field: 'dueAt', op: 'lt', value: { $var: 'now' } },
        ],
      },
    })
    expect(overdue).toBe(3)
  })

  it('rejects malformed, hostile and unknown-field filters with INVALID_FILTER', async () => {
    const { crm } = await setupCrm()
    await crm.companies.create({ name: 'Acme' })
    let deep: unknown = { field: 'name', op: 'eq', value: 'x' }
    for (let i = 0; i < 5000; i++) deep = { not: deep }
    const cases: unknown[] = [
      deep,
      { field: 'name; DROP TABLE company', op: 'eq', value: 'x' },
      { field: 'name', op: 'like', value: 'x' },
      { field: 'name', op: 'eq', value: { nested: true } },
      { field: 'createdAt', op: 'gt', value: 'yesterday' },
      { and: 'nope' },
      { field: 'tenantId', op: 'eq', value: 'other' },
    ]
    for (const [i, where] of cases.entries()) {
      const err = await crm.companies.list({ where: where as Filter }).catch((e: unknown) => e)
      expect(isRapportError(err, 'INVALID_FILTER'), `case ${i}: ${String(err)}`).toBe(true)
    }
  })

  it('validates list options', async () => {
    const { crm } = await setupCrm()
    for (const options of [
      { limit: 0 },
      { limit: 5000 },
      { orderBy: [{ field: 'nope' }] },
      { extra: 1 },
      { orderBy: [{ field: 'tags' }] },
      // Each of these is one wrong value in otherwise plain options (the shape list() checks without zod).
      { includeArchived: 'yes' },
      { cursor: 5 },
      { cursor: 'x'.repeat(4097) },
      { limit: 1.5 },
      { limit: '10' },
      { orderBy: 'name' },
      { orderBy: [{ field: 'name', x: 1 }] },
      { orderBy: [{ field: 'name', direction: 'up' }] },
      { orderBy: [{ field: '' }] },
      { orderBy: Array(9).fill({ field: 'name' }) },
      Object.assign(Object.create({ inherited: 1 }), { limit: 10, extra: 1 }),
    ]) {
      const err = await crm.companies.list(options as never).catch((e: unknown) => e)
      expect(isRapportError(err, 'VALIDATION_FAILED'), JSON.stringify(options)).toBe(true)
    }
  })

  it('searches names, emails and notes', async () => {
    const { crm } = await setupCrm()
    await crm.contacts.create({
      firstName: 'Grace',
      lastName: 'Hopper',
      emails: [{ address: 'grace@navy.mil' }],
    })
    await crm.contacts.create({ firstName: 'Ada', lastName: 'Lovelace' })
    expect((await crm.contacts.search('hopper')).map((c) => c.firstName)).toEqual(['Grace'])
    expect((await crm.contacts.search('navy')).map((c) => c.firstName)).toEqual(['Grace'])
    expect(await crm.contacts.search('   ')).toEqual([])
  })
})
