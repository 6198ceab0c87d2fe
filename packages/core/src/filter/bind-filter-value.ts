import { add } from 'date-fns/add'
import { sub } from 'date-fns/sub'
import * as z from 'zod'
import { RapportError } from '../errors/rapport-error.js'
import { appendIssuePath, childPath, invalidFilter, quote } from './filter-error.js'
import type { FilterContext } from './filter-target.js'
import type { FilterDuration } from './filter-types.js'
import { isInstantInRange } from './parse-instant.js'
import { UtcDate } from './utc-date.js'

/** A filter value after its shape was checked, before binding. */
export type ParsedValue =
  | { readonly kind: 'literal'; readonly value: string | number | boolean | null | Date }
  | { readonly kind: 'var'; readonly name: string }
  | { readonly kind: 'relative'; readonly direction: '$ago' | '$fromNow'; readonly duration: FilterDuration }

/** A bound value. `fromClock` marks instants computed from `now`, for clearer error messages. */
export type BoundValue =
  | { readonly kind: 'value'; readonly value: unknown; readonly fromClock: boolean }
  /** Validation without a context: the value is only known at query time, so its type cannot be checked yet. */
  | { readonly kind: 'deferred' }

const unit = z.number().int().nonnegative().max(1_000_000).optional()

/** A duration: whole, non-negative amounts of each unit; at least one unit. */
const durationSchema = z
  .strictObject({ years: unit, months: unit, weeks: unit, days: unit, hours: unit, minutes: unit })
  .refine((duration) => Object.values(duration).some((amount) => amount !== undefined), {
    message: 'a duration needs at least one of years, months, weeks, days, hours, minutes',
  })

const placeholderSchemas = {
  $var: z.strictObject({ $var: z.string().min(1) }),
  $ago: z.strictObject({ $ago: durationSchema }),
  $fromNow: z.strictObject({ $fromNow: durationSchema }),
} as const

const VARIABLE = /^(?:now|tenantId|(?:actor|vars)(?:\.[^.]+)+)$/

/**
 * Checks the shape of one filter value: a string, finite number, boolean, `null`, valid `Date`, or one placeholder
 * object (`{ $var }`, `{ $ago }`, `{ $fromNow }`). Variable names are checked here too, so `validateFilter` catches
 * a misspelt `$var` at save time.
 */
export function parseFilterValue(raw: unknown, path: string): ParsedValue {
  if (raw === undefined) throw invalidFilter(path, 'a value is required')
  if (raw === null || typeof raw === 'string' || typeof raw === 'boolean')
    return { kind: 'literal', value: raw }
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) throw invalidFilter(path, `${raw} is not a finite number`)
    return { kind: 'literal', value: raw }
  }
  if (raw instanceof Date) {
    if (Number.isNaN(raw.getTime())) throw invalidFilter(path, 'the Date is invalid')
    return { kind: 'literal', value: raw }
  }
  if (typeof raw === 'object' && !Array.isArray(raw)) {
    const key = (['$var', '$ago', '$fromNow'] as const).find((name) => Object.hasOwn(raw, name))
    if (key !== undefined) {
      const parsed = placeholderSchemas[key].safeParse(raw, ZOD_PARSE_OPTIONS)
      if (!parsed.success) throw fromZodIssue(path, parsed.error)
      if (key === '$var') {
        const name = (parsed.data as { $var: string }).$var
        if (!VARIABLE.test(name)) {
          throw invalidFilter(
            childPath(path, '$var'),
            `unknown variable ${quote(name)}; expected now, tenantId, actor.<key> or vars.<key>`,
            { variable: name },
          )
        }
        return { kind: 'var', name }
      }
      return {
        kind: 'relative',
        direction: key,
        duration: (parsed.data as Record<string, FilterDuration>)[key]!,
      }
    }
  }
  throw invalidFilter(
    path,
    `expected a string, number, boolean, null, Date or a placeholder ({ $var }, { $ago }, { $fromNow }), got ${describeValue(raw)}`,
  )
}

/** Binds placeholders against a query's {@link FilterContext}. */
export function bindWithContext(context: FilterContext): (value: ParsedValue, path: string) => BoundValue {
  const now = context.now
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    throw new RapportError('INVALID_CONFIG', 'FilterContext.now must be a valid Date', { details: { now } })
  }
  return (value, path) => {
    switch (value.kind) {
      case 'literal':
        return { kind: 'value', value: value.value, fromClock: false }
      case 'relative':
        return {
          kind: 'value',
          value: relativeInstant(now, value.direction, value.duration, path),
          fromClock: true,
        }
      default:
        return bindVariable(value.name, context, path)
    }
  }
}

/**
 * Binds for validation at save time, when no context exists: `now` and relative dates use the current time (their
 * types are known), while `tenantId`, `actor.*` and `vars.*` are deferred to query time.
 */
export function bindForValidation(): (value: ParsedValue, path: string) => BoundValue {
  const now = new Date()
  return (value, path) => {
    switch (value.kind) {
      case 'literal':
        return { kind: 'value', value: value.value, fromClock: false }
      case 'relative':
        return {
          kind: 'value',
          value: relativeInstant(now, value.direction, value.duration, path),
          fromClock: true,
        }
      default:
        return value.name === 'now' ? { kind: 'value', value: now, fromClock: true } : { kind: 'deferred' }
    }
  }
}

function bindVariable(name: string, context: FilterContext, path: string): BoundValue {
  const varPath = childPath(path, '$var')
  if (name === 'now') return { kind: 'value', value: context.now, fromClock: true }
  if (name === 'tenantId') return { kind: 'value', value: context.tenantId, fromClock: false }
  const [scope, ...keys] = name.split('.')
  const root: unknown = scope === 'actor' ? context.actor : context.vars
  if (root === undefined || root === null) {
    throw invalidFilter(varPath, `variable ${quote(name)} is unbound: the filter context has no ${scope}`, {
      variable: name,
    })
  }
  let current: unknown = root
  for (const key of keys) {
    // Own properties only: `vars.constructor` must not reach Object.prototype.
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) {
      throw invalidFilter(varPath, `variable ${quote(name)} is unbound in the filter context`, {
        variable: name,
      })
    }
    current = (current as Record<string, unknown>)[key]
  }
  if (current === undefined) {
    throw invalidFilter(varPath, `variable ${quote(name)} is unbound in the filter context`, {
      variable: name,
    })
  }
  const isScalar =
    current === null ||
    typeof current === 'string' ||
    typeof current === 'boolean' ||
    (typeof current === 'number' && Number.isFinite(current)) ||
    (current instanceof Date && !Number.isNaN(current.getTime()))
  if (!isScalar) {
    throw invalidFilter(
      varPath,
      `variable ${quote(name)} is bound to ${describeValue(current)}; expected a string, finite number, boolean, null or valid Date`,
      { variable: name },
    )
  }
  return { kind: 'value', value: current, fromClock: false }
}

/** `now ∓ duration` with date-fns calendar semantics (months clamp to the month's end), computed in UTC. */
function relativeInstant(
  now: Date,
  direction: '$ago' | '$fromNow',
  duration: FilterDuration,
  path: string,
): Date {
  const start = new UtcDate(now.getTime())
  const moved = direction === '$ago' ? sub(start, duration) : add(start, duration)
  const result = new Date(moved.getTime())
  if (!isInstantInRange(result)) {
    throw invalidFilter(childPath(path, direction), 'the relative date falls outside the years 0000–9999')
  }
  return result
}

/**
 * Parse options for every filter schema: a missing key says so plainly instead of zod's default
 * "expected nonoptional, received undefined".
 */
export const ZOD_PARSE_OPTIONS = {
  error: (issue: { readonly input?: unknown }) =>
    issue.input === undefined ? 'this key is required' : undefined,
} as const

/** Converts the first zod issue into an `INVALID_FILTER` error pointing at the exact key. */
export function fromZodIssue(path: string, error: z.ZodError): RapportError {
  const issue = error.issues[0]!
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!
    const shown = key.length > 80 ? `${key.slice(0, 80)}…` : key
    return invalidFilter(appendIssuePath(path, [...issue.path, shown]), `unknown key ${quote(key)}`)
  }
  return invalidFilter(appendIssuePath(path, issue.path), issue.message)
}

/** A short description of a value's kind for error messages; never echoes large values. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : 'a Date'
  switch (typeof value) {
    case 'string':
      return 'a string'
    case 'number':
      return Number.isFinite(value) ? 'a number' : String(value)
    case 'object':
      return 'an object'
    default:
      return typeof value
  }
}
