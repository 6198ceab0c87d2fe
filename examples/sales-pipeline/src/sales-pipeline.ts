import { createCrm, isRapportError } from '@rapport/core'
import { b2bPipelineTemplate } from '@rapport/core/pipeline'
import type { StorageAdapter } from '@rapport/core/storage'

const DAY = 86_400_000

/** One refused move, as the guards explained it. */
export interface RefusedMove {
  readonly attempt: string
  readonly guard: string
  readonly missingFields: readonly string[]
  readonly message: string
}

/** One row of the printed stage history (names instead of ids, so runs on different storages compare equal). */
export interface HistoryLine {
  readonly from: string | null
  readonly to: string
  readonly at: string
  readonly days: number | null
  readonly reason: string | null
}

/** What the walkthrough did. */
export interface SalesPipelineSummary {
  readonly leadStatuses: readonly string[]
  readonly converted: { readonly contact: string; readonly company: string; readonly deal: string }
  readonly refused: readonly RefusedMove[]
  readonly history: readonly HistoryLine[]
  readonly daysInStage: Readonly<Record<string, number>>
  readonly finalDeal: {
    readonly stage: string
    readonly probability: number | null
    readonly closedAt: string | null
    readonly amountEur: number
  }
  readonly events: readonly string[]
}

/**
 * Takes a lead to a won deal through the B2B pipeline on the given storage: qualification, conversion (contact,
 * company, deal), two moves the guards refuse, the moves that work, and the stage history. The clock is simulated,
 * so every run prints the same story.
 */
export async function runSalesPipeline(storage: StorageAdapter): Promise<SalesPipelineSummary> {
  let now = new Date('2026-03-02T09:00:00.000Z')
  const wait = (days: number) => {
    now = new Date(now.getTime() + days * DAY)
  }
  const crm = createCrm({ storage, clock: () => now, actor: { id: 'usr_alice' } })
  try {
    await crm.migrate()
    const events: string[] = []
    for (const type of ['lead.converted', 'deal.stage_changed', 'deal.won'] as const) {
      crm.events.on(type, () => {
        events.push(type)
      })
    }
    const pipeline = await crm.pipelines.create(b2bPipelineTemplate({ isDefault: true }))
    const stageName = (id: string | null) => pipeline.stages.find((s) => s.id === id)?.name ?? id
    const stage = (key: string) => pipeline.stages.find((s) => s.key === key)?.id as string

    // 1. A lead comes in and is worked through its status flow.
    const lead = await crm.leads.create({
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@acme.example',
      title: 'Head of Operations',
      companyName: 'Acme Logistics',
      domain: 'acme.example',
      source: 'webinar',
      estimatedValue: { amountMinor: 4_800_000, currency: 'EUR' },
      ownerId: 'usr_alice',
    })
    await crm.activities.create({
      type: 'call',
      subject: 'Discovery call',
      occurredAt: now,
      targets: [{ type: 'lead', id: lead.id }],
    })
    const flow = await crm.pipelines.get(lead.pipelineId as string)
    const status = (key: string) => flow.stages.find((s) => s.key === key)?.id as string
    wait(1)
    await crm.leads.moveStage(lead.id, status('contacted'))
    wait(2)
    await crm.leads.moveStage(lead.id, status('qualified'), { reason: 'Budget and timeline confirmed' })

    // 2. Conversion: contact, company and deal in one transaction; the call is re-linked to the contact and deal.
    wait(1)
    const { contact, company, deal } = await crm.leads.convert(lead.id, {
      deal: { name: 'Acme: warehouse robots', pipelineId: pipeline.id },
    })
    if (!deal || !company) throw new Error('conversion should have created a company and a deal')
    const leadStatuses = (await crm.leads.stageHistory(lead.id)).map(
      (row) => flow.stages.find((s) => s.id === row.toStageId)?.name ?? row.toStageId,
    )

    // 3. The guards at work: no skipping stages, and Proposal needs an expected close date.
    const refused: RefusedMove[] = []
    const attempt = async (label: string, move: () => Promise<unknown>) => {
      try {
        await move()
        throw new Error(`${label} should have been refused`)
      } catch (error) {
        if (!isRapportError(error, 'INVALID_TRANSITION')) throw error
        refused.push({
          attempt: label,
          guard: error.details['guard'] as string,
          missingFields: (error.details['missingFields'] as string[]) ?? [],
          message: error.message,
        })
      }
    }
    await attempt('Prospecting → Negotiation', () => crm.deals.moveStage(deal.id, stage('negotiation')))
    wait(4)
    let current = await crm.deals.moveStage(deal.id, stage('qualification'), { reason: 'Demo booked' })
    wait(6)
    await attempt('Qualification → Proposal', () => crm.deals.moveStage(deal.id, stage('proposal')))
    current = await crm.deals.moveStage(deal.id, stage('proposal'), {
      expectedVersion: current.version,
      fields: { expectedCloseDate: '2026-05-29' },
      reason: 'Proposal sent',
    })
    wait(9)
    current = await crm.deals.moveStage(deal.id, stage('negotiation'), { reason: 'Legal review' })
    wait(5)
    current = await crm.deals.moveStage(deal.id, stage('won'), { reason: 'Signed' })

    // 4. The stage history and time in stage.
    const history = (await crm.deals.stageHistory(deal.id)).map((row) => ({
      from: stageName(row.fromStageId),
      to: stageName(row.toStageId) as string,
      at: row.at.toISOString().slice(0, 10),
      days: row.durationMs === null ? null : row.durationMs / DAY,
      reason: row.reason,
    }))
    const time = await crm.deals.timeInStage(deal.id)
    const daysInStage = Object.fromEntries(
      Object.entries(time.byStage).map(([id, ms]) => [stageName(id) as string, ms / DAY]),
    )
    return {
      leadStatuses,
      converted: {
        contact: `${contact.firstName} ${contact.lastName}`,
        company: company.name,
        deal: deal.name,
      },
      refused,
      history,
      daysInStage,
      finalDeal: {
        stage: stageName(current.stageId) as string,
        probability: current.probability,
        closedAt: current.closedAt?.toISOString() ?? null,
        amountEur: (current.amount?.amountMinor ?? 0) / 100,
      },
      events,
    }
  } finally {
    await crm.close()
  }
}

/** The summary as the demo prints it. */
export function formatSummary(summary: SalesPipelineSummary): string {
  const lines = [
    `Lead statuses: ${summary.leadStatuses.join(' → ')}`,
    `Converted into contact ${summary.converted.contact}, company ${summary.converted.company}, deal "${summary.converted.deal}"`,
    '',
    'Refused moves:',
    ...summary.refused.map(
      (r) =>
        `  ${r.attempt.padEnd(26)} guard=${r.guard}${r.missingFields.length > 0 ? ` missing=${r.missingFields.join(',')}` : ''}\n    ${r.message}`,
    ),
    '',
    'Stage history:',
    `  ${'date'.padEnd(10)}  ${'from'.padEnd(13)}  ${'to'.padEnd(13)}  ${'days'.padStart(4)}  reason`,
    ...summary.history.map(
      (h) =>
        `  ${h.at}  ${(h.from ?? '—').padEnd(13)}  ${h.to.padEnd(13)}  ${(h.days === null ? '' : String(h.days)).padStart(4)}  ${h.reason ?? ''}`,
    ),
    '',
    `Days in stage: ${Object.entries(summary.daysInStage)
      .map(([stage, days]) => `${stage} ${days}`)
      .join(', ')}`,
    `Final: ${summary.finalDeal.stage} at ${summary.finalDeal.probability}% on ${summary.finalDeal.closedAt?.slice(0, 10)}, €${summary.finalDeal.amountEur.toLocaleString('en-US')}`,
    `Events: ${summary.events.join(', ')}`,
  ]
  return lines.join('\n')
}
