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
  const groups = new Map<
    string,
    { deals: number; open: number; won: number; lost: number; wonAmount: number }
  >()
  for (const d of deals) {
    const key = (options.groupBy ? options.groupBy(d) : d.source) ?? '(none)'
    const g = groups.get(key) ?? { deals: 0, open: 0, won: 0, lost: 0, wonAmount: 0 }
    g.deals++
    g[d.status]++
    if (d.status === 'won') g.wonAmount += d.amount
    groups.set(key, g)
  }
  return [...groups.entries()]
    .map(([source, g]) => ({
      source,
      ...g,
      winRate: g.won + g.lost === 0 ? null : g.won / (g.won + g.lost),
      conversionRate: g.won / g.deals,
    }))
    .sort((a, b) => b.deals - a.deals || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0))
}
