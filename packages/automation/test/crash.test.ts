import { fork } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { openCrashCrm } from './crash/crash-crm.js'

const here = dirname(fileURLToPath(import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'rapport-crash-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function startWorker(file: string) {
  return fork(join(here, 'crash', 'crash-worker.ts'), [file], {
    execArgv: ['--conditions=@rapport/source', '--import', join(here, '../../../scripts/source-hooks.ts')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
}

// Each worker process loads the TypeScript sources on start, which takes seconds on a busy machine: hence the timeout.
describe('crash test', () => {
  it('a worker SIGKILLed mid-run and restarted runs every due action, each effect exactly once', async () => {
    const file = join(dir, 'crm.db')
    const { crm } = openCrashCrm(file)
    await crm.migrate()
    const pipeline = await crm.pipelines.create({
      name: 'P',
      stages: [{ name: 'Open' }, { name: 'Won', kind: 'won' }],
    })
    const stageId = pipeline.stages[0]?.id as string
    const deals = 80
    for (let i = 0; i < deals; i++) {
      await crm.deals.create({ name: `deal-${String(i).padStart(3, '0')}`, pipelineId: pipeline.id, stageId })
    }
    // Every enrollment and its first job committed with its deal (the outbox).
    expect(await crm.entity('automationRun').count()).toBe(deals)
    expect(await crm.entity('automationJob').count()).toBe(deals)

    const first = startWorker(file)
    // Kill it once it has done part of the work, while it is still working.
    for (;;) {
      const done = await crm.tasks.count()
      if (done >= 40) break
      await new Promise((r) => setTimeout(r, 50))
    }
    first.kill('SIGKILL')
    await new Promise((r) => first.once('exit', r))
    const tasksAtKill = await crm.tasks.count()
    expect(tasksAtKill).toBeLessThan(deals * 3)

    const second = startWorker(file)
    try {
      for (;;) {
        const pending = await crm.entity('automationJob').count()
        const open = await crm.entity('automationRun').count({
          where: { field: 'status', op: 'nin', value: ['completed'] },
        })
        if (pending === 0 && open === 0) break
        await new Promise((r) => setTimeout(r, 50))
      }
    } finally {
      second.kill('SIGKILL')
    }
    const titles = new Map<string, number>()
    for await (const task of crm.tasks.iterate()) titles.set(task.title, (titles.get(task.title) ?? 0) + 1)
    expect(titles.size).toBe(deals * 3)
    expect([...titles.values()].every((n) => n === 1)).toBe(true)
    const untagged = await crm.deals.count({ where: { not: { field: 'tags', op: 'eq', value: 'handled' } } })
    expect(untagged).toBe(0)
    const steps = await crm.entity('automationStep').count()
    expect(steps).toBe(deals * 4)
    await crm.close()
  }, 240_000)
})
