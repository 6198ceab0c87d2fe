import type { TimelineOptions, TimelinePage, TimelineSubject } from '../timeline/timeline-types.js'
import type { CrmServices } from '../types/crm-services.js'

/** What {@link seedTimelineStory} wrote. */
export interface TimelineStory {
  /** The company (Acme): its timeline holds its own deal and ticket and all of Ada's entries. */
  readonly companyId: string
  /** The contact (Ada, at Acme) whose story it is. */
  readonly contactId: string
  /** Ada's deal (on a pipeline of its own, so it also brings a `stageChange` entry). */
  readonly dealId: string
  /** The instant seven entries share: four activities and three completed orders. */
  readonly tie: Date
  /** How many entries Ada's timeline holds (`tie` and the rest). */
  readonly entries: number
}

/** The shared instant: a fixed moment in the past, before every entry dated by the clock. */
const TIE = new Date('2026-03-01T10:00:00.000Z')

/**
 * Seeds one customer's story across every core timeline kind, with ties: Ada at Acme has four activities and three
 * completed orders (1,000 + 2,000 + 3,000 EUR minor units) sharing one instant, an older activity, a task, a deal she
 * is on (with its first stage move) and a ticket she requested: 12 entries, 7 of them at {@link TimelineStory.tie}.
 * Any page size below 7 puts a page boundary inside the tie, where paging by the instant alone skips or repeats
 * entries. Rapport's REST and MCP tests page through it and compare with `crm.timeline`; an adapter or a host can do
 * the same. `ownerId` sets Ada's owner (for access tests).
 *
 * @example
 * ```ts
 * import { createCrm } from '@rapport/core'
 * import { createMemoryStorage, seedTimelineStory } from '@rapport/core/testing'
 *
 * const crm = createCrm({ storage: createMemoryStorage(), actor: { id: 'system' } })
 * await crm.migrate()
 * const story = await seedTimelineStory(crm)
 * const page = await crm.timeline.page({ type: 'contact', id: story.contactId }, { limit: 3 })
 * ```
 */
export async function seedTimelineStory(
  crm: CrmServices,
  options: { readonly ownerId?: string } = {},
): Promise<TimelineStory> {
  const acme = await crm.companies.create({ name: 'Acme' })
  const ada = await crm.contacts.create({
    firstName: 'Ada',
    companyId: acme.id,
    ...(options.ownerId ? { ownerId: options.ownerId } : {}),
  })
  const targets = [{ type: 'contact' as const, id: ada.id }]
  for (const subject of ['call', 'email', 'meeting', 'note']) {
    await crm.activities.create({ type: 'call', subject, occurredAt: TIE, targets })
  }
  await crm.activities.create({
    type: 'call',
    subject: 'older',
    occurredAt: new Date(TIE.getTime() - 60_000),
    targets,
  })
  for (const amountMinor of [1_000, 2_000, 3_000]) {
    await crm.orders.create({
      customerType: 'contact',
      customerId: ada.id,
      occurredAt: TIE,
      amount: { amountMinor, currency: 'EUR' },
      status: 'completed',
    })
  }
  await crm.tasks.create({ title: 'follow up', targets })
  const pipeline = await crm.pipelines.create({
    name: 'Timeline story',
    entityType: 'deal',
    stages: [
      { name: 'New', probability: 10 },
      { name: 'Won', kind: 'won', probability: 100 },
    ],
  })
  const deal = await crm.deals.create({
    name: 'Big one',
    pipelineId: pipeline.id,
    stageId: pipeline.stages[0]!.id,
    companyId: acme.id,
    amount: { amountMinor: 100_000, currency: 'EUR' },
  })
  await crm.deals.addContact(deal.id, ada.id)
  await crm.tickets.create({ subject: 'broken', requesterId: ada.id, companyId: acme.id })
  return { companyId: acme.id, contactId: ada.id, dealId: deal.id, tie: TIE, entries: 12 }
}

/**
 * Every page of a subject's timeline, following `nextCursor` from the first page to the last (at most 1,000 pages):
 * the reference a paged reader (a REST client, an agent's tool calls) is compared with.
 *
 * @example
 * ```ts
 * const pages = await timelinePages(crm, { type: 'contact', id: story.contactId }, { limit: 3 })
 * const ids = pages.flatMap((page) => page.items.map((item) => item.id))
 * ```
 */
export async function timelinePages(
  crm: Pick<CrmServices, 'timeline'>,
  subject: TimelineSubject,
  options: Omit<TimelineOptions, 'cursor'> = {},
): Promise<TimelinePage[]> {
  const pages: TimelinePage[] = []
  let cursor: string | null = null
  do {
    const page: TimelinePage = await crm.timeline.page(subject, { ...options, ...(cursor ? { cursor } : {}) })
    pages.push(page)
    cursor = page.nextCursor
  } while (cursor !== null && pages.length < 1_000)
  return pages
}
