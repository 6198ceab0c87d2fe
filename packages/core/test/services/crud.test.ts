import { describe, expect, it } from 'vitest'
import type { RapportError } from '../../src/index.js'
import { isRapportError } from '../../src/index.js'
import { setupCrm } from './helpers.js'

async function expectError(promise: Promise<unknown>, code: string): Promise<RapportError> {
  try {
    await promise
  } catch (error) {
    if (isRapportError(error, code)) return error
    throw error
  }
  throw new Error(`expected ${code}, but the call succeeded`)
}

describe('entity services: CRUD', () => {
  it('creates records with prefixed ids, system fields and defaults', async () => {
    const { crm } = await setupCrm()
    const ada = await crm.contacts.create({
      firstName: 'Ada',
      lastName: 'Lovelace',
      emails: [{ address: 'Ada@Example.com', primary: true }],
    })
    expect(ada.id).toMatch(/^con_[0-9A-Z]{26}$/)
    expect(ada.tenantId).toBe('default')
    expect(ada.version).toBe(1)
    expect(ada.archivedAt).toBeNull()
    expect(ada.createdAt).toEqual(new Date('2026-01-01T09:00:00.000Z'))
    expect(ada.lifecycleStage).toBe('lead')
    expect(ada.tags).toEqual([])
    expect(ada.title).toBeNull()
    expect(await crm.contacts.get(ada.id)).toEqual(ada)
  })

  it('rejects unknown fields and wrong types with per-field issues, writing nothing', async () => {
    const { crm } = await setupCrm()
    const err = await expectError(
      crm.contacts.create({
        firstName: 'Ada',
        nickname: 'A',
        emails: [{ address: 'not-an-email' }],
      } as never),
      'VALIDATION_FAILED',
    )
    const paths = err.issues.map((i) => i.path.join('.'))
    expect(paths).toContain('emails.0.address')
    expect(err.issues.some((i) => i.code === 'unrecognized_keys')).toBe(true)
    expect(await crm.contacts.count()).toBe(0)

    const err2 = await expectError(crm.companies.create({ name: 42 } as never), 'VALIDATION_FAILED')
    expect(err2.issues[0]?.path).toEqual(['name'])
    expect(await crm.companies.count()).toBe(0)
  })

  it('enforces cross-field rules (a contact needs a name or an email)', async () => {
    const { crm } = await setupCrm()
    await expectError(crm.contacts.create({ title: 'CTO' }), 'VALIDATION_FAILED')
    expect(await crm.contacts.count()).toBe(0)
  })

  it('rejects oversized payloads with PAYLOAD_TOO_LARGE before writing', async () => {
    const { crm } = await setupCrm({ limits: { maxRecordBytes: 1000 } })
    const err = await expectError(crm.companies.create({ name: 'x'.repeat(2000) }), 'PAYLOAD_TOO_LARGE')
    expect(err.details['limit']).toBe(1000)
    expect(await crm.companies.count()).toBe(0)
  })

  it('updates with optimistic concurrency: a stale version gets VERSION_CONFLICT and changes nothing', async () => {
    const { crm, advance } = await setupCrm()
    const acme = await crm.companies.create({ name: 'Acme' })
    advance(1000)
    const v2 = await crm.companies.update(acme.id, { industry: 'Rockets' }, { expectedVersion: 1 })
    expect(v2.version).toBe(2)
    expect(v2.industry).toBe('Rockets')
    expect(v2.updatedAt.getTime()).toBe(acme.updatedAt.getTime() + 1000)
    const err = await expectError(
      crm.companies.update(acme.id, { industry: 'Boats' }, { expectedVersion: 1 }),
      'VERSION_CONFLICT',
    )
    expect(err.details).toMatchObject({ expectedVersion: 1, actualVersion: 2 })
    expect(await crm.companies.get(acme.id)).toEqual(v2)
  })

  it('clears optional fields with null, keeps omitted ones, and merges custom values key by key', async () => {
    const { crm } = await setupCrm({
      customFields: {
        company: [
          { key: 'tier', type: 'select', options: ['gold', 'silver'] },
          { key: 'seats', type: 'number' },
        ],
      },
    })
    const acme = await crm.companies.create({
      name: 'Acme',
      industry: 'Rockets',
      custom: { tier: 'gold', seats: 10 },
    })
    const updated = await crm.companies.update(acme.id, { industry: null, custom: { seats: 12 } })
    expect(updated.industry).toBeNull()
    expect(updated.name).toBe('Acme')
    expect(updated.custom).toEqual({ tier: 'gold', seats: 12 })
    const removed = await crm.companies.update(acme.id, { custom: { tier: null } })
    expect(removed.custom).toEqual({ seats: 12 })
  })

  it('writes nothing and keeps the version when an update changes nothing', async () => {
    const { crm } = await setupCrm()
    const acme = await crm.companies.create({ name: 'Acme' })
    const same = await crm.companies.update(acme.id, { name: 'Acme' })
    expect(same.version).toBe(1)
  })

  it('archives and restores (soft delete), hiding archived records from list and count', async () => {
    const { crm } = await setupCrm()
    const a = await crm.companies.create({ name: 'A' })
    await crm.companies.create({ name: 'B' })
    const archived = await crm.companies.archive(a.id)
    expect(archived.archivedAt).toBeInstanceOf(Date)
    expect(archived.version).toBe(2)
    expect(await crm.companies.count()).toBe(1)
    expect(await crm.companies.count({ includeArchived: true })).toBe(2)
    expect((await crm.companies.list()).items.map((c) => c.name)).toEqual(['B'])
    expect((await crm.companies.get(a.id)).archivedAt).not.toBeNull()
    const restored = await crm.companies.restore(a.id)
    expect(restored.archivedAt).toBeNull()
    expect(await crm.companies.count()).toBe(2)
  })

  it('deletes for good; get then throws NOT_FOUND and find returns null', async () => {
    const { crm } = await setupCrm()
    const a = await crm.companies.create({ name: 'A' })
    await expectError(crm.companies.delete(a.id, { expectedVersion: 7 }), 'VERSION_CONFLICT')
    expect(await crm.companies.count()).toBe(1)
    await crm.companies.delete(a.id)
    expect(await crm.companies.find(a.id)).toBeNull()
    await expectError(crm.companies.get(a.id), 'NOT_FOUND')
    await expectError(crm.companies.update(a.id, { name: 'B' }), 'NOT_FOUND')
  })

  it('createMany is all-or-nothing and reports issues by index', async () => {
    const { crm } = await setupCrm()
    const err = await expectError(
      crm.companies.createMany([{ name: 'A' }, { name: '' }, { name: 'C' }]),
      'VALIDATION_FAILED',
    )
    expect(err.issues[0]?.path).toEqual([1, 'name'])
    expect(await crm.companies.count()).toBe(0)
    const created = await crm.companies.createMany(
      Array.from({ length: 300 }, (_, i) => ({ name: `Co ${i}` })),
    )
    expect(created).toHaveLength(300)
    expect(new Set(created.map((c) => c.id)).size).toBe(300)
    expect(await crm.companies.count()).toBe(300)
  })

  it('updateMany applies every update in one transaction or none', async () => {
    const { crm } = await setupCrm()
    const [a, b] = await crm.companies.createMany([{ name: 'A' }, { name: 'B' }])
    if (!a || !b) throw new Error('setup')
    await expectError(
      crm.companies.updateMany([
        { id: a.id, patch: { industry: 'X' } },
        { id: b.id, patch: { industry: 'Y' }, expectedVersion: 9 },
      ]),
      'VERSION_CONFLICT',
    )
    expect((await crm.companies.get(a.id)).industry).toBeNull()
    const done = await crm.companies.updateMany([
      { id: a.id, patch: { industry: 'X' } },
      { id: b.id, patch: { industry: 'Y' }, expectedVersion: 1 },
    ])
    expect(done.map((c) => c.industry)).toEqual(['X', 'Y'])
  })

  it('keeps tenants apart', async () => {
    const { crm } = await setupCrm()
    const other = crm.scoped({ tenantId: 'tenant-b' })
    const mine = await crm.companies.create({ name: 'Mine' })
    await other.companies.create({ name: 'Theirs' })
    expect(await crm.companies.count()).toBe(1)
    expect(await other.companies.count()).toBe(1)
    expect(await other.companies.find(mine.id)).toBeNull()
    await expectError(other.companies.update(mine.id, { name: 'Stolen' }), 'NOT_FOUND')
    expect((await crm.companies.get(mine.id)).name).toBe('Mine')
  })

  it('validates deals against their pipeline and defaults the probability from the stage', async () => {
    const { crm, pipeline, stage } = await setupCrm()
    const deal = await crm.deals.create({
      name: 'Big one',
      pipelineId: pipeline.id,
      stageId: stage('Proposal'),
      amount: { amountMinor: 1_250_000, currency: 'EUR' },
    })
    expect(deal.probability).toBe(50)
    expect(deal.amount).toEqual({ amountMinor: 1_250_000, currency: 'EUR' })
    await expectError(
      crm.deals.create({ name: 'Bad', pipelineId: pipeline.id, stageId: 'stg_nope' }),
      'VALIDATION_FAILED',
    )
    await expectError(
      crm.deals.create({
        name: 'Bad',
        pipelineId: pipeline.id,
        stageId: stage('Won'),
        amount: { amountMinor: 1.5, currency: 'EUR' },
      }),
      'VALIDATION_FAILED',
    )
    expect(await crm.deals.count()).toBe(1)
  })

  it('links contacts to deals with roles', async () => {
    const { crm, pipeline, stage } = await setupCrm()
    const deal = await crm.deals.create({ name: 'D', pipelineId: pipeline.id, stageId: stage('Prospecting') })
    const ada = await crm.contacts.create({ firstName: 'Ada' })
    const bob = await crm.contacts.create({ firstName: 'Bob' })
    await crm.deals.addContact(deal.id, ada.id, { role: 'champion' })
    await crm.deals.addContact(deal.id, bob.id, { role: 'economic buyer', isPrimary: true })
    await crm.deals.addContact(deal.id, ada.id, { role: 'decision maker' })
    const people = await crm.deals.listContacts(deal.id)
    expect(people.map((p) => [p.contact.firstName, p.role, p.isPrimary])).toEqual([
      ['Bob', 'economic buyer', true],
      ['Ada', 'decision maker', false],
    ])
    await crm.deals.removeContact(deal.id, ada.id)
    expect(await crm.deals.listContacts(deal.id)).toHaveLength(1)
    await expectError(crm.deals.removeContact(deal.id, ada.id), 'NOT_FOUND')
    await expectError(crm.deals.addContact(deal.id, 'con_missing'), 'NOT_FOUND')
  })

  it('completes tasks with a completion time and reopens them', async () => {
    const { crm, advance } = await setupCrm()
    const task = await crm.tasks.create({ title: 'Call back', dueAt: new Date('2026-01-02T10:00:00Z') })
    advance(60_000)
    const done = await crm.tasks.update(task.id, { status: 'done' })
    expect(done.completedAt).toEqual(new Date('2026-01-01T09:01:00.000Z'))
    const reopened = await crm.tasks.update(task.id, { status: 'open' })
    expect(reopened.completedAt).toBeNull()
  })
})
