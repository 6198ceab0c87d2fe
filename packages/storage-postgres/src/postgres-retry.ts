import type { RapportError } from '@rapport/core'
import { halfJitter, retryDelay } from '@rapport/core/retry'
import { isRetryablePostgresError, mapPostgresError } from './postgres-error-mapper.js'
import type { ResolvedPostgresStorageOptions } from './postgres-storage-config.js'

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Runs `work` (one statement or one whole transaction) and re-runs it after serialization failures and deadlocks,
 * at most `retry.maxAttempts` times in total with jittered exponential backoff. Every error that escapes is mapped to a
 * `RapportError`; a transient one that outlives the budget becomes `STORAGE_BUSY` with `details.attempts`.
 */
export async function withPostgresRetry<T>(
  retry: ResolvedPostgresStorageOptions['retry'],
  operation: string,
  work: () => Promise<T>,
  map: (error: unknown, operation: string) => RapportError = mapPostgresError,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work()
    } catch (error) {
      if (attempt < retry.maxAttempts && isRetryablePostgresError(error)) {
        await sleep(retryDelay(attempt, retry, halfJitter()))
        continue
      }
      const mapped = map(error, operation)
      if (isRetryablePostgresError(error)) mapped.details['attempts'] = attempt
      throw mapped
    }
  }
}
