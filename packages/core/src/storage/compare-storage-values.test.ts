import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  compareRows,
  compareStorageValues,
  compareStringsByCodePoint,
  readFieldRef,
} from './compare-storage-values.js'
import type { StorageRow, StorageValue } from './storage-filter.js'

/** Code point order, computed the slow and obvious way: arrays of code points compared element by element. */
function byCodePoints(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!)
  const y = Array.from(b, (c) => c.codePointAt(0)!)
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return Math.sign(x[i]! - y[i]!)
  return Math.sign(x.length - y.length)
}

/** UTF-8 byte order, what SQLite BINARY and Postgres COLLATE "C" compare. */
function byUtf8Bytes(a: string, b: string): number {
  return Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')))
}

describe('compareStringsByCodePoint', () => {
  it('sorts astral characters after the top of the BMP, unlike UTF-16 code units', () => {
    expect('\u{1F600}' < '\uFF5E').toBe(true)
    expect(compareStringsByCodePoint('\u{1F600}', '\uFF5E')).toBeGreaterThan(0)
    expect(compareStringsByCodePoint('a\u{10000}', 'a\uFFFF')).toBeGreaterThan(0)
    expect(compareStringsByCodePoint('B', 'a')).toBeLessThan(0)
    expect(compareStringsByCodePoint('Z', 'É')).toBeLessThan(0)
    expect(compareStringsByCodePoint('ab', 'abc')).toBeLessThan(0)
    expect(compareStringsByCodePoint('same', 'same')).toBe(0)
  })

  it('agrees with code point order and with UTF-8 byte order on any well-formed strings', () => {
    const text = fc.string({ unit: 'grapheme-composite', maxLength: 8 })
    fc.assert(
      fc.property(text, text, (a, b) => {
        const actual = Math.sign(compareStringsByCodePoint(a, b))
        expect(actual).toBe(byCodePoints(a, b))
        expect(actual).toBe(byUtf8Bytes(a, b))
      }),
      { numRuns: 2000 },
    )
  })
})

describe('compareStorageValues', () => {
  it('puts null first and orders each kind naturally', () => {
    const values: StorageValue[] = [
      'b',
      null,
      3,
      true,
      new Date('2025-01-02T00:00:00.000Z'),
      -1,
      false,
      new Date('2025-01-01T00:00:00.000Z'),
      'B',
    ]
    expect([...values].sort(compareStorageValues)).toEqual([
      null,
      false,
      true,
      -1,
      3,
      'B',
      'b',
      new Date('2025-01-01T00:00:00.000Z'),
      new Date('2025-01-02T00:00:00.000Z'),
    ])
  })

  it('treats undefined as null, -0 as 0, and Dates by instant', () => {
    expect(compareStorageValues(undefined, null)).toBe(0)
    expect(compareStorageValues(-0, 0)).toBe(0)
    expect(compareStorageValues(new Date(5), new Date(5))).toBe(0)
    expect(compareStorageValues(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)).toBe(-1)
  })

  it('is a total order: antisymmetric and transitive over mixed values', () => {
    const json = fc.letrec<{ value: StorageValue }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.constant(null),
        fc.boolean(),
        fc.double(),
        fc.string({ unit: 'grapheme', maxLength: 3 }),
        fc.date({ noInvalidDate: false }),
        fc.array(tie('value'), { maxLength: 3 }) as fc.Arbitrary<StorageValue>,
        fc.dictionary(fc.string({ maxLength: 2 }), tie('value'), {
          maxKeys: 2,
        }) as fc.Arbitrary<StorageValue>,
      ),
    })).value
    fc.assert(
      fc.property(json, json, json, (a, b, c) => {
        expect(compareStorageValues(a, b)).toBe(-compareStorageValues(b, a) || 0)
        if (compareStorageValues(a, b) <= 0 && compareStorageValues(b, c) <= 0) {
          expect(compareStorageValues(a, c)).toBeLessThanOrEqual(0)
        }
        expect(compareStorageValues(a, a)).toBe(0)
      }),
      { numRuns: 2000 },
    )
  })
})

describe('compareRows', () => {
  const rows: StorageRow[] = [
    { id: '1', lastName: 'b', score: 2 },
    { id: '2', lastName: null, score: 1 },
    { id: '3', lastName: 'a', score: 1 },
    { id: '4', lastName: 'b', score: 1 },
    { id: '5', score: 3 },
  ]

  it('sorts by keys in order, null first ascending and last descending', () => {
    const asc = [...rows].sort(
      compareRows([
        { ref: { field: 'lastName', type: 'string' }, direction: 'asc' },
        { ref: { field: 'score', type: 'integer' }, direction: 'desc' },
      ]),
    )
    expect(asc.map((row) => row['id'])).toEqual(['5', '2', '3', '1', '4'])
    const desc = [...rows].sort(
      compareRows([
        { ref: { field: 'lastName', type: 'string' }, direction: 'desc' },
        { ref: { field: 'score', type: 'integer' }, direction: 'asc' },
      ]),
    )
    expect(desc.map((row) => row['id'])).toEqual(['4', '1', '3', '2', '5'])
  })

  it('sorts by JSON paths, missing keys as null', () => {
    const custom: StorageRow[] = [
      { id: 'x', custom: { rank: 2 } },
      { id: 'y', custom: {} },
      { id: 'z', custom: { rank: 1 } },
    ]
    const sorted = [...custom].sort(
      compareRows([{ ref: { field: 'custom', path: ['rank'], type: 'integer' }, direction: 'asc' }]),
    )
    expect(sorted.map((row) => row['id'])).toEqual(['y', 'z', 'x'])
    expect(
      readFieldRef({ custom: { a: { b: 1 } } }, { field: 'custom', path: ['a', 'b'], type: 'integer' }),
    ).toBe(1)
  })
})
