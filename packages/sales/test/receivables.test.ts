import { ADAPTERS, codeOf, openCrm } from '@rapport/test-storages'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { agingOf } from '../src/receivables/aging.js'
import { receivablesPlugin } from '../src/receivables/receivables-plugin.js'

type Opened = Awaited<ReturnType<typeof openCrm<readonly [ReturnType<typeof receivablesPlugin>]>>>

/** Everything a scenario leaves behind, for comparing adapters. */
const snapshots: Record<string, unknown> = {}

for (const adapter of ADAPTERS) {
  describe(`contracts and receivables on ${adapter.name}`, () => {
    let opened: Opened
    beforeAll(async () => {
      opened = await openCrm(adapter, [receivablesPlugin()] as const)
    })
    afterAll(async () => opened?.dispose())

    const contracts = () => opened.crm.entity('contract')
    const newContract = async (amountMinor = 300_000, currency = 'EUR') => {
      const c = await contracts().create({
        name: 'ACME 2026',
        currency,
        amountMinor,
        startDate: '2026-01-01',
        endDate: '2026-12-31',
      })
      return String(c['id'])
    }
    const approve = async (id: string) => {
      await contracts().update(id, { status: 'pending_approval' })
      await contracts().update(id, { status: 'approved' })
    }

    it('creates a contract from a won deal, keeping the deal and quote links; refuses an open deal', async () => {
      const { crm } = opened
      const pipeline = await crm.pipelines.create({
        name: 'Sales',
        stages: [{ name: 'Open' }, { name: 'Won', kind: 'won', probability: 100 }],
      })
      const [open, won] = pipeline.stages
      const company = await crm.companies.create({ name: '华为' })
      const deal = await crm.deals.create({
        name: 'Renewal 2026',
        pipelineId: pipeline.id,
        stageId: open!.id,
        companyId: company.id,
        amount: { amountMinor: 1_200_000, currency: 'CNY' },
      })
      const term = { startDate: '2026-01-01', endDate: '2026-12-31', quoteId: 'quo_1' }
      const before = await contracts().count()
      expect(await codeOf(crm.plugins.receivables.contractFromDeal(deal.id, term))).toBe('SALES_DEAL_NOT_WON')
      expect(await contracts().count()).toBe(before)
      await crm.deals.update(deal.id, { stageId: won!.id })
      const contract = await crm.plugins.receivables.contractFromDeal(deal.id, term)
      expect(contract).toMatchObject({
        name: 'Renewal 2026',
        amountMinor: 1_200_000,
        currency: 'CNY',
        companyId: company.id,
        dealId: deal.id,
        quoteId: 'quo_1',
        status: 'draft',
      })
    })

    it('runs the lifecycle and refuses skipped or final-state moves, writing nothing', async () => {
      const id = await newContract()
      expect(await codeOf(contracts().update(id, { status: 'active' }))).toBe('INVALID_TRANSITION')
      await contracts().update(id, { status: 'pending_approval' })
      await contracts().update(id, { status: 'draft' }) // rejected / recalled
      await approve(id)
      await contracts().update(id, { status: 'active' })
      const before = await contracts().get(id)
      expect(await codeOf(contracts().update(id, { amountMinor: 1 }))).toBe('SALES_RECORD_LOCKED')
      expect(await codeOf(contracts().update(id, { status: 'draft' }))).toBe('INVALID_TRANSITION')
      expect(await contracts().get(id)).toEqual(before)
      await contracts().update(id, { status: 'void' })
      expect(await codeOf(contracts().update(id, { name: 'again' }))).toBe('SALES_RECORD_LOCKED')
      expect((await contracts().get(id))['status']).toBe('void')
    })

    it('computes paidMinor, outstandingMinor and unallocatedMinor; a writer sending them gets SALES_READ_ONLY_FIELD', async () => {
      const api = opened.crm.plugins.receivables
      const id = await newContract(10_000, 'CHF') // its own currency: the aging below stays the other test's
      await approve(id)
      const [first] = await api.setInstallments(id, [
        { dueDate: '2026-02-01', amountMinor: 6_000 },
        { dueDate: '2026-03-01', amountMinor: 4_000 },
      ])
      const installments = opened.crm.entity('installment')
      const insId = String(first!['id'])
      expect(await codeOf(installments.update(insId, { paidMinor: 6_000, outstandingMinor: 0 }))).toBe(
        'SALES_READ_ONLY_FIELD',
      )
      expect(
        await codeOf(
          installments.create({
            contractId: id,
            seq: 9,
            dueDate: '2026-04-01',
            currency: 'CHF',
            amountMinor: 1,
            paidMinor: 1,
          }),
        ),
      ).toBe('SALES_READ_ONLY_FIELD')
      expect(await installments.get(insId)).toMatchObject({ paidMinor: 0, outstandingMinor: 6_000 })
      expect(await installments.count({ where: { field: 'contractId', op: 'eq', value: id } })).toBe(2)
      const { payment } = await api.recordPayment(id, {
        amountMinor: 7_000,
        currency: 'CHF',
        receivedOn: '2026-01-15',
        allocations: [{ installmentId: insId, amountMinor: 2_500 }],
      })
      expect(payment).toMatchObject({ amountMinor: 7_000, unallocatedMinor: 4_500 })
      expect(await installments.get(insId)).toMatchObject({ paidMinor: 2_500, outstandingMinor: 3_500 })
      const payments = opened.crm.entity('payment')
      expect(await codeOf(payments.update(String(payment['id']), { unallocatedMinor: 0 }))).toBe(
        'SALES_READ_ONLY_FIELD',
      )
      // An allocation written by a host's own code recomputes both sides in its transaction...
      await opened.crm.entity('paymentAllocation').create({
        paymentId: payment['id'],
        installmentId: insId,
        contractId: id,
        amountMinor: 500,
      })
      expect(await installments.get(insId)).toMatchObject({ paidMinor: 3_000, outstandingMinor: 3_000 })
      expect(await payments.get(String(payment['id']))).toMatchObject({ unallocatedMinor: 4_000 })
      // ...and one above what the installment owes writes nothing.
      const allocations = await opened.crm.entity('paymentAllocation').count()
      const overdraw = opened.crm.entity('paymentAllocation').create({
        paymentId: payment['id'],
        installmentId: insId,
        contractId: id,
        amountMinor: 3_001,
      })
      expect(await codeOf(overdraw)).toBe('VALIDATION_FAILED')
      expect(await opened.crm.entity('paymentAllocation').count()).toBe(allocations)
      expect(await installments.get(insId)).toMatchObject({ paidMinor: 3_000, outstandingMinor: 3_000 })
    })

    it('plans, takes partial payments and over-payments, derives statuses from asOf, ages in storage', async () => {
      const api = opened.crm.plugins.receivables
      const id = await newContract(300_001)
      await api.planInstallments(id, [
        { percent: 33.3333, dueDate: '2026-01-31' },
        { percent: 33.3333, dueDate: '2026-03-31' },
        { balance: true, dueDate: '2026-05-31' },
      ])
      // Not effective until approved: no payments, and statuses say so.
      expect((await api.installments(id, { asOf: '2026-12-31' })).map((i) => i.status)).toEqual([
        'notEffective',
        'notEffective',
        'notEffective',
      ])
      expect(
        await codeOf(api.recordPayment(id, { amountMinor: 1, currency: 'EUR', receivedOn: '2026-01-02' })),
      ).toBe('SALES_RECORD_LOCKED')
      await approve(id)
      await api.recordPayment(id, { amountMinor: 50_000, currency: 'EUR', receivedOn: '2026-01-20' })
      let rows = await api.installments(id, { asOf: '2026-01-25' })
      expect(rows.map((i) => [i.amountMinor, i.paidMinor, i.status])).toEqual([
        [100_000, 50_000, 'partial'],
        [100_000, 0, 'pending'],
        [100_001, 0, 'pending'],
      ])
      // The same data read later: overdue, with no job having run.
      rows = await api.installments(id, { asOf: '2026-02-01' })
      expect(rows.map((i) => i.status)).toEqual(['overdue', 'pending', 'pending'])

      // Bad writes: typed errors, nothing written.
      const [first] = rows
      const before = await api.installments(id, { asOf: '2026-02-01' })
      const balanceBefore = await api.balance(id)
      expect(
        await codeOf(
          api.recordPayment(id, {
            amountMinor: 60_000,
            currency: 'EUR',
            receivedOn: '2026-02-02',
            allocations: [{ installmentId: first!.id, amountMinor: 60_000 }],
          }),
        ),
      ).toBe('SALES_ALLOCATION_EXCEEDS_OUTSTANDING')
      expect(
        await codeOf(api.recordPayment(id, { amountMinor: 10, currency: 'USD', receivedOn: '2026-02-02' })),
      ).toBe('SALES_CURRENCY_MISMATCH')
      expect(
        await codeOf(opened.crm.entity('installment').update(first!.id, { dueDate: '2026-06-30' })),
      ).toBe('SALES_RECORD_LOCKED')
      expect(await codeOf(opened.crm.entity('installment').delete(first!.id))).toBe('SALES_RECORD_LOCKED')
      expect(await codeOf(api.setInstallments(id, [{ dueDate: '2026-06-30', amountMinor: 300_000 }]))).toBe(
        'SALES_PLAN_TOTAL_MISMATCH',
      )
      expect(await codeOf(api.planInstallments(id, [{ balance: true, dueDate: '2026-06-30' }]))).toBe(
        'SALES_RECORD_LOCKED',
      )
      expect(await api.installments(id, { asOf: '2026-02-01' })).toEqual(before)
      expect(await api.balance(id)).toEqual(balanceBefore)
      expect(
        await opened.crm.entity('payment').count({ where: { field: 'contractId', op: 'eq', value: id } }),
      ).toBe(1)

      // Aging on storage equals the in-memory reference.
      const aging = await api.aging({ asOf: '2026-04-15', currency: 'EUR' })
      const reference = agingOf(await api.installments(id, { asOf: '2026-04-15' }), '2026-04-15', 'EUR')
      expect(aging).toEqual(reference)
      expect(aging.lines.map((l) => l.outstandingMinor)).toEqual([100_001, 100_000, 0, 50_000, 0])

      // Pay the rest and more: every installment paid, the excess kept on the payment.
      await api.recordPayment(id, { amountMinor: 260_000, currency: 'EUR', receivedOn: '2026-04-20' })
      rows = await api.installments(id, { asOf: '2027-01-01' })
      expect(rows.map((i) => i.status)).toEqual(['paid', 'paid', 'paid'])
      const balance = await api.balance(id)
      expect(balance).toEqual({
        contractId: id,
        currency: 'EUR',
        amountMinor: 300_001,
        receivedMinor: 310_000,
        unreceivedMinor: 0,
        unallocatedMinor: 9_999,
      })
      expect((await api.aging({ asOf: '2027-01-01', currency: 'EUR' })).totalOutstandingMinor).toBe(0)
      // Voiding the contract voids its installments' status.
      await opened.crm.entity('contract').update(id, { status: 'void' })
      expect((await api.installments(id, { asOf: '2027-01-01' })).map((i) => i.status)).toEqual([
        'void',
        'void',
        'void',
      ])
      snapshots[adapter.name] = {
        rows: rows.map(({ id: _i, contractId: _c, ...rest }) => rest),
        aging,
        balance: { ...balance, contractId: null },
      }
    })
  })
}

describe('memory, SQLite and Postgres', () => {
  it('agree on every installment, balance and aging report', () => {
    expect(Object.keys(snapshots)).toEqual(['memory', 'sqlite', 'postgres'])
    expect(snapshots['sqlite']).toEqual(snapshots['memory'])
    expect(snapshots['postgres']).toEqual(snapshots['memory'])
  })
})
