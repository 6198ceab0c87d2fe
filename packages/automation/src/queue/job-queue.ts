import type { CrmServices } from '@rapport/core'
import type { RetryPolicy } from '@rapport/core/retry'
import { resolveRetryPolicy } from '@rapport/core/retry'

/** The queues' default retry: 5 attempts, 1 s after the first failure, doubling up to 1 h (core's `RetryPolicy`). */
export const DEFAULT_JOB_RETRY: RetryPolicy = Object.freeze({
  maxAttempts: 5,
  baseDelayMs: 1000,
  maxDelayMs: 3_600_000,
})

/** A job to run, now or later. */
export interface JobSpec {
  /** The handler name, e.g. `automation.step`. */
  readonly name: string
  /** JSON only. */
  readonly payload: Readonly<Record<string, unknown>>
  /** Not before this instant (default: now). */
  readonly runAt?: Date
  /** Deduplication key: a job whose key is already queued is not queued again. */
  readonly key?: string
  /**
   * How this job is retried: attempts before it goes to the dead-letter queue, and the backoff between them
   * (fields not given come from the queue's `retry`).
   */
  readonly retry?: Partial<RetryPolicy>
}

/** What a handler receives. */
export interface JobContext {
  readonly id: string
  readonly name: string
  readonly payload: Readonly<Record<string, unknown>>
  /** 1 on the first delivery. */
  readonly attempt: number
  /** The tenant whose job table holds the job. */
  readonly tenantId: string
  /**
   * Marks the job done inside `tx`, the transaction holding the handler's last effects, so the job is finished
   * exactly when they commit (one commit instead of two, and no redelivery of work already committed). Offered by
   * queues whose jobs live in the CRM's storage (the in-process queue); the queue then skips its own completion. If
   * that transaction rolls back, the job stays leased and runs again after its lease, finding its work done.
   */
  readonly complete?: (tx: CrmServices) => Promise<void>
}

/** Runs one job; a thrown error schedules a retry with backoff (or dead-letters the job after its last attempt). */
export type JobHandler = (job: JobContext) => Promise<void>

/**
 * Runs one job inside `tx`, a transaction the queue shares between several due jobs (first deliveries) and commits
 * together with their completion: every effect must stay inside `tx`. Returns `false`, before writing anything, for
 * a job it cannot run that way (one with effects outside the CRM); the queue then runs that job alone through its
 * {@link JobHandler}. A throw rolls the whole batch back and the queue runs each of its jobs alone, with the usual
 * retries. `batch` holds every job of the shared transaction in order, this one included (the same array on each
 * call of the batch), so a handler may read what the whole batch needs once, on its first call.
 */
export type TransactionalJobHandler = (
  job: JobContext,
  tx: CrmServices,
  batch: readonly JobContext[],
) => Promise<boolean>

/** Options of {@link JobQueue.work}. */
export interface WorkOptions {
  /**
   * Lets a queue whose jobs live in the CRM's storage run several due jobs of this name in one transaction: one
   * commit for the batch instead of a claim and a commit per job. Queues that cannot (pg-boss) ignore it.
   */
  readonly inTransaction?: TransactionalJobHandler
  /**
   * Runs once after the `inTransaction` handlers of a batch, in the batch's transaction, with the batch (the same
   * array the handlers received): writes the handlers left to the end of the batch go there, as one statement for
   * the batch instead of one per job. A throw rolls the batch back, as a handler's does.
   */
  readonly afterBatch?: (tx: CrmServices, batch: readonly JobContext[]) => Promise<void>
}

/** A job that exhausted its attempts, with the reason. */
export interface DeadLetter {
  readonly id: string
  readonly name: string
  readonly key: string
  readonly payload: Readonly<Record<string, unknown>>
  readonly attempts: number
  readonly tenantId: string
  /** The last error: its `code` (for `RapportError`s), `message` and `details`. */
  readonly error: Readonly<Record<string, unknown>> | null
}

/** What the automation plugin hands a queue when the CRM starts. */
export interface QueueBinding {
  /** Services of a tenant (outside any transaction). */
  servicesFor(tenantId: string): CrmServices
  /** The tenants whose jobs this process works. */
  readonly tenants: readonly string[]
  /** The clock. */
  readonly clock: () => Date
  /** Called when a job exhausts its attempts. */
  onDead?(letter: DeadLetter): Promise<void>
}

/**
 * The durable-execution port. The rules engine never touches timers: it enqueues jobs, inside the transaction of
 * the change that caused them when `options.tx` is given (the transactional outbox), and registers handlers.
 *
 * Two implementations ship: {@link createInProcessQueue} (embedded, over the CRM's own storage) and the pg-boss queue
 * for several processes on Postgres.
 */
export interface JobQueue {
  /** A short name for logs, e.g. `in-process`. */
  readonly name: string
  /** What the queue guarantees. */
  readonly capabilities: {
    /** Jobs survive a crash or restart. */
    readonly durable: boolean
    /** `enqueue({ tx })` commits or rolls back with the caller's transaction. */
    readonly transactional: boolean
    /** Several processes may work the same jobs without running one twice concurrently. */
    readonly distributed: boolean
  }
  /** Connects the queue to a CRM; called once by the automation plugin. */
  bind(binding: QueueBinding): void
  /** Queues a job; with `tx`, in that transaction (services from a hook or `crm.transaction`). */
  enqueue(spec: JobSpec, options?: { readonly tx?: CrmServices }): Promise<{ id: string; deduped: boolean }>
  /**
   * Queues several jobs at once, in order, with the semantics of one {@link JobQueue.enqueue} per spec (a spec whose
   * key is already queued is not queued again). Optional: queues whose jobs live in the CRM's storage write them with
   * one multi-row insert per call (the outbox of a batch of enrollments); the engine calls `enqueue` per spec when
   * a queue has no such form.
   */
  enqueueMany?(
    specs: readonly JobSpec[],
    options?: { readonly tx?: CrmServices },
  ): Promise<{ id: string; deduped: boolean }[]>
  /** Registers the handler of a job name (and optionally its transactional form, see {@link WorkOptions}). */
  work(name: string, handler: JobHandler, options?: WorkOptions): void
  /** Starts background processing (polling). */
  start(): Promise<void>
  /** Stops background processing and waits for jobs in flight. */
  stop(): Promise<void>
  /** Runs every job that is due now, in order, until none is due; returns how many ran (tests, cron-driven hosts). */
  runDue(): Promise<number>
  /** The dead-letter queue. */
  deadLetters(): Promise<DeadLetter[]>
  /** Puts a dead job back in the queue with a fresh attempt budget. */
  retryDead(id: string, tenantId?: string): Promise<void>
}

/**
 * Thrown by a handler for a failure that retrying cannot fix (a blocked webhook address, a rule that was removed):
 * the job goes straight to the dead-letter queue with the cause as its reason.
 */
export class PermanentJobError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause })
    this.name = 'PermanentJobError'
  }
}

/**
 * Queues `specs` in order through `queue.enqueueMany` when the queue has it, else with one `enqueue` per spec.
 *
 * @internal
 */
export async function enqueueAll(
  queue: JobQueue,
  specs: readonly JobSpec[],
  options: { readonly tx?: CrmServices } = {},
): Promise<{ id: string; deduped: boolean }[]> {
  if (specs.length === 0) return []
  if (queue.enqueueMany) return queue.enqueueMany(specs, options)
  const out: { id: string; deduped: boolean }[] = []
  for (const spec of specs) out.push(await queue.enqueue(spec, options))
  return out
}

/**
 * The stored row of a new job under `key` (the in-process queue's job row, the pg-boss queue's outbox row): pending,
 * due at `spec.runAt` or `now`, with the spec's retry over the queue's `retry`.
 *
 * @internal
 */
export function newJobRow(spec: JobSpec, key: string, retry: RetryPolicy, now: Date) {
  const jobRetry = spec.retry ? resolveRetryPolicy(spec.retry, retry, `enqueue(${spec.name})`) : retry
  return {
    name: spec.name,
    key,
    payload: spec.payload,
    status: 'pending' as const,
    runAt: spec.runAt ?? now,
    attempts: 0,
    maxAttempts: jobRetry.maxAttempts,
    backoffMs: jobRetry.baseDelayMs,
    backoffMaxMs: jobRetry.maxDelayMs,
  }
}
