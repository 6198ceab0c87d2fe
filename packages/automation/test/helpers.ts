import type { CrmPlugin } from '@rapport/core'
import { createCrm, definePlugin } from '@rapport/core'
import type { StorageAdapter } from '@rapport/core/storage'
import { createMemoryStorage } from '@rapport/core/testing'
import type { AutomationOptions } from '../src/index.js'
import { automationPlugin, createInProcessQueue } from '../src/index.js'

export const DAY = 86_400_000

/**
 * A CRM on the memory adapter (or `storage`) with the automation plugin (plus `extraPlugins`), a fake clock and a B2B
 * pipeline.
 */
export async function setup(
  options: AutomationOptions = {},
  storage: StorageAdapter = createMemoryStorage(),
  extraPlugins: readonly CrmPlugin[] = [],
) {
  let now = new Date('2026-03-02T09:00:00.000Z')
  const clock = () => now
  const queue = options.queue ?? createInProcessQueue({ retry: { baseDelayMs: 1000, maxDelayMs: 60_000 } })
  const errors: unknown[] = []
  const crm = createCrm({
    storage,
    clock,
    onError: (e) => errors.push(e),
    plugins: [automationPlugin({ clock, ...options, queue }), ...extraPlugins] as const,
  })
  await crm.migrate()
  const pipeline = await crm.pipelines.create({
    name: 'B2B',
    stages: [
      { name: 'Prospecting', probability: 10 },
      { name: 'Qualification', probability: 20 },
      { name: 'Proposal', probability: 50 },
      { name: 'Won', kind: 'won', probability: 100 },
      { name: 'Lost', kind: 'lost', probability: 0 },
    ],
  })
  const stage = (name: string) => {
    const found = pipeline.stages.find((s) => s.name === name)
    if (!found) throw new Error(`no stage ${name}`)
    return found.id as string
  }
  return {
    crm,
    engine: crm.plugins.automation,
    queue,
    pipeline,
    stage,
    errors,
    now: () => now,
    advance(ms: number) {
      now = new Date(now.getTime() + ms)
    },
    deal: (name: string, extra: Record<string, unknown> = {}) =>
      crm.deals.create({ name, pipelineId: pipeline.id, stageId: stage('Prospecting'), ...extra }),
  }
}

/** A plugin whose `task.create.before` hook fails (`provider down`) the first `times` creates of a task titled `title`. */
export function failingTaskCreate(title: string, times: number): CrmPlugin {
  let left = times
  return definePlugin({
    id: 'veto',
    hooks: {
      task: {
        create: {
          before: (record) => {
            if (record['title'] === title && left-- > 0) throw new Error('provider down')
            return undefined
          },
        },
      },
    },
  })
}
