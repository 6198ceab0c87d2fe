import { unstorableTextReason } from '../storage/storable-value.js'
import type { FieldRef, StorageValue } from '../storage/storage-filter.js'
import type { BoundValue } from './bind-filter-value.js'
import { describeValue } from './bind-filter-value.js'
import { invalidFilter, quote } from './filter-error.js'
import type { FilterLimits } from './filter-target.js'
import { isInstantInRange, isIsoDate, parseIsoInstant, toIsoDate } from './parse-instant.js'

/** Where a value is being coerced, for error messages. */
export interface CoercionSite {
  /** Path of the value in the filter, e.g. `and[1].value[0]`. */
  readonly path: string
  /** The public field path the value is compared with. */
  readonly field: string
  readonly ref: FieldRef
  readonly limits: FilterLimits
}

/**
 * Checks a bound, non-placeholder value against the type of the field it is compared with and converts it to the
 * storage representation:
 *
 * - `string`/`text`: a string;
 * - `integer`: a safe integer (|n| ≤ 2^53 − 1); `number`: a finite number; `boolean`: a boolean;
 * - `datetime`: a `Date` or an ISO-8601 string with `Z` or an offset (or a bare `YYYY-MM-DD`, midnight UTC), in
 *   years 0000–9999; a `Date` for plain columns, the normalised `toISOString()` form for JSON paths (which store
 *   ISO strings and compare them as strings);
 * - `date`: a real calendar date `YYYY-MM-DD`; a `Date` (e.g. from `$ago`) becomes its UTC calendar date;
 * - `json` (an untyped JSON value): a string, finite number or boolean.
 *
 * `null` passes through; the callers decide what `null` means for their operator. Anything else is
 * `INVALID_FILTER` at `site.path`.
 */
export function coerceFilterValue(bound: BoundValue, site: CoercionSite): StorageValue {
  if (bound.kind === 'deferred') return placeholderFor(site.ref)
  const { value } = bound
  if (value === null) return null
  const { ref } = site
  switch (ref.type) {
    case 'string':
    case 'text':
      if (typeof value === 'string') return checkLength(value, site)
      break
    case 'integer':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return value
      if (typeof value === 'number') {
        throw mismatch(site, `${value} is not a safe integer (an integer with |n| ≤ 2^53 − 1)`)
      }
      break
    case 'number':
      if (typeof value === 'number' && Number.isFinite(value)) return value
      break
    case 'boolean':
      if (typeof value === 'boolean') return value
      break
    case 'datetime': {
      const instant = toInstant(value)
      if (instant === 'unparsable') {
        throw mismatch(site, `${quote(String(value))} is not an ISO-8601 date-time with Z or an offset`)
      }
      if (instant !== undefined) {
        if (!isInstantInRange(instant))
          throw mismatch(site, 'the date-time falls outside the years 0000–9999')
        return ref.path === undefined ? instant : instant.toISOString()
      }
      break
    }
    case 'date':
      if (typeof value === 'string') {
        if (isIsoDate(value)) return value
        throw mismatch(site, `${quote(value)} is not a calendar date written YYYY-MM-DD`)
      }
      if (value instanceof Date && isInstantInRange(value)) return toIsoDate(value)
      break
    case 'json':
      if (typeof value === 'string') return checkLength(value, site)
      if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') return value
      break
  }
  const what = bound.fromClock ? 'a relative date or now' : describeValue(value)
  throw mismatch(site, `expected ${expectedFor(ref)}, got ${what}`)
}

function toInstant(value: unknown): Date | undefined | 'unparsable' {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value
  if (typeof value !== 'string') return undefined
  return parseIsoInstant(value) ?? 'unparsable'
}

function checkLength(value: string, site: CoercionSite): string {
  // Literals were checked before validation; this catches strings bound from the context.
  const unstorable = unstorableTextReason(value)
  if (unstorable !== undefined) throw invalidFilter(site.path, `the string ${unstorable}`)
  if (value.length > site.limits.maxStringLength) {
    throw invalidFilter(
      site.path,
      `the string has ${value.length} characters, more than the limit of ${site.limits.maxStringLength}`,
      { limit: 'maxStringLength', max: site.limits.maxStringLength },
    )
  }
  return value
}

function mismatch(site: CoercionSite, reason: string) {
  return invalidFilter(site.path, `field ${quote(site.field)} (${site.ref.type}): ${reason}`, {
    field: site.field,
  })
}

/** What a field type accepts, for messages. */
export function expectedFor(ref: FieldRef): string {
  switch (ref.type) {
    case 'string':
    case 'text':
      return 'a string'
    case 'integer':
      return 'a safe integer'
    case 'number':
      return 'a finite number'
    case 'boolean':
      return 'a boolean'
    case 'datetime':
      return 'a Date or an ISO-8601 date-time string'
    case 'date':
      return 'a YYYY-MM-DD date string'
    default:
      return 'a string, number or boolean'
  }
}

/** A value of the right type standing in for a variable that is only bound at query time. */
function placeholderFor(ref: FieldRef): StorageValue {
  switch (ref.type) {
    case 'integer':
    case 'number':
      return 0
    case 'boolean':
      return false
    case 'datetime':
      return ref.path === undefined ? new Date(0) : new Date(0).toISOString()
    case 'date':
      return '1970-01-01'
    default:
      return ''
  }
}
