import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { SeenKeys } from '../src/import/seen-keys.js'

describe('the keys an import has seen', () => {
  it('remembers the first line of every key, as a Map would, through growth', () => {
    const key = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('a@x.io', 'A@x.io', '王伟', '', '\u0000'),
    )
    fc.assert(
      fc.property(
        fc.array(fc.tuple(key, fc.integer({ min: 1, max: 2 ** 32 - 1 })), { maxLength: 300 }),
        (adds) => {
          const seen = new SeenKeys(16)
          const reference = new Map<string, number>()
          for (const [k, line] of adds) {
            expect(seen.get(k)).toBe(reference.get(k))
            seen.add(k, line)
            if (!reference.has(k)) reference.set(k, line)
          }
          expect(seen.size).toBe(reference.size)
          for (const [k, line] of reference) expect(seen.get(k)).toBe(line)
          expect(seen.get('never added \uFFFF')).toBeUndefined()
        },
      ),
    )
  })

  it('keeps a hundred thousand distinct keys apart', () => {
    const seen = new SeenKeys()
    for (let i = 0; i < 100_000; i++) seen.add(`contact.${i}@example.com`, i + 2)
    expect(seen.size).toBe(100_000)
    for (let i = 0; i < 100_000; i += 997) expect(seen.get(`contact.${i}@example.com`)).toBe(i + 2)
    expect(seen.get('contact.100000@example.com')).toBeUndefined()
  })

  it('refuses a line that is not a positive 32-bit integer', () => {
    const seen = new SeenKeys()
    for (const line of [0, -1, 1.5, 2 ** 32]) expect(() => seen.add('k', line)).toThrow(RangeError)
    expect(seen.size).toBe(0)
  })
})
