import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  customerLifetimeValue,
  fitBgNbd,
  fitGammaGamma,
  summaryDataFromTransactions,
} from '@rapport/analytics/clv'
import { associationRules, basketsFromLineItems } from '@rapport/analytics/cross-sell'
import { twoProportionTest } from '@rapport/analytics/experiments'
import { RFM_SEGMENTS_11, rfmAnalysis } from '@rapport/analytics/rfm'
import { automationPlugin, createInProcessQueue } from '@rapport/automation'
import { createCrm } from '@rapport/core'
import type { StorageAdapter } from '@rapport/core/storage'
import { marketingPlugin } from '@rapport/marketing'
import type { EmailEventInput } from '@rapport/marketing/email-events'
import { cdnowOrderInput, loadCdnowOrders } from './cdnow-orders.js'

const here = fileURLToPath(new URL('.', import.meta.url))

/** What one run of the loop found; the smoke test checks SQLite and Postgres agree on all of it. */
export interface MarketingLoopReport {
  readonly orders: number
  readonly customers: number
  readonly segments: { readonly atRisk: number; readonly highClv: number }
  readonly targeted: number
  readonly events: { readonly ingested: number; readonly duplicates: number }
  readonly ab: { readonly rateA: number; readonly rateB: number; readonly pValue: number }
  readonly attribution: {
    readonly deals: number
    readonly attributedRevenueMinor: number
    readonly roi: number | null
  }
  readonly crossSell: readonly string[]
  readonly kpis: readonly {
    readonly kpi: string
    readonly month: string
    readonly value: number | null
    readonly change: number | null
  }[]
  readonly alerts: readonly string[]
}

/**
 * The marketing loop on CDNOW orders: store orders with line items, build RFM and CLV segments, run a win-back
 * campaign to "At Risk" with an A/B split, ingest its email events, attribute the revenue of won deals, mine
 * cross-sell rules and let a metric alert fire when the monthly repurchase rate falls by more than 5 %.
 */
export async function runMarketingLoop(
  storage: StorageAdapter,
  log: (line: string) => void = () => {},
): Promise<MarketingLoopReport> {
  let now = new Date('1998-07-01T00:00:00.000Z')
  const clock = () => now
  const queue = createInProcessQueue()
  const port: { engine?: () => unknown } = {}
  const crm = createCrm({
    storage,
    clock,
    customFields: {
      contact: [
        { key: 'rfmSegment', type: 'text' },
        { key: 'clvTier', type: 'text' },
      ],
    },
    plugins: [
      automationPlugin({ clock, queue }),
      marketingPlugin({ clock, automation: () => port.engine?.() as never }),
    ] as const,
  })
  port.engine = () => crm.plugins.automation
  await crm.migrate()
  const { segments, campaigns, kpis } = crm.plugins.marketing

  // 1. Customers and their orders with line items.
  const fixture = loadCdnowOrders(join(here, '..', 'data', 'cdnow-200.txt'))
  const ids = [...new Set(fixture.map((o) => o.customer))].sort((a, b) => a - b)
  const contacts = await crm.contacts.createMany(
    ids.map((id) => ({
      firstName: 'Customer',
      lastName: String(id).padStart(4, '0'),
      lifecycleStage: 'customer',
    })),
  )
  const contactOf = new Map(ids.map((id, i) => [id, contacts[i]!.id]))
  for (let i = 0; i < fixture.length; i += 250) {
    await crm.orders.createMany(
      fixture.slice(i, i + 250).map((o) => cdnowOrderInput(o, contactOf.get(o.customer)!)),
    )
  }
  const orders: { customerId: string; at: Date; amountMinor: number; id: string; skus: string[] }[] = []
  for await (const o of crm.orders.iterate()) {
    orders.push({
      id: o.id,
      customerId: o.customerId,
      at: o.occurredAt,
      amountMinor: o.amount.amountMinor,
      skus: o.lines.map((l) => l.sku as string),
    })
  }
  log(`Stored ${orders.length} CDNOW orders of ${contacts.length} customers, with line items`)

  // 2. RFM (11-segment map) and 12-month CLV (BG/NBD + Gamma-Gamma), written to the contacts.
  const rfm = rfmAnalysis(
    orders.map((o) => ({
      customerId: o.customerId,
      at: o.at.toISOString().slice(0, 10),
      amount: o.amountMinor / 100,
    })),
    { asOf: '1998-07-01', segmentMap: RFM_SEGMENTS_11 },
  )
  const summary = summaryDataFromTransactions(orders, {
    customerId: (o) => o.customerId,
    datetime: (o) => o.at.toISOString().slice(0, 10),
    monetary: (o) => o.amountMinor / 100,
    observationEnd: '1998-06-30',
    timeUnit: 'D',
    freqMultiplier: 7,
  })
  const bg = fitBgNbd(summary)
  const gg = fitGammaGamma(
    summary
      .filter((c) => c.frequency > 0)
      .map((c) => ({ frequency: c.frequency, monetaryValue: c.monetaryValue ?? 0 })),
  )
  const clv = customerLifetimeValue({
    transactionModel: bg,
    spendModel: gg,
    customers: summary.map((c) => ({ ...c, monetaryValue: c.monetaryValue ?? 0 })),
    time: 12,
    discountRate: 0.01,
    timeUnit: 'W',
  })
  const cutoff = [...clv].sort((a, b) => b - a)[Math.floor(clv.length / 5)]!
  const tierOf = new Map(
    summary.map((c, i) => [String(c.customerId), clv[i]! > cutoff ? 'high' : 'standard']),
  )
  const segmentOf = new Map(rfm.customers.map((c) => [String(c.customerId), c.segment]))
  await crm.contacts.updateMany(
    contacts.map((c) => ({
      id: c.id,
      patch: {
        custom: { rfmSegment: segmentOf.get(c.id) ?? 'Others', clvTier: tierOf.get(c.id) ?? 'standard' },
      },
    })),
  )
  const atRisk = await segments.create({
    name: 'At Risk',
    kind: 'dynamic',
    entity: 'contact',
    filter: { field: 'custom.rfmSegment', op: 'eq', value: 'At Risk' },
  })
  const highClv = await segments.create({
    name: 'High CLV',
    kind: 'dynamic',
    entity: 'contact',
    filter: { field: 'custom.clvTier', op: 'eq', value: 'high' },
  })
  const segmentCounts = { atRisk: await segments.count(atRisk.id), highClv: await segments.count(highClv.id) }
  log(`Segments: At Risk ${segmentCounts.atRisk}, High CLV ${segmentCounts.highClv}`)

  // 3. A win-back campaign to At Risk, split A/B by member, and its email events (one redelivered).
  const campaign = await campaigns.create({
    name: 'Win back',
    channels: ['email'],
    actualCost: { amountMinor: 5_000, currency: 'USD' },
  })
  const target = await campaigns.target(campaign.id, atRisk.id)
  const members = (
    await crm.entity('campaignMember').list({
      where: { field: 'campaignId', op: 'eq', value: campaign.id },
      orderBy: [{ field: 'recordId' }],
      limit: 1000,
    })
  ).items as { id: string; recordId: string }[]
  now = new Date('1998-07-02T09:00:00.000Z')
  const events: EmailEventInput[] = []
  const clicked: string[] = []
  members.forEach((m, i) => {
    const variantB = i % 2 === 1
    events.push({ providerEventId: `d-${i}`, type: 'delivered', at: now, memberId: m.id })
    if (i % 3 !== 0) events.push({ providerEventId: `o-${i}`, type: 'opened', at: now, memberId: m.id })
    if (variantB ? i % 3 === 1 : i % 6 === 2) {
      events.push({ providerEventId: `c-${i}`, type: 'clicked', at: now, memberId: m.id })
      clicked.push(m.recordId)
    }
  })
  const ingested = await campaigns.ingest([...events, events[0]!])
  const arm = (b: boolean) => {
    const ms = members.filter((_, i) => i % 2 === (b ? 1 : 0))
    return { trials: ms.length, successes: ms.filter((m) => clicked.includes(m.recordId)).length }
  }
  const ab = twoProportionTest(arm(false), arm(true))
  log(
    `A/B clicks: A ${(100 * ab.rateA).toFixed(1)} %, B ${(100 * ab.rateB).toFixed(1)} %, p = ${ab.pValue.toFixed(3)}`,
  )

  // 4. Two clickers buy: won deals, credited to the campaign (linear attribution), ROI on its cost.
  const pipeline = await crm.pipelines.create({
    name: 'Win-back',
    stages: [
      { name: 'Open', probability: 10 },
      { name: 'Won', kind: 'won', probability: 100 },
    ],
  })
  now = new Date('1998-07-05T10:00:00.000Z')
  for (const [n, contactId] of clicked.slice(0, 2).entries()) {
    const deal = await crm.deals.create({
      name: `Win-back order ${n + 1}`,
      pipelineId: pipeline.id,
      stageId: pipeline.stages[0]!.id as string,
      amount: { amountMinor: 4_000 + 1_000 * n, currency: 'USD' },
    })
    await crm.deals.addContact(deal.id, contactId)
    await crm.deals.moveStage(deal.id, pipeline.stages[1]!.id as string)
  }
  const attributed = await campaigns.attribute({ model: 'linear' })
  const roi = await campaigns.roi(campaign.id, 'linear')
  log(`Attributed ${roi.attributedRevenueMinor / 100} USD to the campaign; ROI ${roi.roi}`)

  // 5. Cross-sell rules from the stored line items.
  const baskets = basketsFromLineItems(
    orders.flatMap((o) => o.skus.map((sku) => ({ order: o.id, sku }))),
    { order: (l) => l.order, product: (l) => l.sku },
  )
  const rules = associationRules(baskets, { minSupport: 0.02, minConfidence: 0.3 })
    .sort(
      (a, b) =>
        b.lift - a.lift || b.count - a.count || String(a.antecedent).localeCompare(String(b.antecedent)),
    )
    .slice(0, 3)
    .map((r) => `${r.antecedent.join('+')} -> ${r.consequent.join('+')} (lift ${r.lift.toFixed(2)})`)
  log(`Bought X, also bought Y: ${rules.join('; ')}`)

  // 6. Metric alerts through automation: the monthly repurchase rate (customers with two or more orders in the
  // month over buyers of the month) down more than 5 %, or the churn rate (last month's buyers who did not come
  // back) up more than 5 %, each creates a task. CDNOW is one cohort that first bought in Q1 1997, so "bought
  // before" would be 100 % every 1998 month; buying again within the month moves.
  await kpis.define({
    key: 'repurchase-rate',
    name: 'Repurchase rate',
    metric: 'repurchaseRate',
    units: ['month'],
  })
  await kpis.define({ key: 'churn-rate', name: 'Churn rate', metric: 'churnRate', units: ['month'] })
  await kpis.alert({
    id: 'repurchase-drop',
    kpi: 'repurchase-rate',
    unit: 'month',
    when: { dropsBy: 0.05 },
    actions: [{ type: 'createTask', title: 'Repurchase rate fell to {{record.value}}' }],
  })
  await kpis.alert({
    id: 'churn-rise',
    kpi: 'churn-rate',
    unit: 'month',
    when: { risesBy: 0.05 },
    actions: [{ type: 'createTask', title: 'Churn rose to {{record.value}} ({{record.periodStart}})' }],
  })
  const series: { kpi: string; month: string; value: number | null; change: number | null }[] = []
  for (const kpi of ['repurchase-rate', 'churn-rate']) {
    for (let month = 1; month <= 6; month++) {
      const start = new Date(Date.UTC(1998, month - 1, 1))
      const point = await kpis.compute(kpi, { unit: 'month', start })
      series.push({ kpi, month: start.toISOString().slice(0, 7), value: point.value, change: point.change })
    }
  }
  await crm.plugins.automation.runDue()
  const alerts = (await crm.tasks.list({ orderBy: [{ field: 'title' }] })).items.map((t) => t.title)
  log(`KPI alerts: ${alerts.length}`)

  return {
    orders: orders.length,
    customers: contacts.length,
    segments: segmentCounts,
    targeted: target.added,
    events: ingested,
    ab: { rateA: ab.rateA, rateB: ab.rateB, pValue: ab.pValue },
    attribution: {
      deals: attributed.deals,
      attributedRevenueMinor: roi.attributedRevenueMinor,
      roi: roi.roi,
    },
    crossSell: rules,
    kpis: series,
    alerts,
  }
}
