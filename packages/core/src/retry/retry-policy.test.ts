import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isRapportError } from '../errors/rapport-error.js'
import { resolveRetryPolicy, retryDelay } from './retry-policy.js'

const defaults = { maxAttempts: 5, baseDelayMs: 10, maxDelayMs: 1000 }

describe('retryDelay', () => {
  it('doubles from the base delay after each failed attempt, capped at the max delay', () => {
    expect([1, 2, 3, 4, 8, 30].map((attempt) => retryDelay(attempt, defaults))).toEqual([
      10, 20, 40, 80, 1000, 1000,
    ])
  })

  it('is monotone in the attempt and never exceeds maxDelayMs × jitter', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 5_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.double({ min: 0.5, max: 1, noNaN: true }),
        (attempt, base, extra, jitter) => {
          const policy = { maxAttempts: 3, baseDelayMs: base, maxDelayMs: base + extra }
          const delay = retryDelay(attempt, policy, jitter)
          expect(delay).toBeLessThanOrEqual(policy.maxDelayMs * jitter)
          expect(retryDelay(attempt + 1, policy)).toBeGreaterThanOrEqual(retryDelay(attempt, policy))
        },
      ),
    )
  })
})

describe('resolveRetryPolicy', () => {
  it('fills missing fields from the defaults and freezes the result', () => {
    const policy = resolveRetryPolicy({ maxAttempts: 2, baseDelayMs: undefined }, defaults, 'test')
    expect(policy).toEqual({ maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 1000 })
    expect(Object.isFrozen(policy)).toBe(true)
    expect(resolveRetryPolicy(undefined, defaults, 'test')).toEqual(defaults)
  })

  it.each([
    ['zero attempts', { maxAttempts: 0 }],
    ['fractional attempts', { maxAttempts: 1.5 }],
    ['a negative delay', { baseDelayMs: -1 }],
    ['an infinite delay', { maxDelayMs: Number.POSITIVE_INFINITY }],
    ['a max below the base', { baseDelayMs: 100, maxDelayMs: 50 }],
    ['an unknown option (the old names)', { retries: 3 }],
    ['not an object', 3],
  ])('refuses %s with INVALID_CONFIG naming the caller', (_name, input) => {
    let caught: unknown
    try {
      resolveRetryPolicy(input as never, defaults, 'createThing')
    } catch (error) {
      caught = error
    }
    expect(isRapportError(caught, 'INVALID_CONFIG')).toBe(true)
    expect((caught as Error).message).toMatch(/^createThing: /)
  })
})
