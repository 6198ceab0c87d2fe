import type { SqlDialect } from './sql-dialect.js'

/**
 * The retry budget for `busy` errors (a locked SQLite file, an exhausted pool): how many extra attempts, and the
 * first back-off delay, doubled after every attempt (with jitter). Beyond the budget the error becomes
 * `STORAGE_BUSY`.
 */
export interface BusyRetryPolicy {
  /** Extra attempts after the first one (default 5). `0` disables retries. */
  readonly retries: number
  /** The first back-off delay in milliseconds (default 20). */
  readonly initialDelayMs: number
  /** The largest back-off delay in milliseconds (default 1000). */
  readonly maxDelayMs: number
}

/** The default {@link BusyRetryPolicy}. */
export const DEFAULT_BUSY_RETRY: BusyRetryPolicy = Object.freeze({
  retries: 5,
  initialDelayMs: 20,
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
  policy: BusyRetryPolicy,
): Promise<T> {
  let delay = policy.initialDelayMs
  for (let tries = 0; ; tries++) {
    try {
      return await attempt()
    } catch (error) {
      if (tries >= policy.retries || dialect.classifyError(error) !== 'busy') throw error
      await sleep(Math.min(policy.maxDelayMs, delay) * (0.5 + Math.random() / 2))
      delay *= 2
    }
  }
}
