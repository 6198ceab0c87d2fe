import * as z from 'zod'

/**
 * Strict zod schemas for one node of the public filter language at a time. Children (`and`/`or` members, `not`,
 * `where`) and values are left `unknown` here and checked by the compiler as it descends, so every error carries the
 * exact path of the bad part instead of a union error at the root.
 */

const field = z.string().min(1, 'a field path is required')

/** Operators of conditions, grouped by the shape of their `value`. */
export const COMPARE_OPERATORS = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte'] as const
export const LIST_OPERATORS = ['in', 'nin'] as const
export const TEXT_OPERATORS = ['contains', 'startsWith', 'endsWith'] as const
export const ALL_OPERATORS = [
  ...COMPARE_OPERATORS,
  ...LIST_OPERATORS,
  ...TEXT_OPERATORS,
  'isNull',
  'between',
] as const

/** Operators of a `count` node: the comparisons and `between`. */
export const COUNT_OPERATORS = [...COMPARE_OPERATORS, 'between'] as const

/** One operator of a `count` node. */
export type CountOperator = (typeof COUNT_OPERATORS)[number]

/** The largest count a `count` node compares with (SQL's 32-bit integer). */
export const MAX_COUNT = 2_147_483_647

/** One public operator. */
export type FilterOperator = (typeof ALL_OPERATORS)[number]

const compareSchema = z.strictObject({ field, op: z.string(), value: z.unknown() })

/** The shape of a condition, by operator. */
export const conditionSchemas: Readonly<Record<FilterOperator, z.ZodType<ConditionShape>>> = {
  eq: compareSchema,
  ne: compareSchema,
  lt: compareSchema,
  lte: compareSchema,
  gt: compareSchema,
  gte: compareSchema,
  in: z.strictObject({ field, op: z.string(), value: z.array(z.unknown(), 'expected a list of values') }),
  nin: z.strictObject({ field, op: z.string(), value: z.array(z.unknown(), 'expected a list of values') }),
  contains: z.strictObject({
    field,
    op: z.string(),
    value: z.unknown(),
    caseInsensitive: z.boolean().optional(),
  }),
  startsWith: z.strictObject({
    field,
    op: z.string(),
    value: z.unknown(),
    caseInsensitive: z.boolean().optional(),
  }),
  endsWith: z.strictObject({
    field,
    op: z.string(),
    value: z.unknown(),
    caseInsensitive: z.boolean().optional(),
  }),
  isNull: z.strictObject({ field, op: z.string(), value: z.boolean('expected true or false') }),
  between: z.strictObject({
    field,
    op: z.string(),
    value: z.tuple([z.unknown(), z.unknown()], 'expected a list of two values [from, to]'),
  }),
}

/** What every condition schema produces. */
export interface ConditionShape {
  readonly field: string
  readonly op: string
  readonly value?: unknown
  readonly caseInsensitive?: boolean | undefined
}

/** The shapes of the group nodes. */
export const groupSchemas = {
  and: z.strictObject({ and: z.array(z.unknown(), 'expected a list of filters') }),
  or: z.strictObject({ or: z.array(z.unknown(), 'expected a list of filters') }),
  not: z.strictObject({ not: z.unknown() }),
  exists: z.strictObject({
    exists: z.string().min(1, 'a relation name is required'),
    where: z.unknown().optional(),
  }),
  count: z.strictObject({
    count: z.string().min(1, 'a relation name is required'),
    where: z.unknown().optional(),
    op: z.enum(COUNT_OPERATORS, `expected one of ${COUNT_OPERATORS.join(', ')}`),
    // Checked by the compiler with the operator, so `between` and the others get their own message.
    value: z.unknown(),
  }),
} as const
