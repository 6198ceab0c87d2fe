import { dateOfDay, requireDay } from './calendar-days.js'

/** The aging buckets, by whole days past due: not yet due (`current`), 1–30, 31–60, 61–90 and more than 90. */
export type AgingBucket = 'current' | '1-30' | '31-60' | '61-90' | '90+'

/** Every {@link AgingBucket}, youngest first. */
export const AGING_BUCKETS: readonly AgingBucket[] = ['current', '1-30', '31-60', '61-90', '90+']

/**
 * The upper bounds (days past due, inclusive) of every bucket but the last: a row is in bucket `i` when it is past
 * due by at most `AGING_BOUNDS[i]` days and by more than the previous bound.
 */
export const AGING_BOUNDS: readonly number[] = [0, 30, 60, 90]

/**
 * The bucket of an amount that is `days` past due (0 or less: not yet due).
 *
 * @example
 * ```ts
 * agingBucketOf(31) // '31-60'
 * ```
 */
export function agingBucketOf(days: number): AgingBucket {
  const index = AGING_BOUNDS.findIndex((bound) => days <= bound)
  return AGING_BUCKETS[index === -1 ? AGING_BOUNDS.length : index] as AgingBucket
}

/**
 * The earliest due date of each bucket on `asOf`: a due date on or after `starts[i]` is at most `AGING_BOUNDS[i]` days
 * past due. Comparing `YYYY-MM-DD` strings with these dates is how SQL adapters bucket without date functions.
 *
 * @example
 * ```ts
 * agingBucketStarts('2026-03-31') // ['2026-03-31', '2026-03-01', '2026-01-30', '2025-12-31']
 * ```
 */
export function agingBucketStarts(asOf: string): string[] {
  const today = requireDay(asOf, 'asOf')
  return AGING_BOUNDS.map((bound) => dateOfDay(today - bound))
}

/** One bucket of an aging report: how many open installments and what they still owe. */
export interface AgingLine {
  readonly bucket: AgingBucket
  readonly installments: number
  readonly outstandingMinor: number
}

/** An aging report: one line per bucket (always all five, in order) and the total. */
export interface AgingReport {
  readonly asOf: string
  readonly currency: string
  readonly lines: readonly AgingLine[]
  readonly totalOutstandingMinor: number
}

/**
 * The aging report of installments held in memory, the reference every storage computation must equal: rows with
 * nothing outstanding are left out, the rest are summed by the bucket of their due date on `asOf`.
 *
 * @example
 * ```ts
 * agingOf([{ dueDate: '2026-01-01', outstandingMinor: 500 }], '2026-02-15', 'EUR').lines[2] // 31-60: 1, 500
 * ```
 */
export function agingOf(
  rows: Iterable<{ readonly dueDate: string; readonly outstandingMinor: number }>,
  asOf: string,
  currency: string,
): AgingReport {
  const today = requireDay(asOf, 'asOf')
  const counts = AGING_BUCKETS.map(() => 0)
  const sums = AGING_BUCKETS.map(() => 0)
  for (const row of rows) {
    if (row.outstandingMinor <= 0) continue
    const bucket = AGING_BUCKETS.indexOf(agingBucketOf(today - requireDay(row.dueDate, 'dueDate')))
    counts[bucket] = (counts[bucket] ?? 0) + 1
    sums[bucket] = (sums[bucket] ?? 0) + row.outstandingMinor
  }
  return agingReport(asOf, currency, counts, sums)
}

/** Builds a report from per-bucket counts and sums (in {@link AGING_BUCKETS} order). */
export function agingReport(
  asOf: string,
  currency: string,
  counts: readonly number[],
  sums: readonly number[],
): AgingReport {
  const lines = AGING_BUCKETS.map((bucket, i) => ({
    bucket,
    installments: counts[i] ?? 0,
    outstandingMinor: sums[i] ?? 0,
  }))
  return {
    asOf,
    currency,
    lines,
    totalOutstandingMinor: lines.reduce((sum, line) => sum + line.outstandingMinor, 0),
  }
}
