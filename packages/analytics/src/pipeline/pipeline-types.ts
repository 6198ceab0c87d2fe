import type { EntityId } from '../rfm/compare-ids.js'
import type { TimeInput } from '../rfm/to-epoch-ms.js'

/** Where a deal stands. */
export type DealStatus = 'open' | 'won' | 'lost'

/**
 * Salesforce-style forecast categories, spelt exactly as `@rapport/core` stores them on deals and pipeline stages
 * (`best_case` with an underscore), so a deal read from the CRM needs no translation.
 */
export type ForecastCategory = (typeof FORECAST_CATEGORIES)[number]

/** Every {@link ForecastCategory}, in forecast order (the vocabulary of `@rapport/core`'s `forecastCategory`). */
export const FORECAST_CATEGORIES = ['pipeline', 'best_case', 'commit', 'closed', 'omitted'] as const

/** A deal (opportunity) as pipeline analytics sees it. */
export interface PipelineDeal {
  /** Deal id. */
  readonly id: EntityId
  /** Open, won or lost. */
  readonly status: DealStatus
  /** Deal value (finite). */
  readonly amount: number
  /** When the deal was created. */
  readonly createdAt: TimeInput
  /** When it was won or lost (needed for cycle times and for placing won deals in forecast periods). */
  readonly closedAt?: TimeInput | null
  /** Expected close date of an open deal (places it in a forecast period). */
  readonly expectedCloseAt?: TimeInput | null
  /**
   * Win probability as a fraction in 0–1 (not percent: core stores 0–100, and `toPipelineDeals` from `@rapport/core` converts); falls
   * back to the stage's probability where a function asks for one.
   */
  readonly probability?: number | null
  /** Current stage id (for a lost deal: the stage it was lost in). */
  readonly stage?: string | null
  /** Lead source, e.g. `'referral'`. */
  readonly source?: string | null
  /**
   * Explicit forecast category in core's vocabulary (`'best_case'`, not `'best-case'`); derived from the status and
   * probability when absent.
   */
  readonly forecastCategory?: ForecastCategory | null
}

/** One stage change: the deal entered `stage` at `enteredAt` (include the first stage too). */
export interface StageHistoryEntry {
  /** The deal. */
  readonly dealId: EntityId
  /** The stage entered. */
  readonly stage: string
  /** When it was entered. */
  readonly enteredAt: TimeInput
}
