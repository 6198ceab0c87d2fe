import type { ChildProcess } from 'node:child_process'
import { fork } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { admin, NO_SERVER, openPgBossCrm, PG_URL } from './pg-boss/pg-boss-crm.js'

/**
 * pg-boss under real failures, on the real server: a worker process SIGKILLed mid-job, and a batch in which one job
 * keeps failing. Each test is bounded by its timeout and kills only the processes it started.
 */
const here = dirname(fileURLToPath(import.meta.url))
const schemas: string[] = []
const children: ChildProcess[] = []

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
  if (!PG_URL) return
  for (const schema of schemas) {
    await admin(`drop schema if exists ${schema} cascade; drop schema if exists ${schema}_boss cascade`)
  }
})

function freshSchema(label: string): string {
  const schema = `auto_${label}_${process.pid}_${Math.random().toString(36).slice(2, 6)}`
  schemas.push(schema)
  return schema
}

/** Forks a crash worker; resolves once its queue runs. Messages after that go to `onMessage`. */
function startCrashWorker(schema: string, onMessage: (message: { holding?: string }) => void) {
  const child = fork(join(here, 'pg-boss', 'pg-boss-crash-worker.ts'), [schema], {
    execArgv: ['--conditions=@rapport/source', '--import', join(here, '../../../scripts/source-hooks.ts')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  children.push(child)
  return new Promise<ChildProcess>((resolve, reject) => {
    child.on('message', (message: { ready?: number; holding?: string }) => {
      if (message.ready) resolve(child)
      else onMessage(message)
    })
    child.once('exit', (code, signal) => reject(new Error(`crash worker exited with ${code ?? signal}`)))
  })
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 250))
  }
}

// Worker processes load TypeScript sources on start, which takes seconds on a busy machine: hence the timeouts.
describe('pg-boss queue under failures', () => {
  it('a worker SIGKILLed mid-job: another worker finishes the job within a bounded time (heartbeat), not 15 minutes', async (ctx) => {
    if (!PG_URL) {
      ctx.skip(NO_SERVER)
      return
    }
    const schema = freshSchema('kill')
    const { crm, queue, pool } = openPgBossCrm(schema)
    await crm.migrate()
    await admin(
      `create table ${schema}.crash_log (job_id text not null, attempt int not null, pid int not null)`,
    )

    let holding: (id: string) => void = () => {}
    const held = new Promise<string>((resolve) => {
      holding = resolve
    })
    const first = await startCrashWorker(schema, (m) => m.holding && holding(m.holding))
    // Through the transactional outbox, as the engine enqueues: the worker's relay hands it to pg-boss.
    await crm.transaction((tx) => queue.enqueue({ name: 'probe.crash', payload: {}, key: 'crash-1' }, { tx }))
    const jobId = await held
    const second = await startCrashWorker(schema, () => {})

    const exited = new Promise((r) => first.once('exit', r))
    first.kill('SIGKILL')
    await exited
    const killedAt = Date.now()
    // pg-boss' default (expireInSeconds 900, no heartbeat) would hold the job for 15 minutes.
    const row = await waitFor(
      'the job to finish in the second worker',
      async () => (await admin(`select job_id, attempt, pid from ${schema}.crash_log`)).rows[0],
      120_000,
    )
    const recoveredMs = Date.now() - killedAt
    console.info(`[pg-boss] job of a SIGKILLed worker finished elsewhere ${recoveredMs} ms after the kill`)
    expect(row).toEqual({ job_id: jobId, attempt: 2, pid: second.pid })
    // heartbeatSeconds 10 + a 1 s monitor + a 1 s retry delay, with slack for a loaded machine.
    expect(recoveredMs).toBeLessThan(90_000)
    second.kill('SIGKILL')
    await pool.end()
    await crm.close()
  }, 300_000)

  it('one failing job does not fail its batch: each job spends only its own attempts, then is dead-lettered', async (ctx) => {
    if (!PG_URL) {
      ctx.skip(NO_SERVER)
      return
    }
    const schema = freshSchema('batch')
    const maxAttempts = 3
    const { crm, queue, pool } = openPgBossCrm(schema, {
      boss: { superviseIntervalSeconds: 1, monitorIntervalSeconds: 1 },
      queue: { batchSize: 10, retry: { maxAttempts, baseDelayMs: 1000, maxDelayMs: 1000 } },
    })
    const attempts = new Map<string, number[]>()
    queue.work('probe.batch', async (job) => {
      const key = job.payload['key'] as string
      attempts.set(key, [...(attempts.get(key) ?? []), job.attempt])
      if (key === 'bad') throw new Error('this job always fails')
    })
    await crm.migrate()
    const keys = ['bad', 'ok-1', 'ok-2', 'ok-3', 'ok-4']
    // One due instant for all, so a single poll fetches them as one batch, the failing job first.
    const runAt = new Date(Date.now() + 4_000)
    await crm.transaction(async (tx) => {
      for (const key of keys)
        await queue.enqueue({ name: 'probe.batch', payload: { key }, key, runAt }, { tx })
    })
    await queue.start()
    try {
      const dead = await waitFor(
        'the failing job to be dead-lettered',
        async () => (await queue.deadLetters()).find((d) => d.payload['key'] === 'bad'),
        120_000,
      )
      expect(dead.attempts).toBe(maxAttempts)
      expect(attempts.get('bad')).toEqual([1, 2, 3])
      for (const key of keys.slice(1)) expect(attempts.get(key)).toEqual([1])
      expect((await queue.deadLetters()).map((d) => d.payload['key'])).toEqual(['bad'])
    } finally {
      await queue.stop()
      await pool.end()
      await crm.close()
    }
  }, 300_000)
})
