import type { CdnowOrder } from './load-cdnow.js'

const DAY_MS = 86_400_000

/** One week of the tracking plot. */
export interface TrackingWeek {
  /** Week number since `start` (week 1 = its first 7 days). */
  readonly week: number
  /** Repeat purchases (distinct purchase days after a customer's first) up to the end of the week. */
  readonly actual: number
  /** Model expectation of the same: Σ over customers born before the week's end of E[X(age)]. */
  readonly expected: number
}

/**
 * Cumulative repeat purchases by week, actual vs expected (the BTYD "tracking plot"): each customer's first purchase
 * day is their birth; a repeat purchase is any later purchase day (same-day orders merged). The expectation sums
 * E[X(t)] of a new customer over every customer, with t = their age in weeks at the end of the week (unrounded).
 */
export function trackCumulativeRepeats(
  orders: readonly CdnowOrder[],
  expectedRepeats: (ageInWeeks: number) => number,
  options: { readonly start: string; readonly weeks: number },
): TrackingWeek[] {
  const start = Date.parse(options.start)
  const days = new Map<number, Set<number>>()
  for (const o of orders) {
    const d = (Date.parse(o.date) - start) / DAY_MS
    const set = days.get(o.customerId) ?? new Set<number>()
    set.add(d)
    days.set(o.customerId, set)
  }
  const births: number[] = []
  const repeatsByWeek = new Array<number>(options.weeks + 1).fill(0)
  for (const set of days.values()) {
    const sorted = [...set].sort((a, b) => a - b)
    births.push(sorted[0]!)
    for (const d of sorted.slice(1)) {
      const week = Math.floor(d / 7) + 1
      if (week <= options.weeks) repeatsByWeek[week]! += 1
    }
  }
  const out: TrackingWeek[] = []
  let actual = 0
  for (let week = 1; week <= options.weeks; week++) {
    actual += repeatsByWeek[week]!
    let expected = 0
    for (const birth of births) {
      const age = week - birth / 7
      if (age > 0) expected += expectedRepeats(age)
    }
    out.push({ week, actual, expected })
  }
  return out
}
