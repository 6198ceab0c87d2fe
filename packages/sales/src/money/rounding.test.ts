import { describe, expect, it } from 'vitest'
import type { RoundingMode } from './rounding.js'
import { divRound } from './rounding.js'

describe('divRound', () => {
  const cases: [bigint, bigint, Record<RoundingMode, bigint>][] = [
    [25n, 10n, { halfUp: 3n, halfEven: 2n, halfDown: 2n, down: 2n, up: 3n }],
    [35n, 10n, { halfUp: 4n, halfEven: 4n, halfDown: 3n, down: 3n, up: 4n }],
    [-25n, 10n, { halfUp: -3n, halfEven: -2n, halfDown: -2n, down: -2n, up: -3n }],
    [26n, 10n, { halfUp: 3n, halfEven: 3n, halfDown: 3n, down: 2n, up: 3n }],
    [-24n, 10n, { halfUp: -2n, halfEven: -2n, halfDown: -2n, down: -2n, up: -3n }],
    [30n, 10n, { halfUp: 3n, halfEven: 3n, halfDown: 3n, down: 3n, up: 3n }],
  ]
  it.each(cases)('%s / %s in every mode', (numerator, denominator, expected) => {
    for (const [mode, value] of Object.entries(expected)) {
      expect([mode, divRound(numerator, denominator, mode as RoundingMode)]).toEqual([mode, value])
    }
  })
})
