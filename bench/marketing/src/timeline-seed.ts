// Seeds the timeline bench: contacts through the CRM, then activities and their record links copied from a template
// row the CRM wrote itself (same columns, same encodings), inserted by the raw driver in large transactions. Seeding
// 1M activities one validated createMany at a time took 27 minutes on the shared machine; the seed is not what is
// measured, and the bench checks a sample of seeded rows reads back through the CRM's validation unchanged.
import type { Crm } from '@rapport/core'
import { createIdGenerator } from '@rapport/core/ids'

/** How the seeder writes rows: a table name and rows keyed by column, the values as the driver returned them. */
export interface RowSink {
  /** The stored row of `table` with this id (the template). */
  row(table: string, id: string): Promise<Record<string, unknown>>
  /** Inserts the rows in one transaction. */
  insert(table: string, rows: readonly Record<string, unknown>[]): Promise<void>
  /** Turns an instant into the driver's encoding of a datetime column. */
  instant(at: Date): unknown
}

export interface SeedOptions {
  readonly activities: number
  readonly contacts: number
  readonly batch?: number
}

// Deterministic pseudo-random numbers, so every run builds the same data.
export function lcg(seed = 42) {
  let s = seed
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648
    return s / 2_147_483_648
  }
}

const TYPES = ['call', 'email', 'meeting', 'note', 'visit'] as const

export async function seedTimeline(crm: Crm, sink: RowSink, options: SeedOptions, rand: () => number) {
  const batch = options.batch ?? 5000
  const contactIds: string[] = []
  for (let i = 0; i < options.contacts; i += 1000) {
    const inputs = Array.from({ length: Math.min(1000, options.contacts - i) }, (_, j) => ({
      firstName: `Person${i + j}`,
      lastName: 'Bench',
    }))
    for (const c of await crm.contacts.createMany(inputs)) contactIds.push(c.id)
  }
  const template = await crm.activities.create({
    type: 'call',
    subject: 'Touch 0',
    occurredAt: new Date('2024-01-01T00:00:00.000Z'),
    targets: [{ type: 'contact', id: contactIds[0] as string }],
  })
  const activityRow = await sink.row('activity', template.id)
  const linkPage = await crm
    .entity('recordLink')
    .list({ where: { field: 'sourceId', op: 'eq', value: template.id } })
  const linkRow = await sink.row('record_link', linkPage.items[0]?.['id'] as string)
  const nextId = createIdGenerator()
  const start = Date.parse('2024-01-01T00:00:00.000Z')
  const now = new Date()
  for (let i = 1; i < options.activities; i += batch) {
    const activities: Record<string, unknown>[] = []
    const links: Record<string, unknown>[] = []
    for (let j = i; j < Math.min(options.activities, i + batch); j++) {
      const contactId = contactIds[Math.floor(rand() * contactIds.length)] as string
      // Two years of history; whole seconds so some entries share an instant (the id breaks ties).
      const occurredAt = new Date(start + Math.floor(rand() * 730 * 86_400) * 1000)
      const id = nextId('act', now)
      activities.push({
        ...activityRow,
        id,
        type: TYPES[j % TYPES.length],
        subject: `Touch ${j}`,
        occurred_at: sink.instant(occurredAt),
        targets: JSON.stringify([{ type: 'contact', id: contactId }]),
        search_terms: ` touch ${j} `,
        search_keys: `\ntouch ${j}\n`,
      })
      // The link carries the activity's date (source_at), as core writes it: the timeline's index key.
      links.push({
        ...linkRow,
        id: nextId('lnk', now),
        source_id: id,
        target_id: contactId,
        source_at: sink.instant(occurredAt),
      })
    }
    await sink.insert('activity', activities)
    await sink.insert('record_link', links)
    if (((i - 1) / batch) % 20 === 0) console.info(`seeded ${i + activities.length - 1} activities`)
  }
  return contactIds
}
