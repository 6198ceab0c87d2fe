import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { searchDocument } from './search-document.js'
import { matchesSearch, searchTier } from './search-match.js'
import { searchRowMatcher, searchRowRank } from './search-row-matcher.js'
import { parseSearchQuery } from './search-text.js'

/**
 * searchRowMatcher is an optimisation of one expression: matchesSearch over the search document rebuilt from the row's
 * fields. For random rows (Latin with accents, CJK, emails, phone numbers, repeated values), random queries built
 * from pieces of those values, and every subset of the fields (as a caller who may read only some of them), the two
 * agree; one matcher serves many rows, as in a search, so its memo is exercised too.
 */
const contactFields = ['firstName', 'middleName', 'lastName', 'emailAddresses', 'phoneNumbers', 'title']
const contactPhrases = [
  ['firstName', 'middleName', 'lastName'],
  ['lastName', 'firstName'],
]
const words = [
  'Ada',
  'Zoë',
  'Łódź',
  'straße',
  'Ｔｏｋｙｏ',
  '张',
  '伟',
  '北京星辰',
  'がっこう',
  'O’Brien',
  'co-op',
  '1234',
]
const word = fc.constantFrom(...words)
const text = fc.array(word, { minLength: 1, maxLength: 3 }).map((ws) => ws.join(' '))
const email = fc
  .tuple(fc.constantFrom('ada', 'zoe.o', 'wei', 'client5'), fc.constantFrom('acme.example', 'example.cn'))
  .map(([local, domain]) => `${local}@${domain}`)
const phone = fc.constantFrom('+86 139 1234 5678', '+1 (415) 555-0100', '010-8888-1234')
const rowArb = fc.record(
  {
    firstName: fc.option(text, { nil: null }),
    middleName: fc.option(word, { nil: null }),
    lastName: fc.option(text, { nil: null }),
    title: fc.option(text, { nil: null }),
    emailAddresses: fc.array(email, { maxLength: 2 }),
    phoneNumbers: fc.array(phone, { maxLength: 2 }),
  },
  { requiredKeys: [] },
)
const queryArb = fc.oneof(
  fc.array(word, { minLength: 1, maxLength: 3 }).map((ws) => ws.join(' ')),
  fc.tuple(word, fc.integer({ min: 1, max: 4 })).map(([w, n]) => w.slice(0, n)),
  email,
  phone.map((p) => p.slice(0, 9)),
  fc.constantFrom('京星', '星辰科', '张伟', 'ada zo', '139', 'acme', 'client5', 'xyz', '12341234', '2341234'),
)

describe('searchRowMatcher', () => {
  it('agrees with matchesSearch over the rebuilt document, for any readable subset of fields', () => {
    let matched = 0
    let refused = 0
    fc.assert(
      fc.property(
        fc.subarray(contactFields),
        queryArb,
        fc.array(rowArb, { minLength: 1, maxLength: 12 }),
        (readable, queryText, rows) => {
          const model = {
            searchFields: readable,
            searchPhrases: contactPhrases.filter((p) => p.every((f) => readable.includes(f))),
          }
          const query = parseSearchQuery(queryText)
          const matcher = searchRowMatcher(model, query)
          const rank = searchRowRank(model, query)
          for (const row of rows) {
            const document = { ...row, ...searchDocument(model, row) }
            const expected = matchesSearch(document, query)
            expect(matcher(row)).toBe(expected)
            expect(rank(row)).toBe(expected ? searchTier(document, query) : undefined)
            if (expected) matched++
            else refused++
          }
        },
      ),
      { numRuns: 2000, seed: 20261203 },
    )
    expect(matched).toBeGreaterThan(1000)
    expect(refused).toBeGreaterThan(1000)
  }, 60_000)

  it('ranks a row by the keys of the fields it is given only', () => {
    // The email equals the query; the title only starts with it. Without the email the row is a prefix match.
    const row = { title: 'ada@zoo.example desk', emailAddresses: ['ada@zoo.example'] }
    const query = parseSearchQuery('ada@zoo.example')
    expect(searchRowRank({ searchFields: ['title', 'emailAddresses'] }, query)(row)).toBe(0)
    expect(searchRowRank({ searchFields: ['title'] }, query)(row)).toBe(1)
    expect(searchRowRank({ searchFields: ['emailAddresses'] }, parseSearchQuery('desk'))(row)).toBeUndefined()
  })

  it('finds a term only in the fields it is given', () => {
    const row = { firstName: 'Ada', emailAddresses: ['client5@acme.example'] }
    const query = parseSearchQuery('client5')
    expect(searchRowMatcher({ searchFields: ['firstName', 'emailAddresses'] }, query)(row)).toBe(true)
    expect(searchRowMatcher({ searchFields: ['firstName'] }, query)(row)).toBe(false)
    // A phrase joins CJK parts without a space: 张 + 伟 is found by 张伟 only through the phrase.
    const chinese = { firstName: '伟', lastName: '张' }
    const byName = parseSearchQuery('张伟')
    expect(searchRowMatcher({ searchFields: ['firstName', 'lastName'] }, byName)(chinese)).toBe(false)
    expect(
      searchRowMatcher(
        { searchFields: ['firstName', 'lastName'], searchPhrases: [['lastName', 'firstName']] },
        byName,
      )(chinese),
    ).toBe(true)
  })

  it('finds digits that only a phrase reading as a phone number holds', () => {
    // "1234" alone is no phone number (too few digits); "1234 5678" is, so its digits are tokens of the phrase only.
    const row = { firstName: '1234', lastName: '5678' }
    const model = { searchFields: ['firstName', 'lastName'], searchPhrases: [['firstName', 'lastName']] }
    expect(searchRowMatcher(model, parseSearchQuery('12345678'))(row)).toBe(true)
    expect(searchRowMatcher(model, parseSearchQuery('345678'))(row)).toBe(true)
    expect(searchRowMatcher({ searchFields: model.searchFields }, parseSearchQuery('12345678'))(row)).toBe(
      false,
    )
  })

  it('takes the document path for queries with more conditions than one mask holds', () => {
    const many = Array.from({ length: 40 }, (_, i) => `w${i}`)
    const row = { title: many.join(' ') }
    const model = { searchFields: ['title'] }
    expect(searchRowMatcher(model, parseSearchQuery(many.slice(0, 32).join(' ')))(row)).toBe(true)
    expect(searchRowMatcher(model, parseSearchQuery([...many.slice(0, 31), 'nope'].join(' ')))(row)).toBe(
      false,
    )
  })
})
