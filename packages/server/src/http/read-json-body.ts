import { RapportError } from '@rapport/core'
import type { Context } from 'hono'

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i

/**
 * Reads a JSON request body: `undefined` when there is none, 415 for another media type, 400 for malformed JSON.
 * The body size was already bounded by the body-limit middleware.
 */
export async function readJsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text()
  if (text.length === 0) return undefined
  const type = c.req.header('content-type') ?? ''
  if (!JSON_TYPE.test(type)) {
    throw new RapportError('HTTP_UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json', {
      details: { contentType: type || null },
    })
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new RapportError('HTTP_MALFORMED_JSON', 'The body is not valid JSON', {
      details: { reason: error instanceof Error ? error.message : String(error) },
    })
  }
}
