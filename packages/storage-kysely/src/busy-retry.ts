import type { RetryPolicy } from '@rapport/core/retry'
import { halfJitter, retryDelay } from '@rapport/core/retry'
import type { SqlDialect } from './sql-dialect.js'

/**
 * The default retry of `busy` errors (a locked SQLite file, an exhausted pool): 6 attempts in all, 20 ms after the
 * first failure, doubling up to 1 s, each delay jittered into [50 %, 100 %). Beyond it the error becomes
 * `STORAGE_BUSY`. The shape is core's one {@link RetryPolicy}.
 */
export const DEFAULT_BUSY_RETRY: RetryPolicy = Object.freeze({
  maxAttempts: 6,
  baseDelayMs: 20,
  maxDelayMs: 1000,
})

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Runs `attempt` and runs it again while it fails with a `busy` error, within `policy`. Only use it for work that is
 * safe to repeat: a statement outside a transaction, or a whole transaction that failed before committing.
 *
 * @example
 * ```ts
 * const rows = await withBusyRetry(() => db.selectFrom('contact').selectAll().execute(), dialect, DEFAULT_BUSY_RETRY)
 * ```
 */
export async function withBusyRetry<T>(
  attempt: () => Promise<T>,
  dialect: SqlDialect,
  policy: RetryPolicy,
): Promise<T> {
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return await attempt()
    } catch (error) {
      if (attemptNumber >= policy.maxAttempts || dialect.classifyError(error) !== 'busy') throw error
      await sleep(retryDelay(attemptNumber, policy, halfJitter()))
    }
  }
}
