import { isRapportError } from '@rapport/core'

/**
 * The exit codes of `rapport`, stable for scripts: `0` done; `1` an unexpected failure (a bug); `2` bad usage
 * (unknown command or option, missing argument); `3` the input or the data was refused (a typed `RapportError`:
 * validation, unknown field, bad filter, record not found), nothing written; `4` an import finished but some rows
 * failed (see the results file); `5` the database is unreachable, busy or not migrated.
 */
export const exitCodes = {
  ok: 0,
  failure: 1,
  usage: 2,
  invalidInput: 3,
  rowsFailed: 4,
  storage: 5,
} as const

const STORAGE_CODES = new Set(['STORAGE_BUSY', 'STORAGE_FAILURE', 'SCHEMA_OUTDATED'])
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'ETIMEDOUT', 'EACCES', 'ENOENT'])

/** A bad command line: unknown command or option, a missing or malformed argument. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

/** The exit code an error ends the command with. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError) return exitCodes.usage
  if (isRapportError(error)) return STORAGE_CODES.has(error.code) ? exitCodes.storage : exitCodes.invalidInput
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return exitCodes.storage
  return exitCodes.failure
}

/** The error as JSON for `--json` output. */
export function errorJson(error: unknown): Record<string, unknown> {
  if (isRapportError(error)) return { error: error.toJSON() }
  if (error instanceof UsageError)
    return { error: { name: 'UsageError', code: 'USAGE', message: error.message } }
  const e = error as { name?: string; message?: string; code?: unknown }
  return { error: { name: e?.name ?? 'Error', code: e?.code ?? null, message: e?.message ?? String(error) } }
}
