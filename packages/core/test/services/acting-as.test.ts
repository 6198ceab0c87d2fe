import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { defineEntity } from '../../src/entities/index.js'
import type { Actor } from '../../src/events/index.js'
import { definePlugin, isRapportError } from '../../src/index.js'
import { setupCrm } from './helpers.js'

const probeLog = defineEntity({ name: 'probeLog', idPrefix: 'plg', shape: { recordId: z.string().min(1) } })

/** A plugin whose contact hook writes its own bookkeeping as a system actor, in the writer's transaction. */
function bookkeeping(options: { failAfter?: boolean; origin?: unknown } = {}) {
  const writers: (Actor | null)[] = []
  const plugin = definePlugin({
    id: 'bookkeeping',
    schema: { entities: [probeLog] },
    hooks: {
      probeLog: { create: { before: (_data, ctx) => void writers.push(ctx.actor) } },
      contact: {
        create: {
          after: async (record, ctx) => {
            await ctx
              .actingAs({ id: 'usr_system' }, options.origin as never)
              .entity('probeLog')
              .create({ recordId: record['id'] })
            if (options.failAfter) throw new Error('the writer failed after the bookkeeping')
          },
        },
      },
    },
  })
  return { plugin, writers }
}

describe('HookContext.actingAs', () => {
  it('writes as the other actor, inside the writer’s transaction', async () => {
    const { plugin, writers } = bookkeeping({ origin: { channel: 'automation' } })
    const { crm } = await setupCrm({ plugins: [plugin] as const })
    const rep = crm.scoped({ actor: { id: 'usr_rep' } })
    const contact = await rep.contacts.create({ firstName: 'Ada' })
    expect(writers).toEqual([{ id: 'usr_system' }])
    const logs = await crm.entity<{ recordId: string }>('probeLog').list()
    expect(logs.items.map((row) => row.recordId)).toEqual([contact.id])
  })

  it('rolls back with the writer: a failure after the bookkeeping leaves neither row', async () => {
    const { plugin } = bookkeeping({ failAfter: true })
    const { crm } = await setupCrm({ plugins: [plugin] as const })
    await expect(crm.contacts.create({ firstName: 'Ada' })).rejects.toThrow('failed after the bookkeeping')
    expect(await crm.contacts.count()).toBe(0)
    expect(await crm.entity('probeLog').count()).toBe(0)
  })

  it('refuses a malformed origin with INVALID_CONFIG and writes nothing', async () => {
    const { plugin } = bookkeeping({ origin: { channel: 'carrier pigeon' } })
    const { crm } = await setupCrm({ plugins: [plugin] as const })
    const error = await crm.contacts.create({ firstName: 'Ada' }).catch((e: unknown) => e)
    expect(isRapportError(error, 'INVALID_CONFIG')).toBe(true)
    expect(await crm.contacts.count()).toBe(0)
    expect(await crm.entity('probeLog').count()).toBe(0)
  })
})
