import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BoundedCache, cached } from './bounded-cache.js'

describe('BoundedCache', () => {
  it('keeps a value for at least `size` further insertions, and never more than 2 × size entries', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 300 }),
        (size, keys) => {
          const cache = new BoundedCache<number>(size)
          const inserted: string[] = []
          for (const k of keys) {
            const key = String(k)
            if (cache.get(key) === undefined) {
              cache.set(key, k)
              inserted.push(key)
            }
            // The last `size` insertions are all still there, with their values.
            for (const recent of inserted.slice(-size)) expect(cache.get(recent)).toBe(Number(recent))
          }
          const held = new Set(inserted).size
          const present = [...new Set(inserted)].filter((key) => cache.get(key) !== undefined).length
          expect(present).toBeLessThanOrEqual(Math.min(held, 2 * size))
        },
      ),
    )
  })

  it('an import batch reads its values back after filling the cache past its size (no emptying in between)', () => {
    const cache = new BoundedCache<string>(4)
    for (const k of ['a', 'b', 'c', 'd']) cache.set(k, k.toUpperCase())
    cache.set('e', 'E') // the fifth starts a new generation: the first four are still read
    expect(['a', 'b', 'c', 'd', 'e'].map((k) => cache.get(k))).toEqual(['A', 'B', 'C', 'D', 'E'])
  })
})

describe('cached', () => {
  it('returns what the function returns, calling it once per input while the input is held', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 3 }), { maxLength: 200 }), (inputs) => {
        let calls = 0
        const fn = cached((s: string) => {
          calls++
          return `${s}!`
        }, 8)
        for (const s of inputs) expect(fn(s)).toBe(`${s}!`)
        expect(calls).toBeLessThanOrEqual(inputs.length)
        // Two reads in a row of one input: the second is never a call.
        for (const s of inputs.slice(0, 20)) {
          fn(s)
          const before = calls
          fn(s)
          expect(calls).toBe(before)
        }
      }),
    )
  })
})
