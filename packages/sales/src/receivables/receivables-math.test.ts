import { isRapportError } from '@rapport/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AGING_BUCKETS, agingBucketOf, agingBucketStarts, agingOf } from './aging.js'
import { checkAllocations, compareOpenInstallments, spreadPayment } from './allocate-payment.js'
import { asOfDate, dateOfDay, dayNumber } from './calendar-days.js'
import { assertPlanTotal, planInstallments } from './installment-plan.js'
import { installmentStatus } from './installment-status.js'

const code = (fn: () => unknown): string | undefined => {
  try {
    fn()
  } catch (err) {
    if (isRapportError(err)) return err.code
    throw err
  }
  return undefined
}

const day = fc.integer({ min: dayNumber('2000-01-01') ?? 0, max: dayNumber('2060-12-31') ?? 0 })
const date = day.map(dateOfDay)

describe('planInstallments', () => {
  it('rounds percentage lines cumulatively and lets the balance line absorb the rest', () => {
    const plan = planInstallments(100_000, [
      { percent: 33.3333, dueDate: '2026-01-31' },
      { percent: 33.3333, dueDate: '2026-02-28' },
      { balance: true, dueDate: '2026-03-31' },
    ])
    expect(plan.map((p) => p.amountMinor)).toEqual([33_333, 33_334, 33_333])
    expect(plan.map((p) => p.seq)).toEqual([1, 2, 3])
  })

  it('mixes fixed and percentage lines (Odoo payment terms)', () => {
    const plan = planInstallments(1001, [
      { amountMinor: 300, dueDate: '2026-01-01' },
      { percent: 50, dueDate: '2026-02-01' },
      { balance: true, dueDate: '2026-03-01' },
    ])
    // 50 % of 10.01 is 5.005, rounded half-up to 5.01.
    expect(plan.map((p) => p.amountMinor)).toEqual([300, 501, 200])
  })

  it('rejects a plan that does not add up to the total, and malformed plans', () => {
    expect(
      code(() =>
        planInstallments(1000, [
          { amountMinor: 600, dueDate: '2026-01-01' },
          { amountMinor: 300, dueDate: '2026-02-01' },
        ]),
      ),
    ).toBe('SALES_PLAN_TOTAL_MISMATCH')
    expect(
      code(() =>
        planInstallments(1000, [
          { percent: 80, dueDate: '2026-01-01' },
          { percent: 30, dueDate: '2026-02-01' },
          { balance: true, dueDate: '2026-03-01' },
        ]),
      ),
    ).toBe('SALES_PLAN_TOTAL_MISMATCH')
    expect(code(() => planInstallments(1000, []))).toBe('SALES_INVALID_PLAN')
    expect(code(() => planInstallments(1000, [{ percent: 0.00001, dueDate: '2026-01-01' }]))).toBe(
      'SALES_INVALID_PLAN',
    )
    expect(code(() => planInstallments(1000, [{ balance: true, dueDate: '2026-02-30' }]))).toBe(
      'SALES_INVALID_PLAN',
    )
    expect(
      code(() =>
        planInstallments(1000, [
          { balance: true, dueDate: '2026-01-01' },
          { balance: true, dueDate: '2026-02-01' },
        ]),
      ),
    ).toBe('SALES_INVALID_PLAN')
    expect(code(() => assertPlanTotal(1000, [{ amountMinor: 999 }]))).toBe('SALES_PLAN_TOTAL_MISMATCH')
  })

  it('never lets percentage lines that stay within 100 % exceed the total (six 10 % lines of 5 minor units)', () => {
    const plan = planInstallments(5, [
      ...Array.from({ length: 6 }, () => ({ percent: 10, dueDate: '2026-01-01' })),
      { balance: true as const, dueDate: '2026-02-01' },
    ])
    expect(plan.map((p) => p.amountMinor)).toEqual([1, 0, 1, 0, 1, 0, 2])
  })

  it('always adds up exactly to the total, each percentage line within one minor unit of exact', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e12 }),
        fc.array(fc.integer({ min: 1, max: 250_000 }), { maxLength: 6 }),
        date,
        (total, ppms, dueDate) => {
          // Keep the percentages below 100 % together so the balance line is never negative.
          const scale = ppms.reduce((a, b) => a + b, 0) > 1_000_000 ? 4 : 1
          const percents = ppms.map((p) => Math.max(1, Math.floor(p / scale)) / 10_000)
          const plan = planInstallments(total, [
            ...percents.map((percent) => ({ percent, dueDate })),
            { balance: true as const, dueDate },
          ])
          expect(plan.reduce((sum, p) => sum + p.amountMinor, 0)).toBe(total)
          for (const [i, percent] of percents.entries()) {
            expect(Math.abs((plan[i]?.amountMinor ?? 0) - (total * percent) / 100)).toBeLessThanOrEqual(
              1 + 1e-3,
            )
          }
          expect(plan.every((p) => p.amountMinor >= 0)).toBe(true)
        },
      ),
    )
  })
})

describe('spreadPayment and checkAllocations', () => {
  const open = fc.array(fc.record({ dueDate: date, outstandingMinor: fc.integer({ min: 0, max: 1e9 }) }), {
    maxLength: 8,
  })

  it('golden vector #11: 1000.00, payments 400 + 200 → partial 600 / 400; + 400 → paid', () => {
    const facts = (paidMinor: number) =>
      ({ amountMinor: 100_000, paidMinor, dueDate: '2026-06-30', standing: 'effective' }) as const
    const first = spreadPayment(40_000, [
      { id: 'p', seq: 1, dueDate: '2026-06-30', outstandingMinor: 100_000 },
    ])
    const second = spreadPayment(20_000, [
      { id: 'p', seq: 1, dueDate: '2026-06-30', outstandingMinor: 60_000 },
    ])
    const paid = 40_000 + 20_000
    expect([first.unallocatedMinor, second.unallocatedMinor]).toEqual([0, 0])
    expect(installmentStatus(facts(paid), '2026-06-01')).toBe('partial')
    expect(100_000 - paid).toBe(40_000)
    const third = spreadPayment(40_000, [
      { id: 'p', seq: 1, dueDate: '2026-06-30', outstandingMinor: 40_000 },
    ])
    expect(third.allocations).toEqual([{ installmentId: 'p', amountMinor: 40_000 }])
    expect(installmentStatus(facts(paid + 40_000), '2026-06-01')).toBe('paid')
  })

  it('conserves every minor unit, never exceeds what is owed, and pays the oldest first', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5e9 }), open, (amount, rows) => {
        const installments = rows.map((r, i) => ({ ...r, id: `i${i}`, seq: i + 1 }))
        const spread = spreadPayment(amount, installments)
        const allocated = spread.allocations.reduce((sum, a) => sum + a.amountMinor, 0)
        expect(allocated + spread.unallocatedMinor).toBe(amount)
        expect(spread.unallocatedMinor).toBeGreaterThanOrEqual(0)
        const owed = installments.reduce((sum, i) => sum + i.outstandingMinor, 0)
        expect(spread.unallocatedMinor).toBe(Math.max(0, amount - owed))
        const byId = new Map(installments.map((i) => [i.id, i]))
        for (const a of spread.allocations) {
          expect(a.amountMinor).toBeGreaterThan(0)
          expect(a.amountMinor).toBeLessThanOrEqual(byId.get(a.installmentId)?.outstandingMinor ?? 0)
        }
        // FIFO: an installment that got less than it owed is the last one that got anything, and every older one
        // is fully paid.
        const sorted = [...installments].sort(compareOpenInstallments)
        const got = new Map(spread.allocations.map((a) => [a.installmentId, a.amountMinor]))
        let short = false
        for (const i of sorted) {
          if (i.outstandingMinor === 0) continue
          if (short) expect(got.has(i.id)).toBe(false)
          if ((got.get(i.id) ?? 0) < i.outstandingMinor) short = true
        }
        // Whatever the spread chose passes the manual check.
        checkAllocations(
          spread.allocations,
          new Map(installments.map((i) => [i.id, i.outstandingMinor])),
          amount,
        )
      }),
    )
  })

  it('rejects an allocation above what is outstanding or above the payment', () => {
    const outstanding = new Map([
      ['i1', 5_000],
      ['i2', 5_000],
    ])
    expect(
      code(() => checkAllocations([{ installmentId: 'i1', amountMinor: 5_001 }], outstanding, 9_999)),
    ).toBe('SALES_ALLOCATION_EXCEEDS_OUTSTANDING')
    expect(
      code(() =>
        checkAllocations(
          [
            { installmentId: 'i1', amountMinor: 3_000 },
            { installmentId: 'i1', amountMinor: 3_000 },
          ],
          outstanding,
          9_999,
        ),
      ),
    ).toBe('SALES_ALLOCATION_EXCEEDS_OUTSTANDING')
    expect(
      code(() =>
        checkAllocations(
          [
            { installmentId: 'i1', amountMinor: 5_000 },
            { installmentId: 'i2', amountMinor: 5_000 },
          ],
          outstanding,
          9_999,
        ),
      ),
    ).toBe('SALES_ALLOCATION_EXCEEDS_PAYMENT')
    expect(code(() => checkAllocations([{ installmentId: 'i3', amountMinor: 1 }], outstanding, 9_999))).toBe(
      'SALES_ALLOCATION_EXCEEDS_OUTSTANDING',
    )
    expect(code(() => checkAllocations([{ installmentId: 'i1', amountMinor: 0 }], outstanding, 9_999))).toBe(
      'VALIDATION_FAILED',
    )
  })
})

describe('installmentStatus', () => {
  const facts = fc.record({
    amountMinor: fc.integer({ min: 1, max: 1e9 }),
    paidFraction: fc.double({ min: 0, max: 1.2, noNaN: true }),
    dueDate: date,
    standing: fc.constantFrom('effective', 'notEffective', 'void') as fc.Arbitrary<
      'effective' | 'notEffective' | 'void'
    >,
  })

  it('follows the contract first, then payments, then the calendar', () => {
    const base = { amountMinor: 1000, paidMinor: 0, dueDate: '2026-01-31' } as const
    expect(installmentStatus({ ...base, standing: 'void' }, '2027-01-01')).toBe('void')
    expect(installmentStatus({ ...base, standing: 'notEffective' }, '2027-01-01')).toBe('notEffective')
    expect(installmentStatus({ ...base, standing: 'effective' }, '2026-01-31')).toBe('pending')
    expect(installmentStatus({ ...base, standing: 'effective' }, '2026-02-01')).toBe('overdue')
    expect(installmentStatus({ ...base, paidMinor: 1, standing: 'effective' }, '2026-01-30')).toBe('partial')
    expect(installmentStatus({ ...base, paidMinor: 1000, standing: 'effective' }, '2099-01-01')).toBe('paid')
  })

  it('is a function of asOf only: once overdue it stays overdue later, paid never changes with time', () => {
    fc.assert(
      fc.property(facts, day, fc.integer({ min: 0, max: 4000 }), (f, asOf, later) => {
        const input = { ...f, paidMinor: Math.floor(f.amountMinor * f.paidFraction) }
        const now = installmentStatus(input, dateOfDay(asOf))
        const then = installmentStatus(input, dateOfDay(asOf + later))
        if (now === 'overdue' || now === 'paid' || now === 'void' || now === 'notEffective')
          expect(then).toBe(now)
        if (now === 'pending' || now === 'partial') expect([now, 'overdue']).toContain(then)
      }),
    )
  })
})

describe('aging', () => {
  it('buckets by whole days past due', () => {
    expect([-5, 0, 1, 30, 31, 60, 61, 90, 91, 4000].map(agingBucketOf)).toEqual([
      'current',
      'current',
      '1-30',
      '1-30',
      '31-60',
      '31-60',
      '61-90',
      '61-90',
      '90+',
      '90+',
    ])
  })

  it('bucket start dates agree with day arithmetic (what SQL adapters compare against)', () => {
    fc.assert(
      fc.property(day, day, (asOf, due) => {
        const starts = agingBucketStarts(dateOfDay(asOf))
        const dueDate = dateOfDay(due)
        const byString = starts.findIndex((start) => dueDate >= start)
        const expected = AGING_BUCKETS.indexOf(agingBucketOf(asOf - due))
        expect(byString === -1 ? AGING_BUCKETS.length - 1 : byString).toBe(expected)
      }),
    )
  })

  it('sums outstanding amounts per bucket, skipping what is settled', () => {
    const report = agingOf(
      [
        { dueDate: '2026-03-31', outstandingMinor: 100 },
        { dueDate: '2026-03-01', outstandingMinor: 200 },
        { dueDate: '2026-02-28', outstandingMinor: 300 },
        { dueDate: '2025-01-01', outstandingMinor: 400 },
        { dueDate: '2025-01-01', outstandingMinor: 0 },
      ],
      '2026-03-31',
      'EUR',
    )
    expect(report.lines.map((l) => [l.bucket, l.installments, l.outstandingMinor])).toEqual([
      ['current', 1, 100],
      ['1-30', 1, 200],
      ['31-60', 1, 300],
      ['61-90', 0, 0],
      ['90+', 1, 400],
    ])
    expect(report.totalOutstandingMinor).toBe(1000)
  })

  it('reads an instant in a time zone', () => {
    expect(asOfDate(new Date('2026-03-01T20:00:00Z'), 'Asia/Shanghai')).toBe('2026-03-02')
    expect(asOfDate('2026-03-01')).toBe('2026-03-01')
    expect(code(() => asOfDate('2026-02-30'))).toBe('VALIDATION_FAILED')
  })
})
