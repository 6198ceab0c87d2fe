import type { Crm } from '@rapport/core'
import { createCrm, definePlugin } from '@rapport/core'
import type { Contact, ContactInput } from '@rapport/core/entities'
import type { Filter } from '@rapport/core/filter'
import type { EntityService, Page } from '@rapport/core/services'
import { createMemoryStorage } from '@rapport/core/testing'
import { describe, expectTypeOf, it } from 'vitest'

// Type tests: `pnpm --filter @rapport/core run typecheck` checks them (an unused @ts-expect-error is itself an error);
// vitest runs the file too, where expectTypeOf is a no-op. Wrong calls sit in functions that are never called.

const scoring = definePlugin({
  id: 'scoring',
  api: () => ({ top: (limit: number) => Promise.resolve([`${limit}`]) }),
})
const audit = definePlugin({ id: 'auditTrail', api: () => ({ enabled: true as const }) })
const crm = createCrm({ storage: createMemoryStorage(), plugins: [scoring, audit] as const })

describe('the plugin tuple types crm.plugins', () => {
  it('gives each plugin id its own API', () => {
    expectTypeOf(crm.plugins.scoring.top).parameters.toEqualTypeOf<[limit: number]>()
    expectTypeOf(crm.plugins.scoring.top).returns.resolves.toEqualTypeOf<string[]>()
    expectTypeOf(crm.plugins.auditTrail.enabled).toEqualTypeOf<true>()
    expectTypeOf(crm).toMatchTypeOf<Crm<readonly [typeof scoring, typeof audit]>>()
  })

  it('refuses unknown plugins and wrong calls', () => {
    const wrong = () => {
      // @ts-expect-error no plugin has the id "missing"
      crm.plugins.missing
      // @ts-expect-error top takes a number
      crm.plugins.scoring.top('ten')
    }
    expectTypeOf(wrong).toBeFunction()
  })
})

describe('entity services are typed from their schemas', () => {
  it('types records, inputs and pages', () => {
    expectTypeOf(crm.contacts).toEqualTypeOf<EntityService<Contact, ContactInput, Partial<ContactInput>>>()
    expectTypeOf(crm.contacts.create).parameter(0).toEqualTypeOf<ContactInput>()
    expectTypeOf(crm.contacts.get).returns.resolves.toEqualTypeOf<Contact>()
    expectTypeOf(crm.contacts.find).returns.resolves.toEqualTypeOf<Contact | null>()
    expectTypeOf(crm.contacts.list).returns.resolves.toEqualTypeOf<Page<Contact>>()
    expectTypeOf<Contact['firstName']>().toEqualTypeOf<string | null>()
    expectTypeOf<Contact['version']>().toEqualTypeOf<number>()
    expectTypeOf(crm.entity<{ id: string; score: number }>('lead').get).returns.resolves.toEqualTypeOf<{
      id: string
      score: number
    }>()
  })

  it('refuses wrong field types and unknown options', () => {
    const wrong = async () => {
      // @ts-expect-error firstName is a string
      await crm.contacts.create({ firstName: 42 })
      // @ts-expect-error expectedVersion is a number
      await crm.contacts.update('con_1', { lastName: 'L' }, { expectedVersion: '2' })
      // @ts-expect-error list has no "sort" option (it is orderBy)
      await crm.contacts.list({ sort: 'name' })
    }
    expectTypeOf(wrong).toBeFunction()
  })
})

describe('filters pair each operator with its value', () => {
  it('accepts the documented shapes', () => {
    const ok: Filter[] = [
      { field: 'amount.amountMinor', op: 'between', value: [1, 10] },
      { field: 'tags', op: 'in', value: ['vip', null] },
      { field: 'email', op: 'isNull', value: true },
      { field: 'updatedAt', op: 'gte', value: { $ago: { days: 30 } } },
      { field: 'ownerId', op: 'eq', value: { $var: 'actor.id' } },
      { and: [{ not: { field: 'lastName', op: 'startsWith', value: 'Love', caseInsensitive: true } }] },
      { exists: 'deals', where: { field: 'status', op: 'eq', value: 'open' } },
    ]
    expectTypeOf(ok).toEqualTypeOf<Filter[]>()
  })

  it('refuses mismatched operators and values', () => {
    // @ts-expect-error between needs a [low, high] pair
    const between: Filter = { field: 'amount', op: 'between', value: 5 }
    // @ts-expect-error in needs a list
    const list: Filter = { field: 'tags', op: 'in', value: 'vip' }
    // @ts-expect-error isNull takes a boolean
    const isNull: Filter = { field: 'email', op: 'isNull', value: 'yes' }
    // @ts-expect-error text operators take a string
    const text: Filter = { field: 'name', op: 'contains', value: 3 }
    // @ts-expect-error "like" is no operator
    const like: Filter = { field: 'name', op: 'like', value: 'a%' }
    expectTypeOf([between, list, isNull, text, like]).toEqualTypeOf<Filter[]>()
  })
})
