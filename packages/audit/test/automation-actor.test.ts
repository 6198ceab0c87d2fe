import { accessControl, defineAccessPolicy } from '@rapport/access'
import { automationPlugin } from '@rapport/automation'
import { createCrm } from '@rapport/core'
import type { TestStorage } from '@rapport/test-storages'
import { storages } from '@rapport/test-storages'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditPlugin } from '../src/index.js'

/**
 * Automation acts as a declared system actor under the access policy (issue 10 §1, "automation, which acts as a
 * declared system actor with its own policy"), and audit records its writes with the automation channel, the rule
 * as channelRef and the run as causationId.
 */
const bookkeeping = Object.fromEntries(
  [
    'automationRun',
    'automationStep',
    'automationJob',
    'automationState',
    'automationClock',
    'automationAssignment',
    'automationScore',
    'automationPoolEntry',
    'automationPoolLog',
  ].map((entity) => [entity, { read: 'all', create: 'all', update: 'all', delete: 'all' }] as const),
)

const policy = defineAccessPolicy({
  roles: {
    rep: { entities: { contact: { read: 'own', create: 'own', update: 'own' } } },
    // The rule's own policy: every contact but the VIPs, and its bookkeeping.
    bot: {
      entities: {
        contact: {
          read: { level: 'all', where: { source: { $ne: 'vip' } } },
          update: { level: 'all', where: { source: { $ne: 'vip' } } },
        },
        ...bookkeeping,
      },
    },
    admin: { entities: { '*': { read: 'all', create: 'all', update: 'all', delete: 'all' } } },
  },
  users: { usr_ann: { roles: ['rep'] }, usr_admin: { roles: ['admin'] } },
  systemActors: { automation: { roles: ['bot'] } },
})

const welcome = {
  id: 'welcome',
  name: 'Welcome new contacts',
  entity: 'contact',
  trigger: { type: 'record', events: ['created'] },
  actions: [{ type: 'updateFields', set: { title: 'Welcomed' } }],
} as const

function build(storage: TestStorage['storage']) {
  return createCrm({
    storage,
    actor: { id: 'usr_admin' },
    plugins: [
      accessControl(policy),
      auditPlugin(),
      automationPlugin({ rules: [welcome], actor: { id: 'automation' } }),
    ] as const,
  })
}

for (const backend of storages) {
  describe(`automation as a system actor on ${backend.name}`, () => {
    let opened: TestStorage
    let crm: ReturnType<typeof build>

    beforeAll(async () => {
      opened = await backend.open('automation_actor')
      crm = build(opened.storage)
      await crm.migrate()
    })
    afterAll(() => opened.dispose())

    const runOf = async (recordId: string) =>
      (
        await crm.entity<Record<string, unknown>>('automationRun').list({
          where: { field: 'recordId', op: 'eq', value: recordId },
        })
      ).items

    it('runs the rule as its declared actor, and audit records the automation channel, rule and run', async () => {
      const ann = crm.scoped({ actor: { id: 'usr_ann' } })
      const ada = await ann.contacts.create({ firstName: 'Ada', ownerId: 'usr_ann' })
      await crm.plugins.automation.runDue()
      expect((await crm.contacts.get(ada.id)).title).toBe('Welcomed')
      const [run] = await runOf(ada.id)
      expect(run?.['status']).toBe('completed')
      const events = (await crm.plugins.audit.reader().timeline({ entity: 'contact', id: ada.id })).items
      expect(events.map((e) => [e.action, e.actorId, e.channel])).toEqual([
        ['update', 'automation', 'automation'],
        ['create', 'usr_ann', 'api'],
      ])
      expect(events[0]?.channelRef).toBe('welcome')
      expect(events[0]?.causationId).toBe(run?.['id'])
      expect(events[0]?.changes.map((c) => [c.field, c.before, c.after])).toEqual([
        ['title', null, 'Welcomed'],
      ])
    })

    it('a record outside the actor’s scope is NOT_FOUND to the rule, and stays unchanged', async () => {
      const ann = crm.scoped({ actor: { id: 'usr_ann' } })
      const vip = await ann.contacts.create({ firstName: 'Vip', ownerId: 'usr_ann', source: 'vip' })
      const before = await crm.contacts.get(vip.id)
      await crm.plugins.automation.runDue()
      const [run] = await runOf(vip.id)
      expect(run?.['status']).not.toBe('completed')
      expect((run?.['error'] as { code?: string } | null)?.code).toBe('NOT_FOUND')
      expect(await crm.contacts.get(vip.id)).toEqual(before)
      const events = (await crm.plugins.audit.reader().timeline({ entity: 'contact', id: vip.id })).items
      expect(events.map((e) => [e.action, e.actorId])).toEqual([['create', 'usr_ann']])
      // The same actor, asked directly, gets the same answer as for an id that does not exist.
      const asBot = crm.scoped({ actor: { id: 'automation' } })
      const hidden = await asBot.contacts.update(vip.id, { title: 'x' }).catch((e: unknown) => e)
      const missing = await asBot.contacts.update('con_missing', { title: 'x' }).catch((e: unknown) => e)
      expect(hidden).toMatchObject({ code: 'NOT_FOUND' })
      expect((hidden as Error).message).toBe((missing as Error).message.replace('con_missing', vip.id))
    })
  })
}
