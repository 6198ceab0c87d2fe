import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { isRapportError } from '@rapport/core'

/** A successful tool result: the JSON text for any client, and `structuredContent` for those that read it. */
export function ok(value: unknown): CallToolResult {
  const json = JSON.parse(JSON.stringify(value ?? null)) as unknown
  return {
    content: [{ type: 'text', text: JSON.stringify(json) }],
    ...(json !== null && typeof json === 'object' && !Array.isArray(json)
      ? { structuredContent: json as Record<string, unknown> }
      : {}),
  }
}

/**
 * A failed call as a tool error the agent can act on: the stable code, the message and the details (validation
 * issues, the refusing guard and missing fields). Unexpected failures say only that something failed.
 */
export function failure(error: unknown): CallToolResult {
  const body = isRapportError(error)
    ? { code: error.code, message: error.message, details: error.details }
    : { code: 'INTERNAL', message: 'The tool failed unexpectedly', details: {} }
  return { isError: true, content: [{ type: 'text', text: JSON.stringify(body) }] }
}

/** Runs a tool body, turning thrown errors into tool errors. */
export async function run(fn: () => Promise<unknown>): Promise<CallToolResult> {
  try {
    return ok(await fn())
  } catch (error) {
    return failure(error)
  }
}
