import { RapportError } from '../errors/rapport-error.js'
import type { FilterLimits } from './filter-target.js'
import { DEFAULT_FILTER_LIMITS } from './filter-target.js'

const resolvedLimits = new WeakMap<Partial<FilterLimits>, FilterLimits>()

/**
 * Merges caller limits over {@link DEFAULT_FILTER_LIMITS} and checks them: every limit must be a positive safe
 * integer. A bad limit is a host configuration error (`INVALID_CONFIG`), not a bad filter. A frozen `limits` object
 * (a CRM's, compiled with every filter) is resolved once; its answer cannot change.
 */
export function resolveFilterLimits(limits: Partial<FilterLimits> = {}): FilterLimits {
  const frozen = Object.isFrozen(limits)
  const known = frozen ? resolvedLimits.get(limits) : undefined
  if (known) return known
  const resolved: FilterLimits = { ...DEFAULT_FILTER_LIMITS, ...definedOnly(limits) }
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new RapportError(
        'INVALID_CONFIG',
        `Filter limit ${name} must be a positive integer, got ${String(value)}`,
        {
          details: { limit: name, value },
        },
      )
    }
  }
  Object.freeze(resolved)
  if (frozen) resolvedLimits.set(limits, resolved)
  return resolved
}

function definedOnly(limits: Partial<FilterLimits>): Partial<FilterLimits> {
  return Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined))
}
