import { describe, expect, it } from 'vitest'
import { isRapportError } from '../errors/rapport-error.js'
import type { CommitContext, QueuedEvent } from '../plugins/crm-plugin.js'
import { definePlugin } from '../plugins/crm-plugin.js'
import { createMemoryStorage } from '../testing/memory-storage.js'
import { createCrm } from './create-crm.js'

describe('beforeCommit and write origins', () => {
  it('hands every queued event of the unit of work, with the origin, to the hook inside the transaction', async () => {
    const seen: { types: string[]; origin: CommitContext['origin']; actor: string | undefined }[] = []
    const crm = createCrm({
      storage: createMemoryStorage(),
      plugins: [
        definePlugin({
          id: 'spy',
          beforeCommit: (events: readonly QueuedEvent[], ctx) => {
            seen.push({ types: events.map((e) => e.type), origin: ctx.origin, actor: ctx.actor?.id })
          },
        }),
      ] as const,
    })
    const api = crm.scoped({
      actor: { id: 'usr_1' },
      origin: { channel: 'import', channelRef: 'job_1', requestId: 'r1' },
    })
    await api.transaction(async (tx) => {
      const c = await tx.contacts.create({ firstName: 'A' })
      await tx.contacts.update(c.id, { lastName: 'B' })
    })
    expect(seen).toEqual([
      {
        types: ['contact.created', 'contact.updated'],
        origin: { channel: 'import', channelRef: 'job_1', requestId: 'r1' },
        actor: 'usr_1',
      },
    ])
    await crm.contacts.create({ firstName: 'C' })
    expect(seen[1]).toEqual({ types: ['contact.created'], origin: {}, actor: undefined })
  })

  it('rolls the write back when the hook throws, and gives events queued by hooks a further round', async () => {
    const rounds: string[][] = []
    const crm = createCrm({
      storage: createMemoryStorage(),
      plugins: [
        definePlugin({
          id: 'echo',
          beforeCommit: async (events, ctx) => {
            rounds.push(events.map((e) => e.type))
            if (events.some((e) => e.type === 'contact.created'))
              await ctx.crm.companies.create({ name: 'Side effect' })
            if (
              events.some(
                (e) => (e.payload as { record?: { firstName?: string } }).record?.firstName === 'Boom',
              )
            ) {
              throw new Error('refused')
            }
          },
        }),
      ] as const,
    })
    await crm.contacts.create({ firstName: 'Ok' })
    expect(rounds).toEqual([['contact.created'], ['company.created']])
    await expect(crm.contacts.create({ firstName: 'Boom' })).rejects.toThrow('refused')
    expect(await crm.contacts.count()).toBe(1)
    expect(await crm.companies.count()).toBe(1)
  })

  it('writes as another actor inside the transaction with actingAs, rolled back with the unit of work', async () => {
    const created: (string | undefined)[] = []
    const crm = createCrm({
      storage: createMemoryStorage(),
      plugins: [
        definePlugin({
          id: 'sys',
          beforeCommit: async (events, ctx) => {
            if (!events.some((e) => e.type === 'order.placed')) return
            const system = ctx.actingAs({ id: 'system' }, { channel: 'automation', channelRef: 'r1' })
            await system.companies.create({ name: 'Side effect' })
            if (events.some((e) => (e.payload as { fail?: boolean }).fail)) throw new Error('refused')
          },
        }),
      ] as const,
    })
    crm.events.on('company.created', (e) => {
      created.push(e.actor?.id)
    })
    const user = crm.scoped({ actor: { id: 'usr_1' } })
    await user.transaction(async (tx) => {
      tx.emit('order.placed', { fail: false })
    })
    expect(created).toEqual(['system'])
    await expect(
      user.transaction(async (tx) => {
        tx.emit('order.placed', { fail: true })
      }),
    ).rejects.toThrow('refused')
    expect(await crm.companies.count()).toBe(1)
  })

  it('refuses hooks that keep queueing events, and a malformed origin', async () => {
    const crm = createCrm({
      storage: createMemoryStorage(),
      plugins: [
        definePlugin({
          id: 'loop',
          beforeCommit: async (_events, ctx) => {
            await ctx.crm.tags.create({ name: `t${Math.random()}` })
          },
        }),
      ] as const,
    })
    const error = await crm.tags.create({ name: 'first' }).catch((e: unknown) => e)
    expect(isRapportError(error, 'PLUGIN_ERROR')).toBe(true)
    expect(await crm.tags.count()).toBe(0)
    expect(() => crm.scoped({ origin: { requestId: '' } })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    )
  })
})
