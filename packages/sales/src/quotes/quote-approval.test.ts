import { approvalsPlugin } from '@rapport/approvals'
import { ADAPTERS, codeOf, openCrm } from '@rapport/test-storages'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { receivablesPlugin } from '../receivables/receivables-plugin.js'
import { quoteDiscountApprovalPolicy } from './quote-approval.js'
import { effectiveDiscountBasisPoints } from './quote-discount.js'
import { quotePipelineTemplate } from './quote-lifecycle.js'
import { quotesPlugin } from './quotes-plugin.js'

describe('effectiveDiscountBasisPoints', () => {
  it('is over a threshold exactly when discount / gross is (no rounding lets a quote slip under)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 10_000 }),
        (gross, share, threshold) => {
          const discount = Math.floor(gross * share)
          const over = BigInt(discount) * 10_000n > BigInt(threshold) * BigInt(gross)
          expect(effectiveDiscountBasisPoints(gross, discount) > threshold).toBe(over)
        },
      ),
    )
    expect(effectiveDiscountBasisPoints(30_000, 4_501)).toBe(1501) // 15.0033 %
    expect(effectiveDiscountBasisPoints(30_000, 4_500)).toBe(1500)
    expect(effectiveDiscountBasisPoints(0, 0)).toBe(0)
  })
})

describe('quoteDiscountApprovalPolicy', () => {
  it('refuses a threshold that is not a percentage with at most two decimals', () => {
    for (const bad of [12.345, -1, 100.01, Number.NaN, '15' as unknown as number]) {
      expect(() => quoteDiscountApprovalPolicy({ maxDiscountPercent: bad, steps: [] })).toThrow(
        expect.objectContaining({ code: 'SALES_INVALID_DISCOUNT' }),
      )
    }
    expect(quoteDiscountApprovalPolicy({ maxDiscountPercent: 12.5, steps: [] }).entryFilter).toEqual({
      field: 'discountBasisPoints',
      op: 'gt',
      value: 1250,
    })
  })
})

const policy = quoteDiscountApprovalPolicy({
  maxDiscountPercent: 15,
  steps: [{ name: 'manager', approvers: [{ user: 'usr_mia' }] }],
})
const plugins = () => [receivablesPlugin(), quotesPlugin(), approvalsPlugin({ policies: [policy] })] as const

/** What each adapter ends with, compared at the end. */
const transcripts: Record<string, unknown> = {}

describe.each(ADAPTERS)('quote discounts over a threshold need approval, on $name', (adapter) => {
  let t: Awaited<ReturnType<typeof openCrm<ReturnType<typeof plugins>>>>
  beforeAll(async () => {
    t = await openCrm(adapter, plugins())
  }, 60_000)
  afterAll(() => t.dispose())

  const ray = () => t.crm.scoped({ actor: { id: 'usr_ray' } })
  /** The rep's own writes (the quotes API acts as the CRM's actor; a scoped service acts as the rep). */
  const rep = () => {
    type Quote = Record<string, unknown> & { id: string }
    const quotes = ray().entity('quote') as unknown as {
      create(input: Record<string, unknown>): Promise<Quote>
      update(id: string, patch: Record<string, unknown>): Promise<Quote>
      get(id: string): Promise<Quote>
    }
    const move = (id: string, status: string) => quotes.update(id, { status })
    return {
      create: (input: Record<string, unknown>) => quotes.create(input),
      update: (id: string, patch: Record<string, unknown>) => quotes.update(id, patch),
      get: (id: string) => quotes.get(id),
      submitForReview: (id: string) => move(id, 'in_review'),
      send: (id: string) => move(id, 'sent'),
      moveTo: move,
    }
  }
  const quoteWith = (percent: string, title = `${percent} % off`) =>
    rep().create({
      title,
      currency: 'EUR',
      lines: [
        { quantity: '3', unitPriceMinor: 10_000, discount: { percent }, taxRate: '20' },
        { kind: 'shipping', quantity: '1', unitPriceMinor: 0 },
      ],
    })
  /** Every quote, request and stage-history row: for "nothing was written" checks. */
  const everything = async () => {
    const out: Record<string, unknown[]> = {}
    for (const entity of ['quote', 'approvalRequest', 'approvalTask', 'approvalLog', 'stageChange']) {
      out[entity] = (await t.crm.entity(entity).list({ orderBy: [{ field: 'id' }], limit: 1000 })).items
    }
    return out
  }

  it('lets a quote at or under the threshold through review and out without a request', async () => {
    const quotes = rep()
    for (const percent of ['10', '15']) {
      const quote = await quoteWith(percent)
      expect(quote['discountBasisPoints']).toBe(Number(percent) * 100)
      await quotes.submitForReview(quote.id)
      expect((await quotes.send(quote.id))['status']).toBe('sent')
      expect(await t.crm.plugins.approvals.requestsOf('quote', quote.id)).toEqual([])
    }
  })

  it('locks a quote over the threshold in review until approved; rejection returns it to draft; approval sends it', async () => {
    const quotes = rep()
    const approvals = t.crm.plugins.approvals
    const quote = await quoteWith('20')
    expect(quote['discountBasisPoints']).toBe(2000)
    const inReview = await quotes.submitForReview(quote.id)
    expect(inReview['status']).toBe('in_review')
    const [request] = await approvals.requestsOf('quote', quote.id)
    expect(request).toMatchObject({ status: 'pending', submittedBy: 'usr_ray', plan: [['usr_mia']] })

    // Locked while pending: no edit, no send, no way back to draft by hand; nothing written.
    const before = await everything()
    expect(await codeOf(quotes.update(quote.id, { notes: 'please' }))).toBe('APPROVALS_RECORD_LOCKED')
    expect(await codeOf(quotes.send(quote.id))).toBe('APPROVALS_RECORD_LOCKED')
    expect(await codeOf(quotes.moveTo(quote.id, 'draft'))).toBe('APPROVALS_RECORD_LOCKED')
    expect(await codeOf(approvals.as('usr_zed').approve(String(request?.id)))).toBe('APPROVALS_NOT_APPROVER')
    expect(await codeOf(approvals.as('usr_ray').approve(String(request?.id)))).toBe('APPROVALS_SELF_APPROVAL')
    expect(await everything()).toEqual(before)

    // Rejected: back to draft, its prices editable again.
    await approvals.as('usr_mia').reject(String(request?.id), { comment: '20 % is too much' })
    expect((await quotes.get(quote.id))['status']).toBe('draft')
    const revised = await quotes.update(quote.id, {
      lines: [{ quantity: '3', unitPriceMinor: 10_000, discount: { percent: '18' }, taxRate: '20' }],
    })
    expect(revised['discountBasisPoints']).toBe(1800)

    // Submitted again and approved: the approval sends it.
    await quotes.submitForReview(quote.id)
    const [again] = await approvals.requestsOf('quote', quote.id)
    expect(again?.status).toBe('pending')
    await approvals.as('usr_mia').approve(String(again?.id))
    const sent = await quotes.get(quote.id)
    expect(sent['status']).toBe('sent')
    const history = await t.crm.staged('quote').stageHistory(quote.id)
    expect(history.map((h) => h.actorId)).toEqual(['usr_ray', 'usr_ray', 'approvals', 'usr_ray', 'approvals'])
    transcripts[adapter.name] = {
      log: [request, again].map((r) => r?.status),
      history: history.map((h) => [h.fromKind, h.toKind, h.actorId]),
      totals: [sent['grossMinor'], sent['discountMinor'], sent['discountBasisPoints'], sent['totalMinor']],
    }
  })

  it('lets nobody send a quote over the threshold by hand, on any path; nothing is written', async () => {
    // A tenant pipeline with a shortcut from draft straight to sent: the machine allows it, the policy does not.
    const shortcut = await t.crm.pipelines.create({
      ...quotePipelineTemplate,
      name: 'Shortcut',
      entityType: 'quote',
      transitions: [...(quotePipelineTemplate.transitions ?? []), { from: 'draft', to: 'sent' }],
    })
    const sentStage = shortcut.stages.find((s) => s.key === 'sent')?.id as string
    const quotes = rep()
    const over = await quotes.create({
      title: 'Just over',
      currency: 'EUR',
      pipelineId: shortcut.id,
      // 4 501 off 30 000: 15.0033 %, over 15 %.
      lines: [{ quantity: '3', unitPriceMinor: 10_000, discount: { amountMinor: 4_501 } }],
    })
    expect(over['discountBasisPoints']).toBe(1501)
    const before = await everything()
    expect(await codeOf(quotes.send(over.id))).toBe('APPROVALS_APPROVAL_REQUIRED')
    expect(await codeOf(t.crm.plugins.quotes.send(over.id))).toBe('APPROVALS_APPROVAL_REQUIRED')
    expect(await codeOf(ray().staged('quote').moveStage(over.id, sentStage))).toBe(
      'APPROVALS_APPROVAL_REQUIRED',
    )
    expect(await codeOf(ray().entity('quote').update(String(over.id), { status: 'sent' }))).toBe(
      'APPROVALS_APPROVAL_REQUIRED',
    )
    expect(
      await codeOf(
        ray()
          .entity('quote')
          .create({
            title: 'Born sent',
            currency: 'EUR',
            pipelineId: shortcut.id,
            status: 'sent',
            lines: [{ quantity: '1', unitPriceMinor: 10_000, discount: { percent: '50' } }],
          }),
      ),
    ).toBe('APPROVALS_APPROVAL_REQUIRED')
    expect(await everything()).toEqual(before)
    // Under the threshold the same shortcut is open.
    const under = await quotes.create({
      title: 'Small discount',
      currency: 'EUR',
      pipelineId: shortcut.id,
      lines: [{ quantity: '3', unitPriceMinor: 10_000, discount: { amountMinor: 4_500 } }],
    })
    expect((await quotes.send(String(under.id)))['status']).toBe('sent')
  })
})

describe('quote discount approval on every adapter', () => {
  it('leaves the same requests, history and totals on each', () => {
    const names = Object.keys(transcripts)
    expect(names).toEqual(ADAPTERS.map((a) => a.name))
    for (const name of names) expect(transcripts[name]).toEqual(transcripts[names[0] as string])
  })
})
