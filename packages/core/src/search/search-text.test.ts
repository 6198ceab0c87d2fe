import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { searchDocument } from './search-document.js'
import { matchesSearch, rankSearchRows, searchTier } from './search-match.js'
import { normalizeSearchText, parseSearchQuery } from './search-text.js'

const contactModel = {
  searchFields: ['firstName', 'middleName', 'lastName', 'emailAddresses', 'phoneNumbers', 'title'],
  searchPhrases: [
    ['firstName', 'middleName', 'lastName'],
    ['lastName', 'firstName'],
  ],
}
const companyModel = { searchFields: ['name', 'domain'] }

function finds(model: typeof companyModel, row: Record<string, unknown>, query: string): boolean {
  const doc = searchDocument(model, row as never)
  return matchesSearch({ ...doc }, parseSearchQuery(query))
}

describe('normalizeSearchText', () => {
  it('folds case, width and Latin accents, keeps CJK, and splits on punctuation', () => {
    expect(normalizeSearchText('  Zoë  O’Brien, Ｔｏｋｙｏ ')).toBe('zoe o brien tokyo')
    expect(normalizeSearchText('Ada.Lovelace@Example.com')).toBe('ada.lovelace@example.com')
    expect(normalizeSearchText('Straße Ørsted Łódź')).toBe('strasse orsted lodz')
    expect(normalizeSearchText('北京星辰科技有限公司（总部）')).toBe('北京星辰科技有限公司 总部')
    expect(normalizeSearchText('ｶﾞｯｺｳ がっこう 한국어')).toBe('ガッコウ がっこう 한국어')
    expect(normalizeSearchText('-- +86 (138) 0013-8000 --')).toBe('86 138 0013-8000')
  })

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (text) => {
        const once = normalizeSearchText(text)
        expect(normalizeSearchText(once)).toBe(once)
      }),
      { numRuns: 2000 },
    )
  })
})

describe('search documents and queries', () => {
  const company = { name: '北京星辰科技有限公司', domain: 'xingchen.cn' }
  const zhang = { firstName: '伟', lastName: '张', emailAddresses: [], phoneNumbers: [] }
  const ada = {
    firstName: 'Ada',
    lastName: 'Lovelace',
    emailAddresses: ['ada.lovelace@example.com'],
    phoneNumbers: ['+44 20 7946 0958'],
    title: 'Analyst',
  }

  it('finds CJK text by any substring of two or more characters, and by one character', () => {
    const chars = Array.from(company.name)
    for (let i = 0; i < chars.length; i++) {
      for (let j = i + 1; j <= chars.length; j++) {
        expect(finds(companyModel, company, chars.slice(i, j).join(''))).toBe(true)
      }
    }
    expect(finds(companyModel, company, '星科')).toBe(false)
    expect(finds(companyModel, company, '北京科技')).toBe(false)
  })

  it('finds names across the name fields', () => {
    expect(finds(contactModel, zhang, '张伟')).toBe(true)
    expect(finds(contactModel, zhang, '张')).toBe(true)
    expect(finds(contactModel, ada, 'Ada Lovelace')).toBe(true)
    expect(finds(contactModel, ada, 'lovelace ada')).toBe(true)
  })

  it('finds prefixes as the user types', () => {
    for (const typed of ['A', 'Ad', 'Ada', 'Ada L', 'Ada Lov', 'Lov', 'anal']) {
      expect(finds(contactModel, ada, typed)).toBe(true)
    }
    expect(finds(contactModel, ada, 'velace')).toBe(false)
  })

  it('finds whole emails and phone numbers and their parts', () => {
    for (const typed of [
      'ada.lovelace@example.com',
      'ADA.LOVELACE@EXAMPLE.COM',
      'ada.lov',
      'lovelace@example',
      'example.com',
      'example',
      '+44 20 7946 0958',
      '442079460958',
      '7946 0958',
      '79460958',
      '0958',
      '946',
    ]) {
      expect(finds(contactModel, ada, typed), typed).toBe(true)
    }
    expect(finds(contactModel, ada, 'grace@example.com')).toBe(false)
    expect(finds(contactModel, ada, '7946 0959')).toBe(false)
  })

  it('folds accents the same way in records and queries', () => {
    const zoe = { firstName: 'Zoë', lastName: 'Müller-Lüdenscheidt' }
    for (const typed of ['zoe', 'ZOË', 'muller', 'Müller-Lü', 'ludenscheidt']) {
      expect(finds(contactModel, zoe, typed), typed).toBe(true)
    }
  })

  it('ranks exact before prefix before infix', () => {
    const rows = [
      { id: 'a', ...searchDocument(companyModel, { name: '星辰科技' } as never) },
      { id: 'b', ...searchDocument(companyModel, { name: '北京星辰科技有限公司' } as never) },
      { id: 'c', ...searchDocument(companyModel, { name: '星辰' } as never) },
    ]
    const query = parseSearchQuery('星辰')
    expect(rows.map((row) => searchTier(row, query))).toEqual([1, 2, 0])
    expect(rankSearchRows(rows, query).map((row) => row['id'])).toEqual(['c', 'a', 'b'])
  })

  it('a query with no letters or digits matches nothing', () => {
    expect(parseSearchQuery(' ,;- ').terms).toEqual([])
    expect(finds(companyModel, company, ' ,;- ')).toBe(false)
  })

  it('every substring of a field (words at their start) finds its record', () => {
    const alphabet = fc.constantFrom(...'北京星辰科技有限公司東京タワーがっこう서울특별시abcdéÜß ')
    fc.assert(
      fc.property(fc.array(alphabet, { minLength: 1, maxLength: 20 }), fc.nat(), fc.nat(), (chars, a, b) => {
        const name = chars.join('')
        const normalized = normalizeSearchText(name)
        fc.pre(normalized.length > 0)
        const points = Array.from(normalized)
        const start = a % points.length
        const end = start + 1 + (b % (points.length - start))
        const piece = points.slice(start, end).join('')
        const startsWord =
          start === 0 ||
          points[start - 1] === ' ' ||
          /\p{scx=Han}|\p{scx=Hira}|\p{scx=Kana}|\p{scx=Hang}/u.test(points[start]!)
        fc.pre(startsWord && piece.trim().length > 0)
        expect(finds(companyModel, { name }, piece)).toBe(true)
      }),
      { numRuns: 1000 },
    )
  })
})
