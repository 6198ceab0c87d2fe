import { RapportError } from '../errors/rapport-error.js'

/**
 * How a transient failure is retried: the one retry vocabulary of Rapport. The storage adapters (a locked SQLite
 * file, a Postgres serialization failure or deadlock, an exhausted pool) and the job queues (a failed automation
 * step or webhook) all take this shape, so "how many times, and how long between" reads the same everywhere.
 *
 * The delay before attempt `n + 1` is {@link retryDelay}: `min(maxDelayMs, baseDelayMs × 2^(n − 1))`, optionally
 * jittered by the caller.
 */
export interface RetryPolicy {
  /** Attempts in all, the first one included. `1` disables retrying. */
  readonly maxAttempts: number
  /** The delay after the first failed attempt, in milliseconds. */
  readonly baseDelayMs: number
  /** The largest delay between two attempts, in milliseconds. */
  readonly maxDelayMs: number
}

/**
 * The delay after failed attempt number `attempt` (1 for the first): `min(maxDelayMs, baseDelayMs × 2^(attempt − 1))`.
 * Pass `jitter` (a factor, e.g. `0.5 + Math.random() / 2`) to spread retries of concurrent callers apart.
 *
 * @example
 * ```ts
 * retryDelay(3, { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 }) // 400
 * ```
 */
export function retryDelay(attempt: number, policy: RetryPolicy, jitter = 1): number {
  const exponent = Math.max(0, attempt - 1)
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent) * jitter
}

/** The jitter factor the storage adapters use: uniform in [0.5, 1). */
export const halfJitter = (): number => 0.5 + Math.random() / 2

/**
 * Fills a partial {@link RetryPolicy} from `defaults` and validates it: `maxAttempts` an integer ≥ 1, delays finite
 * and ≥ 0, `maxDelayMs ≥ baseDelayMs`. A bad value is `RapportError('INVALID_CONFIG')` naming `where` and the field,
 * so a typo in an adapter's options fails at construction, not at the first busy database.
 *
 * @example
 * ```ts
 * const retry = resolveRetryPolicy(options.retry, { maxAttempts: 6, baseDelayMs: 20, maxDelayMs: 1_000 }, 'createSqliteStorage')
 * ```
 */
export function resolveRetryPolicy(
  input: Partial<RetryPolicy> | undefined,
  defaults: RetryPolicy,
  where: string,
): RetryPolicy {
  if (input !== undefined && (input === null || typeof input !== 'object' || Array.isArray(input))) {
    throw new RapportError('INVALID_CONFIG', `${where}: retry must be an object`, {
      details: { retry: input },
    })
  }
  const known = new Set(['maxAttempts', 'baseDelayMs', 'maxDelayMs'])
  for (const key of Object.keys(input ?? {})) {
    if (!known.has(key)) {
      throw new RapportError('INVALID_CONFIG', `${where}: unknown retry option "${key}"`, {
        details: { option: key, expected: [...known] },
      })
    }
  }
  const policy = { ...defaults, ...stripUndefined(input ?? {}) }
  const bad = (field: string, rule: string) =>
    new RapportError('INVALID_CONFIG', `${where}: retry.${field} must be ${rule}`, {
      details: { option: `retry.${field}`, value: policy[field as keyof RetryPolicy] },
    })
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1)
    throw bad('maxAttempts', 'an integer ≥ 1')
  if (!Number.isFinite(policy.baseDelayMs) || policy.baseDelayMs < 0) throw bad('baseDelayMs', 'a number ≥ 0')
  if (!Number.isFinite(policy.maxDelayMs) || policy.maxDelayMs < policy.baseDelayMs) {
    throw bad('maxDelayMs', 'a number ≥ baseDelayMs')
  }
  return Object.freeze(policy)
}

function stripUndefined(input: Partial<RetryPolicy>): Partial<RetryPolicy> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined))
}
