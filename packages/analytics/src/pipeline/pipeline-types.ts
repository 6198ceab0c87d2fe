import type { EntityId } from '../rfm/compare-ids.js'
import type { TimeInput } from '../rfm/to-epoch-ms.js'

/** Where a deal stands. */
export type DealStatus = 'open' | 'won' | 'lost'

/** Salesforce-style forecast categories. */
export type ForecastCategory = 'pipeline' | 'best-case' | 'commit' | 'closed' | 'omitted'

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
  /** Win probability in 0–1; falls back to the stage's probability where a function asks for one. */
  readonly probability?: number | null
  /** Current stage id (for a lost deal: the stage it was lost in). */
  readonly stage?: string | null
  /** Lead source, e.g. `'referral'`. */
  readonly source?: string | null
  /** Explicit forecast category; derived from the status and probability when absent. */
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
