/**
 * `@rapport/core/retry`: the one retry vocabulary of Rapport ({@link RetryPolicy}: attempts, base and largest delay),
 * shared by the storage adapters and the job queues.
 *
 * @example
 * ```ts
 * import { halfJitter, retryDelay, type RetryPolicy } from '@rapport/core/retry'
 *
 * const policy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 }
 * const wait = retryDelay(3, policy, halfJitter()) // between 200 and 400 ms
 * ```
 *
 * @module
 */

export { halfJitter, type RetryPolicy, resolveRetryPolicy, retryDelay } from './retry-policy.js'
