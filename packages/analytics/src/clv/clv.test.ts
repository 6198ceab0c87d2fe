import { describe, expect, it } from 'vitest'
import { cdnowSummary } from '../../test/clv/cdnow.js'
import { fitBgNbd } from './bg-nbd.js'
import { customerLifetimeValue } from './clv.js'
import { fitGammaGamma } from './gamma-gamma.js'
import { PERIODS_PER_MONTH } from './time-unit.js'

const cdnow = cdnowSummary()
const transactionModel = fitBgNbd(cdnow)
const spendModel = fitGammaGamma(cdnow)
const first10 = cdnow.slice(0, 10)

describe('customerLifetimeValue', () => {
  it('reproduces the lifetimes Quickstart numbers when emulating its freq="D" default on weekly data', () => {
    const clv = customerLifetimeValue({
      transactionModel,
      spendModel,
      customers: first10,
      time: 12,
      discountRate: 0.01,
      timeUnit: 'W',
      periodsPerMonth: 30,
    })
    const published = [
      140.096211, 18.943467, 38.180574, 38.180574, 38.180574, 1003.868107, 28.109683, 38.180574, 167.418216,
      38.180574,
    ]
    clv.forEach((v, i) => {
      expect(v / published[i]!).toBeCloseTo(1, 5)
    })
  })

  it('gives the correct weekly values with 4.345 weeks per month (reference §3.5)', () => {
    const clv = customerLifetimeValue({
      transactionModel,
      spendModel,
      customers: first10,
      time: 12,
      discountRate: 0.01,
      timeUnit: 'W',
      periodsPerMonth: 4.345,
    })
    const expected = [36.2785, 4.6375, 8.3441, 8.3441, 8.3441, 283.5236, 6.8814, 8.3441, 43.3536, 8.3441]
    clv.forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i]!, 3)
    })
  })

  it('uses calendar months by default and is unit-consistent (weeks vs days)', () => {
    const weekly = customerLifetimeValue({ transactionModel, spendModel, customers: first10, timeUnit: 'W' })
    const daysData = first10.map((c) => ({ ...c, recency: c.recency * 7, T: c.T * 7 }))
    const dailyModel = fitBgNbd(cdnow.map((c) => ({ ...c, recency: c.recency * 7, T: c.T * 7 })))
    const daily = customerLifetimeValue({
      transactionModel: dailyModel,
      spendModel,
      customers: daysData,
      timeUnit: 'D',
    })
    daily.forEach((v, i) => {
      expect(v).toBeCloseTo(weekly[i]!, 3)
    })
    expect(PERIODS_PER_MONTH.D * 12).toBeCloseTo(365.25, 12)
  })

  it('discounting: rate 0 equals undiscounted expected revenue, higher rates give less', () => {
    const base = { transactionModel, spendModel, customers: first10, timeUnit: 'W' as const, time: 24 }
    const zero = customerLifetimeValue({ ...base, discountRate: 0 })
    const one = customerLifetimeValue({ ...base, discountRate: 0.01 })
    zero.forEach((v, i) => {
      const c = first10[i]!
      expect(v).toBeCloseTo(
        spendModel.expectedSpend(c) * transactionModel.expectedPurchases(24 * PERIODS_PER_MONTH.W, c),
        8,
      )
      expect(one[i]!).toBeLessThan(v)
    })
    expect(customerLifetimeValue({ ...base, time: 0 })).toEqual(first10.map(() => 0))
  })

  it('rejects bad horizons, rates and units', () => {
    const base = { transactionModel, spendModel, customers: first10, timeUnit: 'W' as const }
    expect(() => customerLifetimeValue({ ...base, time: 1.5 })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    )
    expect(() => customerLifetimeValue({ ...base, discountRate: -1 })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    )
    expect(() => customerLifetimeValue({ ...base, timeUnit: 'X' as 'W' })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    )
  })
})
