import { describe, expect, it } from 'vitest'
import { isRapportError } from '../../src/index.js'
import { setupCrm } from './helpers.js'

// Custom-value schemas are compiled once per definition and reused; a redefined field must be checked against its
// new definition, never a cached one.
describe('custom-field value schemas', () => {
  it('follow a field that is removed and defined again with other options', async () => {
    const { crm } = await setupCrm()
    await crm.customFields.define('contact', { key: 'tier', type: 'select', options: ['gold', 'silver'] })
    const a = await crm.contacts.create({ firstName: 'Ada', custom: { tier: 'gold' } })
    expect(a.custom).toEqual({ tier: 'gold' })

    await crm.customFields.remove('contact', 'tier')
    await crm.customFields.define('contact', { key: 'tier', type: 'select', options: ['bronze'] })
    const refused = await crm.contacts.create({ firstName: 'Bo', custom: { tier: 'gold' } }).catch((e) => e)
    expect(isRapportError(refused, 'VALIDATION_FAILED')).toBe(true)
    expect(refused.issues[0].path).toEqual(['custom', 'tier'])
    expect(await crm.contacts.count()).toBe(1)
    const b = await crm.contacts.create({ firstName: 'Bo', custom: { tier: 'bronze' } })
    expect(b.custom).toEqual({ tier: 'bronze' })
  })

  it('check every row of a batch against the same definitions', async () => {
    const { crm } = await setupCrm()
    await crm.customFields.define('contact', { key: 'score', type: 'number' })
    const refused = await crm.contacts
      .createMany([
        { firstName: 'A', custom: { score: 1 } },
        { firstName: 'B', custom: { score: 'high' } },
        { firstName: 'C', custom: { score: 3 } },
      ])
      .catch((e) => e)
    expect(isRapportError(refused, 'VALIDATION_FAILED')).toBe(true)
    expect(refused.issues.map((i: { path: unknown[] }) => i.path)).toEqual([[1, 'custom', 'score']])
    expect(await crm.contacts.count()).toBe(0)
  })
})
