import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isInstantInRange, isIsoDate, parseIsoInstant, toIsoDate } from './parse-instant.js'
import { suggestFieldPaths } from './suggest-field-paths.js'

const inRange = fc.date({
  min: new Date('0000-01-01T00:00:00.000Z'),
  max: new Date('9999-12-31T23:59:59.999Z'),
  noInvalidDate: true,
})

describe('parseIsoInstant', () => {
  it('reads back every toISOString() of a four-digit year exactly', () => {
    fc.assert(
      fc.property(inRange, (date) => {
        expect(parseIsoInstant(date.toISOString())?.getTime()).toBe(date.getTime())
      }),
      { numRuns: 2000 },
    )
  })

  it('applies offsets, including negative and half-hour ones', () => {
    expect(parseIsoInstant('2025-01-01T00:00:00-05:30')?.toISOString()).toBe('2025-01-01T05:30:00.000Z')
    expect(parseIsoInstant('2025-01-01T01:00+01:00')?.toISOString()).toBe('2025-01-01T00:00:00.000Z')
    expect(parseIsoInstant('0000-01-01T00:00:00Z')?.toISOString()).toBe('0000-01-01T00:00:00.000Z')
    expect(parseIsoInstant('2024-02-29')?.toISOString()).toBe('2024-02-29T00:00:00.000Z')
    expect(parseIsoInstant('2025-01-01T00:00:00.1Z')?.getUTCMilliseconds()).toBe(100)
  })

  it('rejects what names no instant or no real date', () => {
    for (const text of [
      '2025-01-01T00:00:00',
      '2025-01-01 00:00:00Z',
      '2025-13-01',
      '2025-02-29',
      '2025-04-31T00:00:00Z',
      '2025-01-01T24:00:00Z',
      '2025-01-01T23:60:00Z',
      '2025-01-01T23:59:60Z',
      '2025-01-01T00:00:00+24:00',
      '2025-01-01t00:00:00z',
      '+002025-01-01T00:00:00Z',
      '20250101',
      '',
    ]) {
      expect(parseIsoInstant(text), text).toBeUndefined()
    }
  })

  it('bounds instants to years 0000–9999 and reads UTC calendar dates', () => {
    expect(isInstantInRange(new Date('9999-12-31T23:59:59.999Z'))).toBe(true)
    expect(isInstantInRange(new Date(Date.parse('9999-12-31T23:59:59.999Z') + 1))).toBe(false)
    expect(isInstantInRange(new Date(new Date(0).setUTCFullYear(-1, 11, 31)))).toBe(false)
    expect(isInstantInRange(new Date(new Date(0).setUTCFullYear(0, 0, 1)))).toBe(true)
    expect(isInstantInRange(new Date(Number.NaN))).toBe(false)
    expect(toIsoDate(new Date('2025-01-01T23:59:59.999-01:00'))).toBe('2025-01-02')
    expect(isIsoDate('2000-02-29')).toBe(true)
    expect(isIsoDate('1900-02-29')).toBe(false)
  })
})

describe('suggestFieldPaths', () => {
  const paths = ['ownerId', 'firstName', 'lastName', 'createdAt', 'custom.tier', 'amount.amountMinor']

  it('suggests case variants, typos, misspelt prefixes and containing paths, best first', () => {
    expect(suggestFieldPaths('ownerid', paths)).toEqual(['ownerId'])
    expect(suggestFieldPaths('craetedAt', paths)).toEqual(['createdAt'])
    expect(suggestFieldPaths('ownr', paths)).toEqual(['ownerId'])
    expect(suggestFieldPaths('tier', paths)).toEqual(['custom.tier'])
    expect(suggestFieldPaths('amountMinor', paths)).toEqual(['amount.amountMinor'])
    expect(suggestFieldPaths('zzz', paths)).toEqual([])
  })

  it('finds nothing for very long input', () => {
    expect(suggestFieldPaths('x'.repeat(10_000), paths)).toEqual([])
  })
})
