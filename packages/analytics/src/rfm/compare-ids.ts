/** A customer (or deal, lead) identifier. */
export type EntityId = string | number

/**
 * Total, deterministic order on identifiers used for tie-breaks: numbers before strings, numbers numerically,
 * strings by UTF-16 code unit (locale-independent, so results never depend on the host's locale).
 *
 * @internal
 */
export function compareIds(a: EntityId, b: EntityId): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b
  if (typeof a === 'number') return -1
  if (typeof b === 'number') return 1
  return a < b ? -1 : a > b ? 1 : 0
}
