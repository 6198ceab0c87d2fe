import { RapportError } from '@rapport/core'
import type { StorageFilter } from '@rapport/core/storage'

// The operations' own argument checks, made before any SQL is built: a bad call is a typed error and runs nothing.

/** The filter a bulk update or delete needs; without one the call is `INVALID_FILTER` (never "every row"). */
export function requireFilter(where: StorageFilter | undefined, op: string): StorageFilter {
  if (!where)
    throw new RapportError('INVALID_FILTER', `${op} requires a "where" filter.`, { details: { op } })
  return where
}

/** A limit or offset: a non-negative safe integer, else `VALIDATION_FAILED`. */
export function checkLimit(name: string, value: number | undefined): void {
  if (value === undefined) return
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RapportError('VALIDATION_FAILED', `"${name}" must be a non-negative integer; got ${value}.`, {
      details: {
        issues: [{ path: [name], message: 'Expected a non-negative integer', code: 'invalid_type' }],
      },
    })
  }
}
