import { RapportError } from '@rapport/core'

/** The error codes of `@rapport/marketing` (plugin codes `MARKETING_*`, also listed in `crm.errorCodes`). */
export const MarketingErrorCodes = {
  /** A segment is malformed: unknown entity, a kind without its filter, a changed kind or entity, a missing member. */
  MARKETING_INVALID_SEGMENT: 'MARKETING_INVALID_SEGMENT',
  /** A segment includes or excludes itself, directly or through other segments. */
  MARKETING_SEGMENT_CYCLE: 'MARKETING_SEGMENT_CYCLE',
  /** A campaign, campaign member or targeting request is malformed. */
  MARKETING_INVALID_CAMPAIGN: 'MARKETING_INVALID_CAMPAIGN',
  /** An email event (webhook payload or CSV row) is malformed or names an unknown campaign member. */
  MARKETING_INVALID_EVENT: 'MARKETING_INVALID_EVENT',
  /** A KPI definition or alert rule is malformed. */
  MARKETING_INVALID_KPI: 'MARKETING_INVALID_KPI',
  /** A KPI period is malformed: unknown unit, a start not on a period boundary, or a period not over yet. */
  MARKETING_INVALID_PERIOD: 'MARKETING_INVALID_PERIOD',
  /** A survey response is malformed: unknown kind, a score out of the kind's range. */
  MARKETING_INVALID_SURVEY: 'MARKETING_INVALID_SURVEY',
  /** A ticket already has a different response of this kind (the first answer stands). */
  MARKETING_DUPLICATE_RESPONSE: 'MARKETING_DUPLICATE_RESPONSE',
} as const

/** One of the marketing error codes. */
export type MarketingErrorCode = keyof typeof MarketingErrorCodes

/** The plugin's `errorCodes` (without the `MARKETING_` prefix core adds). */
export const marketingErrorDescriptions: Readonly<Record<string, string>> = {
  INVALID_SEGMENT: 'A segment is malformed',
  SEGMENT_CYCLE: 'A segment includes or excludes itself through other segments',
  INVALID_CAMPAIGN: 'A campaign or targeting request is malformed',
  INVALID_EVENT: 'An email event is malformed or names an unknown member',
  INVALID_KPI: 'A KPI definition or alert rule is malformed',
  INVALID_PERIOD: 'A KPI period is malformed or not over yet',
  INVALID_SURVEY: 'A survey response is malformed',
  DUPLICATE_RESPONSE: 'A ticket already has a different response of this kind',
}

/** @internal */
export function marketingError(
  code: MarketingErrorCode,
  message: string,
  details?: Record<string, unknown>,
): RapportError {
  return new RapportError(code, message, details ? { details } : {})
}
