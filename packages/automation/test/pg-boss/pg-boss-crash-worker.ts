import { openPgBossCrm } from './pg-boss-crm.js'

/**
 * A worker process for the kill test. Its `probe.crash` handler holds the job's first attempt forever (and tells the
 * test it does, so the test can SIGKILL it mid-job); later attempts record which process finished the job.
 * Monitor intervals are short so the test's bound is seconds, not pg-boss' default minute.
 */
const schema = process.argv[2] as string
const { crm, queue, pool } = openPgBossCrm(schema, {
  boss: { superviseIntervalSeconds: 1, monitorIntervalSeconds: 1 },
  queue: { heartbeatSeconds: 10, retry: { baseDelayMs: 1000, maxDelayMs: 1000 } },
})
queue.work('probe.crash', async (job) => {
  if (job.attempt === 1) {
    process.send?.({ holding: job.id })
    await new Promise(() => {})
  }
  await pool.query(`insert into ${schema}.crash_log (job_id, attempt, pid) values ($1, $2, $3)`, [
    job.id,
    job.attempt,
    process.pid,
  ])
})
await crm.migrate()
await queue.start()
process.send?.({ ready: process.pid })
