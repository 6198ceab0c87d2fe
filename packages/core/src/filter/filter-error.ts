import { RapportError } from '../errors/rapport-error.js'

/**
 * Builds the `INVALID_FILTER` error every stage of the filter pipeline throws. `path` points at the bad part of the
 * filter in the notation users write (`and[2].or[0].value`, empty for the root); `reason` says what is wrong with it.
 * Both are also in `details`, with any `extra` (e.g. `field` and `suggestions` for an unknown field).
 */
export function invalidFilter(
  path: string,
  reason: string,
  extra: Record<string, unknown> = {},
): RapportError {
  const where = path === '' ? 'Invalid filter' : `Invalid filter at ${path}`
  return new RapportError('INVALID_FILTER', `${where}: ${reason}`, { details: { ...extra, path, reason } })
}

/**
 * Quotes user-supplied text for a message, cut to 80 characters: messages and paths echo what the user wrote, but
 * never megabytes of it.
 */
export function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text)
}

/** Appends an object key to a filter path: `and[0]` + `value` is `and[0].value`. */
export function childPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`
}

/** Appends an array index to a filter path: `and` + `2` is `and[2]`. */
export function indexPath(path: string, index: number): string {
  return `${path}[${index}]`
}

/** Appends a zod issue path (keys and indexes) to a filter path. */
export function appendIssuePath(path: string, issuePath: readonly PropertyKey[]): string {
  let result = path
  for (const segment of issuePath) {
    result = typeof segment === 'number' ? indexPath(result, segment) : childPath(result, String(segment))
  }
  return result
}
