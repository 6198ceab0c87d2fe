import { isRapportError } from '@rapport/core'
import { PermanentJobError } from './job-queue.js'

/** A JSON-safe description of an error for job rows and run logs. */
export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof PermanentJobError) return { ...describeError(error.cause), permanent: true }
  if (isRapportError(error)) return { code: error.code, message: error.message, details: error.details }
  if (error instanceof Error) return { message: error.message }
  return { message: String(error) }
}
