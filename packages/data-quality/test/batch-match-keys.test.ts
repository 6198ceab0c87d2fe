import { ADAPTERS, openCrm } from '@rapport/test-storages'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dataQualityPlugin, defaultCompanyRule, defaultPersonRule, matchKeysOf } from '../src/index.js'

// A createMany batch writes its match keys through core's create.afterMany hook in one createMany; one create per
// record writes them through the same hook one record at a time. Both must persist exactly the same keys. The same
// for updateMany against one update per record (core's update.afterMany).
// maxMatches above the largest batch: with the default 5, a record matching more keeps the best 5 with ties broken by
// id, and the two CRMs' ids differ, so their sets differed by which tied match was cut (seed -707796973, path 12).
const warnPeople = { ...defaultPersonRule, onCreate: 'warn', onUpdate: 'warn', maxMatches: 20 } as const
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
    // Two migrations on a shared, loaded Postgres can take longer than the default 10 s.
  }, 60_000)
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
    // A generated contact can carry nothing a rule keys on (a first name alone), so non-vacuity is asserted over the
    // whole property: some runs must have compared keys.
    let runsWithKeys = 0
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
        if (a.keys.length > 0) runsWithKeys++
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
    expect(runsWithKeys).toBeGreaterThan(0)
  })

  it('updateMany leaves the same keys as one update per record (those of the records), and a warn set per changed record', async () => {
    const change = fc.record({ contact, update: fc.option(contact, { nil: undefined }) })
    await fc.assert(
      fc.asyncProperty(fc.array(change, { minLength: 1, maxLength: 10 }), async (changes) => {
        const inputs = changes.map((c) => input(c.contact))
        const many = (await batch.crm.contacts.createMany(inputs)).map((r) => r.id)
        const one = (await single.crm.contacts.createMany(inputs)).map((r) => r.id)
        // Sets made by the creates are not what this property is about.
        for (const t of [batch, single]) {
          for await (const s of t.crm.entity('dqDuplicateSet').iterate({})) {
            await t.crm.entity('dqDuplicateSet').delete(s['id'] as string)
          }
        }
        // A changed contact replaces its names, e-mails and phones; an unchanged one is patched with what it has.
        const patches = changes.map((c, i) => {
          const next = input(c.update ?? c.contact)
          return { i, patch: { ...next, emails: next.emails ?? [], phones: next.phones ?? [] } }
        })
        const updated = await batch.crm.contacts.updateMany(
          patches.map((p) => ({ id: many[p.i] as string, patch: p.patch })),
        )
        for (const p of patches) await single.crm.contacts.update(one[p.i] as string, p.patch)
        const a = await snapshot(batch, many)
        expect(a.keys).toEqual((await snapshot(single, one)).keys)
        // The warn rule's sets: each changed record with what it matches once the whole batch is written.
        const api = batch.crm.plugins['data-quality']
        const sets: string[] = []
        for (const record of updated) {
          if (record.version === 1) continue
          const matches = await api.findDuplicates('contact', record)
          if (matches.length === 0) continue
          sets.push(
            [record.id, ...matches.map((m) => m.id)]
              .map((id) => many.indexOf(id))
              .sort()
              .join('+'),
          )
        }
        expect(a.sets).toEqual(sets.sort())
        // The oracle: the keys the rules give the records as they now are.
        const position = new Map(many.map((id, i) => [id, i]))
        const rules = batch.crm.plugins['data-quality'].rules.filter((rule) => rule.entity === 'contact')
        const expected = updated.flatMap((record) =>
          rules
            .flatMap((rule) => matchKeysOf(rule, record as unknown as Record<string, unknown>))
            .map((k) => `${position.get(record.id)}:${k.key}=${k.value}`),
        )
        expect(a.keys).toEqual([...new Set(expected)].sort())
        for (const id of many) await batch.crm.contacts.delete(id)
        for (const id of one) await single.crm.contacts.delete(id)
        for (const t of [batch, single]) {
          for await (const s of t.crm.entity('dqDuplicateSet').iterate({})) {
            await t.crm.entity('dqDuplicateSet').delete(s['id'] as string)
          }
        }
      }),
      { numRuns: adapter.name === 'postgres' ? 10 : 30 },
    )
  })
})
