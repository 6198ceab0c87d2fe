import { createCrm } from '@rapport/core'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import { automationPlugin, createInProcessQueue } from '../../src/index.js'

/** The CRM both the test and the worker process open on the same SQLite file. */
export function openCrashCrm(file: string) {
  const queue = createInProcessQueue({
    leaseMs: 300,
    retry: { maxAttempts: 50, baseDelayMs: 50, maxDelayMs: 200 },
  })
  const crm = createCrm({
    storage: createSqliteStorage({ file }),
    plugins: [
      automationPlugin({
        queue,
        rules: [
          {
            id: 'three-tasks',
            name: 'Three tasks per deal',
            entity: 'deal',
            trigger: { type: 'record', events: ['created'] },
            actions: [
              { type: 'createTask', title: '{{record.name}} / 1' },
              { type: 'createTask', title: '{{record.name}} / 2' },
              { type: 'addTag', tag: 'handled' },
              { type: 'createTask', title: '{{record.name}} / 3' },
            ],
          },
        ],
      }),
    ] as const,
  })
  return { crm, queue }
}
