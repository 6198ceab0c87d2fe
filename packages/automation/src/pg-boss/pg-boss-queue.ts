import type { CrmServices } from '@rapport/core'
import { isRapportError, RapportError } from '@rapport/core'
import type { RetryPolicy } from '@rapport/core/retry'
import { resolveRetryPolicy } from '@rapport/core/retry'
import type { JobResult } from 'pg-boss'
import { describeError } from '../queue/describe-error.js'
import type { DeadLetter, JobHandler, JobQueue, JobSpec, QueueBinding } from '../queue/job-queue.js'
import { DEFAULT_JOB_RETRY, newJobRow, PermanentJobError } from '../queue/job-queue.js'
import type { PgBossQueueOptions, QueueSettings } from './pg-boss-options.js'
import { pgBossRetry } from './pg-boss-options.js'

interface OutboxRow {
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
}

interface Envelope {
  readonly tenantId: string
  readonly key: string
  readonly payload: Record<string, unknown>
}

/** pg-boss queue names allow letters, digits, `-`, `_`, `.` and `/`. */
const deadQueue = (name: string) => `${name}.dead`

/**
 * The distributed {@link JobQueue} on Postgres, built on pg-boss: several processes and machines share the work,
 * each job runs on one worker at a time (`SKIP LOCKED`), retries use pg-boss' exponential backoff, and exhausted
 * jobs go to a pg-boss dead-letter queue that is mirrored into the `automationJob` table with their reason.
 *
 * Enqueues inside a storage transaction (`{ tx }`) are written to the transactional outbox (the `automationJob`
 * table, in the same transaction as the change that caused them); a relay in every process claims outbox rows and
 * hands them to pg-boss, using the outbox key as pg-boss `singletonKey`. Delivery is at-least-once; steps are
 * idempotent through their keys.
 *
 * @example
 * ```ts
 * import { PgBoss } from 'pg-boss'
 * import { createPgBossQueue } from '@rapport/automation/pg-boss'
 *
 * const queue = createPgBossQueue({ boss: new PgBoss(process.env.DATABASE_URL!) })
 * const crm = createCrm({ storage: createPostgresStorage({ connectionString }), plugins: [automationPlugin({ queue, rules })] as const })
 * await crm.migrate()
 * await queue.start()
 * ```
 */
export function createPgBossQueue(options: PgBossQueueOptions): JobQueue {
  const boss = options.boss
  const retry = resolveRetryPolicy(options.retry, DEFAULT_JOB_RETRY, 'createPgBossQueue')
  const maxAttempts = retry.maxAttempts
  const relayMs = options.relayMs ?? 500
  const leaseMs = options.leaseMs ?? 30_000
  const heartbeatSeconds = options.heartbeatSeconds ?? 30
  const expireInSeconds = options.expireInSeconds ?? 300
  const integerAtLeast = (name: string, value: number, min: number) => {
    if (!Number.isSafeInteger(value) || value < min) {
      throw new RapportError('AUTOMATION_INVALID_CONFIG', `${name} must be an integer ≥ ${min}; got ${value}`)
    }
  }
  // pg-boss refuses heartbeats under 10 s.
  integerAtLeast('heartbeatSeconds', heartbeatSeconds, 10)
  integerAtLeast('expireInSeconds', expireInSeconds, 1)
  const settings: QueueSettings = {
    ...pgBossRetry(retry),
    expireInSeconds,
    heartbeatSeconds,
  }
  const handlers = new Map<string, JobHandler>()
  const created = new Set<string>()
  let binding: QueueBinding | null = null
  let timer: ReturnType<typeof setTimeout> | null = null
  let relaying: Promise<number> | null = null
  let started = false

  const bound = () => {
    if (!binding) throw new RapportError('AUTOMATION_INVALID_CONFIG', 'The queue is not bound to a CRM yet')
    return binding
  }
  const outbox = (services: CrmServices) => services.entity<OutboxRow>('automationJob')

  /**
   * Creates the queue with {@link settings}, or brings an existing one up to them: queues created by an earlier
   * version (pg-boss' 900 s expiry, no heartbeat) or with other options are updated in place.
   */
  async function upsertQueue(name: string, wanted: QueueSettings & { deadLetter?: string }) {
    const existing = await boss.getQueue(name)
    if (!existing) {
      await boss.createQueue(name, wanted)
      return
    }
    const differs = (Object.keys(wanted) as (keyof typeof wanted)[]).some(
      (key) => (existing as unknown as Record<string, unknown>)[key] !== wanted[key],
    )
    if (differs) await boss.updateQueue(name, wanted)
  }

  async function ensureQueue(name: string) {
    if (created.has(name)) return
    await upsertQueue(deadQueue(name), settings)
    await upsertQueue(name, { ...settings, deadLetter: deadQueue(name) })
    created.add(name)
  }

  async function send(name: string, envelope: Envelope, jobRetry: RetryPolicy, runAt?: Date) {
    await ensureQueue(name)
    await boss.send(name, envelope, {
      singletonKey: envelope.key,
      ...pgBossRetry(jobRetry),
      ...(runAt ? { startAfter: runAt } : {}),
    })
  }

  /** Moves committed outbox rows into pg-boss; safe to run in several processes at once. */
  async function relayTenant(b: QueueBinding, tenantId: string): Promise<number> {
    const services = b.servicesFor(tenantId)
    const now = b.clock()
    const due = (
      await outbox(services).list({
        where: {
          or: [
            { field: 'status', op: 'eq', value: 'pending' },
            {
              and: [
                { field: 'status', op: 'eq', value: 'running' },
                { field: 'lockedUntil', op: 'lte', value: now },
              ],
            },
          ],
        },
        orderBy: [{ field: 'runAt', direction: 'asc' }],
        limit: 200,
      })
    ).items
    let moved = 0
    for (const row of due) {
      try {
        await outbox(services).update(
          row.id,
          { status: 'running', lockedUntil: new Date(now.getTime() + leaseMs) },
          { expectedVersion: row.version },
        )
      } catch (error) {
        if (isRapportError(error, 'VERSION_CONFLICT') || isRapportError(error, 'NOT_FOUND')) continue
        throw error
      }
      await send(
        row.name,
        { tenantId, key: row.key, payload: row.payload },
        { maxAttempts: row.maxAttempts, baseDelayMs: row.backoffMs, maxDelayMs: row.backoffMaxMs },
        row.runAt > now ? row.runAt : undefined,
      )
      await outbox(services).delete(row.id)
      moved++
    }
    return moved
  }

  async function relay(): Promise<number> {
    const b = bound()
    let moved = 0
    for (const tenantId of b.tenants) moved += await relayTenant(b, tenantId)
    return moved
  }

  const loop = () => {
    if (!started) return
    timer = setTimeout(() => {
      relaying = relay()
      relaying
        .catch((error: unknown) => console.error('[rapport/automation] outbox relay failed', error))
        .finally(() => {
          relaying = null
          loop()
        })
    }, relayMs)
    timer.unref?.()
  }

  return {
    name: 'pg-boss',
    capabilities: { durable: true, transactional: true, distributed: true },
    bind(b) {
      binding = b
    },
    async enqueue(spec: JobSpec, opts = {}) {
      const b = bound()
      const key = spec.key ?? `${spec.name}:${crypto.randomUUID()}`
      const jobRetry = spec.retry ? resolveRetryPolicy(spec.retry, retry, `enqueue(${spec.name})`) : retry
      if (opts.tx) {
        const existing = await outbox(opts.tx).list({
          where: { field: 'key', op: 'eq', value: key },
          limit: 1,
        })
        if (existing.items[0]) return { id: existing.items[0].id, deduped: true }
        const row = await outbox(opts.tx).create(newJobRow(spec, key, retry, b.clock()))
        return { id: row.id, deduped: false }
      }
      await ensureQueue(spec.name)
      const id = await boss.send(
        spec.name,
        { tenantId: b.tenants[0], key, payload: spec.payload },
        { singletonKey: key, ...pgBossRetry(jobRetry), ...(spec.runAt ? { startAfter: spec.runAt } : {}) },
      )
      return { id: id ?? key, deduped: id === null }
    },
    // pg-boss delivers each job to its own worker call, so a handler's `inTransaction` form does not apply here.
    work(name, handler) {
      handlers.set(name, handler)
    },
    async start() {
      const b = bound()
      if (started) return
      started = true
      await boss.start()
      for (const [name, handler] of handlers) {
        await ensureQueue(name)
        await boss.work<Envelope>(
          name,
          {
            batchSize: options.batchSize ?? 10,
            pollingIntervalSeconds: options.pollingIntervalSeconds ?? 0.5,
            perJobResults: true,
          },
          // Each job of a fetched batch succeeds or fails on its own (pg-boss `perJobResults`): a failing job
          // spends only its own attempts, and never fails the healthy jobs fetched with it.
          async (jobs) => {
            const results: JobResult[] = []
            for (const job of jobs) {
              try {
                await handler({
                  id: job.id,
                  name,
                  payload: job.data.payload,
                  attempt: job.retryCount + 1,
                  tenantId: job.data.tenantId,
                })
                results.push({ id: job.id, status: 'completed' })
              } catch (error) {
                if (error instanceof PermanentJobError) {
                  // Mirrored into the dead letters here, then settled, so pg-boss does not dead-letter it again.
                  await deadLetter(b, name, job.id, job.data, job.retryCount + 1, describeError(error))
                  results.push({ id: job.id, status: 'completed' })
                  continue
                }
                results.push({ id: job.id, status: 'failed', output: describeError(error) })
              }
            }
            return results
          },
        )
        await boss.work<Envelope>(deadQueue(name), { perJobResults: true }, async (jobs) => {
          const results: JobResult[] = []
          for (const job of jobs) {
            try {
              await deadLetter(b, name, job.id, job.data, maxAttempts, {
                message: 'retries exhausted (pg-boss)',
              })
              results.push({ id: job.id, status: 'completed' })
            } catch (error) {
              results.push({ id: job.id, status: 'failed', output: describeError(error) })
            }
          }
          return results
        })
      }
      loop()
    },
    async stop() {
      started = false
      if (timer) clearTimeout(timer)
      if (relaying) await relaying.catch(() => 0)
      await boss.stop({ graceful: true, close: true })
    },
    runDue: () => relay(),
    async deadLetters() {
      const b = bound()
      const out: DeadLetter[] = []
      for (const tenantId of b.tenants) {
        for await (const row of outbox(b.servicesFor(tenantId)).iterate({
          where: { field: 'status', op: 'eq', value: 'dead' },
        })) {
          out.push({
            id: row.id,
            name: row.name,
            key: row.key,
            payload: row.payload,
            attempts: row.attempts,
            tenantId,
            error: (row as unknown as { lastError: Record<string, unknown> | null }).lastError,
          })
        }
      }
      return out
    },
    async retryDead(id, tenantId) {
      const b = bound()
      const services = b.servicesFor(tenantId ?? (b.tenants[0] as string))
      const row = await outbox(services).get(id)
      if (row.status !== 'dead')
        throw new RapportError('AUTOMATION_INVALID_CONFIG', `Job "${id}" is not dead-lettered`)
      await outbox(services).update(id, { status: 'pending', attempts: 0, runAt: b.clock(), lastError: null })
    },
  }

  async function deadLetter(
    b: QueueBinding,
    name: string,
    id: string,
    data: Envelope,
    attempts: number,
    error: Record<string, unknown>,
  ) {
    const services = b.servicesFor(data.tenantId)
    const key = `dead:${data.key}:${id}`
    const existing = await outbox(services).list({ where: { field: 'key', op: 'eq', value: key }, limit: 1 })
    if (!existing.items[0]) {
      await outbox(services).create({
        name,
        key,
        payload: data.payload,
        status: 'dead',
        runAt: b.clock(),
        attempts,
        maxAttempts,
        backoffMs: retry.baseDelayMs,
        backoffMaxMs: retry.maxDelayMs,
        lastError: error,
      })
    }
    await b.onDead?.({
      id,
      name,
      key: data.key,
      payload: data.payload,
      attempts,
      tenantId: data.tenantId,
      error,
    })
  }
}
