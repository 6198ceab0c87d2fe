import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isAnalyticsError } from '../clv/analytics-error.js'
import { cohortRetention } from './cohort-retention.js'
import { conversionBySource } from './conversion-by-source.js'
import { funnelConversion } from './funnel-conversion.js'
import type { PipelineDeal, StageHistoryEntry } from './pipeline-types.js'
import { stageDurationStats, stageStints, stalledDeals } from './time-in-stage.js'
import { weightedForecast } from './weighted-forecast.js'
import { median, winRate } from './win-rate.js'

const DAY = 86_400_000
const day = (n: number) => Date.UTC(2026, 0, 1) + n * DAY

const stages = ['lead', 'qualified', 'proposal', 'negotiation']
const deals: PipelineDeal[] = [
  {
    id: 'd1',
    status: 'won',
    amount: 1000,
    createdAt: day(0),
    closedAt: day(30),
    stage: 'won',
    source: 'referral',
  },
  {
    id: 'd2',
    status: 'lost',
    amount: 500,
    createdAt: day(0),
    closedAt: day(20),
    stage: 'proposal',
    source: 'web',
  },
  {
    id: 'd3',
    status: 'open',
    amount: 2000,
    createdAt: day(5),
    stage: 'qualified',
    source: 'web',
    probability: 0.3,
    expectedCloseAt: day(45),
  },
  {
    id: 'd4',
    status: 'open',
    amount: 800,
    createdAt: day(10),
    stage: 'lead',
    source: null,
    expectedCloseAt: day(100),
  },
  {
    id: 'd5',
    status: 'won',
    amount: 300,
    createdAt: day(2),
    closedAt: day(12),
    stage: 'won',
    source: 'referral',
  },
  {
    id: 'd6',
    status: 'lost',
    amount: 100,
    createdAt: day(3),
    closedAt: day(4),
    stage: 'lead',
    source: 'web',
  },
]
const history: StageHistoryEntry[] = [
  { dealId: 'd1', stage: 'lead', enteredAt: day(0) },
  { dealId: 'd1', stage: 'proposal', enteredAt: day(10) }, // skipped "qualified"
  { dealId: 'd1', stage: 'won', enteredAt: day(30) },
  { dealId: 'd2', stage: 'lead', enteredAt: day(0) },
  { dealId: 'd2', stage: 'qualified', enteredAt: day(4) },
  { dealId: 'd2', stage: 'proposal', enteredAt: day(8) },
  { dealId: 'd3', stage: 'lead', enteredAt: day(5) },
  { dealId: 'd3', stage: 'qualified', enteredAt: day(7) },
  { dealId: 'd4', stage: 'lead', enteredAt: day(10) },
  { dealId: 'd5', stage: 'lead', enteredAt: day(2) }, // won straight from lead
  { dealId: 'd6', stage: 'lead', enteredAt: day(3) },
]

function errorOf(fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    return err
  }
  return undefined
}

describe('funnel conversion', () => {
  it('counts a stage as reached when the deal got there or further; won deals pass every stage', () => {
    const f = funnelConversion(deals, history, { stages })
    expect(f.steps.map((s) => s.reached)).toEqual([6, 4, 3, 2])
    expect(f.steps.map((s) => s.dropOff)).toEqual([0, 2, 1, 1])
    expect(f.steps[1]!.conversionFromPrevious).toBeCloseTo(4 / 6, 12)
    expect(f.steps[3]!.conversionFromStart).toBeCloseTo(2 / 6, 12)
    expect(f.steps[0]!.conversionFromPrevious).toBeNull()
    expect(f).toMatchObject({ deals: 6, won: 2, unstaged: 0 })
    const strict = funnelConversion(deals, history, { stages, wonReachesAllStages: false })
    expect(strict.steps.map((s) => s.reached)).toEqual([6, 3, 2, 0])
  })

  it('reached never increases along the funnel and conversion from start is the product of the steps', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ furthest: fc.integer({ min: -1, max: 3 }), won: fc.boolean() }), {
          maxLength: 30,
        }),
        (spec) => {
          const ds: PipelineDeal[] = spec.map((s, i) => ({
            id: i,
            status: s.won ? 'won' : 'open',
            amount: 1,
            createdAt: 0,
            stage: s.furthest < 0 ? 'elsewhere' : stages[s.furthest]!,
          }))
          const f = funnelConversion(ds, [], { stages })
          let product = 1
          f.steps.forEach((step, i) => {
            if (i > 0) expect(step.reached).toBeLessThanOrEqual(f.steps[i - 1]!.reached)
            if (step.conversionFromPrevious !== null) product *= step.conversionFromPrevious
            if (step.conversionFromStart !== null && step.reached > 0)
              expect(step.conversionFromStart).toBeCloseTo(product, 12)
          })
          expect(f.deals + f.unstaged).toBe(ds.length)
          expect(f.unstaged).toBe(spec.filter((s) => s.furthest < 0 && !s.won).length)
        },
      ),
    )
  })

  it('rejects duplicate stages', () => {
    expect(
      isAnalyticsError(
        errorOf(() => funnelConversion(deals, history, { stages: ['a', 'a'] })),
        'INVALID_INPUT',
      ),
    ).toBe(true)
  })
})

describe('win rate and sales cycle', () => {
  it('rates closed deals and measures the cycle on won deals', () => {
    const r = winRate(deals)
    expect(r).toMatchObject({ won: 2, lost: 2, winRate: 0.5, wonAmount: 1300, averageWonAmount: 650 })
    expect(r.averageCycleDays).toBe(20) // 30 and 10 days
    expect(r.medianCycleDays).toBe(20)
    const window = winRate(deals, { closedFrom: day(10), closedBefore: day(25) })
    expect(window).toMatchObject({ won: 1, lost: 1, winRate: 0.5, averageCycleDays: 10 })
    expect(winRate([])).toMatchObject({ winRate: null, averageCycleDays: null, medianCycleDays: null })
  })
  it('median takes the middle (or the mean of the two middles)', () => {
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(median([])).toBeNull()
  })
})

describe('time in stage', () => {
  it('chains stints until the next stage change, the close, or asOf', () => {
    const stints = stageStints(history, deals, { asOf: day(50) })
    const d2 = stints.filter((s) => s.dealId === 'd2')
    expect(d2.map((s) => [s.stage, s.days, s.exitedAt])).toEqual([
      ['lead', 4, day(4)],
      ['qualified', 4, day(8)],
      ['proposal', 12, day(20)], // lost on day 20
    ])
    const d3 = stints.filter((s) => s.dealId === 'd3')
    expect(d3.at(-1)).toMatchObject({ stage: 'qualified', exitedAt: null, days: 43 })
    const stats = stageDurationStats(stints)
    expect(stats.find((s) => s.stage === 'lead')).toMatchObject({ count: 5, medianDays: 4 }) // 10, 4, 2, 10, 1
  })

  it('stint days of a deal add up to its time from first entry to close or asOf', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 100 })), {
          minLength: 1,
          maxLength: 20,
        }),
        (raw) => {
          const h = raw.map(([deal, t]) => ({ dealId: deal, stage: `s${t % 3}`, enteredAt: day(t) }))
          const stints = stageStints(h, [], { asOf: day(200) })
          for (const id of new Set(h.map((x) => x.dealId))) {
            const first = Math.min(...h.filter((x) => x.dealId === id).map((x) => x.enteredAt as number))
            const total = stints.filter((s) => s.dealId === id).reduce((s, x) => s + x.days, 0)
            expect(total).toBeCloseTo((day(200) - first) / DAY, 9)
          }
          expect(stints).toHaveLength(h.length)
        },
      ),
    )
  })

  it('flags open deals in a stage longer than k × its median', () => {
    // five completed "review" stints of 10 days; one open deal 25 days in, one 15 days in
    const h: StageHistoryEntry[] = []
    const ds: PipelineDeal[] = []
    for (let i = 0; i < 5; i++) {
      h.push(
        { dealId: `c${i}`, stage: 'review', enteredAt: day(0) },
        { dealId: `c${i}`, stage: 'signed', enteredAt: day(10) },
      )
      ds.push({ id: `c${i}`, status: 'open', amount: 1, createdAt: day(0) })
    }
    h.push(
      { dealId: 'slow', stage: 'review', enteredAt: day(75) },
      { dealId: 'ok', stage: 'review', enteredAt: day(85) },
    )
    ds.push(
      { id: 'slow', status: 'open', amount: 1, createdAt: day(70) },
      { id: 'ok', status: 'open', amount: 1, createdAt: day(70) },
    )
    const stalled = stalledDeals(ds, h, { asOf: day(100), factor: 2 })
    expect(stalled).toEqual([
      { dealId: 'slow', stage: 'review', daysInStage: 25, stageMedianDays: 10, ratio: 2.5 },
    ])
    expect(stalledDeals(ds, h, { asOf: day(100), factor: 1.2 }).map((s) => s.dealId)).toEqual(['slow', 'ok'])
    expect(stalledDeals(ds, h, { asOf: day(100), minSamples: 6 })).toEqual([])
  })
})

describe('weighted forecast', () => {
  it('weights open deals by probability in their expected close period and adds won deals', () => {
    const f = weightedForecast(deals, { stageProbabilities: { lead: 0.1 } })
    expect(f.periods.map((p) => p.period)).toEqual(['2026-01', '2026-02', '2026-04'])
    const [jan, feb, apr] = f.periods
    expect(jan).toMatchObject({ openCount: 0, closedWon: 1300, weighted: 0, expected: 1300 })
    expect(jan!.byCategory.closed).toEqual({ count: 2, amount: 1300, weighted: 1300 })
    expect(jan!.byCategory.omitted).toEqual({ count: 2, amount: 600, weighted: 0 })
    expect(feb).toMatchObject({ openCount: 1, pipeline: 2000, weighted: 600, expected: 600 })
    expect(feb!.byCategory.pipeline).toEqual({ count: 1, amount: 2000, weighted: 600 })
    expect(apr).toMatchObject({ pipeline: 800, weighted: 80 })
    const q = weightedForecast(deals, { period: 'quarter', stageProbabilities: { lead: 0.1 } })
    expect(q.periods.map((p) => [p.period, p.expected])).toEqual([
      ['2026-Q1', 1900],
      ['2026-Q2', 80],
    ])
    expect(
      weightedForecast(deals, { stageProbabilities: { lead: 0.1 }, from: day(31) }).periods,
    ).toHaveLength(2)
  })

  it('category cells add up to the period totals, and the total weighted equals Σ amount × p (property)', () => {
    const dealArb = fc.record({
      status: fc.constantFrom('open' as const, 'won' as const, 'lost' as const),
      amount: fc.integer({ min: 0, max: 10_000 }),
      p: fc.integer({ min: 0, max: 10 }).map((x) => x / 10),
      when: fc.option(fc.integer({ min: 0, max: 400 }), { nil: null }),
    })
    fc.assert(
      fc.property(fc.array(dealArb, { maxLength: 30 }), (spec) => {
        const ds: PipelineDeal[] = spec.map((s, i) => ({
          id: i,
          status: s.status,
          amount: s.amount,
          createdAt: day(0),
          probability: s.p,
          expectedCloseAt: s.status === 'open' ? (s.when === null ? null : day(s.when)) : null,
          closedAt: s.status === 'open' || s.when === null ? null : day(s.when),
        }))
        const f = weightedForecast(ds, { period: 'quarter' })
        for (const p of f.periods) {
          const cells = Object.values(p.byCategory)
          const openCells = [p.byCategory.pipeline, p.byCategory.best_case, p.byCategory.commit]
          expect(openCells.reduce((s, c) => s + c.weighted, 0)).toBeCloseTo(p.weighted, 6)
          expect(openCells.reduce((s, c) => s + c.count, 0)).toBe(p.openCount)
          expect(p.byCategory.closed.amount).toBe(p.closedWon)
          expect(cells.reduce((s, c) => s + c.count, 0)).toBeGreaterThanOrEqual(p.openCount)
        }
        const scheduledOpen = spec.filter((s) => s.status === 'open' && s.when !== null)
        expect(f.periods.reduce((s, p) => s + p.weighted, 0)).toBeCloseTo(
          scheduledOpen.reduce((s, d) => s + d.amount * d.p, 0),
          6,
        )
        expect(f.unscheduled.count).toBe(spec.filter((s) => s.status === 'open' && s.when === null).length)
      }),
    )
  })

  it("speaks core's forecast vocabulary: a stored 'best_case' lands in its cell; anything else is a typed error", () => {
    const open = deals[2]!
    const f = weightedForecast([{ ...open, forecastCategory: 'best_case' }])
    expect(f.periods[0]!.byCategory.best_case).toEqual({ count: 1, amount: 2000, weighted: 600 })
    expect(Object.keys(f.periods[0]!.byCategory)).toEqual([
      'pipeline',
      'best_case',
      'commit',
      'closed',
      'omitted',
    ])
    // derived categories use the same spelling
    const derived = weightedForecast([{ ...open, probability: 0.6 }])
    expect(derived.periods[0]!.byCategory.best_case.count).toBe(1)
    for (const bad of ['best-case', 'upside', '', 42]) {
      const err = errorOf(() => weightedForecast([{ ...open, forecastCategory: bad as never }]))
      expect(isAnalyticsError(err, 'INVALID_INPUT')).toBe(true)
      expect((err as { details: Record<string, unknown> }).details).toMatchObject({
        field: 'deals[0].forecastCategory',
      })
    }
    expect(
      (errorOf(() => weightedForecast([{ ...open, forecastCategory: 'best-case' as never }])) as Error)
        .message,
    ).toMatch(/best_case/)
  })

  it('rejects percent probabilities with a message that says so (core stores 0–100, analytics takes 0–1)', () => {
    const err = errorOf(() => weightedForecast([{ ...deals[2]!, probability: 60 }]))
    expect(isAnalyticsError(err, 'INVALID_INPUT')).toBe(true)
    expect((err as Error).message).toMatch(/not percent/)
    const stageErr = errorOf(() => weightedForecast([deals[3]!], { stageProbabilities: { lead: 10 } }))
    expect(isAnalyticsError(stageErr, 'INVALID_INPUT')).toBe(true)
    expect((stageErr as Error).message).toMatch(/not percent/)
  })

  it('needs a probability for every open deal', () => {
    const err = errorOf(() => weightedForecast(deals))
    expect(isAnalyticsError(err, 'INVALID_INPUT')).toBe(true)
    expect((err as { details: Record<string, unknown> }).details).toMatchObject({
      dealId: 'd4',
      stage: 'lead',
    })
    expect(
      isAnalyticsError(
        errorOf(() => weightedForecast([{ ...deals[2]!, probability: 30 }])),
        'INVALID_INPUT',
      ),
    ).toBe(true)
  })
})

describe('conversion by lead source', () => {
  it('rates each source and groups missing sources', () => {
    expect(conversionBySource(deals)).toEqual([
      { source: 'web', deals: 3, open: 1, won: 0, lost: 2, winRate: 0, conversionRate: 0, wonAmount: 0 },
      {
        source: 'referral',
        deals: 2,
        open: 0,
        won: 2,
        lost: 0,
        winRate: 1,
        conversionRate: 1,
        wonAmount: 1300,
      },
      {
        source: '(none)',
        deals: 1,
        open: 1,
        won: 0,
        lost: 0,
        winRate: null,
        conversionRate: 0,
        wonAmount: 0,
      },
    ])
    const byMonth = conversionBySource(deals, {
      groupBy: (d) => (Number(d.createdAt) < day(3) ? 'early' : 'late'),
    })
    expect(byMonth.map((g) => [g.source, g.deals])).toEqual([
      ['early', 3],
      ['late', 3],
    ])
  })
})

describe('cohort retention', () => {
  it('builds the triangle by first-order month', () => {
    const orders = [
      { customerId: 'a', at: '2026-01-05' },
      { customerId: 'a', at: '2026-01-20' },
      { customerId: 'a', at: '2026-03-02' },
      { customerId: 'b', at: '2026-01-31T23:59:59Z' },
      { customerId: 'b', at: '2026-02-01' },
      { customerId: 'c', at: '2026-02-10' },
      { customerId: 'c', at: '2026-03-10' },
    ]
    expect(cohortRetention(orders)).toEqual([
      { cohort: '2026-01', size: 2, active: [2, 1, 1], retention: [1, 0.5, 0.5] },
      { cohort: '2026-02', size: 1, active: [1, 1], retention: [1, 1] },
    ])
    expect(cohortRetention(orders, { asOf: '2026-02-28' })).toEqual([
      { cohort: '2026-01', size: 2, active: [2, 1], retention: [1, 0.5] },
      { cohort: '2026-02', size: 1, active: [1], retention: [1] },
    ])
  })

  it('agrees with a brute-force count (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ customerId: fc.integer({ min: 0, max: 9 }), m: fc.integer({ min: 0, max: 14 }) }),
          { maxLength: 60 },
        ),
        (raw) => {
          const orders = raw.map((o) => ({ customerId: o.customerId, at: Date.UTC(2025, o.m, 15) }))
          const rows = cohortRetention(orders)
          const customers = [...new Set(raw.map((o) => o.customerId))]
          expect(rows.reduce((s, r) => s + r.size, 0)).toBe(customers.length)
          const lastMonth = Math.max(...raw.map((o) => o.m))
          for (const row of rows) {
            const first = Number(row.cohort.slice(5)) - 1 + (Number(row.cohort.slice(0, 4)) - 2025) * 12
            const members = customers.filter(
              (c) => Math.min(...raw.filter((o) => o.customerId === c).map((o) => o.m)) === first,
            )
            expect(row.size).toBe(members.length)
            expect(row.active).toHaveLength(lastMonth - first + 1)
            row.active.forEach((n, k) => {
              expect(n).toBe(
                members.filter((c) => raw.some((o) => o.customerId === c && o.m === first + k)).length,
              )
            })
            expect(row.active[0]).toBe(row.size)
          }
        },
      ),
    )
  })
})

describe('input validation', () => {
  it('rejects malformed deals and history with INVALID_INPUT naming the row, leaving the input untouched', () => {
    const bad: PipelineDeal[] = [...deals, { ...deals[0]!, id: 'd9', status: 'pending' as never }]
    const snapshot = structuredClone(bad)
    for (const call of [
      () => winRate(bad),
      () => conversionBySource(bad),
      () => funnelConversion(bad, history, { stages }),
      () => weightedForecast(bad, { stageProbabilities: { lead: 0.1 } }),
      () => stalledDeals(bad, history),
    ]) {
      const err = errorOf(call)
      expect(isAnalyticsError(err, 'INVALID_INPUT')).toBe(true)
      expect((err as { details: unknown }).details).toMatchObject({
        index: 6,
        field: 'deals[6].status',
        value: 'pending',
      })
    }
    expect(bad).toEqual(snapshot)
    const nanAmount = errorOf(() => winRate([{ ...deals[0]!, amount: Number.NaN }]))
    expect((nanAmount as { details: unknown }).details).toEqual({
      index: 0,
      field: 'deals[0].amount',
      value: 'NaN',
    })
    const badHistory = [...history, { dealId: 'd1', stage: '', enteredAt: day(3) }]
    expect(
      isAnalyticsError(
        errorOf(() => stageStints(badHistory)),
        'INVALID_INPUT',
      ),
    ).toBe(true)
    const badDate = [{ dealId: 'd1', stage: 'lead', enteredAt: 'soon' }]
    expect((errorOf(() => stageStints(badDate)) as { details: unknown }).details).toMatchObject({ index: 0 })
  })
})
