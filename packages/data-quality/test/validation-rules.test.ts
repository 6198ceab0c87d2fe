import { createCrm, isRapportError } from '@rapport/core'
import { createMemoryStorage } from '@rapport/core/testing'
import { ADAPTERS, openCrm } from '@rapport/test-storages'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ValidationRuleInput } from '../src/index.js'
import { dataQualityPlugin, validateRecord } from '../src/index.js'

const rules: ValidationRuleInput[] = [
  {
    id: 'customer-needs-email',
    entity: 'contact',
    when: { field: 'lifecycleStage', op: 'eq', value: 'customer' },
    assert: { field: 'emails.address', op: 'isNull', value: false },
    field: 'emails',
    message: 'A customer needs an email address',
  },
  {
    id: 'customer-needs-owner',
    entity: 'contact',
    when: { field: 'lifecycleStage', op: 'eq', value: 'customer' },
    assert: { field: 'ownerId', op: 'isNull', value: false },
    field: 'ownerId',
    message: 'A customer needs an owner',
  },
  {
    id: 'no-test-titles',
    entity: 'contact',
    errorWhen: { field: 'title', op: 'contains', value: 'test', caseInsensitive: true },
    field: 'title',
    message: 'Looks like test data',
    severity: 'warning',
  },
  {
    id: 'merged-keeps-a-name',
    entity: 'contact',
    on: ['merge'],
    assert: { field: 'lastName', op: 'ne', value: 'Forbidden' },
    field: 'lastName',
    message: 'A merge may not produce this name',
  },
]

const plugins = [dataQualityPlugin({ defaultRegion: 'US', validationRules: rules })] as const

function issuesOf(error: unknown) {
  expect(isRapportError(error, 'VALIDATION_FAILED')).toBe(true)
  return (error as { issues: { path: unknown[]; code: string; params?: { ruleId: string } }[] }).issues
}

describe.each(ADAPTERS)('validation rules on $name', (adapter) => {
  let t: Awaited<ReturnType<typeof openCrm<typeof plugins>>>
  beforeAll(async () => {
    t = await openCrm(adapter, plugins)
  })
  afterAll(() => t.dispose())

  it('a create breaking two rules is refused with both issues in zod shape, and nothing is written', async () => {
    const { crm } = t
    const before = await crm.contacts.list({ includeArchived: true, limit: 1000 })
    const error = await crm.contacts
      .create({ firstName: 'Ada', lifecycleStage: 'customer', title: 'Test user' })
      .catch((e: unknown) => e)
    const issues = issuesOf(error)
    expect(issues).toEqual([
      {
        code: 'custom',
        path: ['emails'],
        message: 'A customer needs an email address',
        params: { ruleId: 'customer-needs-email', severity: 'error' },
      },
      {
        code: 'custom',
        path: ['ownerId'],
        message: 'A customer needs an owner',
        params: { ruleId: 'customer-needs-owner', severity: 'error' },
      },
      {
        code: 'custom',
        path: ['title'],
        message: 'Looks like test data',
        params: { ruleId: 'no-test-titles', severity: 'warning' },
      },
    ])
    expect(await crm.contacts.list({ includeArchived: true, limit: 1000 })).toEqual(before)
  })

  it('an update is checked on the merged record; a refused update leaves the record as it was', async () => {
    const { crm } = t
    const ada = await crm.contacts.create({ firstName: 'Ada', emails: [{ address: 'ada@x.dev' }] })
    // The patch alone says nothing about the email: the merged record has it, so only the owner is missing.
    const error = await crm.contacts.update(ada.id, { lifecycleStage: 'customer' }).catch((e: unknown) => e)
    expect(issuesOf(error).map((i) => i.params?.ruleId)).toEqual(['customer-needs-owner'])
    expect(await crm.contacts.get(ada.id)).toEqual(ada)
    const ok = await crm.contacts.update(ada.id, { lifecycleStage: 'customer', ownerId: 'usr_1' })
    expect(ok.lifecycleStage).toBe('customer')
  })

  it('warnings do not block the write and are reported by validate()', async () => {
    const { crm } = t
    const dq = crm.plugins['data-quality']
    const bob = await crm.contacts.create({ firstName: 'Bob', title: 'QA TEST lead' })
    expect(bob.title).toBe('QA TEST lead')
    const issues = await dq.validate('contact', bob)
    expect(issues.map((i) => [i.params.ruleId, i.params.severity])).toEqual([['no-test-titles', 'warning']])
  })

  it('validate() checks an import row without writing anything', async () => {
    const { crm } = t
    const dq = crm.plugins['data-quality']
    const before = await crm.contacts.count({ includeArchived: true })
    const issues = await dq.validate('contact', { firstName: 'Row', lifecycleStage: 'customer', emails: [] })
    expect(issues.map((i) => i.params.ruleId)).toEqual(['customer-needs-email', 'customer-needs-owner'])
    expect(await dq.validate('contact', { lastName: 'Forbidden' }, { operation: 'import' })).toEqual([])
    expect(await dq.validate('contact', { lastName: 'Forbidden' }, { operation: 'merge' })).toHaveLength(1)
    expect(await crm.contacts.count({ includeArchived: true })).toBe(before)
  })

  it('rules stored per tenant apply to that tenant only; an invalid stored rule is refused and not saved', async () => {
    const { crm } = t
    const acme = crm.scoped({ tenantId: 'acme' })
    await acme.entity('dqValidationRule').create({
      ruleId: 'lead-source-required',
      entity: 'contact',
      assert: { field: 'source', op: 'isNull', value: false },
      field: 'source',
      message: 'Say where the contact came from',
    })
    const error = await acme.contacts.create({ firstName: 'Nia' }).catch((e: unknown) => e)
    expect(issuesOf(error).map((i) => i.params?.ruleId)).toEqual(['lead-source-required'])
    expect(await acme.contacts.count()).toBe(0)
    expect((await acme.contacts.create({ firstName: 'Nia', source: 'fair' })).source).toBe('fair')
    expect((await crm.contacts.create({ firstName: 'Nia' })).firstName).toBe('Nia') // default tenant: no such rule

    const stored = await acme.entity('dqValidationRule').count()
    const bad = await acme
      .entity('dqValidationRule')
      .create({
        ruleId: 'typo',
        entity: 'contact',
        assert: { field: 'lastNmae', op: 'isNull', value: false },
        message: 'x',
      })
      .catch((e: unknown) => e)
    expect(issuesOf(bad)[0]?.path).toContain('assert')
    const elsewhere = await acme
      .entity('dqValidationRule')
      .create({
        ruleId: 'x',
        entity: 'tag',
        errorWhen: { field: 'name', op: 'eq', value: 'x' },
        message: 'x',
      })
      .catch((e: unknown) => e)
    expect(issuesOf(elsewhere)[0]?.path).toEqual(['entity'])
    expect(await acme.entity('dqValidationRule').count()).toBe(stored)
  })

  it('merge results are checked by merge rules: a refused merge (dry run or not) changes nothing', async () => {
    const { crm } = t
    const dq = crm.plugins['data-quality']
    const a = await dq.skipDuplicateCheck(() => crm.contacts.create({ firstName: 'Kim' }))
    const b = await dq.skipDuplicateCheck(() =>
      crm.contacts.create({ firstName: 'Kim', lastName: 'Forbidden' }),
    )
    const before = await crm.contacts.list({ includeArchived: true, limit: 1000 })
    for (const dryRun of [true, false]) {
      const error = await dq
        .merge({ entity: 'contact', survivorId: a.id, loserIds: [b.id], dryRun })
        .catch((e: unknown) => e)
      expect(issuesOf(error).map((i) => i.params?.ruleId)).toEqual(['merged-keeps-a-name'])
    }
    expect(await crm.contacts.list({ includeArchived: true, limit: 1000 })).toEqual(before)
    // The same rule does not apply to a plain update (on: ['merge']).
    expect((await crm.contacts.update(a.id, { lastName: 'Forbidden' })).lastName).toBe('Forbidden')
  })

  it('validateRecord is the same check as a function, on rules given as data', async () => {
    const { crm } = t
    const issues = await validateRecord(
      crm,
      rules,
      'contact',
      { lifecycleStage: 'customer', ownerId: 'u' },
      'create',
    )
    expect(issues.map((i) => i.params.ruleId)).toEqual(['customer-needs-email'])
  })
})

describe('invalid rules in config', () => {
  it('are INVALID_CONFIG, with every problem listed', async () => {
    const bad = () =>
      dataQualityPlugin({
        validationRules: [{ id: 'a', entity: 'contact', message: 'no filter' } as ValidationRuleInput],
      })
    expect(() => bad()).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }))
    const crm = createCrm({
      storage: createMemoryStorage(),
      plugins: [
        dataQualityPlugin({
          validationRules: [
            { id: 'b', entity: 'contact', assert: { field: 'nope', op: 'eq', value: 1 }, message: 'x' },
            { id: 'c', entity: 'nothing', assert: { field: 'x', op: 'eq', value: 1 }, message: 'x' },
          ],
        }),
      ] as const,
    })
    const error = await crm.migrate().catch((e: unknown) => e)
    expect(isRapportError(error, 'INVALID_CONFIG')).toBe(true)
    expect(
      (error as { details: { issues: { path: unknown[] }[] } }).details.issues.map((i) => i.path[0]),
    ).toEqual([0, 1])
  })
})
