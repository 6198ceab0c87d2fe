/** Brand shared by every copy of this package, so {@link isAnalyticsError} works across duplicate installs. */
const ANALYTICS_ERROR_BRAND = Symbol.for('rapport.analytics.error')

/**
 * The one error class `@rapport/analytics` throws for bad input or a model that cannot be fitted.
 * Branch on the stable UPPER_SNAKE `code` (for example `INVALID_INPUT`, `SEGMENT_MAP_NOT_PARTITION`), never on the message.
 *
 * @example
 * ```ts
 * try {
 *   rfmSummary(transactions, { asOf: new Date('2026-01-01') })
 * } catch (err) {
 *   if (isAnalyticsError(err, 'INVALID_INPUT')) console.error(err.details)
 * }
 * ```
 */
export class AnalyticsError extends Error {
  /** Stable UPPER_SNAKE code. */
  readonly code: string
  /** Structured, JSON-serialisable details (offending index, field, codes…). */
  readonly details: Record<string, unknown>

  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(message)
    this.name = 'AnalyticsError'
    this.code = code
    this.details = details
    Object.defineProperty(this, ANALYTICS_ERROR_BRAND, { value: true })
  }

  /** A plain object for logs and API responses. */
  toJSON(): { name: string; code: string; message: string; details: Record<string, unknown> } {
    return { name: this.name, code: this.code, message: this.message, details: this.details }
  }
}

/**
 * True for any {@link AnalyticsError} (also one thrown by another copy of the package), optionally with the given code.
 *
 * @example
 * ```ts
 * if (isAnalyticsError(err, 'INVALID_INPUT')) return null
 * ```
 */
export function isAnalyticsError(value: unknown, code?: string): value is AnalyticsError {
  if (typeof value !== 'object' || value === null) return false
  if ((value as Record<symbol, unknown>)[ANALYTICS_ERROR_BRAND] !== true) return false
  return code === undefined || (value as AnalyticsError).code === code
}
