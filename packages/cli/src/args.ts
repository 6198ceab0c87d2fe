import type { ParseArgsConfig } from 'node:util'
import { parseArgs } from 'node:util'
import { UsageError } from './exit-codes.js'
import type { TargetOptions } from './target.js'

/** Options every command takes. */
export const commonOptions = {
  db: { type: 'string' },
  schema: { type: 'string' },
  tenant: { type: 'string' },
  region: { type: 'string' },
  json: { type: 'boolean' },
  progress: { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options']

/** Parses a command's arguments strictly (node:util parseArgs): an unknown option is a usage error. */
export function parse<const O extends NonNullable<ParseArgsConfig['options']>>(
  args: readonly string[],
  options: O,
) {
  try {
    return parseArgs({
      args: [...args],
      options: { ...commonOptions, ...options },
      allowPositionals: true,
      strict: true,
    })
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
}

/** The target from `--db` (or `RAPPORT_DB`), `--schema`, `--tenant` and `--region`. */
export function targetOf(
  values: {
    db?: string | undefined
    schema?: string | undefined
    tenant?: string | undefined
    region?: string | undefined
  },
  env: NodeJS.ProcessEnv,
): TargetOptions {
  const db = values.db ?? env['RAPPORT_DB']
  if (!db) throw new UsageError('Say which database: --db <file.sqlite | postgres://…> (or set RAPPORT_DB)')
  return {
    db,
    ...(values.schema ? { schema: values.schema } : {}),
    ...(values.tenant ? { tenant: values.tenant } : {}),
    ...(values.region ? { region: values.region.toUpperCase() } : {}),
  }
}

/** Reads a JSON option value (`--where`, `--policy`). */
export function jsonOption(name: string, text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new UsageError(`--${name} is not valid JSON: ${(error as Error).message}`)
  }
}

/** `auto` (on a terminal only) unless `--progress` (always) or `--quiet` (never). */
export function progressMode(values: {
  progress?: boolean | undefined
  quiet?: boolean | undefined
}): boolean | 'auto' {
  if (values.quiet) return false
  if (values.progress) return true
  return 'auto'
}
