import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createCrm, isRapportError } from '../../src/index.js'
import { createMemoryStorage } from '../../src/testing/index.js'
import { setupCrm } from './helpers.js'

const people = [
  { lastName: '张', firstName: '伟' },
  { lastName: '欧阳', firstName: '娜娜' },
  { lastName: 'Lovelace', firstName: 'Ada', emails: [{ address: 'Ada.Lovelace@Example.com' }] },
  { lastName: 'Hopper', firstName: 'Grace', phones: [{ number: '+8613800138000' }] },
  { lastName: 'Ørsted', firstName: 'Zoë', title: 'Crème de la crème' },
  { lastName: '佐藤', firstName: 'さくら', title: '東京タワー' },
  { lastName: '김', firstName: '민준', title: '서울특별시' },
  { lastName: 'Adams', firstName: 'Ada' },
]
const queries = fc.oneof(
  fc.constantFrom(
    '张伟',
    '欧阳',
    'ada',
    'Ada L',
    'lov',
    'example.com',
    '138 0013',
    'zoe',
    'creme',
    'タワー',
    '민준',
  ),
  fc.string({ unit: fc.constantFrom(...'张伟欧阳adlovezc민준タワー .@'), minLength: 1, maxLength: 5 }),
)

describe('search() through createCrm', () => {
  it('an adapter without search() returns the same records in the same order as one with it', async () => {
    const withIndex = createCrm({ storage: createMemoryStorage() })
    const withoutIndex = createCrm({ storage: createMemoryStorage({ fullTextSearch: false }) })
    for (const crm of [withIndex, withoutIndex]) {
      await crm.migrate()
      for (const person of people) await crm.contacts.create(person)
    }
    await fc.assert(
      fc.asyncProperty(queries, fc.integer({ min: 1, max: 5 }), async (text, limit) => {
        const a = (await withIndex.contacts.search(text, { limit })).map((c) => `${c.lastName}${c.firstName}`)
        const b = (await withoutIndex.contacts.search(text, { limit })).map(
          (c) => `${c.lastName}${c.firstName}`,
        )
        expect(b).toEqual(a)
      }),
      { numRuns: 300 },
    )
    expect((await withoutIndex.contacts.search('Ada')).map((c) => c.lastName)).toEqual(['Lovelace', 'Adams'])
  })

  it('ranks an exact name first, then names that start with the query, then other matches', async () => {
    const { crm } = await setupCrm()
    const infix = await crm.companies.create({ name: '北京星辰科技有限公司' })
    const prefix = await crm.companies.create({ name: '星辰科技' })
    const exact = await crm.companies.create({ name: '星辰' })
    expect((await crm.companies.search('星辰')).map((c) => c.id)).toEqual([exact.id, prefix.id, infix.id])
  })

  it('finds a record by its new text after an update, and no longer by its old text', async () => {
    const { crm } = await setupCrm()
    const contact = await crm.contacts.create({ firstName: 'Ada', lastName: 'Byron' })
    await crm.contacts.update(contact.id, { lastName: 'Lovelace' })
    expect((await crm.contacts.search('Lovelace')).map((c) => c.id)).toEqual([contact.id])
    expect(await crm.contacts.search('Byron')).toEqual([])
  })

  it('refuses a query with a NUL or a lone surrogate, and unknown options, like list() does', async () => {
    const { crm } = await setupCrm()
    await crm.contacts.create({ firstName: 'Ada' })
    for (const query of ['a\u0000b', 'a\uD800b', 'x'.repeat(1001), 42]) {
      const err = await crm.contacts.search(query as string).catch((e: unknown) => e)
      expect(isRapportError(err, 'VALIDATION_FAILED'), JSON.stringify(query)).toBe(true)
    }
    for (const options of [
      { limt: 5 },
      { limit: 0 },
      { limit: 1.5 },
      { includeArchived: 'yes' },
      { orderBy: [] },
    ]) {
      const searched = await crm.contacts.search('ada', options as never).catch((e: unknown) => e)
      expect(isRapportError(searched, 'VALIDATION_FAILED'), JSON.stringify(options)).toBe(true)
    }
    const listed = await crm.contacts.list({ limt: 5 } as never).catch((e: unknown) => e)
    expect(isRapportError(listed, 'VALIDATION_FAILED')).toBe(true)
    expect((await crm.contacts.search('ada')).map((c) => c.firstName)).toEqual(['Ada'])
  })
})
