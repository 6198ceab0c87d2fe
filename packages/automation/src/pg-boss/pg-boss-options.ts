import type { RetryPolicy } from '@rapport/core/retry'
import type { PgBoss } from 'pg-boss'

// What createPgBossQueue is configured with, and the settings it puts on each pg-boss queue.

/**
 * A {@link RetryPolicy} in pg-boss' terms: retries after the first attempt, delays in whole seconds (at least 1),
 * exponential backoff. pg-boss' own backoff formula applies between attempts (it adds jitter).
 */
export function pgBossRetry(
  policy: RetryPolicy,
): Pick<QueueSettings, 'retryLimit' | 'retryDelay' | 'retryBackoff' | 'retryDelayMax'> {
  return {
    retryLimit: policy.maxAttempts - 1,
    retryDelay: Math.max(1, Math.ceil(policy.baseDelayMs / 1000)),
    retryBackoff: true,
    retryDelayMax: Math.max(1, Math.ceil(policy.maxDelayMs / 1000)),
  }
}

/** Options of {@link createPgBossQueue}. */
export interface PgBossQueueOptions {
  /** A pg-boss instance; the queue starts it on `start()` and stops it on `stop()` unless it was already started. */
  readonly boss: PgBoss
  /**
   * How jobs are retried: attempts before a job is dead-lettered and the backoff between them (default
   * `DEFAULT_JOB_RETRY`: 5 attempts, 1 s doubling up to 1 h). pg-boss counts delays in whole seconds, so
   * delays are rounded up to at least 1 s. A job's own `retry` overrides it per field.
   */
  readonly retry?: Partial<RetryPolicy>
  /** How often the outbox relay runs, in milliseconds (default 500). */
  readonly relayMs?: number
  /** Jobs fetched per worker poll (default 10). */
  readonly batchSize?: number
  /** Worker polling interval in seconds (default 0.5). */
  readonly pollingIntervalSeconds?: number
  /** How long a relay claim on an outbox row lasts before another process may relay it (default 30 s). */
  readonly leaseMs?: number
  /**
   * pg-boss `heartbeatSeconds` of the queues (default 30, at least 10): a worker refreshes each job it holds every
   * half of this; a job whose worker died (SIGKILL, OOM, a lost machine) stops being refreshed and pg-boss' monitor
   * fails it after this long, so another worker retries it. The monitor runs every `monitorIntervalSeconds` /
   * `superviseIntervalSeconds` of your `PgBoss` instance (pg-boss' default 60), which adds to the delay.
   */
  readonly heartbeatSeconds?: number
  /**
   * pg-boss `expireInSeconds` of the queues (default 300): the longest a fetched batch of jobs may run before
   * pg-boss fails it for a retry, even when its worker is alive (a handler stuck on a hung call). Keep it above
   * `batchSize` × the slowest step (e.g. webhook timeouts). pg-boss' own default is 900.
   */
  readonly expireInSeconds?: number
}

/** What {@link createPgBossQueue} sets on each pg-boss queue it creates (or updates when they differ). */
export interface QueueSettings {
  readonly retryLimit: number
  readonly retryDelay: number
  readonly retryBackoff: true
  readonly retryDelayMax: number
  readonly expireInSeconds: number
  readonly heartbeatSeconds: number
}
