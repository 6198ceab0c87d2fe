import { AnalyticsError } from '../clv/analytics-error.js'
import type { TimeInput } from '../rfm/to-epoch-ms.js'
import { toEpochMs } from '../rfm/to-epoch-ms.js'
import { checkNumber, checkObject, checkOptions, optionalEnum } from '../validation/input-checks.js'
import type { CalendarPeriod } from './calendar-period.js'
import { periodKey } from './calendar-period.js'
import { checkDeals } from './check-deals.js'
import type { ForecastCategory, PipelineDeal } from './pipeline-types.js'
import { FORECAST_CATEGORIES } from './pipeline-types.js'
import { checkStageProbabilities } from './stage-probabilities.js'

/** Options of {@link weightedForecast}. */
export interface WeightedForecastOptions {
  /** Bucket by UTC calendar month or quarter; default `'month'`. */
  readonly period?: CalendarPeriod
  /** Probability (0–1) per stage id, for open deals without their own `probability`. */
  readonly stageProbabilities?: Readonly<Record<string, number>>
  /**
   * Open deals without an explicit category: probability ≥ `commit` (default 0.9) is `'commit'`, ≥ `bestCase`
   * (default 0.5) `'best_case'`, else `'pipeline'`. Won deals are `'closed'`, lost deals `'omitted'`. Both in 0–1,
   * `bestCase ≤ commit`.
   */
  readonly categoryThresholds?: { readonly commit: number; readonly bestCase: number }
  /** Only deals closing (or closed) at or after this date. */
  readonly from?: TimeInput
  /** Only deals closing before this date. */
  readonly before?: TimeInput
}

/** Amounts of one forecast category in one period. */
export interface ForecastCell {
  /** Number of deals. */
  readonly count: number
  /** Σ amount. */
  readonly amount: number
  /** Σ amount × probability (won deals count at 1, omitted deals at 0). */
  readonly weighted: number
}

/** One period of the forecast. */
export interface ForecastPeriodRow {
  /** `'2026-03'` or `'2026-Q1'` (UTC). */
  readonly period: string
  /** Open deals expected to close in the period. */
  readonly openCount: number
  /** Σ amount of those open deals (the unweighted pipeline). */
  readonly pipeline: number
  /** Σ amount × probability of those open deals. */
  readonly weighted: number
  /** Σ amount of deals won in the period. */
  readonly closedWon: number
  /** `closedWon + weighted`: what the period is expected to bring in. */
  readonly expected: number
  /** The same deals split by forecast category. */
  readonly byCategory: Readonly<Record<ForecastCategory, ForecastCell>>
}

/** Result of {@link weightedForecast}. */
export interface WeightedForecast {
  /** Periods in chronological order (only periods with deals). */
  readonly periods: readonly ForecastPeriodRow[]
  /** Open deals without an expected close date (not placed in any period). */
  readonly unscheduled: { readonly count: number; readonly amount: number }
}

const OPTIONS = ['period', 'stageProbabilities', 'categoryThresholds', 'from', 'before'] as const

/**
 * Weighted revenue forecast by month or quarter and by forecast category: each open deal adds `amount × probability`
 * to the period of its expected close date; won deals add their amount to the period they closed in; lost deals are
 * `'omitted'` (counted, weight 0). The probability is the deal's own, else its stage's from `stageProbabilities`.
 * Categories are core's (`pipeline`, `best_case`, `commit`, `closed`, `omitted`): a deal's explicit category wins,
 * so deals mapped from the CRM with `toPipelineDeals` (from `@rapport/core`) keep the category their stage gave them.
 *
 * @throws `AnalyticsError` `INVALID_INPUT` for an open deal with no probability (own or by stage), a probability
 * outside 0–1 (percent included), an unknown forecast category (`'best-case'` included), a non-finite amount, an
 * invalid date or a bad option.
 *
 * @example
 * ```ts
 * import { weightedForecast } from '@rapport/analytics/pipeline'
 *
 * const { periods } = weightedForecast(deals, {
 *   period: 'quarter',
 *   stageProbabilities: { qualified: 0.2, proposal: 0.5, negotiation: 0.8 },
 * })
 * periods.map((p) => [p.period, p.weighted, p.byCategory.commit.amount])
 * ```
 */
export function weightedForecast(
  deals: readonly PipelineDeal[],
  options: WeightedForecastOptions = {},
): WeightedForecast {
  checkDeals(deals)
  checkOptions(options, 'options', OPTIONS)
  const period = optionalEnum(options.period, 'options.period', ['month', 'quarter'] as const, 'month')
  const stageProbabilities = checkStageProbabilities(options.stageProbabilities, 'options.stageProbabilities')
  const thresholds = checkThresholds(options.categoryThresholds)
  const from = options.from === undefined ? -Infinity : toEpochMs(options.from, 'from')
  const before = options.before === undefined ? Infinity : toEpochMs(options.before, 'before')
  type Row = { -readonly [K in keyof ForecastPeriodRow]: ForecastPeriodRow[K] } & {
    byCategory: Record<ForecastCategory, { count: number; amount: number; weighted: number }>
    start: number
  }
  const rows = new Map<string, Row>()
  const unscheduled = { count: 0, amount: 0 }
  deals.forEach((d, index) => {
    let probability: number
    let when: TimeInput | null | undefined
    if (d.status === 'won') {
      probability = 1
      when = d.closedAt
    } else if (d.status === 'lost') {
      probability = 0
      when = d.closedAt
    } else {
      const p =
        d.probability ??
        (d.stage == null || !Object.hasOwn(stageProbabilities, d.stage)
          ? undefined
          : stageProbabilities[d.stage])
      if (p === undefined || p === null) {
        throw new AnalyticsError(
          'INVALID_INPUT',
          `open deal ${String(d.id)} needs a probability in 0–1 (its own or its stage's), got ${String(p)}`,
          { index, dealId: d.id, stage: d.stage ?? null },
        )
      }
      probability = p
      when = d.expectedCloseAt
    }
    if (when == null) {
      if (d.status === 'open') {
        unscheduled.count++
        unscheduled.amount += d.amount
      }
      return
    }
    const at = toEpochMs(when, `deals[${index}] close date`, { index })
    if (at < from || at >= before) return
    const key = periodKey(at, period)
    let row = rows.get(key)
    if (!row) {
      row = {
        period: key,
        start: at,
        openCount: 0,
        pipeline: 0,
        weighted: 0,
        closedWon: 0,
        expected: 0,
        byCategory: Object.fromEntries(
          FORECAST_CATEGORIES.map((c) => [c, { count: 0, amount: 0, weighted: 0 }]),
        ) as Row['byCategory'],
      }
      rows.set(key, row)
    }
    row.start = Math.min(row.start, at)
    const category: ForecastCategory =
      d.forecastCategory ??
      (d.status === 'won'
        ? 'closed'
        : d.status === 'lost'
          ? 'omitted'
          : probability >= thresholds.commit
            ? 'commit'
            : probability >= thresholds.bestCase
              ? 'best_case'
              : 'pipeline')
    const cell = row.byCategory[category]
    cell.count++
    cell.amount += d.amount
    cell.weighted += d.amount * probability
    if (d.status === 'open') {
      row.openCount++
      row.pipeline += d.amount
      row.weighted += d.amount * probability
    } else if (d.status === 'won') row.closedWon += d.amount
    row.expected = row.closedWon + row.weighted
  })
  const periods = [...rows.values()]
    .sort((a, b) => a.start - b.start)
    .map(({ start: _start, ...row }) => row as ForecastPeriodRow)
  return { periods, unscheduled }
}

function checkThresholds(value: WeightedForecastOptions['categoryThresholds']): {
  commit: number
  bestCase: number
} {
  if (value === undefined) return { commit: 0.9, bestCase: 0.5 }
  checkOptions(checkObject(value, 'options.categoryThresholds'), 'options.categoryThresholds', [
    'commit',
    'bestCase',
  ])
  const commit = checkNumber(value.commit, 'options.categoryThresholds.commit', { min: 0, max: 1 })
  const bestCase = checkNumber(value.bestCase, 'options.categoryThresholds.bestCase', { min: 0, max: commit })
  return { commit, bestCase }
}
