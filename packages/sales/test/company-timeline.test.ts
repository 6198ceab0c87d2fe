import type { Crm, CrmPlugin } from '@rapport/core'
import { definePlugin, isRapportError } from '@rapport/core'
import type { TimelineItem, TimelineSubject } from '@rapport/core/timeline'
import { ADAPTERS, openCrm } from '@rapport/test-storages'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { quotesPlugin } from '../src/quotes/quotes-plugin.js'
import { receivablesPlugin } from '../src/receivables/receivables-plugin.js'

/**
 * A company's timeline is its own records plus its people's, for every kind (activities, tasks, deals and their
 * stage moves, tickets, orders, contracts, payments, quotes), within the reader's access, the same on memory,
 * SQLite and Postgres. The world is generated (seeded, so every adapter gets the same one); the expected timelines
 * come from an oracle that knows which customers each record names, not from the timeline.
 */

/**
 * Outside the reader's access (the writer sees everything): the contact "Hidden" (a person of Acme) and activities
 * whose subject starts "secret".
 */
const privacy: CrmPlugin = definePlugin({
  id: 'privacy-access',
  access: {
    scope: ({ entity, action, actor }) => {
      if (action !== 'read' || actor?.['role'] !== 'reader') return null
      if (entity === 'contact') return { field: 'firstName', op: 'ne', value: 'Hidden' }
      if (entity === 'activity') return { not: { field: 'subject', op: 'startsWith', value: 'secret' } }
      return null
    },
  },
})

const KINDS = ['activity', 'task', 'deal', 'ticket', 'order', 'contract', 'quote'] as const
type RecordKind = (typeof KINDS)[number]

/** One generated record: its kind, which contact and company it names, whether it is a secret, a tie in time. */
interface Plan {
  readonly kind: RecordKind
  readonly contact: number | null
  readonly company: number | null
  readonly secret: boolean
  readonly sameInstant: boolean
  readonly paid: boolean
}

const COMPANIES = ['Acme', 'Other'] as const
/** People: name and company index (null: none). "Hidden" works at Acme but nobody may see them. */
const PEOPLE = [
  ['Ada', 0],
  ['Ben', 0],
  ['Hidden', 0],
  ['Cid', 1],
  ['Loner', null],
] as const

const planArbitrary: fc.Arbitrary<Plan> = fc
  .record({
    kind: fc.constantFrom(...KINDS),
    contact: fc.option(fc.nat(PEOPLE.length - 1), { nil: null }),
    company: fc.option(fc.nat(COMPANIES.length - 1), { nil: null }),
    secret: fc.boolean(),
    sameInstant: fc.boolean(),
    paid: fc.boolean(),
  })
  // An order has exactly one customer; every other record names at least one.
  .map((p) => (p.kind === 'order' && p.contact !== null ? { ...p, company: null } : p))
  .filter((p) => p.contact !== null || p.company !== null)
  .map((p) => ({ ...p, secret: p.kind === 'activity' && p.secret }))

const PLANS: readonly Plan[] = fc.sample(fc.array(planArbitrary, { minLength: 45, maxLength: 45 }), {
  seed: 1313,
  numRuns: 1,
})[0] as Plan[]

/** An entry the oracle expects: kind, id, and the customers it names (contact and company indexes). */
interface Expected {
  readonly kind: string
  readonly id: string
  readonly contact: number | null
  readonly company: number | null
  readonly secret: boolean
  readonly label: string
}

interface World {
  /** The reader, whose access hides "Hidden" and the secrets. */
  readonly crm: Crm
  readonly companies: string[]
  readonly people: string[]
  readonly entries: Expected[]
  readonly dispose: () => Promise<void>
}

async function build(adapter: (typeof ADAPTERS)[number]): Promise<World> {
  let now = new Date('2026-03-02T09:00:00.000Z')
  const tick = (ms: number) => {
    now = new Date(now.getTime() + ms)
  }
  const t = await openCrm(adapter, [receivablesPlugin(), quotesPlugin(), privacy] as const, () => now)
  const crm = t.crm as unknown as Crm & typeof t.crm
  const companies: string[] = []
  for (const name of COMPANIES) companies.push((await crm.companies.create({ name })).id)
  const people: string[] = []
  for (const [firstName, company] of PEOPLE) {
    const person = await crm.contacts.create({
      firstName,
      ...(company === null ? {} : { companyId: companies[company] as string }),
    })
    people.push(person.id)
  }
  const pipeline = await crm.pipelines.create({
    name: 'Sales',
    stages: [
      { name: 'New', probability: 10 },
      { name: 'Won', kind: 'won', probability: 100 },
    ],
  })
  const entries: Expected[] = []
  for (const [n, plan] of PLANS.entries()) {
    if (!plan.sameInstant) tick(60_000)
    const contactId = plan.contact === null ? null : (people[plan.contact] as string)
    const companyId = plan.company === null ? null : (companies[plan.company] as string)
    const label = `${plan.kind} ${n}`
    const expect = (kind: string, id: string) =>
      entries.push({ kind, id, contact: plan.contact, company: plan.company, secret: plan.secret, label })
    const targets = [
      ...(contactId ? [{ type: 'contact' as const, id: contactId }] : []),
      ...(companyId ? [{ type: 'company' as const, id: companyId }] : []),
    ]
    switch (plan.kind) {
      case 'activity': {
        const activity = await crm.activities.create({
          type: 'note',
          subject: plan.secret ? `secret ${n}` : label,
          occurredAt: now,
          targets,
        })
        expect('activity', activity.id)
        break
      }
      case 'task':
        expect('task', (await crm.tasks.create({ title: label, targets })).id)
        break
      case 'deal': {
        const deal = await crm.deals.create({
          name: label,
          pipelineId: pipeline.id,
          stageId: pipeline.stages[0]?.id as string,
          ...(companyId ? { companyId } : {}),
        })
        if (contactId) await crm.deals.addContact(deal.id, contactId)
        expect('deal', deal.id)
        for (const change of await crm.deals.stageHistory(deal.id)) expect('stageChange', change.id)
        break
      }
      case 'ticket': {
        const ticket = await crm.tickets.create({
          subject: label,
          ...(contactId ? { requesterId: contactId } : {}),
          ...(companyId ? { companyId } : {}),
        })
        expect('ticket', ticket.id)
        break
      }
      case 'order': {
        const order = await crm.orders.create({
          customerType: contactId ? 'contact' : 'company',
          customerId: (contactId ?? companyId) as string,
          occurredAt: now,
          amount: { amountMinor: 1_000 + n, currency: 'EUR' },
          status: 'completed',
        })
        expect('order', order.id)
        break
      }
      case 'contract': {
        const contract = await crm.entity('contract').create({
          name: label,
          currency: 'EUR',
          amountMinor: 100_000,
          startDate: '2026-01-01',
          endDate: '2026-12-31',
          ...(contactId ? { contactId } : {}),
          ...(companyId ? { companyId } : {}),
        })
        const id = String(contract['id'])
        expect('contract', id)
        if (plan.paid) {
          await crm.plugins.receivables.planInstallments(id, [{ balance: true, dueDate: '2026-06-30' }])
          await crm.entity('contract').update(id, { status: 'pending_approval' })
          await crm.entity('contract').update(id, { status: 'approved' })
          tick(1000)
          await crm.plugins.receivables.recordPayment(id, {
            amountMinor: 5_000,
            currency: 'EUR',
            receivedOn: '2026-02-01',
          })
          const payments = await crm.entity('payment').list({
            where: { field: 'contractId', op: 'eq', value: id },
          })
          for (const p of payments.items) expect('payment', String(p['id']))
        }
        break
      }
      case 'quote': {
        const quote = await crm.plugins.quotes.create({
          title: label,
          currency: 'EUR',
          ...(contactId ? { contactId } : {}),
          ...(companyId ? { companyId } : {}),
          lines: [{ description: 'Robot', quantity: '1', unitPriceMinor: 10_000 }],
        })
        expect('quote', quote.id)
        break
      }
    }
  }
  const reader = crm.scoped({ actor: { id: 'usr_reader', role: 'reader' } }) as unknown as Crm
  return { crm: reader, companies, people, entries, dispose: () => t.dispose() }
}

async function readAll(crm: Crm, subject: TimelineSubject, limit: number, kinds?: readonly string[]) {
  const items: TimelineItem[] = []
  let cursor: string | null = null
  do {
    const page = await crm.timeline.page(subject, { limit, cursor, ...(kinds ? { kinds } : {}) })
    expect(page.items.length).toBeLessThanOrEqual(limit)
    expect(page.hasMore).toBe(page.nextCursor !== null)
    items.push(...page.items)
    cursor = page.nextCursor
  } while (cursor)
  return items
}

const HIDDEN = PEOPLE.findIndex(([name]) => name === 'Hidden')
const keyOf = (e: { kind: string; id: string }) => `${e.kind} ${e.id}`

/** What the oracle says a subject's timeline holds (visible entries naming it, or, for a company, its people). */
function expectedFor(world: World, subject: { type: 'contact' | 'company'; index: number }): string[] {
  const peopleOf = (company: number) =>
    PEOPLE.flatMap(([, c], i) => (c === company && i !== HIDDEN ? [i] : []))
  return world.entries
    .filter((e) => !e.secret)
    .filter((e) =>
      subject.type === 'contact'
        ? e.contact === subject.index
        : e.company === subject.index || (e.contact !== null && peopleOf(subject.index).includes(e.contact)),
    )
    .map(keyOf)
    .sort()
}

const worlds: Record<string, World> = {}
const transcripts: Record<string, Record<string, string[]>> = {}

afterAll(async () => {
  for (const w of Object.values(worlds)) await w.dispose()
})

describe.each(ADAPTERS)('a company timeline on $name', (adapter) => {
  it('is its own records plus its people’s, for every kind, within access', async () => {
    const world = await build(adapter)
    worlds[adapter.name] = world
    const { crm } = world
    const transcript: Record<string, string[]> = {}
    // Ids differ per adapter: the transcript is each entry's instant and label (ties as a set, by sorting).
    const labelOf = new Map(world.entries.map((e) => [keyOf(e), `${e.kind}:${e.label}`]))
    const told = (items: TimelineItem[]) =>
      items.map((i) => `${i.at.toISOString()} ${labelOf.get(keyOf(i)) as string}`).sort()
    for (const [index, id] of world.companies.entries()) {
      const items = await readAll(crm, { type: 'company', id }, 7)
      expect(items.map(keyOf).sort()).toEqual(expectedFor(world, { type: 'company', index }))
      transcript[`company ${index}`] = told(items)
    }
    for (const [index, id] of world.people.entries()) {
      if (index === HIDDEN) continue
      const items = await readAll(crm, { type: 'contact', id }, 7)
      expect(items.map(keyOf).sort()).toEqual(expectedFor(world, { type: 'contact', index }))
      transcript[`contact ${index}`] = told(items)
      // The headline rule, directly: a person's entries are all on their company's timeline.
      const company = PEOPLE[index]?.[1]
      if (company !== null && company !== undefined) {
        const onCompany = new Set(
          (await readAll(crm, { type: 'company', id: world.companies[company] as string }, 50)).map(keyOf),
        )
        for (const item of items) expect(onCompany.has(keyOf(item))).toBe(true)
      }
    }
    // Every kind took part, so the rule is checked for each.
    expect(new Set(world.entries.map((e) => e.kind))).toEqual(new Set([...KINDS, 'stageChange', 'payment']))
    // The hidden person's own timeline is NOT_FOUND; their records reach Acme only when they also name Acme.
    const hidden = await crm.timeline.page({ type: 'contact', id: world.people[HIDDEN] as string }).then(
      () => 'ok',
      (e) => (isRapportError(e) ? e.code : String(e)),
    )
    expect(hidden).toBe('NOT_FOUND')
    transcripts[adapter.name] = transcript
  }, 120_000)

  it('pages any subject and any kinds as slices of one newest-first order', async () => {
    const world = worlds[adapter.name] as World
    const subjects: TimelineSubject[] = [
      ...world.companies.map((id) => ({ type: 'company' as const, id })),
      ...world.people.filter((_, i) => i !== HIDDEN).map((id) => ({ type: 'contact' as const, id })),
    ]
    const kinds = world.crm.timeline.kinds('contact')
    const whole = new Map<string, TimelineItem[]>()
    for (const s of subjects) whole.set(s.id, await readAll(world.crm, s, 500))
    for (const items of whole.values()) {
      for (let i = 1; i < items.length; i++) {
        const [a, b] = [items[i - 1] as TimelineItem, items[i] as TimelineItem]
        expect(a.at.getTime() > b.at.getTime() || (a.at.getTime() === b.at.getTime() && a.id > b.id)).toBe(
          true,
        )
      }
    }
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...subjects),
        fc.integer({ min: 1, max: 6 }),
        fc.option(fc.subarray(kinds, { minLength: 1 }), { nil: undefined }),
        async (subject, limit, chosen) => {
          const paged = await readAll(world.crm, subject, limit, chosen)
          const all = whole.get(subject.id) as TimelineItem[]
          const expected = chosen ? all.filter((i) => chosen.includes(i.kind)) : all
          expect(paged.map(keyOf)).toEqual(expected.map(keyOf))
        },
      ),
      { numRuns: 25, seed: 13 },
    )
  }, 120_000)
})

describe('company timelines across adapters', () => {
  it('agree entry for entry', () => {
    expect(transcripts['sqlite']).toEqual(transcripts['memory'])
    expect(transcripts['postgres']).toEqual(transcripts['memory'])
  })
})
