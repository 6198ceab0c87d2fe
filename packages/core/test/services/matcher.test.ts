import { describe, expect, it } from 'vitest'
import type { Filter } from '../../src/filter/index.js'
import { isRapportError } from '../../src/index.js'
import { setupCrm } from './helpers.js'

describe('EntityService.matcher', () => {
  it('says of each record exactly what list() says, custom fields, money and lower-cased emails included', async () => {
    const { crm, pipeline, stage } = await setupCrm()
    await crm.customFields.define('contact', { key: 'tier', type: 'select', options: ['gold', 'silver'] })
    const contacts = [
      await crm.contacts.create({
        firstName: 'Ada',
        emails: [{ address: 'Ada@Example.com' }],
        custom: { tier: 'gold' },
      }),
      await crm.contacts.create({ firstName: 'Bob', title: 'CTO', lifecycleStage: 'customer' }),
      await crm.contacts.create({
        lastName: 'Cho',
        emails: [{ address: 'cho@x.dev' }],
        custom: { tier: 'silver' },
      }),
    ]
    const filters: Filter[] = [
      { field: 'emails.address', op: 'eq', value: 'ADA@example.com' },
      { field: 'custom.tier', op: 'in', value: ['gold'] },
      { field: 'title', op: 'isNull', value: true },
      { not: { field: 'firstName', op: 'startsWith', value: 'a', caseInsensitive: true } },
      {
        or: [
          { field: 'lifecycleStage', op: 'eq', value: 'customer' },
          { field: 'custom.tier', op: 'eq', value: 'silver' },
        ],
      },
      { field: 'createdAt', op: 'lte', value: { $var: 'now' } },
    ]
    for (const where of filters) {
      const test = await crm.contacts.matcher(where)
      const listed = (await crm.contacts.list({ where })).items.map((c) => c.id)
      expect([where, contacts.filter(test).map((c) => c.id)]).toEqual([where, listed])
    }
    const deals = [
      await crm.deals.create({
        name: 'Big',
        pipelineId: pipeline.id,
        stageId: stage('Proposal'),
        amount: { amountMinor: 500_000, currency: 'EUR' },
      }),
      await crm.deals.create({ name: 'None', pipelineId: pipeline.id, stageId: stage('Proposal') }),
    ]
    const where: Filter = { field: 'amount.amountMinor', op: 'gte', value: 100_000 }
    const test = await crm.deals.matcher(where)
    expect(deals.filter(test).map((d) => d.id)).toEqual(
      (await crm.deals.list({ where })).items.map((d) => d.id),
    )
    // A record not stored yet is tested the same way.
    expect(test({ ...deals[1], amount: { amountMinor: 200_000, currency: 'EUR' } })).toBe(true)
  })

  it('refuses invalid filters and exists with INVALID_FILTER', async () => {
    const { crm } = await setupCrm()
    for (const where of [{ field: 'nope', op: 'eq', value: 1 }, { exists: 'deals' }]) {
      const error = await crm.contacts.matcher(where).catch((e: unknown) => e)
      expect([where, isRapportError(error, 'INVALID_FILTER')]).toEqual([where, true])
    }
  })
})
