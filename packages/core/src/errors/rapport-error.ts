import type { RapportErrorCode } from './error-codes.js'

/** Brand shared by every copy of this package, so `isRapportError` works across duplicate installs. */
const RAPPORT_ERROR_BRAND = Symbol.for('rapport.error')

/** One failing field of a `VALIDATION_FAILED` error. */
export interface ValidationIssue {
  /** Path to the failing value, e.g. `['emails', 0, 'address']`. */
  readonly path: readonly (string | number)[]
  /** Human-readable reason. */
  readonly message: string
  /** Machine-readable reason, e.g. `invalid_type`, `unrecognized_keys`, `too_big`. */
  readonly code: string
}

/** Options accepted by the {@link RapportError} constructor. */
export interface RapportErrorOptions {
  /** Structured, JSON-serialisable details (field issues, guard names, versions). */
  readonly details?: Record<string, unknown>
  /** The underlying error, typically a driver error. */
  readonly cause?: unknown
}

/**
 * The one error class Rapport throws. Branch on the stable `code`, not on the message.
 *
 * @example
 * ```ts
 * try {
 *   await crm.deals.update(id, { name: 'Renewal' }, { expectedVersion: 3 })
 * } catch (err) {
 *   if (isRapportError(err) && err.code === 'VERSION_CONFLICT') {
 *     // reload and retry
 *   }
 * }
 * ```
 */
export class RapportError extends Error {
  /** Stable UPPER_SNAKE code, e.g. `VERSION_CONFLICT`. */
  readonly code: RapportErrorCode
  /** Structured details; for `VALIDATION_FAILED` this holds `issues: ValidationIssue[]`. */
  readonly details: Record<string, unknown>

  constructor(code: RapportErrorCode, message: string, options: RapportErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'RapportError'
    this.code = code
    this.details = options.details ?? {}
    Object.defineProperty(this, RAPPORT_ERROR_BRAND, { value: true })
  }

  /** The per-field issues of a `VALIDATION_FAILED` error; empty for other codes. */
  get issues(): readonly ValidationIssue[] {
    const issues = this.details['issues']
    return Array.isArray(issues) ? (issues as ValidationIssue[]) : []
  }

  /** A plain object for logs and API responses; never includes the `cause` chain. */
  toJSON(): { name: string; code: string; message: string; details: Record<string, unknown> } {
    return { name: this.name, code: this.code, message: this.message, details: this.details }
  }
}

/**
 * True for any `RapportError`, including one thrown by a different copy of `@rapport/core`.
 *
 * @example
 * ```ts
 * if (isRapportError(err, 'NOT_FOUND')) return null
 * ```
 */
export function isRapportError(value: unknown, code?: RapportErrorCode): value is RapportError {
  if (typeof value !== 'object' || value === null) return false
  if ((value as Record<symbol, unknown>)[RAPPORT_ERROR_BRAND] !== true) return false
  return code === undefined || (value as RapportError).code === code
}
