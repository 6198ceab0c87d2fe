/** Calendar granularity of a report. */
export type CalendarPeriod = 'month' | 'quarter'

/** The UTC period key of an epoch-ms time: `'2026-03'` (month) or `'2026-Q1'` (quarter). @internal */
export function periodKey(ms: number, period: CalendarPeriod): string {
  const d = new Date(ms)
  const y = d.getUTCFullYear()
  const m = d.getUTCMonth()
  return period === 'month' ? `${y}-${String(m + 1).padStart(2, '0')}` : `${y}-Q${Math.floor(m / 3) + 1}`
}

/** Months since year 0 (UTC) of an epoch-ms time: consecutive months differ by one. @internal */
export function monthIndex(ms: number): number {
  const d = new Date(ms)
  return d.getUTCFullYear() * 12 + d.getUTCMonth()
}

/** The `'YYYY-MM'` key of a month index. @internal */
export function monthKey(index: number): string {
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`
}
