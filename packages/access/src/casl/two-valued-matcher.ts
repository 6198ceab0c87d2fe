import type { ConditionsMatcher, MongoQuery } from '@casl/ability'
import { buildMongoQueryMatcher } from '@casl/ability'
import { $and, $or, and, or } from '@ucast/mongo2js'

/**
 * Orders two values the way Rapport's filters do: `null` (and a missing value) is equal only to itself and never
 * less or greater than anything, dates compare by instant. CASL's default `compare` says `null < 5`, which SQL and
 * Rapport's two-valued leaves do not; with this one, CASL's in-memory check and the compiled filter agree.
 */
export function twoValuedCompare(a: unknown, b: unknown): number {
  if (a === b || (a == null && b == null)) return 0
  if (a == null || b == null) return Number.NaN
  const x = a instanceof Date ? a.getTime() : a
  const y = b instanceof Date ? b.getTime() : b
  if (x === y) return 0
  if (typeof x !== typeof y) return Number.NaN
  return (x as number) > (y as number) ? 1 : -1
}

/**
 * CASL's MongoDB-query matcher with {@link twoValuedCompare}, plus the top-level `$and` / `$or` CASL 7's default
 * matcher lacks (it reads `{ $or: [...] }` as an equality test on a field named `$or`).
 *
 * @internal
 */
export const twoValuedMatcher: ConditionsMatcher<MongoQuery> = buildMongoQueryMatcher(
  { $and, $or },
  { and, or },
  {
    compare: twoValuedCompare as <T>(a: T, b: T) => 0 | 1 | -1,
  },
)
