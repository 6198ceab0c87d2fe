import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createIdGenerator, ID_PATTERN } from './create-id.js'

describe('createIdGenerator', () => {
  it('mints prefixed ids of the documented shape', () => {
    const next = createIdGenerator()
    const id = next('con', new Date('2026-01-02T03:04:05.678Z'))
    expect(id).toMatch(ID_PATTERN)
    expect(id.startsWith('con_')).toBe(true)
  })

  it('sorts in creation order, including many ids within one millisecond and clock steps backwards', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2 ** 40 }), { minLength: 1, maxLength: 200 }),
        (times) => {
          const next = createIdGenerator()
          const ids = times.map((t) => next('deal', new Date(t)))
          const sorted = [...ids].sort()
          expect(ids).toEqual(sorted)
          expect(new Set(ids).size).toBe(ids.length)
        },
      ),
    )
  })

  it('encodes the time so that ids from later milliseconds sort later across generators', () => {
    const a = createIdGenerator()('con', new Date(1_000))
    const b = createIdGenerator()('con', new Date(1_001))
    expect(a < b).toBe(true)
  })
})
