import { automationPlugin, createInProcessQueue } from '@rapport/automation'
import { createCrm } from '@rapport/core'
import type { StorageAdapter } from '@rapport/core/storage'

/** Events per second through the durable path: write + outbox in one transaction, then the step job and its effect. */
export async function durablePath(storage: StorageAdapter, events: number) {
  const queue = createInProcessQueue({ batchSize: 200 })
  const crm = createCrm({
    storage,
    plugins: [
      automationPlugin({
        queue,
        rules: [
          {
            id: 'follow-up',
            name: 'Follow up big deals',
            entity: 'deal',
            trigger: { type: 'record', events: ['created'] },
            conditions: { field: 'amount.amountMinor', op: 'gte', value: 100_000 },
            actions: [{ type: 'createTask', title: 'Follow up {{record.name}}' }],
          },
        ],
      }),
    ] as const,
  })
  await crm.migrate()
  const pipeline = await crm.pipelines.create({
    name: 'Bench',
    stages: [{ name: 'Open' }, { name: 'Won', kind: 'won' }],
  })
  const stageId = pipeline.stages[0]?.id as string
  const t0 = performance.now()
  for (let i = 0; i < events; i++) {
    await crm.deals.create({
      name: `deal ${i}`,
      pipelineId: pipeline.id,
      stageId,
      amount: { amountMinor: 200_000, currency: 'EUR' },
    })
  }
  const t1 = performance.now()
  const ran = await queue.runDue()
  const t2 = performance.now()
  const tasks = await crm.tasks.count()
  await crm.close()
  if (tasks !== events || ran !== events)
    throw new Error(`durable path lost work: ${tasks} tasks, ${ran} jobs for ${events} events`)
  return {
    events,
    writeWithOutboxPerSecond: Math.round(events / ((t1 - t0) / 1000)),
    stepsPerSecond: Math.round(events / ((t2 - t1) / 1000)),
    endToEndEventsPerSecond: Math.round(events / ((t2 - t0) / 1000)),
  }
}
