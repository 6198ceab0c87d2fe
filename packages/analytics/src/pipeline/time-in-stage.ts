import type { EntityId } from '../rfm/compare-ids.js'
import { compareIds } from '../rfm/compare-ids.js'
import type { TimeInput } from '../rfm/to-epoch-ms.js'
import { DAY_MS, toEpochMs } from '../rfm/to-epoch-ms.js'
import {
  checkArray,
  checkId,
  checkNumber,
  checkObject,
  checkOptions,
  checkString,
  optionalNumber,
} from '../validation/input-checks.js'
import { checkDeals, checkHistory } from './check-deals.js'
import type { PipelineDeal, StageHistoryEntry } from './pipeline-types.js'
import { median } from './win-rate.js'

/** One continuous stay of a deal in a stage. */
export interface StageStint {
  /** The deal. */
  readonly dealId: EntityId
  /** The stage. */
  readonly stage: string
  /** Epoch ms it entered. */
  readonly enteredAt: number
  /** Epoch ms it left (next stage change, or close), or `null` while it is still there. */
  readonly exitedAt: number | null
  /** Days in the stage (until `asOf` for a current stint). */
  readonly days: number
}

/** Options of {@link stageStints}. */
export interface StageStintOptions {
  /** "Now" for stints still running; default: the latest date in the history and deals. */
  readonly asOf?: TimeInput
}

/**
 * Turns stage-change history into stints: each entry lasts until the deal's next entry; the last one ends when the deal
 * closed (if its `closedAt` is known) or is still running at `asOf`. Entries of the same deal at the same instant keep
 * their input order. Stints are sorted by deal id, then time.
 *
 * @throws `AnalyticsError` `INVALID_INPUT` for malformed history or deals, an invalid date or an unknown option.
 *
 * @example
 * ```ts
 * stageStints(history, deals, { asOf: new Date() }).filter((s) => s.exitedAt === null) // where deals are now
 * ```
 */
export function stageStints(
  history: readonly StageHistoryEntry[],
  deals: readonly PipelineDeal[] = [],
  options: StageStintOptions = {},
): StageStint[] {
  checkHistory(history)
  checkDeals(deals)
  checkOptions(options, 'options', ['asOf'])
  const entries = history.map((h, index) => ({
    dealId: h.dealId,
    stage: h.stage,
    at: toEpochMs(h.enteredAt, `history[${index}].enteredAt`, { index }),
    index,
  }))
  const closedAt = new Map<EntityId, number>()
  deals.forEach((d, index) => {
    if (d.status !== 'open' && d.closedAt != null) {
      closedAt.set(d.id, toEpochMs(d.closedAt, `deals[${index}].closedAt`, { index }))
    }
  })
  const asOf =
    options.asOf === undefined
      ? [...closedAt.values()].reduce(
          (m, t) => Math.max(m, t),
          entries.reduce((m, e) => Math.max(m, e.at), -Infinity),
        )
      : toEpochMs(options.asOf, 'asOf')
  entries.sort((a, b) => compareIds(a.dealId, b.dealId) || a.at - b.at || a.index - b.index)
  const out: StageStint[] = []
  entries.forEach((e, i) => {
    const next = entries[i + 1]
    const sameDeal = next !== undefined && next.dealId === e.dealId
    const exitedAt = sameDeal ? next.at : (closedAt.get(e.dealId) ?? null)
    const end = exitedAt ?? asOf
    out.push({
      dealId: e.dealId,
      stage: e.stage,
      enteredAt: e.at,
      exitedAt,
      days: Math.max(0, end - e.at) / DAY_MS,
    })
  })
  return out
}

/** Duration statistics of one stage over completed stints. */
export interface StageDurationStats {
  /** The stage. */
  readonly stage: string
  /** Completed stints. */
  readonly count: number
  /** Mean days. */
  readonly meanDays: number
  /** Median days. */
  readonly medianDays: number
}

/**
 * Mean and median days per stage over completed stints (running stints are excluded so they do not bias it down),
 * sorted by stage id.
 *
 * @throws `AnalyticsError` `INVALID_INPUT` for a malformed stint (as {@link stageStints} returns them: a deal id, a
 * stage, finite `enteredAt`, `exitedAt` finite or `null` and not before `enteredAt`, `days` finite and ≥ 0).
 *
 * @example
 * ```ts
 * stageDurationStats(stageStints(history, deals))
 * ```
 */
export function stageDurationStats(stints: readonly StageStint[]): StageDurationStats[] {
  checkStints(stints)
  const byStage = new Map<string, number[]>()
  for (const s of stints) {
    if (s.exitedAt === null) continue
    const list = byStage.get(s.stage) ?? []
    list.push(s.days)
    byStage.set(s.stage, list)
  }
  return [...byStage.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([stage, days]) => ({
      stage,
      count: days.length,
      meanDays: days.reduce((s, d) => s + d, 0) / days.length,
      medianDays: median(days)!,
    }))
}

function checkStints(stints: readonly StageStint[]): void {
  checkArray(stints, 'stints')
  stints.forEach((s, index) => {
    const at = `stints[${index}]`
    checkObject(s, at)
    checkId(s.dealId, `${at}.dealId`, { index })
    checkString(s.stage, `${at}.stage`)
    const entered = checkNumber(s.enteredAt, `${at}.enteredAt`, {}, { index })
    if (s.exitedAt !== null) checkNumber(s.exitedAt, `${at}.exitedAt`, { min: entered }, { index })
    checkNumber(s.days, `${at}.days`, { min: 0 }, { index })
  })
}

/** Options of {@link stalledDeals}. */
export interface StalledDealOptions extends StageStintOptions {
  /** A deal is stalled after more than `factor` × the stage median; a finite number ≥ 1, default 2. */
  readonly factor?: number
  /** Completed stints a stage needs before its median is trusted; an integer ≥ 1, default 5. */
  readonly minSamples?: number
}

/** An open deal that has sat in its stage too long. */
export interface StalledDeal {
  /** The deal. */
  readonly dealId: EntityId
  /** Its current stage. */
  readonly stage: string
  /** Days in the stage so far. */
  readonly daysInStage: number
  /** The stage's median over completed stints. */
  readonly stageMedianDays: number
  /** `daysInStage / stageMedianDays`. */
  readonly ratio: number
}

/**
 * Open deals whose current stint is longer than `factor` × the stage's median completed stint, most stalled first.
 * Stages with fewer than `minSamples` completed stints are never flagged.
 *
 * @throws `AnalyticsError` `INVALID_INPUT` for malformed deals or history, an invalid date or a bad option.
 *
 * @example
 * ```ts
 * stalledDeals(deals, history, { asOf: new Date(), factor: 2 })
 * // [{ dealId: 'd17', stage: 'proposal', daysInStage: 64, stageMedianDays: 12, ratio: 5.3 }, ...]
 * ```
 */
export function stalledDeals(
  deals: readonly PipelineDeal[],
  history: readonly StageHistoryEntry[],
  options: StalledDealOptions = {},
): StalledDeal[] {
  checkOptions(options, 'options', ['asOf', 'factor', 'minSamples'])
  const factor = optionalNumber(options.factor, 'options.factor', 2, { min: 1 })
  const minSamples = optionalNumber(options.minSamples, 'options.minSamples', 5, { min: 1, integer: true })
  const stints = stageStints(history, deals, options.asOf === undefined ? {} : { asOf: options.asOf })
  const stats = new Map(stageDurationStats(stints).map((s) => [s.stage, s]))
  const open = new Set(deals.filter((d) => d.status === 'open').map((d) => d.id))
  const current = new Map<EntityId, StageStint>()
  for (const s of stints) if (open.has(s.dealId) && s.exitedAt === null) current.set(s.dealId, s)
  const out: StalledDeal[] = []
  for (const s of current.values()) {
    const st = stats.get(s.stage)
    if (!st || st.count < minSamples) continue
    if (s.days > factor * st.medianDays) {
      out.push({
        dealId: s.dealId,
        stage: s.stage,
        daysInStage: s.days,
        stageMedianDays: st.medianDays,
        ratio: st.medianDays > 0 ? s.days / st.medianDays : Infinity,
      })
    }
  }
  return out.sort((a, b) => b.ratio - a.ratio || compareIds(a.dealId, b.dealId))
}
