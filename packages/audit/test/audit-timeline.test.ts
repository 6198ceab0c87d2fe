import { createCrm, definePlugin, isRapportError } from '@rapport/core'
import type { TestStorage } from '@rapport/test-storages'
import { storages } from '@rapport/test-storages'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditPlugin } from '../src/index.js'

/** Reps see only their own contacts. */
const ownContacts = definePlugin({
  id: 'own',
  scope: ({ entity, actor }) =>
    entity === 'contact' && actor && actor['role'] === 'rep'
      ? { field: 'ownerId', op: 'eq', value: actor.id }
      : undefined,
})

for (const backend of storages) {
  describe(`audit field changes on the customer timeline (${backend.name})`, () => {
    let opened: TestStorage
    let now = new Date('2026-02-01T00:00:00.000Z')
    let crm: ReturnType<typeof build>
    const build = (storage: TestStorage['storage']) =>
      createCrm({ storage, clock: () => now, plugins: [auditPlugin(), ownContacts] as const })

    beforeAll(async () => {
      opened = await backend.open('timeline')
      crm = build(opened.storage)
      await crm.migrate()
    })
    afterAll(() => opened.dispose())

    it('lists each update of the contact as a fieldChange entry, newest first, among core entries', async () => {
      const ada = await crm.contacts.create({ firstName: 'Ada', ownerId: 'usr_ann' })
      now = new Date(now.getTime() + 1000)
      await crm.contacts.update(ada.id, { lastName: 'Lovelace' })
      now = new Date(now.getTime() + 1000)
      await crm.activities.create({
        type: 'note',
        subject: 'met',
        occurredAt: now,
        targets: [{ type: 'contact', id: ada.id }],
      })
      now = new Date(now.getTime() + 1000)
      await crm.contacts.update(ada.id, { title: 'Countess' })
      const page = await crm.timeline.page({ type: 'contact', id: ada.id })
      expect(page.items.map((i) => [i.kind, i.record['fields'] ?? i.record['subject']])).toEqual([
        ['fieldChange', ['title']],
        ['activity', 'met'],
        ['fieldChange', ['lastName']],
      ])
      expect(crm.timeline.kinds('contact')).toContain('fieldChange')
      const only = await crm.timeline.page(
        { type: 'contact', id: ada.id },
        { kinds: ['fieldChange'], limit: 1 },
      )
      expect(only.items.map((i) => i.record['fields'])).toEqual([['title']])
      expect(only.hasMore).toBe(true)
      // A rep who does not own Ada cannot read her timeline at all.
      const bob = crm.scoped({ actor: { id: 'usr_bob', role: 'rep' } })
      const error = await bob.timeline.page({ type: 'contact', id: ada.id }).catch((e: unknown) => e)
      expect(isRapportError(error, 'NOT_FOUND')).toBe(true)
    })
  })
}
