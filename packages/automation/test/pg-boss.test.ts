import type { ChildProcess } from 'node:child_process'
import { fork } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { admin, NO_SERVER, openPgBossCrm, PG_URL } from './pg-boss/pg-boss-crm.js'

const here = dirname(fileURLToPath(import.meta.url))
const schema = `auto_pgboss_${process.pid}`
const workers: ChildProcess[] = []

afterAll(async () => {
  for (const w of workers) w.kill('SIGKILL')
  if (!PG_URL) return
  await admin(`drop schema if exists ${schema} cascade; drop schema if exists ${schema}_boss cascade`)
})

function startWorker(): Promise<ChildProcess> {
  const child = fork(join(here, 'pg-boss', 'pg-boss-worker.ts'), [schema], {
    execArgv: ['--conditions=@rapport/source', '--import', join(here, '../../../scripts/source-hooks.ts')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  workers.push(child)
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child))
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)))
  })
}

// Two worker processes start from TypeScript sources, which takes seconds on a busy machine: hence the timeout.
describe('pg-boss queue on Postgres', () => {
  it('two worker processes share the jobs with no double execution; effects happen once', async (ctx) => {
    if (!PG_URL) {
      ctx.skip(NO_SERVER)
      return
    }
    const { crm, pool } = openPgBossCrm(schema)
    await crm.migrate()
    await admin(`create table ${schema}.exec_log (key text not null, pid int not null)`)
    await Promise.all([startWorker(), startWorker()])
    const pipeline = await crm.pipelines.create({
      name: 'P',
      stages: [{ name: 'Open' }, { name: 'Won', kind: 'won' }],
    })
    const stageId = pipeline.stages[0]?.id as string
    const deals = 40
    for (let i = 0; i < deals; i++)
      await crm.deals.create({ name: `d${i}`, pipelineId: pipeline.id, stageId })
    for (;;) {
      const open = await crm
        .entity('automationRun')
        .count({ where: { field: 'status', op: 'ne', value: 'completed' } })
      if (open === 0) break
      await new Promise((r) => setTimeout(r, 200))
    }
    const log = await admin(`select key, pid from ${schema}.exec_log`)
    const keys = new Set(log.rows.map((r: { key: string }) => r.key))
    expect(log.rowCount).toBe(deals)
    expect(keys.size).toBe(deals)
    expect(new Set(log.rows.map((r: { pid: number }) => r.pid)).size).toBe(2)
    expect(await crm.tasks.count()).toBe(deals)
    expect(await crm.entity('automationStep').count()).toBe(deals * 2)
    expect(await crm.entity('automationJob').count()).toBe(0)
    await pool.end()
    await crm.close()
  }, 240_000)
})
