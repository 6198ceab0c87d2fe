import type { CrmPlugin } from '@rapport/core'
import { createCrm, definePlugin } from '@rapport/core'
import type { StorageAdapter } from '@rapport/core/storage'
import { createMemoryStorage } from '@rapport/core/testing'
import { describe, expect, it } from 'vitest'
import { automationPlugin, createInProcessQueue } from '../src/index.js'

// Enrollment answers "is this record already enrolled?" without a statement when the write in hand answers it: a
// record created by the write being dispatched has no run yet, unless an `updated` dispatch of the same write
// enrolled it first. These pin both sides of that rule, and count the storage reads to show the look-up is gone.

/** Storage reads of automation runs by enrollment key (the enrollment look-up), counted around the CRM's calls. */
function countingLookups(storage: StorageAdapter) {
  const counter = { lookups: 0 }
  const wrap = <T extends object>(ops: T): T => {
    const findMany = (ops as { findMany: StorageAdapter['findMany'] }).findMany
    return {
      ...ops,
      findMany: (args: Parameters<StorageAdapter['findMany']>[0]) => {
        if (args.model.name === 'automationRun' && JSON.stringify(args.where ?? {}).includes('enrollmentKey'))
          counter.lookups++
        return findMany.call(ops, args)
      },
    } as T
  }
  const counted: StorageAdapter = {
    ...wrap(storage),
    transaction: (fn) => storage.transaction((tx) => fn(wrap(tx))),
  }
  return { storage: counted, counter }
}

async function open(events: ('created' | 'updated')[], before: readonly CrmPlugin[] = []) {
  const { storage, counter } = countingLookups(createMemoryStorage())
  const queue = createInProcessQueue()
  const crm = createCrm({
    storage,
    plugins: [
      ...before,
      automationPlugin({
        queue,
        rules: [
          {
            id: 'follow-up',
            name: 'Follow up',
            entity: 'deal',
            trigger: { type: 'record', events },
            actions: [{ type: 'createTask', title: 'Follow up {{record.name}}' }],
          },
        ],
      }),
    ] as const,
  })
  await crm.migrate()
  const pipeline = await crm.pipelines.create({ name: 'P', stages: [{ name: 'Open' }] })
  const deal = (name: string) =>
    crm.deals.create({ name, pipelineId: pipeline.id, stageId: pipeline.stages[0]!.id as string })
  return { crm, queue, counter, deal }
}

/** A plugin placed before automation whose `after` hook updates each new deal in the same write. */
const renamer = definePlugin({
  id: 'renamer',
  hooks: {
    deal: {
      create: {
        after: async (record, ctx) => {
          await ctx.crm.deals.update(record['id'] as string, { name: `${record['name'] as string}!` })
        },
      },
    },
  },
})

describe('enrollment look-ups answered from the write in hand', () => {
  it('enrolls a record created by the write without reading runs by key', async () => {
    const { crm, queue, counter, deal } = await open(['created'])
    await deal('A')
    await deal('B')
    expect(counter.lookups).toBe(0)
    expect(await crm.entity('automationRun').count()).toBe(2)
    expect(await queue.runDue()).toBe(2)
    expect((await crm.tasks.list({ orderBy: [{ field: 'title' }] })).items.map((t) => t.title)).toEqual([
      'Follow up A',
      'Follow up B',
    ])
  })

  it('still looks the key up for updates, and enrolls a record once when an update of the same write came first', async () => {
    const { crm, queue, counter, deal } = await open(['created', 'updated'], [renamer])
    const created = await deal('A')
    // The renamer's update dispatched first (and enrolled); the created dispatch then found the run by its key.
    expect(counter.lookups).toBe(2)
    const runs = (await crm.entity('automationRun').list()).items
    expect(runs).toHaveLength(1)
    expect(runs[0]).toMatchObject({ recordId: created.id, trigger: 'updated' })
    await crm.deals.update(created.id, { name: 'A again' })
    expect(counter.lookups).toBe(3)
    expect(await crm.entity('automationRun').count()).toBe(1)
    expect(await queue.runDue()).toBe(1)
    expect(await crm.tasks.count()).toBe(1)
  })

  it('enrolls a created-only rule once even when another plugin updated the record first in the write', async () => {
    const { crm, queue, counter, deal } = await open(['created'], [renamer])
    const created = await deal('A')
    expect(counter.lookups).toBe(0)
    const runs = (await crm.entity('automationRun').list()).items
    expect(runs).toHaveLength(1)
    expect(runs[0]).toMatchObject({ recordId: created.id, trigger: 'created' })
    expect(await queue.runDue()).toBe(1)
  })
})
