import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { defineEntity } from '../../src/entities/index.js'
import type { CrmPlugin } from '../../src/index.js'
import { createCrm, definePlugin, isRapportError } from '../../src/index.js'
import { defineOperation } from '../../src/plugins/index.js'
import { createMemoryStorage } from '../../src/testing/index.js'

const rewardEntity = defineEntity({
  name: 'reward',
  idPrefix: 'rwd',
  shape: { contactId: z.string(), points: z.int().min(0), note: z.string().optional() },
})
const ledgerEntity = defineEntity({ name: 'rewardLedger', idPrefix: 'rwl', shape: { entry: z.string() } })

const grant = defineOperation({
  description: 'Grants points to a contact',
  effect: 'write',
  entity: 'contact',
  record: true,
  input: z.object({ id: z.string(), points: z.int().min(1) }),
  run: ({ id, points }, { crm, actor }) =>
    crm.entity('reward').create({ contactId: id, points, note: `by ${actor?.id ?? 'nobody'}` }),
})

const loyalty = definePlugin({
  id: 'loyalty',
  schema: { entities: [rewardEntity, ledgerEntity] },
  expose: { entities: ['reward'], operations: { grant } },
})

describe('crm.describe(): what the CRM offers to outside faces', () => {
  it('lists core collections and the entities and operations plugins expose, and nothing they keep', () => {
    const crm = createCrm({ storage: createMemoryStorage(), plugins: [loyalty] })
    const { entities, operations } = crm.describe()
    const byName = new Map(entities.map((e) => [e.name, e]))
    expect(byName.get('contact')).toMatchObject({ collection: 'contacts', plugin: null, idPrefix: 'con' })
    expect(byName.get('slaPolicy')?.collection).toBe('slaPolicies')
    expect(byName.get('reward')).toMatchObject({ collection: 'rewards', plugin: 'loyalty' })
    expect(byName.has('rewardLedger')).toBe(false)
    expect(byName.has('recordLink')).toBe(false)
    expect(operations.map((o) => `${o.plugin}.${o.name}`)).toEqual(['loyalty.grant'])
    // The schemas are the services' own: create is strict, update has no defaults.
    const contact = byName.get('contact')!
    expect(contact.createSchema.safeParse({ firstName: 'A', bogus: 1 }).success).toBe(false)
    expect(contact.updateSchema.parse({})).toEqual({})
    expect(contact.recordSchema.shape).toHaveProperty('version')
    expect(contact.searchable).toBe(true)
  })

  it('runs an exposed operation as the scoped actor', async () => {
    const crm = createCrm({ storage: createMemoryStorage(), plugins: [loyalty] })
    await crm.migrate()
    const ada = await crm.contacts.create({ firstName: 'Ada' })
    const [op] = crm.describe().operations
    const scoped = crm.scoped({ actor: { id: 'u1' } })
    const reward = (await op!.operation.run(op!.operation.input.parse({ id: ada.id, points: 5 }), {
      crm: scoped,
      tenantId: scoped.tenantId,
      actor: { id: 'u1' },
    })) as { note: string }
    expect(reward.note).toBe('by u1')
  })

  it('refuses exposures that name foreign entities or bad operation names', () => {
    const bad = (expose: unknown) => () =>
      createCrm({
        storage: createMemoryStorage(),
        plugins: [{ id: 'bad', schema: { entities: [rewardEntity] }, expose } as CrmPlugin],
      })
    for (const expose of [
      { entities: ['contact'] },
      { operations: { 'no-dash': grant } },
      { operations: { x: { ...grant, entity: 'nope' } } },
      { operations: { x: { ...grant, entity: undefined } } },
    ]) {
      let error: unknown
      try {
        bad(expose)()
      } catch (e) {
        error = e
      }
      expect(isRapportError(error, 'PLUGIN_ERROR')).toBe(true)
    }
  })
})
