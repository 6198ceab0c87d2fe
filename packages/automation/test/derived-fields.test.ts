import type { Filter } from '@rapport/core/filter'
import type { TestStorage } from '@rapport/test-storages'
import { storages } from '@rapport/test-storages'
import { afterAll, describe, expect, it } from 'vitest'
import type { Condition } from '../src/index.js'
import { setup } from './helpers.js'

const open: TestStorage[] = []
afterAll(async () => {
  for (const s of open) await s.dispose()
})

/** Conditions on a contact's derived email columns, each compared with the same filter run as a query. */
const conditions: Filter[] = [
  { field: 'primaryEmail', op: 'eq', value: 'Dora.Ma@Example.com' },
  { field: 'primaryEmail', op: 'eq', value: 'dora.ma@example.com' },
  { field: 'primaryEmail', op: 'endsWith', value: '@EXAMPLE.com' },
  { field: 'primaryEmail', op: 'in', value: ['ADA@lovelace.org', 'nobody@x.io'] },
  { field: 'primaryEmail', op: 'isNull', value: true },
  { field: 'primaryEmail', op: 'ne', value: 'ada@LOVELACE.org' },
  { field: 'emails.address', op: 'eq', value: 'DORA@home.cn' },
  { field: 'emailAddresses', op: 'eq', value: 'dora@HOME.cn' },
]

describe.each(storages)('derived fields in rule conditions ($name): the same answer as core’s query', (s) => {
  it('primaryEmail and the email columns match exactly the records crm.contacts.list({ where }) finds', async () => {
    const storage = await s.open('derived')
    open.push(storage)
    const { crm, engine } = await setup({}, storage.storage)
    await crm.contacts.create({
      firstName: 'Dora',
      emails: [{ address: 'Dora.Ma@Example.com', primary: true }, { address: 'dora@home.cn' }],
    })
    await crm.contacts.create({ firstName: 'Ada', emails: [{ address: 'ada@lovelace.org' }] })
    await crm.contacts.create({ firstName: 'Nobody' })
    const contacts = (await crm.contacts.list({ orderBy: [{ field: 'firstName' }] })).items
    for (const [i, where] of conditions.entries()) {
      engine.register({
        id: `c${i}`,
        name: `condition ${i}`,
        entity: 'contact',
        trigger: { type: 'record', events: ['created'] },
        conditions: where as Condition,
        actions: [{ type: 'addTag', tag: 'x' }],
      })
      const byQuery = (await crm.contacts.list({ where })).items.map((c) => c.firstName).sort()
      const byRule = contacts
        .filter((c) => engine.test(`c${i}`, c as unknown as Record<string, unknown>).matched)
        .map((c) => c.firstName)
        .sort()
      expect({ where, names: byRule }).toEqual({ where, names: byQuery })
    }
    // The first condition finds Dora through the query: the rule must too (it found nobody before).
    expect(engine.test('c0', contacts.find((c) => c.firstName === 'Dora') as never).matched).toBe(true)
  })
})
