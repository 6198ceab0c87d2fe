import { AnalyticsError } from '../clv/analytics-error.js'
import { toEpochMs } from '../rfm/to-epoch-ms.js'
import {
  checkArray,
  checkEnum,
  checkId,
  checkNumber,
  checkObject,
  checkString,
  checkUniqueIds,
} from '../validation/input-checks.js'
import type { PipelineDeal, StageHistoryEntry } from './pipeline-types.js'
import { FORECAST_CATEGORIES } from './pipeline-types.js'

const STATUSES = ['open', 'won', 'lost'] as const

/**
 * Validates every field of every deal, so each pipeline function rejects the same malformed deal the same way: an
 * id (string or finite number, unique), a status of `'open'`, `'won'` or `'lost'`, a finite amount, a valid
 * `createdAt`, valid optional dates, a probability in 0–1, a non-empty stage, a string source and a forecast category
 * of core's vocabulary. Throws `AnalyticsError` `INVALID_INPUT` naming the deal's index and field, or `DUPLICATE_ID`.
 *
 * @internal
 */
export function checkDeals(deals: readonly PipelineDeal[]): void {
  checkArray(deals, 'deals')
  deals.forEach((d, index) => {
    const at = `deals[${index}]`
    checkObject(d, at, { index })
    checkId(d.id, `${at}.id`, { index })
    checkEnum(d.status, `${at}.status`, STATUSES, { index })
    checkNumber(d.amount, `${at}.amount`, {}, { index })
    toEpochMs(d.createdAt, `${at}.createdAt`, { index, field: 'createdAt' })
    if (d.closedAt != null) toEpochMs(d.closedAt, `${at}.closedAt`, { index, field: 'closedAt' })
    if (d.expectedCloseAt != null) {
      toEpochMs(d.expectedCloseAt, `${at}.expectedCloseAt`, { index, field: 'expectedCloseAt' })
    }
    if (d.probability != null) {
      if (typeof d.probability === 'number' && d.probability > 1 && d.probability <= 100) {
        throw new AnalyticsError(
          'INVALID_INPUT',
          `${at}.probability is ${d.probability}: analytics takes probabilities as fractions in 0–1, not percent (core stores 0–100; map CRM deals with toPipelineDeals from @rapport/core)`,
          { index, field: 'probability', value: d.probability },
        )
      }
      checkNumber(d.probability, `${at}.probability`, { min: 0, max: 1 }, { index })
    }
    if (d.stage != null) checkString(d.stage, `${at}.stage`, false, { index })
    if (d.source != null) checkString(d.source, `${at}.source`, true, { index })
    if (d.forecastCategory != null) {
      checkForecastCategory(d.forecastCategory, `${at}.forecastCategory`, { index })
    }
  })
  checkUniqueIds(
    deals.map((d) => d.id),
    'deals',
  )
}

/**
 * A forecast category of core's vocabulary. The hyphenated `'best-case'` of earlier analytics versions gets a pointed
 * message rather than being silently accepted as a second spelling.
 *
 * @internal
 */
export function checkForecastCategory(
  value: unknown,
  what: string,
  details: Record<string, unknown> = {},
): PipelineDeal['forecastCategory'] {
  if (value === 'best-case') {
    throw new AnalyticsError(
      'INVALID_INPUT',
      `${what} is 'best-case'; forecast categories use core's stored spelling 'best_case'`,
      { ...details, field: what, value, allowed: FORECAST_CATEGORIES },
    )
  }
  return checkEnum(value, what, FORECAST_CATEGORIES, details)
}

/**
 * Validates stage-history entries: a deal id (string or finite number), a non-empty stage string and a valid
 * `enteredAt`. Throws `AnalyticsError` `INVALID_INPUT` naming the entry's index.
 *
 * @internal
 */
export function checkHistory(history: readonly StageHistoryEntry[]): void {
  checkArray(history, 'history')
  history.forEach((h, index) => {
    const at = `history[${index}]`
    checkObject(h, at, { index })
    checkId(h.dealId, `${at}.dealId`, { index })
    checkString(h.stage, `${at}.stage`, false, { index })
    toEpochMs(h.enteredAt, `${at}.enteredAt`, { index, field: 'enteredAt' })
  })
}
