import { BoundedCache } from '../normalise/bounded-cache.js'

/**
 * The non-empty scalar values at a dotted path of a record, walking into arrays: `emails.address` gives every
 * address, `address.city` the city, `custom.birthDate` a custom field. Numbers become strings.
 *
 * @example
 * ```ts
 * valuesAt({ emails: [{ address: 'a@x.io' }, { address: 'b@x.io' }] }, 'emails.address') // ['a@x.io', 'b@x.io']
 * ```
 */
export function valuesAt(record: Readonly<Record<string, unknown>>, path: string): string[] {
  let current: unknown[] = [record]
  let segments = splitPaths.get(path)
  if (!segments) splitPaths.set(path, (segments = path.split('.')))
  for (const segment of segments) {
    const next: unknown[] = []
    for (const value of current) {
      if (value === null || typeof value !== 'object') continue
      const child = (value as Record<string, unknown>)[segment]
      if (Array.isArray(child)) next.push(...child)
      else if (child !== undefined && child !== null) next.push(child)
    }
    current = next
  }
  const out: string[] = []
  for (const value of current) {
    if (typeof value === 'string' && value.trim().length > 0) out.push(value)
    else if (typeof value === 'number' && Number.isFinite(value)) out.push(String(value))
  }
  return out
}

// Rules name a handful of paths; every record's keys and comparisons read them.
const splitPaths = new BoundedCache<readonly string[]>(256)
