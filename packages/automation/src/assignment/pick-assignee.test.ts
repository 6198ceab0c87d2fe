import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { breakTies, lowestLoad, nextRoundRobin } from './pick-assignee.js'

describe('assignment helpers', () => {
  it('seeded tie-breaks are reproducible permutations, and seeds spread choices', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 8 }),
        fc.string(),
        fc.string(),
        (users, record, seed) => {
          const a = breakTies(users, record, { seed })
          expect(breakTies(users, record, { seed })).toEqual(a)
          expect([...a].sort()).toEqual([...users].sort())
        },
      ),
    )
    const users = ['ann', 'bob', 'cy', 'dee']
    expect(breakTies(users, 'con_1')).toEqual(users)
    const firsts = new Set(
      Array.from({ length: 40 }, (_, i) => breakTies(users, 'con_1', { seed: `s${i}` })[0]),
    )
    expect(firsts.size).toBe(4)
  })

  it('round-robin wraps and restarts after an unknown user; lowest load skips ineligible users', () => {
    expect(nextRoundRobin(['a', 'b', 'c'], null)).toBe('a')
    expect(nextRoundRobin(['a', 'b', 'c'], 'c')).toBe('a')
    expect(nextRoundRobin(['a', 'b', 'c'], 'gone')).toBe('a')
    expect(lowestLoad(['a', 'b', 'c', 'd'], (u) => ({ a: 2, b: 1, c: undefined, d: 1 })[u])).toEqual([
      'b',
      'd',
    ])
  })
})
