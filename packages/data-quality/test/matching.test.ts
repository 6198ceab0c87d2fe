import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  defaultCompanyRule,
  defaultPersonRule,
  duplicateRuleSchema,
  findDuplicatePairs,
  jaroWinkler,
  levenshteinSimilarity,
  matchKeysOf,
  scorePair,
} from '../src/index.js'

describe('Jaro–Winkler, pinned', () => {
  it.each([
    ['martha', 'marhta', 0.9611],
    ['dwayne', 'duane', 0.84],
    ['dixon', 'dicksonx', 0.8133],
    ['ab', 'ba', 0],
    ['abc', 'abc', 1],
    ['', 'abc', 0],
  ])('%s / %s = %d', (a, b, expected) => {
    expect(jaroWinkler(a, b)).toBeCloseTo(expected, 4)
  })

  it('is symmetric, bounded, and 1 only for equal strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const s = jaroWinkler(a, b)
        expect(s).toBeCloseTo(jaroWinkler(b, a), 12)
        expect(s).toBeGreaterThanOrEqual(0)
        expect(s).toBeLessThanOrEqual(1)
        if (a !== b) expect(s).toBeLessThan(1)
      }),
    )
  })

  it('levenshtein similarity is 1 − distance / longer length', () => {
    expect(levenshteinSimilarity('kitten', 'sitting')).toBeCloseTo(1 - 3 / 7, 10)
    expect(levenshteinSimilarity('', '')).toBe(1)
  })
})

describe('match keys', () => {
  it('follow the Salesforce-style person keys', () => {
    const keys = matchKeysOf(defaultPersonRule, {
      firstName: 'Ann',
      lastName: 'Smith',
      emails: [{ address: 'Ann.Smith+x@GoogleMail.com' }, { address: 'ann@acme.com' }],
      phones: [{ number: '+14155550101' }],
      address: { postalCode: '94107' },
    })
    expect(keys).toEqual([
      { key: 'email', value: 'annsmith@gmail.com' },
      { key: 'email', value: 'ann@acme.com' },
      { key: 'phone', value: '+14155550101' },
      { key: 'name', value: 'SM0|a' },
      { key: 'postcodeName', value: '94107|SM' },
    ])
  })

  it('ignore values shorter than the key minimum, and free-mail company domains', () => {
    expect(matchKeysOf(defaultPersonRule, { lastName: 'O', firstName: '' })).toEqual([])
    expect(matchKeysOf(defaultCompanyRule, { name: 'Acme Inc.', domain: 'gmail.com' })).toEqual([
      { key: 'name', value: 'acme' },
    ])
  })

  it('Chinese names block on the name itself (phonetics do not apply)', () => {
    const a = { lastName: '王', firstName: '伟', phones: [{ number: '+8613812345678' }] }
    const b = { lastName: '王', firstName: '伟', phones: [{ number: '+8613812345678' }] }
    const c = { lastName: '王', firstName: '芳', phones: [{ number: '+8613900000000' }] }
    expect(matchKeysOf(defaultPersonRule, a)).toContainEqual({ key: 'name', value: '王|伟' })
    expect(scorePair(defaultPersonRule, a, b)).toMatchObject({ duplicate: true, score: 1 })
    expect(scorePair(defaultPersonRule, a, c).duplicate).toBe(false)
  })
})

describe('scoring', () => {
  it('a shared normalised e-mail is a duplicate outright', () => {
    const s = scorePair(
      defaultPersonRule,
      { firstName: 'Dora', emails: [{ address: 'Dora.Ma@Example.com' }] },
      { lastName: 'Ma', emails: [{ address: 'dora.ma@example.com' }] },
    )
    expect(s).toMatchObject({ duplicate: true, score: 1, sureKey: 'email' })
  })

  it('names alone are not enough evidence', () => {
    const s = scorePair(
      defaultPersonRule,
      { firstName: 'John', lastName: 'Smith' },
      { firstName: 'John', lastName: 'Smith' },
    )
    expect(s.score).toBe(1)
    expect(s.duplicate).toBe(false)
  })

  it('typos in names with a corroborating phone are duplicates; another person with that phone is not', () => {
    const jon = { firstName: 'Jon', lastName: 'Smyth', phones: [{ number: '+14155550101' }] }
    expect(
      scorePair(defaultPersonRule, jon, {
        firstName: 'John',
        lastName: 'Smith',
        phones: [{ number: '+14155550101' }],
      }).duplicate,
    ).toBe(true)
    expect(
      scorePair(defaultPersonRule, jon, {
        firstName: 'Maria',
        lastName: 'Garcia',
        phones: [{ number: '+14155550101' }],
      }).duplicate,
    ).toBe(false)
  })

  it('companies: legal forms, full-width and Chinese names match; a shared company domain is sure', () => {
    const pairs: [string, string, boolean][] = [
      ['Acme, Inc.', 'ACME Incorporated', true],
      ['ＡＣＭＥ　ＧｍｂＨ', 'Acme GmbH', true],
      ['深圳市腾讯计算机系统有限公司', '腾讯计算机系统有限公司', true],
      ['华为技术有限公司', '中兴通讯股份有限公司', false],
      ['Acme Inc.', 'Apex Inc.', false],
    ]
    for (const [a, b, dup] of pairs) {
      expect([a, b, scorePair(defaultCompanyRule, { name: a }, { name: b }).duplicate]).toEqual([a, b, dup])
    }
    expect(
      scorePair(
        defaultCompanyRule,
        { name: 'Acme', domain: 'acme.com' },
        { name: 'Acme Tools', domain: 'acme.com' },
      ),
    ).toMatchObject({ duplicate: true, sureKey: 'domain' })
  })

  it('in memory, blocks larger than maxBlockSize are ignored', () => {
    const rule = duplicateRuleSchema.parse({ ...defaultPersonRule, maxBlockSize: 2 })
    const same = { firstName: 'Ann', lastName: 'Lee', emails: [{ address: 'info@acme.com' }] }
    expect(findDuplicatePairs(rule, [same, same], (_, i) => i).pairs).toHaveLength(1)
    expect(findDuplicatePairs(rule, [same, same, same, same], (_, i) => i).pairs).toHaveLength(0)
  })

  it('rules are data: an unknown method or a bad field path is refused by the schema', () => {
    const bad = { ...defaultPersonRule, comparisons: [{ field: 'firstName', method: 'soundex', weight: 1 }] }
    expect(duplicateRuleSchema.safeParse(bad).success).toBe(false)
    const path = { ...defaultPersonRule, comparisons: [{ field: 'first name', method: 'exact', weight: 1 }] }
    expect(duplicateRuleSchema.safeParse(path).success).toBe(false)
  })
})
