import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cdnowOrders, cdnowSummary } from '../../test/clv/cdnow.js'
import { calibrationAndHoldoutData, summaryDataFromTransactions } from './summary.js'

describe('summaryDataFromTransactions', () => {
  it('rebuilds the published CDNOW calibration summary from the raw orders', () => {
    const expected = cdnowSummary()
    const rows = summaryDataFromTransactions(cdnowOrders(), {
      customerId: 'customerId',
      datetime: 'date',
      monetary: 'dollars',
      observationEnd: '1997-09-30',
      timeUnit: 'D',
      freqMultiplier: 7,
    })
    expect(rows).toHaveLength(2357)
    rows.forEach((row, i) => {
      const e = expected[i]!
      expect(Number(row.customerId)).toBe(e.id)
      expect(row.frequency).toBe(e.frequency)
      expect(Math.round(row.recency * 100) / 100).toBe(e.recency)
      expect(Math.round(row.T * 100) / 100).toBe(e.T)
      // zbar was rounded half-up to cents: float means are within 0.01 (reference §9.5).
      expect(Math.abs(row.monetaryValue! - e.monetaryValue)).toBeLessThanOrEqual(0.005 + 1e-9)
    })
    expect(rows.reduce((s, r) => s + r.frequency, 0)).toBe(2457)
  })

  it('counts same-period purchases once and excludes the first purchase from monetary (lifetimes #85)', () => {
    const rows = summaryDataFromTransactions(
      [
        { id: 1, at: '2024-01-03T10:00:00Z', v: 25 },
        { id: 1, at: '2024-01-01T00:00:00Z', v: 10 },
        { id: 1, at: '2024-01-02', v: 20 },
        { id: 1, at: '2024-01-03T23:00:00Z', v: 5 },
        { id: 2, at: new Date('2024-01-05'), v: 7 },
        { id: 3, at: Date.parse('2024-02-01'), v: 7 }, // after observationEnd
      ],
      { customerId: 'id', datetime: 'at', monetary: (r) => r.v, observationEnd: '2024-01-10', timeUnit: 'D' },
    )
    expect(rows).toEqual([
      { customerId: 1, frequency: 2, recency: 2, T: 9, monetaryValue: 25 },
      { customerId: 2, frequency: 0, recency: 0, T: 5, monetaryValue: 0 },
    ])
  })

  it('lifetimes #85: the chronologically first order is the one excluded from monetary value', () => {
    const rows = summaryDataFromTransactions(
      [
        { id: 'c', at: '2024-01-03', v: 25 },
        { id: 'c', at: '2024-01-01', v: 10 },
        { id: 'c', at: '2024-01-02', v: 20 },
      ],
      { customerId: 'id', datetime: 'at', monetary: 'v', observationEnd: '2024-01-31', timeUnit: 'D' },
    )
    expect(rows[0]!.monetaryValue).toBe(22.5)
  })

  it('supports weekly (Monday-start), monthly and hourly periods', () => {
    const tx = [
      { id: 'a', at: '2024-01-01' }, // Monday
      { id: 'a', at: '2024-01-07' }, // Sunday, same week
      { id: 'a', at: '2024-01-08' }, // next Monday
      { id: 'a', at: '2024-03-31' },
    ]
    const base = { customerId: 'id' as const, datetime: 'at' as const, observationEnd: '2024-04-30' }
    expect(summaryDataFromTransactions(tx, { ...base, timeUnit: 'W' })[0]).toMatchObject({
      frequency: 2,
      recency: 12,
    })
    expect(summaryDataFromTransactions(tx, { ...base, timeUnit: 'M' })[0]).toEqual({
      customerId: 'a',
      frequency: 1,
      recency: 2,
      T: 3,
    })
    expect(summaryDataFromTransactions(tx, { ...base, timeUnit: 'H' })[0]!.frequency).toBe(3)
  })

  it('always yields valid BTYD rows', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ id: fc.integer({ min: 0, max: 5 }), day: fc.integer({ min: 0, max: 400 }) }), {
          minLength: 1,
        }),
        (rows) => {
          const out = summaryDataFromTransactions(rows, {
            customerId: 'id',
            datetime: (r) => r.day * 86_400_000,
            observationEnd: 400 * 86_400_000,
            timeUnit: 'D',
          })
          for (const c of out) {
            expect(Number.isInteger(c.frequency) && c.frequency >= 0).toBe(true)
            expect(c.recency).toBeGreaterThanOrEqual(0)
            expect(c.recency).toBeLessThanOrEqual(c.T)
            if (c.frequency === 0) expect(c.recency).toBe(0)
          }
        },
      ),
    )
  })

  it('rejects bad dates, ids, values and units', () => {
    const opts = { customerId: 'id', datetime: 'at', observationEnd: '2024-01-10', timeUnit: 'D' } as const
    expect(() => summaryDataFromTransactions([{ id: 1, at: 'yesterday' }], opts)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    )
    expect(() => summaryDataFromTransactions([{ id: null, at: '2024-01-01' }], opts)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    )
    expect(() =>
      summaryDataFromTransactions([{ id: 1, at: '2024-01-01', v: Number.NaN }], { ...opts, monetary: 'v' }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }))
    expect(() =>
      summaryDataFromTransactions([{ id: 1, at: '2024-01-01' }], { ...opts, timeUnit: 'Q' as 'D' }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }))
    expect(() =>
      summaryDataFromTransactions([{ id: 1, at: '2024-01-01' }], { ...opts, freqMultiplier: 0 }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }))
  })
})

describe('calibrationAndHoldoutData', () => {
  it('splits CDNOW at 1997-09-30 and agrees with the calibration-only summary', () => {
    const orders = cdnowOrders()
    const split = calibrationAndHoldoutData(orders, {
      customerId: 'customerId',
      datetime: 'date',
      monetary: 'dollars',
      calibrationEnd: '1997-09-30',
      observationEnd: '1998-06-30',
      timeUnit: 'D',
      freqMultiplier: 7,
    })
    const cal = cdnowSummary()
    expect(split).toHaveLength(2357)
    split.forEach((row, i) => {
      expect(row.frequencyCal).toBe(cal[i]!.frequency)
      expect(Math.round(row.TCal * 100) / 100).toBe(cal[i]!.T)
      expect(row.durationHoldout).toBeCloseTo(273 / 7, 10)
    })
    // 1,882 repeat purchase-days in the holdout weeks 40–78 (reference §3.1).
    expect(split.reduce((s, r) => s + r.frequencyHoldout, 0)).toBe(1882)
  })

  it('requires calibrationEnd before observationEnd', () => {
    expect(() =>
      calibrationAndHoldoutData([], {
        customerId: 'id',
        datetime: 'at',
        calibrationEnd: '2024-02-01',
        observationEnd: '2024-01-01',
        timeUnit: 'D',
      }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }))
  })
})
