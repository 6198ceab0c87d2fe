import type { TimeInput } from '../rfm/to-epoch-ms.js'
import { DAY_MS, toEpochMs } from '../rfm/to-epoch-ms.js'
import { checkOptions } from '../validation/input-checks.js'
import { checkDeals } from './check-deals.js'
import type { PipelineDeal } from './pipeline-types.js'

/** Options of {@link winRate}. */
export interface WinRateOptions {
  /** Only deals closed at or after this date. */
  readonly closedFrom?: TimeInput
  /** Only deals closed before this date. */
  readonly closedBefore?: TimeInput
}

/** Result of {@link winRate}. */
export interface WinRateResult {
  /** Won deals in the window. */
  readonly won: number
  /** Lost deals in the window. */
  readonly lost: number
  /** `won / (won + lost)`, or `null` without closed deals. */
  readonly winRate: number | null
  /** Mean days from creation to close of the won deals (the sales cycle), or `null`. */
  readonly averageCycleDays: number | null
  /** Median of the same, or `null`. */
  readonly medianCycleDays: number | null
  /** Total amount won. */
  readonly wonAmount: number
  /** Mean amount of a won deal, or `null`. */
  readonly averageWonAmount: number | null
}

/**
 * Win rate and sales cycle over closed deals: win rate = won / (won + lost); the sales cycle is measured on won deals
 * only, from `createdAt` to `closedAt`, in days. Deals without `closedAt` are left out of a date window (and out of the
 * cycle), but count towards the rate when no window is given.
 *
 * @throws `AnalyticsError` `INVALID_INPUT` for a malformed deal, an invalid date or an unknown option.
 *
 * @example
 * ```ts
 * winRate(deals, { closedFrom: '2026-01-01', closedBefore: '2026-04-01' })
 * // { won: 12, lost: 20, winRate: 0.375, averageCycleDays: 41.5, medianCycleDays: 38, ... }
 * ```
 */
export function winRate(deals: readonly PipelineDeal[], options: WinRateOptions = {}): WinRateResult {
  checkDeals(deals)
  checkOptions(options, 'options', ['closedFrom', 'closedBefore'])
  const from = options.closedFrom === undefined ? undefined : toEpochMs(options.closedFrom, 'closedFrom')
  const before =
    options.closedBefore === undefined ? undefined : toEpochMs(options.closedBefore, 'closedBefore')
  let won = 0
  let lost = 0
  let wonAmount = 0
  const cycles: number[] = []
  deals.forEach((d, index) => {
    if (d.status !== 'won' && d.status !== 'lost') return
    const closed =
      d.closedAt == null ? undefined : toEpochMs(d.closedAt, `deals[${index}].closedAt`, { index })
    if ((from !== undefined || before !== undefined) && closed === undefined) return
    if (from !== undefined && closed! < from) return
    if (before !== undefined && closed! >= before) return
    if (d.status === 'lost') {
      lost++
      return
    }
    won++
    wonAmount += d.amount
    if (closed !== undefined)
      cycles.push((closed - toEpochMs(d.createdAt, `deals[${index}].createdAt`, { index })) / DAY_MS)
  })
  return {
    won,
    lost,
    winRate: won + lost === 0 ? null : won / (won + lost),
    averageCycleDays: cycles.length === 0 ? null : cycles.reduce((s, c) => s + c, 0) / cycles.length,
    medianCycleDays: median(cycles),
    wonAmount,
    averageWonAmount: won === 0 ? null : wonAmount / won,
  }
}

/** Median of a list (mean of the two middle values for even lengths), or `null` for an empty list. @internal */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null
  const s = [...values].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}
