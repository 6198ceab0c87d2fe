import { RapportError } from '@rapport/core'
import type { Context } from 'hono'

/**
 * The ETag of a record as one caller sees it: `"<version>-<view>"`, where `<view>` is a 32-bit FNV-1a hash of the
 * response body in base 36. The version alone is not enough: under an access policy two callers get different bodies
 * for the same version (masked or hidden fields), and a cache revalidating with one caller's tag must not get a 304
 * for the other's body. `If-Match` reads only the version part, so any view's tag of a version guards a write.
 */
export function etagOf(version: unknown, body: string): string {
  return `"${String(version)}-${fnv1a(body).toString(36)}"`
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}

/**
 * The expected version from `If-Match` (`"3-1k2f9x"` as sent in `ETag`, `"3"`, `W/"3"` or `*`). `undefined` when absent or `*`; a malformed header
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
  const match = /^(?:W\/)?"([1-9]\d{0,14})(?:-[0-9a-z]{1,7})?"$/.exec(value)
  if (!match) {
    throw new RapportError('HTTP_BAD_REQUEST', 'If-Match must be one ETag such as "3"', {
      details: { header: 'If-Match', value: value.slice(0, 100) },
    })
  }
  return Number(match[1])
}
