import { isRapportError } from '@rapport/core'
import { ADAPTERS, openCrm } from '@rapport/test-storages'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dataQualityPlugin } from '../src/index.js'

describe.each(ADAPTERS)('phones typed in national form on $name', (adapter) => {
  let t: Awaited<ReturnType<typeof openCrm<readonly [ReturnType<typeof dataQualityPlugin>]>>>
  beforeAll(async () => {
    t = await openCrm(adapter, [
      dataQualityPlugin({ defaultRegion: (tenant) => (tenant === 'cn' ? 'CN' : 'US') }),
    ] as const)
  })
  afterAll(() => t.dispose())

  it('are stored as E.164 on create and update, in the tenant region', async () => {
    const ada = await t.crm.contacts.create({ firstName: 'Ada', phones: [{ number: '(415) 555-0101' }] })
    expect(ada.phones).toEqual([{ number: '+14155550101' }])
    const updated = await t.crm.contacts.update(ada.id, {
      phones: [{ number: '415.555.0102', label: 'work' }],
    })
    expect(updated.phones).toEqual([{ number: '+14155550102', label: 'work' }])
    const lead = await t.crm.leads.create({ firstName: 'Bo', phone: '(212) 555-0199' })
    expect(lead.phone).toBe('+12125550199')
    const wang = await t.crm.scoped({ tenantId: 'cn' }).contacts.create({
      lastName: '王',
      phones: [{ number: '138 1234 5678' }],
    })
    expect(wang.phones[0]?.number).toBe('+8613812345678')
  })

  it('a number that cannot be read is a VALIDATION_FAILED issue on that field, and nothing is written', async () => {
    const before = await t.crm.contacts.count()
    const err = await t.crm.contacts
      .createMany([
        { firstName: 'Ok', phones: [{ number: '(415) 555-0103' }] },
        { firstName: 'Bad', phones: [{ number: '555-1234' }] },
      ])
      .catch((e: unknown) => e)
    expect(isRapportError(err, 'VALIDATION_FAILED')).toBe(true)
    expect((err as { issues: { path: unknown[] }[] }).issues[0]?.path).toEqual([1, 'phones', 0, 'number'])
    expect(await t.crm.contacts.count()).toBe(before)
  })
})
