import type { Crm } from '@rapport/core'
import { createCrm } from '@rapport/core'
import type { Deal } from '@rapport/core/entities'
import type { StorageAdapter } from '@rapport/core/storage'
import { seed } from './seed.js'

/** What the quickstart found, for printing and for its smoke test. */
export interface QuickstartSummary {
  readonly storage: string
  readonly counts: Readonly<Record<string, number>>
  readonly myOpenDealsByStage: readonly { stage: string; deals: number; amount: number; weighted: number }[]
  readonly overdueTasks: readonly { title: string; assigneeId: string | null; daysOverdue: number }[]
  readonly acmeContacts: readonly string[]
  readonly search: readonly string[]
  readonly companiesWithOpenDeals: readonly string[]
}

const DAY = 86_400_000

/**
 * Migrates, seeds and queries a CRM on the given storage.
 */
export async function runQuickstart(storage: StorageAdapter, me = 'alice'): Promise<QuickstartSummary> {
  const crm: Crm = createCrm({ storage, actor: { id: me } })
  try {
    await crm.migrate()
    const now = new Date()
    const { pipeline, companies } = await seed(crm, now)
    const openStages = pipeline.stages.filter((s) => s.kind === 'open')

    // My open deals, grouped by stage in pipeline order, with the probability-weighted amount.
    const myOpen: Deal[] = []
    for await (const deal of crm.deals.iterate({
      where: {
        and: [
          { field: 'ownerId', op: 'eq', value: { $var: 'actor.id' } },
          { field: 'stageId', op: 'in', value: openStages.map((s) => s.id) },
        ],
      },
    })) {
      myOpen.push(deal)
    }
    const myOpenDealsByStage = openStages
      .map((stage) => {
        const inStage = myOpen.filter((d) => d.stageId === stage.id)
        const amount = inStage.reduce((sum, d) => sum + (d.amount?.amountMinor ?? 0), 0) / 100
        const weighted =
          inStage.reduce((sum, d) => sum + ((d.amount?.amountMinor ?? 0) * (d.probability ?? 0)) / 100, 0) /
          100
        return { stage: stage.name, deals: inStage.length, amount, weighted }
      })
      .filter((row) => row.deals > 0)

    const overdue = await crm.tasks.list({
      where: {
        and: [
          { field: 'status', op: 'in', value: ['open', 'in_progress'] },
          { field: 'dueAt', op: 'lt', value: { $var: 'now' } },
        ],
      },
      orderBy: [{ field: 'dueAt', direction: 'asc' }],
    })
    const acme = await crm.contacts.list({
      where: { field: 'companyId', op: 'eq', value: companies['Acme Robotics'] ?? '' },
      orderBy: [{ field: 'lastName' }],
    })
    const hits = await crm.activities.search('pilot warehouse')
    const withOpenDeals = await crm.companies.list({
      where: { exists: 'deals', where: { field: 'stageId', op: 'in', value: openStages.map((s) => s.id) } },
      orderBy: [{ field: 'name' }],
    })
    return {
      storage: storage.name,
      counts: {
        companies: await crm.companies.count(),
        contacts: await crm.contacts.count(),
        deals: await crm.deals.count(),
        activities: await crm.activities.count(),
        tasks: await crm.tasks.count(),
      },
      myOpenDealsByStage,
      overdueTasks: overdue.items.map((t) => ({
        title: t.title,
        assigneeId: t.assigneeId,
        daysOverdue: Math.round((now.getTime() - (t.dueAt?.getTime() ?? now.getTime())) / DAY),
      })),
      acmeContacts: acme.items.map((c) => `${c.firstName} ${c.lastName} (${c.title})`),
      search: hits.map((a) => a.subject ?? a.type),
      companiesWithOpenDeals: withOpenDeals.items.map((c) => c.name),
    }
  } finally {
    await crm.close()
  }
}

const eur = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 })

/** Renders the summary as the quickstart prints it. */
export function formatSummary(summary: QuickstartSummary): string {
  const lines = [
    `Rapport quickstart on ${summary.storage} storage`,
    '',
    `Seeded: ${Object.entries(summary.counts)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}`,
    '',
    'My open deals by stage:',
    ...summary.myOpenDealsByStage.map(
      (r) =>
        `  ${r.stage.padEnd(14)} ${String(r.deals).padStart(2)} deal(s)  ${eur.format(r.amount).padStart(10)}  weighted ${eur.format(r.weighted).padStart(10)}`,
    ),
    '',
    'Overdue tasks:',
    ...summary.overdueTasks.map((t) => `  ${t.title} (${t.assigneeId}, ${t.daysOverdue} day(s) overdue)`),
    '',
    'Contacts at Acme Robotics:',
    ...summary.acmeContacts.map((c) => `  ${c}`),
    '',
    `Full-text search "pilot warehouse": ${summary.search.join('; ')}`,
    `Companies with an open deal: ${summary.companiesWithOpenDeals.join(', ')}`,
  ]
  return lines.join('\n')
}
