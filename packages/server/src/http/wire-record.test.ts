import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isoString, wireRecord, wireRecords } from './wire-record.js'

const anyDate = fc.oneof(
  fc.date({ noInvalidDate: false }),
  fc.integer({ min: 0, max: 253_402_300_799_999 }).map((t) => new Date(t)),
  fc
    .constantFrom(0, 999, 86_399_999, 86_400_000, 253_402_300_799_999, 253_402_300_800_000, -1)
    .map((t) => new Date(t)),
)

describe('wireRecord', () => {
  it('formats every instant as JSON.stringify does (toJSON), null for invalid dates', () => {
    fc.assert(
      fc.property(fc.array(anyDate, { minLength: 1, maxLength: 20 }), (dates) => {
        for (const d of dates) expect(isoString(d)).toBe(d.toJSON())
      }),
      { numRuns: 500 },
    )
  })

  it('serialises to the same JSON as the record and leaves the record untouched', () => {
    const record = fc.record(
      {
        id: fc.string(),
        createdAt: anyDate,
        archivedAt: fc.option(anyDate),
        tags: fc.array(fc.string()),
        custom: fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.boolean()), {
          noNullPrototype: true,
        }),
        version: fc.integer(),
      },
      { noNullPrototype: true },
    )
    fc.assert(
      fc.property(fc.array(record, { maxLength: 10 }), (records) => {
        const before = JSON.stringify(records)
        const snapshot = records.map((r) => ({ ...r }))
        expect(JSON.stringify(wireRecords(records))).toBe(before)
        records.forEach((r, i) => {
          expect(r).toStrictEqual(snapshot[i])
          for (const key of Object.keys(r))
            expect(r[key as keyof typeof r]).toBe(snapshot[i]![key as keyof typeof r])
        })
      }),
      { numRuns: 300 },
    )
  })

  it('returns a record without dates as it is', () => {
    const record = { id: 'con_1', name: 'Ada', tags: ['x'] }
    expect(wireRecord(record)).toBe(record)
  })
})
