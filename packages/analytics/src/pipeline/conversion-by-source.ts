import { AnalyticsError } from '../clv/analytics-error.js'
import { checkFunction, checkOptions } from '../validation/input-checks.js'
import { checkDeals } from './check-deals.js'
import type { PipelineDeal } from './pipeline-types.js'

/** Options of {@link conversionBySource}. */
export interface ConversionBySourceOptions {
  /** Grouping key; default the deal's `source` (missing → `'(none)'`). Use it for owner, team, region… */
  readonly groupBy?: (deal: PipelineDeal) => string | null | undefined
}

/** Conversion of one source. */
export interface SourceConversion {
  /** The source (or group). */
  readonly source: string
  /** Deals from it. */
  readonly deals: number
  /** Still open. */
  readonly open: number
  /** Won. */
  readonly won: number
  /** Lost. */
  readonly lost: number
  /** `won / (won + lost)`, or `null` without closed deals. */
  readonly winRate: number | null
  /** `won / deals`: share of all its deals already won. */
  readonly conversionRate: number
  /** Σ amount won. */
  readonly wonAmount: number
}

/**
 * Win rate and conversion by lead source (or any grouping), most deals first (ties by name).
 *
 * @throws `AnalyticsError` `INVALID_INPUT` for malformed deals, an unknown option, or a `groupBy` that returns
 * something other than a string, `null` or `undefined`.
 *
 * @example
 * ```ts
 * conversionBySource(deals)
 * // [{ source: 'referral', deals: 40, won: 14, lost: 10, winRate: 0.58, conversionRate: 0.35, ... }, ...]
 * conversionBySource(deals, { groupBy: (d) => ownerOf(d.id) })
 * ```
 */
export function conversionBySource(
  deals: readonly PipelineDeal[],
  options: ConversionBySourceOptions = {},
): SourceConversion[] {
  checkDeals(deals)
  checkOptions(options, 'options', ['groupBy'])
  const groupBy =
    options.groupBy === undefined
      ? undefined
      : checkFunction<NonNullable<ConversionBySourceOptions['groupBy']>>(options.groupBy, 'options.groupBy')
  const groups = new Map<
    string,
    { deals: number; open: number; won: number; lost: number; wonAmount: number }
  >()
  deals.forEach((d, index) => {
    const key = (groupBy ? groupBy(d) : d.source) ?? '(none)'
    if (typeof key !== 'string') {
      throw new AnalyticsError('INVALID_INPUT', `options.groupBy returned a non-string for deals[${index}]`, {
        index,
        field: 'groupBy',
      })
    }
    const g = groups.get(key) ?? { deals: 0, open: 0, won: 0, lost: 0, wonAmount: 0 }
    g.deals++
    g[d.status]++
    if (d.status === 'won') g.wonAmount += d.amount
    groups.set(key, g)
  })
  return [...groups.entries()]
    .map(([source, g]) => ({
      source,
      ...g,
      winRate: g.won + g.lost === 0 ? null : g.won / (g.won + g.lost),
      conversionRate: g.won / g.deals,
    }))
    .sort((a, b) => b.deals - a.deals || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0))
}
