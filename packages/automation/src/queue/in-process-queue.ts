import type { CrmServices } from '@rapport/core'
import { isRapportError, RapportError } from '@rapport/core'
import type { RetryPolicy } from '@rapport/core/retry'
import { resolveRetryPolicy, retryDelay } from '@rapport/core/retry'
import { describeError } from './describe-error.js'
import type {
  DeadLetter,
  JobHandler,
  JobQueue,
  JobSpec,
  QueueBinding,
  TransactionalJobHandler,
  WorkOptions,
} from './job-queue.js'
import { DEFAULT_JOB_RETRY, newJobRow, PermanentJobError } from './job-queue.js'

/** Options of {@link createInProcessQueue}. */
export interface InProcessQueueOptions {
  /**
   * How jobs are retried: attempts before a job is dead-lettered and the backoff between them (default
   * {@link DEFAULT_JOB_RETRY}: 5 attempts, 1 s doubling up to 1 h). A job's own `retry` overrides it per field.
   */
  readonly retry?: Partial<RetryPolicy>
  /** How long a claimed job is leased; a job whose worker died is retried after it (default 60 s). */
  readonly leaseMs?: number
  /** How often `start()` polls for due jobs, in real milliseconds (default 1,000). */
  readonly pollMs?: number
  /** Jobs claimed per poll (default 50). */
  readonly batchSize?: number
}

interface JobRow {
  id: string
  name: string
  key: string
  payload: Record<string, unknown>
  status: 'pending' | 'running' | 'dead'
  runAt: Date
  attempts: number
  maxAttempts: number
  backoffMs: number
  backoffMaxMs: number
  version: number
  lastError: Record<string, unknown> | null
}

/**
 * The in-process {@link JobQueue}: jobs are rows of the automation plugin's `automationJob` entity in the CRM's own
 * storage, so on SQLite (or any durable adapter) they survive crashes and restarts, and `enqueue({ tx })` is the
 * transactional outbox. One process works the queue; a job whose worker died is picked up again when its lease
 * expires. Time comes from the automation clock, so tests drive delays and retries with a fake clock and
 * `runDue()`.
 *
 * @example
 * ```ts
 * const queue = createInProcessQueue({ retry: { maxAttempts: 8, baseDelayMs: 5_000, maxDelayMs: 3_600_000 } })
 * const crm = createCrm({ storage, plugins: [automationPlugin({ queue, rules })] as const })
 * await crm.migrate()
 * await queue.start() // or call queue.runDue() from your own scheduler
 * ```
 */
export function createInProcessQueue(options: InProcessQueueOptions = {}): JobQueue {
  const retry = resolveRetryPolicy(options.retry, DEFAULT_JOB_RETRY, 'createInProcessQueue')
  const leaseMs = options.leaseMs ?? 60_000
  const pollMs = options.pollMs ?? 1000
  const batchSize = options.batchSize ?? 50
  for (const [name, value] of Object.entries({ leaseMs, pollMs, batchSize })) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new RapportError('AUTOMATION_INVALID_CONFIG', `${name} must be a positive integer; got ${value}`)
    }
  }
  const handlers = new Map<string, JobHandler>()
  const inTransaction = new Map<string, TransactionalJobHandler>()
  const afterBatch = new Map<string, NonNullable<WorkOptions['afterBatch']>>()
  let binding: QueueBinding | null = null
  let timer: ReturnType<typeof setTimeout> | null = null
  let running: Promise<number> | null = null
  let stopped = true

  const bound = (): QueueBinding => {
    if (!binding) {
      throw new RapportError(
        'AUTOMATION_INVALID_CONFIG',
        'The queue is not bound to a CRM yet: pass it to automationPlugin({ queue }) and run crm.migrate()',
      )
    }
    return binding
  }
  const jobs = (services: CrmServices) => services.entity<JobRow>('automationJob')
  async function runTenant(b: QueueBinding, tenantId: string): Promise<number> {
    const services = b.servicesFor(tenantId)
    let ran = 0
    for (;;) {
      const now = b.clock()
      const due = (
        await jobs(services).list({
          where: {
            or: [
              {
                and: [
                  { field: 'status', op: 'eq', value: 'pending' },
                  { field: 'runAt', op: 'lte', value: now },
                ],
              },
              {
                and: [
                  { field: 'status', op: 'eq', value: 'running' },
                  { field: 'lockedUntil', op: 'lte', value: now },
                ],
              },
            ],
          },
          orderBy: [{ field: 'runAt', direction: 'asc' }],
          limit: batchSize,
        })
      ).items
      if (due.length === 0) return ran
      // In order: each stretch of first deliveries with a transactional handler runs in one transaction; a job the
      // handler declines, and every other job, runs alone in its place.
      let i = 0
      while (i < due.length) {
        let end = i
        while (end < due.length && joinsBatch(due[end] as JobRow)) end++
        if (end > i) {
          const group = due.slice(i, end)
          const done = await runTogether(services, tenantId, group)
          if (done === null) {
            ran += await runAlone(b, services, tenantId, group)
            i = end
            continue
          }
          ran += done
          i += done
          if (i === end) continue
        }
        ran += await runAlone(b, services, tenantId, [due[i] as JobRow])
        i++
      }
    }
  }

  /** A first delivery (pending, never attempted) of a job whose handler has a transactional form. */
  const joinsBatch = (job: JobRow) =>
    job.status === 'pending' && job.attempts === 0 && inTransaction.has(job.name)

  /**
   * Runs `group` in order in one transaction until a handler declines a job: the effects of the jobs run and their
   * completion (each job deleted under the version it was read at, so a job changed meanwhile rolls the batch back)
   * commit together, in one commit instead of a claim and a commit per job. Returns how many ran, or `null` when the
   * transaction failed and rolled back, leaving every job of `group` as it was.
   */
  async function runTogether(services: CrmServices, tenantId: string, group: readonly JobRow[]) {
    try {
      return await services.transaction(async (tx) => {
        // A fresh array per attempt: an adapter may run this function again after a transient conflict.
        const batch = group.map((job) => ({
          id: job.id,
          name: job.name,
          payload: job.payload,
          attempt: 1,
          tenantId,
        }))
        let done = 0
        for (const context of batch) {
          const handler = inTransaction.get(context.name) as TransactionalJobHandler
          if (!(await handler(context, tx, batch))) break
          done++
        }
        for (const after of new Set(batch.slice(0, done).map((job) => afterBatch.get(job.name))))
          await after?.(tx, batch)
        if (done > 0)
          await jobs(tx).deleteMany(
            group.slice(0, done).map((job) => ({ id: job.id, expectedVersion: job.version })),
          )
        return done
      })
    } catch {
      return null
    }
  }

  /**
   * Claims `group` in one transaction (one commit, not one per job; each claim checks the version it read, so a job
   * claimed meanwhile is skipped), then runs each claimed job alone: a failure is retried with the shared backoff,
   * or dead-lettered after its last attempt. Returns how many ran.
   */
  async function runAlone(
    b: QueueBinding,
    services: CrmServices,
    tenantId: string,
    group: readonly JobRow[],
  ): Promise<number> {
    const lockedUntil = new Date(b.clock().getTime() + leaseMs)
    const batch = await services.transaction(async (tx) => {
      const claimed: JobRow[] = []
      for (const job of group) {
        try {
          claimed.push(
            await jobs(tx).update(
              job.id,
              { status: 'running', attempts: job.attempts + 1, lockedUntil },
              { expectedVersion: job.version },
            ),
          )
        } catch (error) {
          if (isRapportError(error, 'VERSION_CONFLICT') || isRapportError(error, 'NOT_FOUND')) continue
          throw error
        }
      }
      return claimed
    })
    for (const claimed of batch) {
      const handler = handlers.get(claimed.name)
      let completed = false
      try {
        if (!handler)
          throw new RapportError('AUTOMATION_INVALID_CONFIG', `No handler for jobs named "${claimed.name}"`)
        await handler({
          id: claimed.id,
          name: claimed.name,
          payload: claimed.payload,
          attempt: claimed.attempts,
          tenantId,
          complete: async (tx) => {
            await jobs(tx).delete(claimed.id)
            completed = true
          },
        })
        if (!completed) await jobs(services).delete(claimed.id)
      } catch (error) {
        const lastError = describeError(error)
        if (claimed.attempts >= claimed.maxAttempts || error instanceof PermanentJobError) {
          await jobs(services).update(claimed.id, { status: 'dead', lockedUntil: null, lastError })
          await b.onDead?.({
            id: claimed.id,
            name: claimed.name,
            key: claimed.key,
            payload: claimed.payload,
            attempts: claimed.attempts,
            tenantId,
            error: lastError,
          })
        } else {
          const delay = retryDelay(claimed.attempts, {
            maxAttempts: claimed.maxAttempts,
            baseDelayMs: claimed.backoffMs,
            maxDelayMs: claimed.backoffMaxMs,
          })
          await jobs(services).update(claimed.id, {
            status: 'pending',
            lockedUntil: null,
            runAt: new Date(b.clock().getTime() + delay),
            lastError,
          })
        }
      }
    }
    return batch.length
  }

  /** Queues one job (see {@link JobQueue.enqueue}). */
  async function enqueue(spec: JobSpec, opts: { readonly tx?: CrmServices } = {}) {
    const b = bound()
    const services = opts.tx ?? b.servicesFor(b.tenants[0] as string)
    const key = spec.key ?? `${spec.name}:${crypto.randomUUID()}`
    if (spec.key) {
      const existing = await jobs(services).list({
        where: { field: 'key', op: 'eq', value: key },
        limit: 1,
      })
      const first = existing.items[0]
      if (first) return { id: first.id, deduped: true }
    }
    const row = await jobs(services).create(newJobRow(spec, key, retry, b.clock()))
    return { id: row.id, deduped: false }
  }

  async function runAll(): Promise<number> {
    const b = bound()
    let total = 0
    for (const tenantId of b.tenants) total += await runTenant(b, tenantId)
    return total
  }

  const schedule = () => {
    if (stopped) return
    timer = setTimeout(() => {
      running = runAll()
      running
        .catch((error: unknown) => console.error('[rapport/automation] queue poll failed', error))
        .finally(() => {
          running = null
          schedule()
        })
    }, pollMs)
    timer.unref?.()
  }

  return {
    name: 'in-process',
    capabilities: { durable: true, transactional: true, distributed: false },
    bind(b) {
      binding = b
    },
    enqueue,
    // Specs without a key (a batch of new runs' first jobs) need no look-up: one createMany. A spec with a key goes
    // through enqueue, in order, so deduplication stays exactly enqueue's.
    async enqueueMany(specs: readonly JobSpec[], opts = {}) {
      const b = bound()
      const services = opts.tx ?? b.servicesFor(b.tenants[0] as string)
      if (specs.some((spec) => spec.key !== undefined)) {
        const out: { id: string; deduped: boolean }[] = []
        for (const spec of specs) out.push(await enqueue(spec, opts))
        return out
      }
      const rows = await jobs(services).createMany(
        specs.map((spec) => newJobRow(spec, `${spec.name}:${crypto.randomUUID()}`, retry, b.clock())),
      )
      return rows.map((row) => ({ id: row.id, deduped: false }))
    },
    work(name, handler, workOptions) {
      handlers.set(name, handler)
      if (workOptions?.inTransaction) inTransaction.set(name, workOptions.inTransaction)
      else inTransaction.delete(name)
      if (workOptions?.afterBatch) afterBatch.set(name, workOptions.afterBatch)
      else afterBatch.delete(name)
    },
    async start() {
      bound()
      if (!stopped) return
      stopped = false
      schedule()
    },
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      timer = null
      if (running) await running.catch(() => 0)
    },
    async runDue() {
      while (running) await running.catch(() => 0)
      running = runAll()
      try {
        return await running
      } finally {
        running = null
      }
    },
    async deadLetters() {
      const b = bound()
      const out: DeadLetter[] = []
      for (const tenantId of b.tenants) {
        for await (const job of jobs(b.servicesFor(tenantId)).iterate({
          where: { field: 'status', op: 'eq', value: 'dead' },
          orderBy: [{ field: 'updatedAt', direction: 'asc' }],
        })) {
          out.push({
            id: job.id,
            name: job.name,
            key: job.key,
            payload: job.payload,
            attempts: job.attempts,
            tenantId,
            error: job.lastError,
          })
        }
      }
      return out
    },
    async retryDead(id, tenantId) {
      const b = bound()
      const services = b.servicesFor(tenantId ?? (b.tenants[0] as string))
      const job = await jobs(services).get(id)
      if (job.status !== 'dead') {
        throw new RapportError(
          'AUTOMATION_INVALID_CONFIG',
          `Job "${id}" is not dead-lettered (status ${job.status})`,
        )
      }
      await jobs(services).update(id, { status: 'pending', attempts: 0, runAt: b.clock(), lastError: null })
    },
  }
}
