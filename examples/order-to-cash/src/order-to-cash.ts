import { defineAccessPolicy } from '@rapport/access'
import { accessDirectory, approvalsPlugin } from '@rapport/approvals'
import { automationPlugin, createInProcessQueue } from '@rapport/automation'
import { createCrm } from '@rapport/core'
import type { StorageAdapter } from '@rapport/core/storage'
import { contractApprovalPolicy } from '@rapport/sales/contracts'
import { productsPlugin } from '@rapport/sales/products'
import { quotesPlugin } from '@rapport/sales/quotes'
import type { AgingLine, ContractBalance } from '@rapport/sales/receivables'
import { dunningRules, receivablesPlugin } from '@rapport/sales/receivables'

/** What the walkthrough did, step by step. */
export interface OrderToCashStory {
  readonly deal: { readonly name: string; readonly stage: string }
  /**
   * The quote as the server computed it from its lines (its document view): per line net, tax and total, then the
   * header totals (EUR cents), and the lifecycle it went through.
   */
  readonly quote: {
    readonly statuses: readonly string[]
    /** The licence line as the catalogue priced it: its unit price and the kind of price book it came from. */
    readonly licencePrice: { readonly unitPriceMinor: number; readonly source: string | null }
    readonly lines: readonly (readonly [number, number, number])[]
    readonly subtotalMinor: number
    readonly taxMinor: number
    readonly totalMinor: number
  }
  /** The contract accepting the quote created: linked to the quote and the deal, for the quote's total. */
  readonly contract: { readonly fromQuote: boolean; readonly amountMinor: number }
  /** The contract's approval log (actions) and the status it ends in. */
  readonly approval: { readonly log: readonly string[]; readonly status: string }
  /** The installments' amounts (30 %, 30 %, the balance). */
  readonly installments: readonly number[]
  /** Installment statuses read on a few as-of dates: nothing is stored, nothing is flipped by a job. */
  readonly statuses: Readonly<Record<string, readonly string[]>>
  /** The dunning reminders automation sent, in order. */
  readonly dunning: readonly { readonly dueDate: string; readonly offset: number }[]
  /** Aging on 2026-03-15, computed by the database. */
  readonly aging: readonly AgingLine[]
  readonly balance: Omit<ContractBalance, 'contractId'>
}

const DAY = 86_400_000

/** Rae and Ray sell under Mia, who approves their contracts. */
const people = defineAccessPolicy({
  roles: { rep: { entities: {} }, manager: { entities: {} } },
  teams: [{ id: 'sales', managerId: 'usr_mia', members: ['usr_ray', 'usr_rae'] }],
  users: { usr_ray: { roles: ['rep'] }, usr_rae: { roles: ['rep'] }, usr_mia: { roles: ['manager'] } },
})

/**
 * Runs order to cash on `storage`: lead → deal → quote (3 lines, a discount, 19 % and 7 % VAT) sent and accepted, which
 * creates the contract → won deal → contract approved
 * by the rep's manager → 3 installments dunned through automation → a partial payment → overdue on a later as-of date
 * → paid. The clock is simulated, one automation tick a day.
 */
export async function runOrderToCash(storage: StorageAdapter): Promise<OrderToCashStory> {
  let now = new Date('2026-01-05T09:00:00.000Z')
  const clock = () => now
  const crm = createCrm({
    storage,
    clock,
    plugins: [
      productsPlugin(),
      receivablesPlugin(),
      quotesPlugin({ clock }),
      approvalsPlugin({
        clock,
        directory: accessDirectory(people),
        policies: [
          contractApprovalPolicy({ steps: [{ name: 'manager', approvers: [{ managerOf: 'submitter' }] }] }),
        ],
      }),
      automationPlugin({ clock, queue: createInProcessQueue(), rules: dunningRules() }),
    ] as const,
  })
  await crm.migrate()
  const engine = crm.plugins.automation
  const dunning: { dueDate: string; offset: number }[] = []
  engine.events.on('installment.dunning', (event: unknown) => {
    const e = event as { dueDate: string; offset: number }
    dunning.push({ dueDate: e.dueDate, offset: e.offset })
  })
  const ray = crm.scoped({ actor: { id: 'usr_ray' } })

  // 1. A lead converts into a contact, a company and a deal, which is won.
  const pipeline = await crm.pipelines.create({
    name: 'Direct sales',
    stages: [
      { name: 'Qualified', probability: 20 },
      { name: 'Proposal', probability: 60 },
      { name: 'Won', kind: 'won', probability: 100 },
    ],
  })
  const stage = (name: string) => String(pipeline.stages.find((s) => s.name === name)?.id)
  const lead = await ray.leads.create({
    firstName: 'Ada',
    lastName: 'Byron',
    email: 'ada@acme.example',
    companyName: 'ACME GmbH',
  })
  const { deal } = await ray.leads.convert(lead.id, {
    deal: { name: 'ACME rollout 2026', pipelineId: pipeline.id, stageId: stage('Qualified') },
  })
  if (!deal) throw new Error('the conversion made no deal')

  // 2. The quote: the licences come from the catalogue, priced by the EUR list (the line gives no unit price); the
  // server computes every total from the lines (a client's totals are refused), on every write.
  const licence = await crm.entity('product').create({ code: 'LIC-Y', name: 'Licences', unit: 'seat' })
  const list = await crm.entity('priceBook').create({ name: 'EUR list 2026', currency: 'EUR' })
  await crm
    .entity('priceBookEntry')
    .create({ priceBookId: list.id, productId: licence.id, unitPriceMinor: 120_000 })
  await ray.deals.moveStage(deal.id, stage('Proposal'))
  const quotes = crm.plugins.quotes
  const draft = await quotes.create({
    title: 'ACME rollout 2026',
    number: 'Q-2026-001',
    currency: 'EUR',
    dealId: deal.id,
    termStartDate: '2026-01-15',
    termEndDate: '2026-12-31',
    lines: [
      { productId: licence.id, quantity: '10', discount: { percent: '10' }, taxRate: '19' },
      { description: 'Onboarding', quantity: '1', unitPriceMinor: 500_000, taxRate: '19' },
      { description: 'Printed manuals', quantity: '4', unitPriceMinor: 5_000, taxRate: '7' }, // reduced VAT
    ],
  })
  const quoteStatuses = [String(draft['status'])]
  quoteStatuses.push(String((await quotes.submitForReview(draft.id))['status']))
  quoteStatuses.push(String((await quotes.send(draft.id))['status']))
  // 3. The customer accepts: the contract (draft) is created from the quote, linked to it and to the deal.
  const { quote: accepted, contract } = await quotes.accept(draft.id)
  quoteStatuses.push(String(accepted['status']))
  const document = await quotes.quoteDocument(draft.id)
  await ray.deals.update(deal.id, { amount: { amountMinor: document.totals.totalMinor, currency: 'EUR' } })
  const won = await ray.deals.moveStage(deal.id, stage('Won'))

  // 4. The contract is approved by the rep's manager through @rapport/approvals.
  const receivables = crm.plugins.receivables
  const contractId = String(contract['id'])
  await ray.entity('contract').update(contractId, { status: 'pending_approval' }) // opens the request
  const [request] = await crm.plugins.approvals.requestsOf('contract', contractId)
  if (!request) throw new Error('no approval request')
  await crm.plugins.approvals.as('usr_mia').approve(request.id, { comment: 'terms ok' })
  await crm.entity('contract').update(contractId, { status: 'active' })

  // 5. Three installments: 30 %, 30 %, and a balance line that absorbs the rounding.
  const plan = await receivables.planInstallments(contractId, [
    { percent: 30, dueDate: '2026-02-28' },
    { percent: 30, dueDate: '2026-04-30' },
    { balance: true, dueDate: '2026-06-30' },
  ])

  // 6. Time passes, one automation tick a day: dunning reminders go out around due dates while money is owed.
  const statuses: Record<string, string[]> = {}
  const readOn = async (asOf: string) => {
    statuses[asOf] = (await receivables.installments(contractId, { asOf })).map((i) => i.status)
  }
  const runUntil = async (day: string) => {
    while (now.toISOString().slice(0, 10) < day) {
      now = new Date(now.getTime() + DAY)
      await engine.tick()
    }
  }
  // Nothing is due before late February: the clock jumps there (a sweep that comes late fires what is due then).
  now = new Date('2026-02-20T09:00:00.000Z')
  await engine.tick()
  await receivables.recordPayment(contractId, {
    amountMinor: 300_000,
    currency: 'EUR',
    receivedOn: '2026-02-20',
  })
  await readOn('2026-02-20') // partial
  await runUntil('2026-03-15')
  await readOn('2026-03-15') // the first installment is overdue: the same rows, read later
  const aging = await receivables.aging({ asOf: '2026-03-15', currency: 'EUR' })
  await runUntil('2026-03-20')
  const rest = (await receivables.balance(contractId)).unreceivedMinor
  await receivables.recordPayment(contractId, {
    amountMinor: rest,
    currency: 'EUR',
    receivedOn: '2026-03-20',
  })
  await runUntil('2026-04-10') // no more reminders: everything is paid
  await readOn('2026-07-31')

  const { contractId: _id, ...balance } = await receivables.balance(contractId)
  return {
    deal: { name: won.name, stage: 'Won' },
    quote: {
      statuses: quoteStatuses,
      licencePrice: {
        unitPriceMinor: document.lines[0]?.unitPriceMinor ?? 0,
        source: document.lines[0]?.priceSource?.source ?? null,
      },
      lines: document.lines.map((l) => [l.subtotalMinor, l.taxMinor, l.totalMinor] as const),
      subtotalMinor: document.totals.subtotalMinor,
      taxMinor: document.totals.taxMinor,
      totalMinor: document.totals.totalMinor,
    },
    contract: {
      fromQuote: contract['quoteId'] === draft.id && contract['dealId'] === deal.id,
      amountMinor: Number(contract['amountMinor']),
    },
    approval: {
      log: (await crm.plugins.approvals.logOf(request.id)).map((e) => e.action),
      status: String((await crm.entity('contract').get(contractId))['status']),
    },
    installments: plan.map((i) => Number(i['amountMinor'])),
    statuses,
    dunning,
    aging: aging.lines,
    balance,
  }
}
