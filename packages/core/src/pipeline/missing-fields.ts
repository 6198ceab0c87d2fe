/**
 * The fields of `fields` that have no value on `record`: `null`, missing, an empty or blank string, an empty array or
 * an empty object. Paths may be dotted (`custom.budget`, `amount.amountMinor`).
 *
 * @example
 * ```ts
 * missingFields({ amount: null, expectedCloseDate: '2026-05-01' }, ['amount', 'expectedCloseDate']) // ['amount']
 * ```
 */
export function missingFields(
  record: Readonly<Record<string, unknown>>,
  fields: readonly string[],
): string[] {
  return fields.filter((path) => isEmpty(readPath(record, path)))
}

function readPath(record: Readonly<Record<string, unknown>>, path: string): unknown {
  let value: unknown = record
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, part)) return undefined
    value = (value as Record<string, unknown>)[part]
  }
  return value
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return true
  if (typeof value === 'string') return value.trim().length === 0
  if (Array.isArray(value)) return value.length === 0
  if (typeof value === 'object' && !(value instanceof Date)) return Object.keys(value).length === 0
  return false
}
