import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeCursor, encodeCursor } from '../../src/services/keyset-cursor.js'
import type { StorageOrderBy } from '../../src/storage/storage-filter.js'

const orderBy: StorageOrderBy[] = [
  { ref: { field: 'lastName', type: 'string' }, direction: 'asc' },
  { ref: { field: 'id', type: 'string' }, direction: 'asc' },
]

const codePoints = (max: number) =>
  fc.array(fc.integer({ min: 0, max }), { maxLength: 30 }).map((cs) => String.fromCodePoint(...cs))

describe('keyset cursors', () => {
  it('are the base64url of the UTF-8 JSON position, ASCII or not, and decode back to the same values', () => {
    fc.assert(
      fc.property(
        // Any code points (lone surrogates included), Latin-1 and two-byte UTF-8 text, and plain ASCII (the common case,
        // which skips the encoder).
        fc.oneof(codePoints(0x10ffff), codePoints(0x7ff), codePoints(0xff), codePoints(0x7f)),
        codePoints(0x7f),
        (lastName, id) => {
          const cursor = encodeCursor({ lastName, id }, orderBy)
          expect(cursor).toMatch(/^[A-Za-z0-9_-]*$/)
          const expected = JSON.stringify({ s: 'lastName:asc,id:asc', v: [lastName, id] })
          expect(Buffer.from(cursor, 'base64url').toString('utf8')).toBe(expected)
          expect(decodeCursor(cursor, orderBy)).toEqual([lastName, id])
        },
      ),
    )
  })

  it('keeps dates as ISO strings that decode back to Dates', () => {
    const at = new Date('2026-12-03T15:00:00.123Z')
    const byDate: StorageOrderBy[] = [{ ref: { field: 'updatedAt', type: 'datetime' }, direction: 'desc' }]
    const cursor = encodeCursor({ updatedAt: at }, byDate)
    expect(Buffer.from(cursor, 'base64url').toString('utf8')).toBe(
      '{"s":"updatedAt:desc","v":[{"$d":"2026-12-03T15:00:00.123Z"}]}',
    )
    expect(decodeCursor(cursor, byDate)).toEqual([at])
  })
})
