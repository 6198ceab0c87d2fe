// The realistic flow of issue 16, on one storage: the CDNOW sample (2,357 customers, 6,919 orders with made-up line
// items, the marketing-loop example's loader) stored, every contact updated with its RFM segment, then a sweep over
// the "At Risk" segment that a rule and a campaign act on. Each phase is timed with its statement count.
import { RFM_SEGMENTS_11, rfmAnalysis } from '@rapport/analytics/rfm'
import { automationPlugin, createInProcessQueue } from '@rapport/automation'
import { createCrm } from '@rapport/core'
import type { StorageAdapter } from '@rapport/core/storage'
import { marketingPlugin } from '@rapport/marketing'
import type { CdnowOrder } from '../../../examples/marketing-loop/src/cdnow-orders.ts'
import { cdnowOrderInput } from '../../../examples/marketing-loop/src/cdnow-orders.ts'
import type { Counter, PhaseCost } from './counters.ts'
import { measure, topShapes } from './counters.ts'

/** Orders per `createMany` call. */
const ORDER_BATCH = 1000

/** What the flow did, the same on every engine (the run checks it), and what each phase cost. */
export interface FlowResult {
  readonly outcome: {
    readonly contacts: number
    readonly orders: number
    readonly updated: number
    readonly atRisk: number
    readonly tasks: number
    readonly targeted: number
    readonly events: number
  }
  readonly phases: Record<string, PhaseCost>
}

/**
 * Runs the flow on a fresh, unmigrated storage and closes it:
 * - `store`: `contacts.createMany` of every customer, then `orders.createMany` with line items in batches of 1,000;
 * - `update`: one `contacts.updateMany` of every contact (custom `rfmSegment`, from RFM on the orders);
 * - `sweep`: `segments.sweep` of the dynamic "At Risk" segment (its `segment.entered` events enroll a rule that
 *   creates a task per member, run by `automation.runDue`), then `campaigns.target` of a campaign at the segment;
 * - `ingest`: a delivered and an opened email event per campaign member through `campaigns.ingest`.
 */
export async function runFlow(
  storage: StorageAdapter,
  counter: Counter,
  fixture: readonly CdnowOrder[],
): Promise<FlowResult> {
  const now = new Date('1998-07-01T00:00:00.000Z')
  const clock = () => now
  const crm = createCrm({
    storage,
    clock,
    customFields: { contact: [{ key: 'rfmSegment', type: 'text' }] },
    plugins: [
      automationPlugin({ clock, queue: createInProcessQueue() }),
      marketingPlugin({ clock }),
    ] as const,
  })
  try {
    await crm.migrate()
    const { segments, campaigns } = crm.plugins.marketing
    crm.plugins.automation.register({
      id: 'win-back-task',
      name: 'A task for each customer entering At Risk',
      entity: 'contact',
      trigger: { type: 'event', event: 'segment.entered' },
      actions: [{ type: 'createTask', title: 'Win back {{record.lastName}}' }],
    })
    const customers = [...new Set(fixture.map((o) => o.customer))].sort((a, b) => a - b)
    const contactOf = new Map<number, string>()
    const phases: Record<string, PhaseCost> = {}

    const traced = async (name: string, work: () => Promise<unknown>) => {
      phases[name] = await measure(counter, work)
      if (counter.shapes.size > 0) console.log(`  ${name}:\n    ${topShapes(counter).join('\n    ')}`)
    }
    await traced('store', async () => {
      const contacts = await crm.contacts.createMany(
        customers.map((id) => ({
          firstName: 'Customer',
          lastName: String(id).padStart(4, '0'),
          lifecycleStage: 'customer',
        })),
      )
      for (const [i, id] of customers.entries()) contactOf.set(id, contacts[i]!.id)
      for (let i = 0; i < fixture.length; i += ORDER_BATCH) {
        await crm.orders.createMany(
          fixture.slice(i, i + ORDER_BATCH).map((o) => cdnowOrderInput(o, contactOf.get(o.customer)!)),
        )
      }
    })

    const rfm = rfmAnalysis(
      fixture.map((o) => ({ customerId: String(o.customer), at: o.date, amount: o.amountMinor / 100 })),
      { asOf: '1998-07-01', segmentMap: RFM_SEGMENTS_11 },
    )
    const segmentOf = new Map(rfm.customers.map((c) => [String(c.customerId), c.segment]))
    let updated = 0
    await traced('update', async () => {
      const records = await crm.contacts.updateMany(
        customers.map((id) => ({
          id: contactOf.get(id)!,
          patch: { custom: { rfmSegment: segmentOf.get(String(id)) ?? 'Others' } },
        })),
      )
      updated = records.length
    })

    const atRisk = await segments.create({
      name: 'At Risk',
      kind: 'dynamic',
      entity: 'contact',
      filter: { field: 'custom.rfmSegment', op: 'eq', value: 'At Risk' },
    })
    const campaign = await campaigns.create({ name: 'Win back', channels: ['email'] })
    let swept = 0
    let targeted = 0
    await traced('sweep', async () => {
      const [report] = await segments.sweep(atRisk.id)
      swept = report!.entered
      await crm.plugins.automation.runDue()
      targeted = (await campaigns.target(campaign.id, atRisk.id)).added
    })

    const members = (
      await crm.entity('campaignMember').list({
        where: { field: 'campaignId', op: 'eq', value: campaign.id },
        orderBy: [{ field: 'recordId' }],
        limit: 1000,
      })
    ).items as { id: string }[]
    let events = 0
    await traced('ingest', async () => {
      const report = await campaigns.ingest(
        members.flatMap((m, i) => [
          { providerEventId: `d-${i}`, type: 'delivered' as const, at: now, memberId: m.id },
          { providerEventId: `o-${i}`, type: 'opened' as const, at: now, memberId: m.id },
        ]),
      )
      events = report.ingested
    })

    return {
      outcome: {
        contacts: contactOf.size,
        orders: await crm.orders.count(),
        updated,
        atRisk: swept,
        tasks: await crm.tasks.count(),
        targeted,
        events,
      },
      phases,
    }
  } finally {
    await crm.close()
  }
}
