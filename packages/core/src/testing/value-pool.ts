/**
 * The one value pool of Rapport's differential and property tests: every adapter's differential test and core's
 * filter properties draw from these lists. They are small on purpose, so random filters and random rows collide
 * often, and full of the places where databases disagree.
 *
 * @example
 * ```ts
 * import { valuePool } from '@rapport/core/testing'
 * import fc from 'fast-check'
 *
 * const name = fc.constantFrom(...valuePool.strings)
 * ```
 */
export const valuePool = Object.freeze({
  /**
   * Strings: case variants (ASCII and not), combining marks, the Kelvin sign (`lower()` folds it to `k`, ASCII
   * folding must not), LIKE wildcards and backslashes, astral characters against high-BMP ones (where code point and
   * UTF-16 order disagree), and spaces.
   */
  strings: Object.freeze([
    '',
    'a',
    'A',
    'ab',
    'aB',
    'Ab',
    'abc',
    'b',
    'é',
    'É',
    'e\u0301',
    'ß',
    'İ',
    '\u212A',
    'k',
    'K',
    'z',
    'Z',
    '%',
    '_',
    'a_b',
    'a%b',
    'back\\slash',
    '😀',
    '\u{10000}',
    '\uE000',
    '\uFF5E',
    '\uFFFF',
    'a😀',
    'a b',
  ]),
  /** Integers, out to the largest and smallest safe integers. */
  integers: Object.freeze([
    -3,
    -1,
    0,
    1,
    2,
    3,
    10,
    2 ** 40,
    Number.MAX_SAFE_INTEGER,
    -Number.MAX_SAFE_INTEGER,
  ]),
  /** Fractional and large numbers. */
  numbers: Object.freeze([-2.5, -0.5, 0, 0.25, 1, 1.5, 1e10]),
  /** Instants one millisecond and one second apart, and the epoch. */
  instants: Object.freeze(
    [0, 1, 999, 1000, 1_700_000_000_000, 1_700_000_000_001].map((ms) => new Date(ms)),
  ) as readonly Date[],
  /** Calendar days (`YYYY-MM-DD`), a leap day among them. */
  days: Object.freeze(['1999-12-31', '2000-01-01', '2024-02-29', '2025-06-30']),
  /** Values of a JSON string field (`custom.tier`): case variants and a non-ASCII one. */
  tiers: Object.freeze(['gold', 'Gold', 'GOLD', 'silver', 'bronze', 'é']),
  /** Elements of a JSON array field: a case variant and an astral character. */
  tags: Object.freeze(['x', 'y', 'z', 'X', '😀']),
})
