import { describe, expect, it } from 'vitest'
import { isRapportError } from '../errors/rapport-error.js'
import { definePlugin } from '../plugins/crm-plugin.js'
import { createMemoryStorage } from '../testing/memory-storage.js'
import { createCrm } from './create-crm.js'

function crmWithActorLog() {
  const writers: (string | undefined)[] = []
  const crm = createCrm({
    storage: createMemoryStorage(),
    plugins: [
      definePlugin({
        id: 'spy',
        hooks: { contact: { create: { after: (_record, ctx) => void writers.push(ctx.actor?.id) } } },
      }),
    ] as const,
  })
  return { crm, writers }
}

describe('scoped({ transaction })', () => {
  it('joins the open transaction under its own actor: its writes commit and roll back with it', async () => {
    const { crm, writers } = crmWithActorLog()
    await expect(
      crm.transaction(async (tx) => {
        const worker = crm.scoped({
          actor: { id: 'worker' },
          origin: { channel: 'automation' },
          transaction: tx,
        })
        const c = await worker.contacts.create({ firstName: 'Joined' })
        expect(await tx.contacts.get(c.id)).toMatchObject({ firstName: 'Joined' }) // one transaction
        throw new Error('roll back')
      }),
    ).rejects.toThrow('roll back')
    expect(await crm.contacts.count()).toBe(0)
    await crm.transaction(async (tx) => {
      await crm.scoped({ actor: { id: 'worker' }, transaction: tx }).contacts.create({ firstName: 'Kept' })
      await tx.contacts.create({ firstName: 'Outer' })
    })
    expect(await crm.contacts.count()).toBe(2)
    expect(writers).toEqual(['worker', 'worker', undefined])
  })

  it('is a unit of work of its own for beforeCommit: each joined scope brings its own actor and origin', async () => {
    const seen: { types: string[]; actor: string | undefined; causationId: string | undefined }[] = []
    const crm = createCrm({
      storage: createMemoryStorage(),
      plugins: [
        definePlugin({
          id: 'spy',
          beforeCommit: (events, ctx) => {
            seen.push({
              types: events.map((e) => e.type),
              actor: ctx.actor?.id,
              causationId: ctx.origin.causationId,
            })
          },
        }),
      ] as const,
    })
    const worker = (tx: Parameters<Parameters<typeof crm.transaction>[0]>[0], run: string) =>
      crm.scoped({
        actor: { id: 'worker' },
        origin: { channel: 'automation', causationId: run },
        transaction: tx,
      })
    await crm.transaction(async (tx) => {
      await tx.contacts.create({ firstName: 'Outer' })
      await worker(tx, 'run_1').contacts.create({ firstName: 'One' })
      await worker(tx, 'run_2').companies.create({ name: 'Two' })
    })
    expect(seen).toEqual([
      { types: ['contact.created'], actor: undefined, causationId: undefined },
      { types: ['contact.created'], actor: 'worker', causationId: 'run_1' },
      { types: ['company.created'], actor: 'worker', causationId: 'run_2' },
    ])
  })

  it('is INVALID_CONFIG outside a transaction or for another tenant', async () => {
    const { crm } = crmWithActorLog()
    const code = (fn: () => unknown) => {
      try {
        fn()
        return 'ok'
      } catch (error) {
        return isRapportError(error) ? error.code : 'other'
      }
    }
    expect(code(() => crm.scoped({ transaction: crm }))).toBe('INVALID_CONFIG')
    expect(code(() => crm.scoped({ transaction: {} as never }))).toBe('INVALID_CONFIG')
    await crm.transaction(async (tx) => {
      expect(code(() => crm.scoped({ tenantId: 'other', transaction: tx }))).toBe('INVALID_CONFIG')
    })
  })
})
