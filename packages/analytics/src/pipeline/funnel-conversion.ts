import { AnalyticsError } from '../clv/analytics-error.js'
import type { EntityId } from '../rfm/compare-ids.js'
import { checkArray, checkOptions, checkString, optionalBoolean } from '../validation/input-checks.js'
import { checkDeals, checkHistory } from './check-deals.js'
import type { PipelineDeal, StageHistoryEntry } from './pipeline-types.js'

/** Options of {@link funnelConversion}. */
export interface FunnelOptions {
  /** The funnel's stages in order, e.g. `['lead', 'qualified', 'proposal', 'negotiation']`. */
  readonly stages: readonly string[]
  /** Count won deals as having reached every stage (default true): CRMs often skip stages on the way to won. */
  readonly wonReachesAllStages?: boolean
}

/** One step of the funnel. */
export interface FunnelStep {
  /** The stage. */
  readonly stage: string
  /** Deals that reached this stage or a later one. */
  readonly reached: number
  /** `reached / reached of the previous stage`; `null` for the first stage or when the previous reached none. */
  readonly conversionFromPrevious: number | null
  /** `reached / reached of the first stage`; `null` when the first stage reached none. */
  readonly conversionFromStart: number | null
  /** Deals that reached the previous stage but not this one (0 for the first stage). */
  readonly dropOff: number
}

/** Result of {@link funnelConversion}. */
export interface FunnelResult {
  /** One step per stage, in funnel order. */
  readonly steps: readonly FunnelStep[]
  /** Deals in the funnel (reached at least the first stage). */
  readonly deals: number
  /** Of those, won. */
  readonly won: number
  /** Deals never seen in any funnel stage (and not won), left out. */
  readonly unstaged: number
}

/**
 * Stage-to-stage funnel conversion. A deal "reached" a stage when it was ever in it or in any later stage of the
 * funnel (from the stage history and its current stage), so skipped stages count as passed; by default won deals
 * reach every stage. Stages outside the list (e.g. "won"/"lost" columns) and history of deals not in `deals` are
 * ignored.
 *
 * @throws `AnalyticsError` `INVALID_INPUT` for duplicate or empty stage ids, malformed deals or history, or a bad
 * option.
 *
 * @example
 * ```ts
 * import { funnelConversion } from '@rapport/analytics/pipeline'
 *
 * const { steps } = funnelConversion(deals, history, { stages: ['lead', 'qualified', 'proposal'] })
 * steps.map((s) => `${s.stage}: ${s.reached} (${((s.conversionFromPrevious ?? 1) * 100).toFixed(0)}%)`)
 * ```
 */
export function funnelConversion(
  deals: readonly PipelineDeal[],
  history: readonly StageHistoryEntry[],
  options: FunnelOptions,
): FunnelResult {
  checkDeals(deals)
  checkHistory(history)
  checkOptions(options, 'options', ['stages', 'wonReachesAllStages'], { required: true })
  const wonReachesAllStages = optionalBoolean(
    options.wonReachesAllStages,
    'options.wonReachesAllStages',
    true,
  )
  const index = new Map<string, number>()
  checkArray<string>(options.stages, 'options.stages').forEach((s, i) => {
    checkString(s, `options.stages[${i}]`)
    if (index.has(s)) throw new AnalyticsError('INVALID_INPUT', `duplicate stage ${s}`, { stage: s })
    index.set(s, i)
  })
  const furthest = new Map<EntityId, number>()
  const see = (id: EntityId, stage: string | null | undefined) => {
    const i = stage == null ? undefined : index.get(stage)
    if (i !== undefined && i > (furthest.get(id) ?? -1)) furthest.set(id, i)
  }
  const known = new Set(deals.map((d) => d.id))
  for (const h of history) if (known.has(h.dealId)) see(h.dealId, h.stage)
  const last = options.stages.length - 1
  let won = 0
  let unstaged = 0
  const reachedCounts = new Array<number>(options.stages.length).fill(0)
  for (const d of deals) {
    see(d.id, d.stage)
    if (d.status === 'won' && wonReachesAllStages && last >= 0) furthest.set(d.id, last)
    const f = furthest.get(d.id)
    if (f === undefined) {
      unstaged++
      continue
    }
    if (d.status === 'won') won++
    for (let i = 0; i <= f; i++) reachedCounts[i]! += 1
  }
  const first = reachedCounts[0] ?? 0
  const steps = options.stages.map((stage, i) => {
    const reached = reachedCounts[i]!
    const previous = i === 0 ? null : reachedCounts[i - 1]!
    return {
      stage,
      reached,
      conversionFromPrevious: previous ? reached / previous : null,
      conversionFromStart: first ? reached / first : null,
      dropOff: previous === null ? 0 : previous - reached,
    }
  })
  return { steps, deals: first, won, unstaged }
}
