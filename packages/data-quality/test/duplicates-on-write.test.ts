import { isRapportError } from '@rapport/core'
import { ADAPTERS, openCrm } from '@rapport/test-storages'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  DuplicateError,
  dataQualityPlugin,
  defaultCompanyRule,
  defaultPersonRule,
  skipDuplicateCheck,
} from '../src/index.js'

const blockingPeople = {
  ...defaultPersonRule,
  onCreate: 'block',
  onUpdate: 'block',
  maxBlockSize: 3,
} as const
const plugins = [
  dataQualityPlugin({ defaultRegion: 'US', duplicateRules: [blockingPeople, defaultCompanyRule] }),
] as const

describe.each(ADAPTERS)('duplicate rules on every write, on $name', (adapter) => {
  let t: Awaited<ReturnType<typeof openCrm<typeof plugins>>>
  const keysOf = async (recordId: string) =>
    (
      await t.crm.entity<{ key: string; value: string }>('dqMatchKey').list({
        where: { field: 'recordId', op: 'eq', value: recordId },
        orderBy: [{ field: 'key' }, { field: 'value' }],
      })
    ).items.map((k) => `${k.key}=${k.value}`)

  // A migration on a shared, loaded Postgres can take longer than the default 10 s (as in duplicate-job.test.ts).
  beforeAll(async () => {
    t = await openCrm(adapter, plugins)
  }, 60_000)
  afterAll(() => t.dispose())

  it('match keys are persisted on create, follow updates and go with deletes', async () => {
    const dora = await t.crm.contacts.create({
      firstName: 'Dora',
      lastName: 'Ma',
      emails: [{ address: 'Dora.Ma@Example.com' }],
    })
    expect(await keysOf(dora.id)).toEqual(['email=dora.ma@example.com', 'name=M|d'])
    await t.crm.contacts.update(dora.id, { emails: [{ address: 'dora@ma.dev' }] })
    expect(await keysOf(dora.id)).toEqual(['email=dora@ma.dev', 'name=M|d'])
    await t.crm.contacts.update(dora.id, { title: 'CTO' }) // no matching field changed: keys untouched
    expect(await keysOf(dora.id)).toEqual(['email=dora@ma.dev', 'name=M|d'])
    await t.crm.contacts.delete(dora.id)
    expect(await keysOf(dora.id)).toEqual([])
  })

  it('a block is a typed DuplicateError with the matches and scores; nothing is written; skip saves', async () => {
    const ann = await t.crm.contacts.create({
      firstName: 'Ann',
      lastName: 'Lee',
      emails: [{ address: 'ann.lee@acme.com' }],
    })
    const contacts = await t.crm.contacts.count()
    const keys = await t.crm.entity('dqMatchKey').count()
    const input = { firstName: 'Anne', lastName: 'Lee', emails: [{ address: 'ANN.LEE@ACME.COM' }] }
    const err = await t.crm.contacts.create(input).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DuplicateError)
    expect(isRapportError(err, 'DATA_QUALITY_DUPLICATE')).toBe(true)
    expect((err as DuplicateError).matches).toEqual([{ id: ann.id, score: 1, fields: {}, sureKey: 'email' }])
    expect(await t.crm.contacts.count()).toBe(contacts)
    expect(await t.crm.entity('dqMatchKey').count()).toBe(keys)
    const saved = await skipDuplicateCheck(() => t.crm.contacts.create(input))
    expect(saved.firstName).toBe('Anne')
    expect(await t.crm.contacts.count()).toBe(contacts + 1)
    // Updates are checked too: renaming another contact into a duplicate is blocked and changes nothing.
    const bob = await t.crm.contacts.create({ firstName: 'Bob', emails: [{ address: 'bob@acme.com' }] })
    const upd = await t.crm.contacts
      .update(bob.id, { emails: [{ address: 'ann.lee@acme.com' }] })
      .catch((e: unknown) => e)
    expect(upd).toBeInstanceOf(DuplicateError)
    expect((await t.crm.contacts.get(bob.id)).emails).toEqual([{ address: 'bob@acme.com' }])
  })

  it('fuzzy matches need corroboration: typo names plus the same national phone', async () => {
    await t.crm.contacts.create({
      firstName: 'Jonathan',
      lastName: 'Smith',
      phones: [{ number: '(415) 555-0142' }],
    })
    const err = await t.crm.contacts
      .create({ firstName: 'Jonathon', lastName: 'Smyth', phones: [{ number: '415-555-0142' }] })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DuplicateError)
    expect((err as DuplicateError).matches[0]?.score).toBeGreaterThan(0.9)
    // Same names, another phone: not enough evidence.
    await t.crm.contacts.create({
      firstName: 'Jonathan',
      lastName: 'Smith',
      phones: [{ number: '(212) 555-0190' }],
    })
  })

  it('a key shared by more records than maxBlockSize is ignored', async () => {
    for (const name of ['Kim', 'Lars', 'Mia', 'Noor']) {
      await skipDuplicateCheck(() =>
        t.crm.contacts.create({
          firstName: name,
          lastName: 'Shared',
          emails: [{ address: 'info@shared.io' }],
        }),
      )
    }
    const matches = await t.crm.plugins['data-quality'].findDuplicates('contact', {
      firstName: 'Olu',
      emails: [{ address: 'info@shared.io' }],
    })
    expect(matches).toEqual([])
  })

  it('equal scores are ordered oldest record first, then by id, whatever order the ids fall in', async () => {
    const person = { firstName: 'Tilda', lastName: 'Breakwell', phones: [{ number: '+14155550177' }] }
    const newer = await skipDuplicateCheck(() => t.crm.contacts.create(person))
    t.tick(-60_000)
    const older = await skipDuplicateCheck(() => t.crm.contacts.create(person))
    t.tick(60_000)
    const matches = await t.crm.plugins['data-quality'].findDuplicates('contact', person)
    expect(matches.map((m) => [m.id, m.score])).toEqual([
      [older.id, 1],
      [newer.id, 1],
    ])
  })

  it('companies warn: the write goes through and an open duplicate set waits for review', async () => {
    const a = await t.crm.companies.create({ name: '深圳市腾讯计算机系统有限公司' })
    const b = await t.crm.companies.create({ name: '腾讯计算机系统有限公司' })
    const sets = await t.crm.entity<{ recordIds: string[]; status: string }>('dqDuplicateSet').list({
      where: { field: 'entity', op: 'eq', value: 'company' },
    })
    expect(sets.items.map((s) => [s.status, s.recordIds])).toEqual([['open', [a.id, b.id].sort()]])
  })

  it('the batch job streams the table into duplicate sets, once; "not a duplicate" pairs are remembered', async () => {
    const dq = t.crm.plugins['data-quality']
    const x = await t.crm.companies.create({ name: 'Globex GmbH', domain: 'globex.com' })
    const y = await t.crm.companies.create({ name: 'Globex Corporation', domain: 'globex.com' })
    // Both pairs were already reported on create (warn), so the job finds them and stores no second copy.
    const [first] = await dq.findAllDuplicates('company')
    expect(first).toMatchObject({ entity: 'company', scanned: 4, sets: 2, created: 0 })
    const open = await t.crm
      .entity('dqDuplicateSet')
      .count({ where: { field: 'entity', op: 'eq', value: 'company' } })
    expect(open).toBe(2)
    await dq.markNotDuplicate('company', y.id, x.id)
    expect(await dq.findDuplicates('company', x)).toEqual([])
    const bad = await dq.markNotDuplicate('company', x.id, 'com_missing').catch((e: unknown) => e)
    expect(isRapportError(bad, 'NOT_FOUND')).toBe(true)
  })

  it('dismissing a duplicate set closes it and remembers its pairs; a closed set cannot be dismissed again', async () => {
    const dq = t.crm.plugins['data-quality']
    const p = await t.crm.companies.create({ name: 'Initech LLC', domain: 'initech.io' })
    const q = await t.crm.companies.create({ name: 'Initech', domain: 'initech.io' })
    const sets = t.crm.entity<{ id: string; status: string; recordIds: string[] }>('dqDuplicateSet')
    const open = (await sets.list({ where: { field: 'status', op: 'eq', value: 'open' }, limit: 100 })).items
    const set = open.find((s) => s.recordIds.includes(q.id) && s.recordIds.includes(p.id))
    expect(set).toBeDefined()
    await dq.dismissDuplicateSet(set?.id as string)
    expect((await sets.get(set?.id as string)).status).toBe('dismissed')
    expect(await dq.findDuplicates('company', q)).toEqual([])
    const again = await dq.dismissDuplicateSet(set?.id as string).catch((e: unknown) => e)
    expect(isRapportError(again, 'INVALID_TRANSITION')).toBe(true)
    const jobs = await dq.findAllDuplicates('company')
    expect(jobs[0]?.created).toBe(0)
  })
})
