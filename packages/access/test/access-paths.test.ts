import { isRapportError } from '@rapport/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AccessBackend, Seeded } from './fixture.js'
import { backends, seededCrm } from './fixture.js'

async function errorOf(
  promise: Promise<unknown>,
): Promise<{ code: string; message: string; details: unknown }> {
  try {
    await promise
  } catch (error) {
    if (isRapportError(error)) return { code: error.code, message: error.message, details: error.details }
    throw error
  }
  throw new Error('expected a RapportError')
}

const names = (items: readonly { ownerId?: string | null }[]) => items.map((i) => i.ownerId).sort()

for (const open of backends()) {
  describe(`access on every path (${open().name})`, () => {
    let backend: AccessBackend
    let s: Seeded
    beforeAll(async () => {
      backend = open()
      s = await seededCrm(backend.storage)
    }, 60_000)
    afterAll(async () => {
      await backend.close()
    })

    it('list, count, iterate and get follow the role scope levels', async () => {
      const ray = s.as('usr_ray')
      expect(names((await ray.deals.list()).items)).toEqual(['usr_ray'])
      expect(await ray.deals.count()).toBe(1)
      const iterated = []
      for await (const c of ray.contacts.iterate()) iterated.push(c)
      expect(names(iterated)).toEqual(['usr_ray'])
      // Mia manages east; west sits under east: her team tree holds Ray, Rae, Sam and herself.
      expect(names((await s.as('usr_mia').deals.list()).items)).toEqual(['usr_rae', 'usr_ray', 'usr_sam'])
      expect(await s.as('usr_ada').deals.count()).toBe(4)
      expect((await ray.deals.get(s.people['usr_ray']!.dealId)).ownerId).toBe('usr_ray')
    })

    it('answers NOT_FOUND with exactly the missing-id message outside the scope', async () => {
      const ray = s.as('usr_ray')
      const hidden = s.people['usr_rae']!.dealId
      const outside = await errorOf(ray.deals.get(hidden))
      const missing = await errorOf(ray.deals.get('deal_00000000000000000000000000'))
      expect(outside.code).toBe('NOT_FOUND')
      expect(outside.message).toBe(`No deal with id "${hidden}"`)
      expect(missing.message).toBe('No deal with id "deal_00000000000000000000000000"')
      expect(await ray.deals.find(hidden)).toBeNull()
      expect((await errorOf(ray.deals.update(hidden, { name: 'x' }))).code).toBe('NOT_FOUND')
      expect((await errorOf(ray.contacts.delete(s.people['usr_rae']!.contactId))).code).toBe('NOT_FOUND')
      expect((await errorOf(ray.deals.archive(hidden))).code).toBe('NOT_FOUND')
    })

    it('search only finds records in scope', async () => {
      expect(names(await s.as('usr_ray').contacts.search('Client'))).toEqual(['usr_ray'])
      expect(names(await s.as('usr_ada').contacts.search('Client'))).toHaveLength(4)
    })

    it('a user without an actor, or with no role on an entity, sees nothing', async () => {
      expect(await s.crm.deals.count()).toBe(0)
      expect(await s.as('usr_nobody').deals.count()).toBe(0)
      expect(await s.as('usr_ray').tickets.count()).toBe(0)
    })

    it('exists across relations applies the related entity scope', async () => {
      const ray = s.as('usr_ray')
      // Ray's own contact is on his own deal only; a deal he cannot see never makes a contact match.
      const where = {
        exists: 'deals',
        where: { field: 'amount.amountMinor', op: 'gte', value: 2000 },
      } as const
      expect(await ray.contacts.count({ where })).toBe(0)
      expect(await s.as('usr_ada').contacts.count({ where })).toBe(3)
      const viaDeals = {
        exists: 'contacts',
        where: { field: 'lastName', op: 'eq', value: 'usr_rae' },
      } as const
      expect(await s.as('usr_mia').deals.count({ where: viaDeals })).toBe(1)
      expect(await ray.deals.count({ where: viaDeals })).toBe(0)
    })

    it('join rows, related lists and stage history are visible exactly when their records are', async () => {
      const ray = s.as('usr_ray')
      expect(await ray.entity('dealContact').count()).toBe(1)
      expect(await s.as('usr_ada').entity('dealContact').count()).toBe(4)
      const own = s.people['usr_ray']!.dealId
      expect((await ray.deals.listContacts(own)).map((e) => e.contact.lastName)).toEqual(['usr_ray'])
      const other = s.people['usr_rae']!
      expect((await errorOf(ray.deals.listContacts(other.dealId))).code).toBe('NOT_FOUND')
      expect((await errorOf(ray.deals.removeContact(other.dealId, other.contactId))).code).toBe('NOT_FOUND')
      expect(await s.as('usr_ada').entity('dealContact').count()).toBe(4)
      expect(await ray.stageHistory.count()).toBe(1)
      expect(await s.as('usr_mia').stageHistory.count()).toBe(3)
      expect((await errorOf(ray.deals.stageHistory(other.dealId))).code).toBe('NOT_FOUND')
    })

    it('a create must fall inside the create scope; nothing is written otherwise', async () => {
      const ray = s.as('usr_ray')
      const before = await s.as('usr_ada').contacts.count()
      const refused = await errorOf(ray.contacts.create({ firstName: 'Gift', ownerId: 'usr_rae' }))
      expect(refused.code).toBe('FORBIDDEN')
      expect(await s.as('usr_ada').contacts.count()).toBe(before)
      const mine = await ray.contacts.create({ firstName: 'Mine', ownerId: 'usr_ray' })
      expect(mine.ownerId).toBe('usr_ray')
      await s.as('usr_ada').contacts.delete(mine.id)
    })

    it('an update must leave the record inside the update scope (no handing records away)', async () => {
      const ray = s.as('usr_ray')
      const id = s.people['usr_ray']!.dealId
      const refused = await errorOf(ray.deals.update(id, { ownerId: 'usr_rae' }))
      expect(refused.code).toBe('FORBIDDEN')
      const after = await s.as('usr_ada').deals.get(id)
      expect(after.ownerId).toBe('usr_ray')
      // Mia may update her subordinates' deals and hand them between them.
      const moved = await s.as('usr_mia').deals.update(id, { ownerId: 'usr_rae' })
      expect(moved.ownerId).toBe('usr_rae')
      await s.as('usr_mia').deals.update(id, { ownerId: 'usr_ray' })
    })

    it('readable but not deletable is FORBIDDEN, and nothing is deleted', async () => {
      const id = s.people['usr_ray']!.dealId
      expect((await errorOf(s.as('usr_ray').deals.delete(id))).code).toBe('FORBIDDEN')
      expect((await s.as('usr_ada').deals.get(id)).id).toBe(id)
    })
  })
}
