import { ADAPTERS, openCrm } from '@rapport/test-storages'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dataQualityPlugin, defaultCompanyRule, defaultPersonRule } from '../src/index.js'

// A createMany batch writes its match keys through core's create.afterMany hook in one createMany; one create per
// record writes them through the same hook one record at a time. Both must persist exactly the same keys.
const warnPeople = { ...defaultPersonRule, onCreate: 'warn' } as const
const plugins = [
  dataQualityPlugin({ defaultRegion: 'US', duplicateRules: [warnPeople, defaultCompanyRule] }),
] as const

const name = fc.constantFrom('Ada', 'Dora', 'Bo', 'Jon', 'John', 'Zoë', '王', '小明', 'Li', 'Catherine', '')
const surname = fc.constantFrom('Ma', 'Lovelace', 'Smith', 'Smyth', '张', 'Wang', 'Müller', '')
const contact = fc.record({
  firstName: name,
  lastName: surname,
  email: fc.option(
    fc.constantFrom('Dora.Ma@Example.com', 'dora.ma@example.com', 'a.b+x@gmail.com', 'j@x.io'),
  ),
  phone: fc.option(fc.constantFrom('(415) 555-0101', '+14155550101', '415 555 0199', '+8613800138000')),
})
type Generated = { firstName: string; lastName: string; email: string | null; phone: string | null }
const input = (c: Generated) => ({
  firstName: c.firstName || 'X',
  lastName: c.lastName,
  ...(c.email ? { emails: [{ address: c.email }] } : {}),
  ...(c.phone ? { phones: [{ number: c.phone }] } : {}),
})

describe.each(ADAPTERS)('match keys of a batch, on $name', (adapter) => {
  let batch: Awaited<ReturnType<typeof openCrm<typeof plugins>>>
  let single: Awaited<ReturnType<typeof openCrm<typeof plugins>>>
  beforeAll(async () => {
    batch = await openCrm(adapter, plugins)
    single = await openCrm(adapter, plugins)
  })
  afterAll(async () => {
    await batch.dispose()
    await single.dispose()
  })

  // Keys by record position (ids differ between the two CRMs), and the open duplicate sets the warn rule made.
  const snapshot = async (t: typeof batch, ids: readonly string[]) => {
    const position = new Map(ids.map((id, i) => [id, i]))
    const keys: string[] = []
    for await (const k of t.crm
      .entity<{ recordId: string; key: string; value: string }>('dqMatchKey')
      .iterate({ where: { field: 'recordId', op: 'in', value: [...ids] } })) {
      keys.push(`${position.get(k.recordId)}:${k.key}=${k.value}`)
    }
    const sets: string[] = []
    for await (const s of t.crm
      .entity<{ recordIds: string[] }>('dqDuplicateSet')
      .iterate({ where: { field: 'status', op: 'eq', value: 'open' } })) {
      if (s.recordIds.every((id) => position.has(id)))
        sets.push(
          s.recordIds
            .map((id) => position.get(id))
            .sort()
            .join('+'),
        )
    }
    return { keys: keys.sort(), sets: sets.sort() }
  }

  it('createMany persists the same keys and duplicate sets as one create per record', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(contact, { minLength: 1, maxLength: 12 }), async (contacts) => {
        const inputs = contacts.map(input)
        const many = await batch.crm.contacts.createMany(inputs)
        const one: string[] = []
        for (const i of inputs) one.push((await single.crm.contacts.create(i)).id)
        const a = await snapshot(
          batch,
          many.map((r) => r.id),
        )
        const b = await snapshot(single, one)
        expect(a).toEqual(b)
        expect(a.keys.length).toBeGreaterThan(0)
        // Clean up so every run starts from an empty CRM (the warn rule would otherwise see earlier runs).
        for (const id of many.map((r) => r.id)) await batch.crm.contacts.delete(id)
        for (const id of one) await single.crm.contacts.delete(id)
        for (const t of [batch, single]) {
          for await (const s of t.crm.entity('dqDuplicateSet').iterate({})) {
            await t.crm.entity('dqDuplicateSet').delete(s['id'] as string)
          }
        }
      }),
      { numRuns: adapter.name === 'postgres' ? 15 : 40 },
    )
  })
})
