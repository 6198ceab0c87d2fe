import { isRapportError } from '@rapport/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { maskEmail, maskPhone } from '../src/fields/masks.js'
import type { AccessBackend, Seeded } from './fixture.js'
import { backends, seededCrm } from './fixture.js'

async function errorOf(promise: Promise<unknown>) {
  try {
    await promise
  } catch (error) {
    if (isRapportError(error)) return error
    throw error
  }
  throw new Error('expected a RapportError')
}

describe('masks', () => {
  it('keep the country code, three leading and four trailing digits of a phone', () => {
    expect(maskPhone('+8613912345678')).toBe('+86 139****5678')
    expect(maskPhone('+4930123456')).toBe('+49 301*3456')
    expect(maskPhone('+3312345')).toBe('+33 ***')
  })
  it('keep the first character and the domain of an email', () => {
    expect(maskEmail('alice@acme.example')).toBe('a***@acme.example')
    expect(maskEmail('not-an-email')).toBe('***')
  })
})

for (const open of backends()) {
  describe(`field-level rights (${open().name})`, () => {
    let backend: AccessBackend
    let s: Seeded
    beforeAll(async () => {
      backend = open()
      s = await seededCrm(backend.storage)
    }, 60_000)
    afterAll(async () => {
      await backend.close()
    })

    it('returns masked values to a rep on get, list, search and related lists, in clear to others', async () => {
      const ray = s.as('usr_ray')
      const id = s.people['usr_ray']!.contactId
      const got = await ray.contacts.get(id)
      expect(got.phones.map((p) => p.number)).toEqual(['+86 139****5670'])
      expect(got.emails.map((e) => e.address)).toEqual(['c***@acme.example'])
      expect((await ray.contacts.list()).items[0]?.phones[0]?.number).toBe('+86 139****5670')
      expect((await ray.contacts.search('Client'))[0]?.emails[0]?.address).toBe('c***@acme.example')
      const related = await ray.deals.listContacts(s.people['usr_ray']!.dealId)
      expect(related[0]?.contact.phones[0]?.number).toBe('+86 139****5670')
      expect((await s.as('usr_mia').contacts.get(id)).phones[0]?.number).toBe('+8613912345670')
    })

    it('refuses to filter, sort or search on a masked field, naming it', async () => {
      const ray = s.as('usr_ray')
      const byPrefix = await errorOf(
        ray.contacts.list({ where: { field: 'phones.number', op: 'startsWith', value: '+86139' } }),
      )
      expect(byPrefix.code).toBe('FIELD_FORBIDDEN')
      expect(byPrefix.details).toMatchObject({ entity: 'contact', fields: ['phones.number'] })
      const derived = await errorOf(
        ray.contacts.count({ where: { field: 'primaryEmail', op: 'eq', value: 'client0@acme.example' } }),
      )
      expect(derived.code).toBe('FIELD_FORBIDDEN')
      const nested = await errorOf(
        ray.deals.count({
          where: {
            exists: 'contacts',
            where: { field: 'emails.address', op: 'eq', value: 'client0@acme.example' },
          },
        }),
      )
      expect(nested.code).toBe('FIELD_FORBIDDEN')
      const sort = await errorOf(ray.contacts.list({ orderBy: [{ field: 'primaryEmail' }] }))
      expect(sort.code).toBe('FIELD_FORBIDDEN')
      // Search skips the masked email: a term only the email holds finds nothing, a name still matches.
      expect(await ray.contacts.search('client0@acme.example')).toEqual([])
      expect(await ray.contacts.search('Client')).toHaveLength(1)
    })

    it('refuses writes to fields the actor may not edit, naming them, and writes nothing', async () => {
      const ray = s.as('usr_ray')
      const id = s.people['usr_ray']!.contactId
      const error = await errorOf(
        ray.contacts.update(id, { lifecycleStage: 'customer', phones: [{ number: '+8613900000000' }] }),
      )
      expect(error.code).toBe('FIELD_FORBIDDEN')
      expect([...(error.details as { fields: string[] }).fields].sort()).toEqual(['lifecycleStage', 'phones'])
      const after = await s.as('usr_ada').contacts.get(id)
      expect(after.lifecycleStage).toBe('lead')
      expect(after.phones[0]?.number).toBe('+8613912345670')
      const created = await errorOf(
        ray.contacts.create({ firstName: 'X', ownerId: 'usr_ray', lifecycleStage: 'customer' }),
      )
      expect(created.code).toBe('FIELD_FORBIDDEN')
      expect(
        await s.as('usr_ada').contacts.count({ where: { field: 'firstName', op: 'eq', value: 'X' } }),
      ).toBe(0)
      // Fields the rep may edit still work.
      expect((await ray.contacts.update(id, { title: 'CTO' })).title).toBe('CTO')
    })

    it('search ranks rows by the fields the caller may read, never by a masked one', async () => {
      const ray = s.as('usr_ray')
      const ada = s.as('usr_ada')
      // Both titles start with the query, so both are prefix matches for Ray, and the older one comes first. The newer
      // one's masked email equals the query: ranked by the whole record it would come first, revealing the address.
      const older = await ada.contacts.create({
        firstName: 'Tie',
        ownerId: 'usr_ray',
        title: 'wombat@zoo.example desk',
      })
      const newer = await ada.contacts.create({
        firstName: 'Tie',
        ownerId: 'usr_ray',
        title: 'wombat@zoo.example team',
        emails: [{ address: 'wombat@zoo.example' }],
      })
      try {
        const ids = async (limit?: number) =>
          (await ray.contacts.search('wombat@zoo.example', limit ? { limit } : {})).map((c) => c.id)
        expect(await ids()).toEqual([older.id, newer.id])
        expect(await ids(1)).toEqual([older.id])
        // The admin reads the email, so for her the exact match ranks first.
        expect((await ada.contacts.search('wombat@zoo.example')).map((c) => c.id)).toEqual([
          newer.id,
          older.id,
        ])
      } finally {
        for (const c of [older, newer]) await ada.contacts.delete(c.id)
      }
    })

    it('search keeps looking past rows that match only through a masked field', async () => {
      const ray = s.as('usr_ray')
      // Twelve contacts match "quokka" only through their (masked) email, and rank first; the one readable match,
      // through the title, ranks after them. A fixed over-fetch of 4 × limit found nothing here.
      const hidden = []
      for (let i = 0; i < 12; i++) {
        hidden.push(
          await s.as('usr_ada').contacts.create({
            firstName: 'Zoo',
            ownerId: 'usr_ray',
            emails: [{ address: `quokka${i}@zoo.example` }],
          }),
        )
      }
      const keeper = await s.as('usr_ada').contacts.create({
        firstName: 'Keeper',
        ownerId: 'usr_ray',
        title: 'Head of Quokka Relations',
      })
      try {
        expect((await ray.contacts.search('quokka', { limit: 1 })).map((c) => c.id)).toEqual([keeper.id])
        expect((await ray.contacts.search('quokka')).map((c) => c.id)).toEqual([keeper.id])
        const clear = await s.as('usr_ada').contacts.search('quokka', { limit: 50 })
        expect(clear.map((c) => c.id).sort()).toEqual([...hidden, keeper].map((c) => c.id).sort())
        expect(clear.at(-1)?.id).toBe(keeper.id)
      } finally {
        for (const c of [...hidden, keeper]) await s.as('usr_ada').contacts.delete(c.id)
      }
    })
  })
}
