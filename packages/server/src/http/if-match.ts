import { RapportError } from '@rapport/core'
import type { Context } from 'hono'

/** The ETag of a record version: a strong tag of the version number. */
export function etagOf(version: unknown): string {
  return `"${String(version)}"`
}

/**
 * The expected version from `If-Match` (`"3"`, `W/"3"` or `*`). `undefined` when absent or `*`; a malformed header
 * or a list of several tags is a 400, since a version check cannot mean "any of these".
 */
export function expectedVersionOf(c: Context, required: boolean): number | undefined {
  const header = c.req.header('if-match')
  if (header === undefined || header.trim() === '') {
    if (required) {
      throw new RapportError(
        'HTTP_PRECONDITION_REQUIRED',
        'Send If-Match with the ETag of the version you read',
      )
    }
    return undefined
  }
  const value = header.trim()
  if (value === '*') return undefined
  const match = /^(?:W\/)?"([1-9]\d{0,14})"$/.exec(value)
  if (!match) {
    throw new RapportError('HTTP_BAD_REQUEST', 'If-Match must be one ETag such as "3"', {
      details: { header: 'If-Match', value: value.slice(0, 100) },
    })
  }
  return Number(match[1])
}
