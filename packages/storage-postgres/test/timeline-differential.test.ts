import type { Crm, CrmPlugin } from '@rapport/core'
import { createCrm, definePlugin, isRapportError } from '@rapport/core'
import { defineEntity } from '@rapport/core/entities'
import type { StorageAdapter, StorageFilter, StorageSchema } from '@rapport/core/storage'
import { createMemoryStorage } from '@rapport/core/testing'
import type { TimelineItem, TimelineSubject } from '@rapport/core/timeline'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as z from 'zod'
import { createPostgresStorage } from '../src/index.js'
import type { PgTestBackend } from './pg-test-backend.js'
import { openTestBackend } from './pg-test-backend.js'

/**
 * The 360° timeline, differentially: memory, SQLite and Postgres return the same entries in the same order, page by
 * page, for a contact and for a company, with a host plugin's own timeline source, kind filters and the access
 * model (a scope that hides some activities and one contact).
 */

const callEntity = defineEntity({
  name: 'callRecording',
  idPrefix: 'rec',
  shape: {
    label: z.string(),
    contactId: z.string().nullable().optional(),
    recordedAt: z.date(),
  },
  indexes: [{ name: 'by_contact_recorded', fields: ['contactId', 'recordedAt'] }],
})

/** A host plugin contributing a timeline source, exactly as our own packages do. */
const calls: CrmPlugin = definePlugin({
  id: 'calls',
  schema: { entities: [callEntity] },
  timeline: [
    {
      kind: 'callRecording',
      entity: 'callRecording',
      at: 'recordedAt',
      where: (s: TimelineSubject) =>
        s.type === 'contact' ? { field: 'contactId', op: 'eq', value: s.id } : null,
    },
  ],
})

/** Access: activities whose subject starts with "secret" and the contact "Hidden" are outside everyone's access. */
const privacy: CrmPlugin = definePlugin({
  id: 'privacy-scope',
  scope: ({ entity, operation }) => {
    if (operation !== 'read') return undefined
    if (entity === 'activity') return { not: { field: 'subject', op: 'startsWith', value: 'secret' } }
    if (entity === 'contact') return { field: 'firstName', op: 'ne', value: 'Hidden' }
    return undefined
  },
})

interface Fixture {
  readonly crm: Crm
  readonly ada: string
  readonly bob: string
  readonly hidden: string
  readonly acme: string
  /** Every entry created for Ada, as (kind, id, at, label). */
  readonly adaEntries: { kind: string; id: string; at: Date; label: string }[]
  /** The storage schema (for writing link rows as an earlier version wrote them). */
  readonly schema: StorageSchema
}

const T0 = Date.parse('2026-03-01T08:00:00.000Z')
const at = (minutes: number) => new Date(T0 + minutes * 60_000)

async function seed(storage: StorageAdapter): Promise<Fixture> {
  let now = at(0)
  let schema: StorageSchema | undefined
  const spy = definePlugin({
    id: 'schemaSpy',
    init: (ctx) => {
      schema = ctx.schema
    },
  })
  const crm = createCrm({
    storage,
    tenantId: 'ten_timeline',
    clock: () => now,
    plugins: [calls, privacy, spy],
  })
  await crm.migrate()
  const tick = (minutes: number) => {
    now = at(minutes)
  }
  const entries: Fixture['adaEntries'] = []
  const acme = await crm.companies.create({ name: 'Acme' })
  const ada = await crm.contacts.create({ firstName: 'Ada', companyId: acme.id })
  const bob = await crm.contacts.create({ firstName: 'Bob' })
  const hidden = await crm.contacts.create({ firstName: 'Hidden' })
  const pipeline = await crm.pipelines.create({
    name: 'Sales',
    stages: [
      { name: 'New', probability: 10 },
      { name: 'Proposal', probability: 50 },
      { name: 'Won', kind: 'won', probability: 100 },
    ],
  })
  const stage = (name: string) => pipeline.stages.find((s) => s.name === name)!.id
  // Activities: two share an instant (the id breaks the tie), one is secret, one concerns Bob only.
  for (const [minute, subject, who] of [
    [10, 'call 1', ada.id],
    [20, 'email 2', ada.id],
    [20, 'meeting 3', ada.id],
    [25, 'secret plan', ada.id],
    [30, 'note for bob', bob.id],
    [40, 'visit 4', ada.id],
  ] as const) {
    const activity = await crm.activities.create({
      type: 'call',
      subject,
      occurredAt: at(minute),
      targets: [{ type: 'contact', id: who }],
    })
    if (who === ada.id && !subject.startsWith('secret'))
      entries.push({ kind: 'activity', id: activity.id, at: at(minute), label: subject })
  }
  tick(50)
  const task = await crm.tasks.create({
    title: 'follow up',
    dueAt: at(500),
    targets: [{ type: 'contact', id: ada.id }],
  })
  entries.push({ kind: 'task', id: task.id, at: at(50), label: 'follow up' })
  tick(60)
  const deal = await crm.deals.create({
    name: 'Big one',
    pipelineId: pipeline.id,
    stageId: stage('New'),
    companyId: acme.id,
    amount: { amountMinor: 100_000, currency: 'EUR' },
  })
  await crm.deals.addContact(deal.id, ada.id)
  entries.push({ kind: 'deal', id: deal.id, at: at(60), label: 'Big one' })
  tick(70)
  await crm.deals.moveStage(deal.id, stage('Proposal'))
  for (const change of await crm.deals.stageHistory(deal.id)) {
    entries.push({
      kind: 'stageChange',
      id: change.id,
      at: change.at,
      label: `stage ${change.toStageId === stage('New') ? 'New' : 'Proposal'}`,
    })
  }
  tick(80)
  const ticket = await crm.tickets.create({ subject: 'broken', requesterId: ada.id, companyId: acme.id })
  entries.push({ kind: 'ticket', id: ticket.id, at: at(80), label: 'broken' })
  for (const [minute, amount, status] of [
    [90, 5_000, 'completed'],
    [95, 7_000, 'completed'],
    [96, 9_000, 'canceled'],
  ] as const) {
    const order = await crm.orders.create({
      customerType: 'contact',
      customerId: ada.id,
      occurredAt: at(minute),
      amount: { amountMinor: amount, currency: 'EUR' },
      status,
    })
    entries.push({ kind: 'order', id: order.id, at: at(minute), label: `order ${amount}` })
  }
  const recording = await crm
    .entity('callRecording')
    .create({ label: 'rec 1', contactId: ada.id, recordedAt: at(100) })
  entries.push({ kind: 'callRecording', id: recording.id as string, at: at(100), label: 'rec 1' })
  await crm.entity('callRecording').create({ label: 'rec bob', contactId: bob.id, recordedAt: at(101) })
  tick(200)
  if (!schema) throw new Error('no schema')
  return { crm, ada: ada.id, bob: bob.id, hidden: hidden.id, acme: acme.id, adaEntries: entries, schema }
}

async function readAll(crm: Crm, subject: TimelineSubject, limit: number, kinds?: string[]) {
  const items: TimelineItem[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const page = await crm.timeline.page(subject, { limit, cursor, ...(kinds ? { kinds } : {}) })
    expect(page.items.length).toBeLessThanOrEqual(limit)
    items.push(...page.items)
    cursor = page.nextCursor
    pages++
    expect(pages).toBeLessThan(100)
  } while (cursor)
  return items
}

const newestFirst = (a: { at: Date; id: string }, b: { at: Date; id: string }) =>
  b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)

let backend: PgTestBackend
const fixtures: Record<string, Fixture> = {}

beforeAll(async () => {
  backend = await openTestBackend('timeline')
  const storages: Record<string, StorageAdapter> = {
    memory: createMemoryStorage(),
    sqlite: createSqliteStorage({ file: ':memory:' }),
    postgres: createPostgresStorage({ kysely: backend.kysely }, { schema: backend.schema }),
  }
  for (const [name, storage] of Object.entries(storages)) fixtures[name] = await seed(storage)
}, 120_000)

afterAll(async () => {
  for (const f of Object.values(fixtures)) await f.crm.storage.close()
  await backend?.dispose()
})

describe('crm.timeline on memory, SQLite and Postgres', () => {
  it('reads a bounded number of queries per page, whatever the page size or history length', async () => {
    const sqlite = createSqliteStorage({ file: ':memory:' })
    let queries = 0
    const READS = ['findMany', 'findById', 'findByIds', 'count', 'search', 'newestKeys'] as const
    const countReads = <T extends object>(ops: T): T => {
      const wrapped: Record<string, unknown> = { ...(ops as Record<string, unknown>) }
      for (const key of READS) {
        const fn = (ops as Record<string, unknown>)[key]
        if (typeof fn === 'function') {
          wrapped[key] = (...args: unknown[]) => {
            queries++
            return fn.apply(ops, args)
          }
        }
      }
      return wrapped as T
    }
    const counted: StorageAdapter = {
      ...countReads(sqlite),
      transaction: (fn) => sqlite.transaction((tx) => fn(countReads(tx))),
    }
    const f = await seed(counted)
    const cost = async (limit: number) => {
      await f.crm.timeline.page({ type: 'contact', id: f.ada }, { limit }) // warm caches (custom fields)
      queries = 0
      const page = await f.crm.timeline.page({ type: 'contact', id: f.ada }, { limit })
      return { queries, kinds: new Set(page.items.map((i) => i.kind)).size }
    }
    // The subject, the probe for links without a date (one index range, empty once every link is dated), one
    // statement for the keys over all seven sources, one per kind on the page: never one per source or per entry.
    const one = await cost(1)
    expect(one).toEqual({ queries: 4, kinds: 1 })
    const all = await cost(50)
    expect(all.kinds).toBe(7)
    expect(all.queries).toBe(3 + all.kinds)
    const activities = await f.crm.timeline.page(
      { type: 'contact', id: f.ada },
      { limit: 50, kinds: ['activity'] },
    )
    expect(activities.items).toHaveLength(4)
    queries = 0
    await f.crm.timeline.page({ type: 'contact', id: f.ada }, { limit: 50, kinds: ['activity'] })
    expect(queries).toBe(4)
    await sqlite.close()
  })

  it.each([1, 2, 3, 50])('pages a contact newest first, every entry once (page size %i)', async (limit) => {
    const labels: Record<string, string[]> = {}
    for (const [name, f] of Object.entries(fixtures)) {
      const items = await readAll(f.crm, { type: 'contact', id: f.ada }, limit)
      const expected = [...f.adaEntries].sort(newestFirst)
      expect(items.map((i) => [i.kind, i.id, i.at.toISOString()])).toEqual(
        expected.map((e) => [e.kind, e.id, e.at.toISOString()]),
      )
      // Labels, with ties (same instant) compared as sets: ids differ per adapter.
      labels[name] = expected.map((e) => `${e.at.toISOString()} ${e.kind}`)
    }
    expect(labels['sqlite']).toEqual(labels['memory'])
    expect(labels['postgres']).toEqual(labels['memory'])
  })

  it('filters by kind and keeps other subjects and hidden records out', async () => {
    for (const f of Object.values(fixtures)) {
      const orders = await readAll(f.crm, { type: 'contact', id: f.ada }, 2, ['order', 'callRecording'])
      expect(orders.map((i) => i.kind)).toEqual(['callRecording', 'order', 'order', 'order'])
      const all = await readAll(f.crm, { type: 'contact', id: f.ada }, 50)
      const subjects = all.filter((i) => i.kind === 'activity').map((i) => i.record['subject'])
      // "email 2" and "meeting 3" share an instant: their order is their ids'.
      expect([subjects[0], [...subjects.slice(1, 3)].sort(), subjects[3], subjects.length]).toEqual([
        'visit 4',
        ['email 2', 'meeting 3'],
        'call 1',
        4,
      ])
      expect(subjects).not.toContain('secret plan')
      expect(subjects).not.toContain('note for bob')
      const bob = await readAll(f.crm, { type: 'contact', id: f.bob }, 50)
      expect(bob.map((i) => i.kind).sort()).toEqual(['activity', 'callRecording'])
    }
  })

  it('shows a company its own records and its people’s', async () => {
    const kinds: Record<string, string[]> = {}
    for (const [name, f] of Object.entries(fixtures)) {
      const items = await readAll(f.crm, { type: 'company', id: f.acme }, 4)
      kinds[name] = items.map((i) => i.kind)
      expect(items.map((i) => i.kind)).not.toContain('callRecording')
      expect(items.filter((i) => i.kind === 'order')).toHaveLength(3)
      expect(items.filter((i) => i.kind === 'activity')).toHaveLength(4)
      expect(f.crm.timeline.kinds('company')).not.toContain('callRecording')
    }
    expect(kinds['sqlite']).toEqual(kinds['memory'])
    expect(kinds['postgres']).toEqual(kinds['memory'])
  })

  it('computes the key figures over what the reader sees', async () => {
    for (const f of Object.values(fixtures)) {
      const figures = await f.crm.timeline.figures(
        { type: 'contact', id: f.ada },
        { healthScore: (fig) => ({ score: fig.openTickets > 0 ? 40 : 90 }) },
      )
      expect(figures).toMatchObject({
        openDeals: 1,
        openDealValue: { EUR: 100_000 },
        weightedDealValue: { EUR: 50_000 },
        lifetimeRevenue: { EUR: 12_000 },
        completedOrders: 2,
        lastContactAt: at(40),
        nextTask: { title: 'follow up', dueAt: at(500) },
        openTickets: 1,
        healthScore: 40,
      })
    }
  })

  it('answers NOT_FOUND for a contact outside access, and typed errors for bad options', async () => {
    for (const f of Object.values(fixtures)) {
      const subject = { type: 'contact', id: f.ada } as const
      const codes = async (p: Promise<unknown>) => {
        try {
          await p
          return 'ok'
        } catch (error) {
          return isRapportError(error) ? error.code : String(error)
        }
      }
      expect(await codes(f.crm.timeline.page({ type: 'contact', id: f.hidden }))).toBe('NOT_FOUND')
      expect(await codes(f.crm.timeline.figures({ type: 'contact', id: f.hidden }))).toBe('NOT_FOUND')
      expect(await codes(f.crm.timeline.page({ type: 'contact', id: 'con_nope' }))).toBe('NOT_FOUND')
      expect(await codes(f.crm.timeline.page(subject, { kinds: ['nope'] }))).toBe('VALIDATION_FAILED')
      expect(await codes(f.crm.timeline.page(subject, { limit: 0 }))).toBe('VALIDATION_FAILED')
      expect(await codes(f.crm.timeline.page(subject, { cursor: 'garbage!' }))).toBe('INVALID_CURSOR')
      // A cursor of the right ordering holding no instant and id (hand-made): refused, not run.
      const forged = btoa(JSON.stringify({ s: 'at:desc,id:desc', v: ['yesterday', 5] }))
      expect(await codes(f.crm.timeline.page(subject, { cursor: forged }))).toBe('INVALID_CURSOR')
      expect(await codes(f.crm.timeline.page({ type: 'lead', id: f.ada } as never))).toBe('VALIDATION_FAILED')
    }
  })

  it('follows a moved, archived or re-targeted activity on every adapter (the links carry its date)', async () => {
    const pages: Record<string, string[]> = {}
    for (const [name, f] of Object.entries(fixtures)) {
      const crm = f.crm
      const moved = await crm.activities.create({
        type: 'note',
        subject: 'moved',
        occurredAt: at(5),
        targets: [{ type: 'contact', id: f.bob }],
      })
      const subjectsOf = async (id: string) =>
        (await readAll(crm, { type: 'contact', id }, 2, ['activity'])).map((i) => String(i.record['subject']))
      expect(await subjectsOf(f.bob)).toEqual(['note for bob', 'moved'])
      await crm.activities.update(moved.id, { occurredAt: at(300) })
      expect(await subjectsOf(f.bob)).toEqual(['moved', 'note for bob'])
      const first = await crm.timeline.page({ type: 'contact', id: f.bob }, { limit: 1, kinds: ['activity'] })
      expect(first.items[0]?.at).toEqual(at(300))
      await crm.activities.update(moved.id, { targets: [{ type: 'contact', id: f.ada }] })
      expect(await subjectsOf(f.bob)).toEqual(['note for bob'])
      expect((await subjectsOf(f.ada))[0]).toBe('moved')
      await crm.activities.archive(moved.id)
      expect(await subjectsOf(f.ada)).not.toContain('moved')
      pages[name] = await subjectsOf(f.ada)
      await crm.activities.delete(moved.id)
    }
    expect(pages['sqlite']).toEqual(pages['memory'])
    expect(pages['postgres']).toEqual(pages['memory'])
  })

  it('still shows activities whose links were written before links carried a date', async () => {
    for (const f of Object.values(fixtures)) {
      const before = await readAll(f.crm, { type: 'contact', id: f.ada }, 3)
      const setSourceAt = (where: StorageFilter, sourceAt: Date | null) =>
        f.crm.storage.updateMany({
          model: f.schema.models['recordLink']!,
          tenantId: 'ten_timeline',
          schema: f.schema,
          where,
          data: { sourceAt },
        })
      const sourceId = (id: string): StorageFilter => ({
        kind: 'compare',
        ref: { field: 'sourceId', type: 'string' },
        op: 'eq',
        value: id,
      })
      // A link row as an earlier version wrote it (no sourceAt): the page reads the sources instead of the index.
      const oldest = before.filter((i) => i.kind === 'activity').at(-1)!
      await setSourceAt(sourceId(oldest.id), null)
      const legacy = await readAll(f.crm, { type: 'contact', id: f.ada }, 3)
      expect(legacy.map((i) => i.id)).toEqual(before.map((i) => i.id))
      await setSourceAt(sourceId(oldest.id), oldest.at)
      expect((await readAll(f.crm, { type: 'contact', id: f.ada }, 3)).map((i) => i.id)).toEqual(
        before.map((i) => i.id),
      )
    }
  })
})
