import { AnalyticsError } from '../clv/analytics-error.js'
import type { PipelineDeal, StageHistoryEntry } from './pipeline-types.js'

const STATUSES = new Set(['open', 'won', 'lost'])

/**
 * Validates the fields every pipeline function relies on: an id (string or finite number), a status of `'open'`,
 * `'won'` or `'lost'`, and a finite amount. Throws `AnalyticsError` `INVALID_INPUT` naming the deal's index.
 *
 * @internal
 */
export function checkDeals(deals: readonly PipelineDeal[]): void {
  if (!Array.isArray(deals)) throw new AnalyticsError('INVALID_INPUT', 'deals must be an array', {})
  deals.forEach((d, index) => {
    const id = d?.id
    if (!(typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)))) {
      throw new AnalyticsError('INVALID_INPUT', `deals[${index}].id must be a string or a number`, {
        index,
        field: 'id',
      })
    }
    if (!STATUSES.has(d.status)) {
      throw new AnalyticsError('INVALID_INPUT', `deals[${index}].status must be open, won or lost`, {
        index,
        field: 'status',
        value: String(d.status),
      })
    }
    if (typeof d.amount !== 'number' || !Number.isFinite(d.amount)) {
      throw new AnalyticsError('INVALID_INPUT', `deals[${index}].amount must be a finite number`, {
        index,
        field: 'amount',
      })
    }
  })
}

/**
 * Validates stage-history entries: a deal id (string or finite number) and a non-empty stage string; dates are
 * checked where they are read. Throws `AnalyticsError` `INVALID_INPUT` naming the entry's index.
 *
 * @internal
 */
export function checkHistory(history: readonly StageHistoryEntry[]): void {
  if (!Array.isArray(history)) throw new AnalyticsError('INVALID_INPUT', 'history must be an array', {})
  history.forEach((h, index) => {
    const id = h?.dealId
    if (!(typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)))) {
      throw new AnalyticsError('INVALID_INPUT', `history[${index}].dealId must be a string or a number`, {
        index,
        field: 'dealId',
      })
    }
    if (typeof h.stage !== 'string' || h.stage === '') {
      throw new AnalyticsError('INVALID_INPUT', `history[${index}].stage must be a non-empty string`, {
        index,
        field: 'stage',
      })
    }
  })
}
