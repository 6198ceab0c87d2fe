import { createCrm } from '@rapport/core'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import { describe, expect, it } from 'vitest'
import { accessControl } from '../src/plugin/access-control.js'
import { salesPolicy, seededCrm } from './fixture.js'

describe('the compiled state cached per actor object', () => {
  it('follows an actor whose roles change, in place or replaced, and a grant shared meanwhile', async () => {
    const s = await seededCrm(createSqliteStorage({ file: ':memory:' }))
    const roles = ['rep']
    const actor: { id: string; roles: string[] } = { id: 'usr_ray', roles }
    const ray = s.crm.scoped({ actor })
    expect((await ray.contacts.list()).items.map((c) => c.lastName)).toEqual(['usr_ray'])
    roles[0] = 'admin' // the same array, changed in place
    expect((await ray.contacts.list()).items).toHaveLength(4)
    expect((await ray.contacts.get(s.people['usr_ray']!.contactId)).phones[0]?.number).toBe('+8613912345670')
    actor.roles = ['rep'] // a new array
    expect((await ray.contacts.list()).items.map((c) => c.lastName)).toEqual(['usr_ray'])
    s.policy.share({
      entity: 'contact',
      recordId: s.people['usr_rae']!.contactId,
      principal: { type: 'user', id: 'usr_ray' },
      level: 'read',
      reason: 'manual',
    })
    expect((await ray.contacts.list()).items.map((c) => c.lastName).sort()).toEqual(['usr_rae', 'usr_ray'])
  })

  it('masks each read afresh: a record read twice is masked once per read, never twice', async () => {
    const crm = createCrm({
      storage: createSqliteStorage({ file: ':memory:' }),
      plugins: [accessControl(salesPolicy())] as const,
    })
    await crm.migrate()
    const created = await crm.scoped({ actor: { id: 'usr_ada' } }).contacts.create({
      firstName: 'Client',
      ownerId: 'usr_ray',
      phones: [{ number: '+8613912345670' }],
      emails: [{ address: 'client0@acme.example' }],
    })
    const ray = crm.scoped({ actor: { id: 'usr_ray' } })
    for (let i = 0; i < 3; i++) {
      expect((await ray.contacts.get(created.id)).phones[0]?.number).toBe('+86 139****5670')
      expect((await ray.contacts.list()).items[0]?.emails[0]?.address).toBe('c***@acme.example')
      expect((await ray.contacts.search('client'))[0]?.phones[0]?.number).toBe('+86 139****5670')
    }
    const ada = crm.scoped({ actor: { id: 'usr_ada' } })
    expect((await ada.contacts.get(created.id)).phones[0]?.number).toBe('+8613912345670')
  })
})
