import { isRapportError } from '@rapport/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { SalesErrorCodes } from '../errors.js'
import { allocateLargestRemainder } from './allocate.js'

const weightsArb = fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 30 })
const totalArb = fc.integer({ min: -1_000_000_000, max: 1_000_000_000 })

function code(run: () => unknown): string | undefined {
  try {
    run()
  } catch (error) {
    return isRapportError(error) ? error.code : 'not a RapportError'
  }
  return undefined
}

describe('allocateLargestRemainder', () => {
  it('gives leftover units to the largest remainders, ties to the earlier part', () => {
    expect(allocateLargestRemainder(100, [1, 2])).toEqual([33, 67])
    expect(allocateLargestRemainder(5, [1, 1, 1, 1])).toEqual([2, 1, 1, 1])
    expect(allocateLargestRemainder(10, [0, 3, 3])).toEqual([0, 5, 5])
    expect(allocateLargestRemainder(-100, [1, 1, 1])).toEqual([-34, -33, -33])
    expect(allocateLargestRemainder(0, [0, 0])).toEqual([0, 0])
    expect(allocateLargestRemainder(0, [])).toEqual([])
  })

  it('never loses or invents a unit, and every part is its exact share rounded down or up', () => {
    fc.assert(
      fc.property(totalArb, weightsArb, (total, weights) => {
        const sum = weights.reduce((a, b) => a + b, 0)
        fc.pre(sum > 0)
        const parts = allocateLargestRemainder(total, weights)
        expect(parts.reduce((a, b) => a + b, 0)).toBe(total)
        for (const [i, part] of parts.entries()) {
          // |part − total × weight / sum| < 1, in integers.
          const diff = BigInt(part) * BigInt(sum) - BigInt(total) * BigInt(weights[i] as number)
          expect(diff < 0n ? -diff : diff).toBeLessThan(BigInt(sum))
          if (weights[i] === 0) expect(part).toBe(0)
        }
      }),
    )
  })

  it('splits a negative total as the negation of the positive split', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000_000 }), weightsArb, (total, weights) => {
        fc.pre(weights.some((w) => w > 0))
        expect(allocateLargestRemainder(-total, weights)).toEqual(
          allocateLargestRemainder(total, weights).map((part) => 0 - part),
        )
      }),
    )
  })

  it('refuses bad weights and totals with typed errors', () => {
    expect(code(() => allocateLargestRemainder(10, [0, 0]))).toBe(SalesErrorCodes.INVALID_ALLOCATION)
    expect(code(() => allocateLargestRemainder(10, [1, -1]))).toBe(SalesErrorCodes.INVALID_ALLOCATION)
    expect(code(() => allocateLargestRemainder(10, [1.5]))).toBe(SalesErrorCodes.INVALID_ALLOCATION)
    expect(code(() => allocateLargestRemainder(10, []))).toBe(SalesErrorCodes.INVALID_ALLOCATION)
    expect(code(() => allocateLargestRemainder(0.5, [1]))).toBe(SalesErrorCodes.INVALID_AMOUNT)
    expect(code(() => allocateLargestRemainder(2 ** 60, [1]))).toBe(SalesErrorCodes.INVALID_AMOUNT)
  })
})
