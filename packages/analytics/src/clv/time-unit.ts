/**
 * The unit of the times (recency, T, horizons) a model works in: `'H'` hours, `'D'` days, `'W'` weeks,
 * `'M'` months.
 */
export type TimeUnit = 'H' | 'D' | 'W' | 'M'

/**
 * Periods of each {@link TimeUnit} in an average calendar month (365.25 / 12 days). lifetimes uses 30 days and
 * 4.345 weeks instead; pass `periodsPerMonth` to {@link customerLifetimeValue} to reproduce its numbers.
 */
export const PERIODS_PER_MONTH: Readonly<Record<TimeUnit, number>> = Object.freeze({
  H: 730.5,
  D: 30.4375,
  W: 30.4375 / 7,
  M: 1,
})
