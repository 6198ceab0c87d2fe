import type { CrmServices } from '@rapport/core'
import { isRapportError } from '@rapport/core'
import type { ValidationIssue } from '@rapport/core/errors'
import type { ByteInput } from '../source/byte-input.js'
import { readCsv } from '../source/csv-source.js'
import type { ImportEncoding } from '../source/encoding.js'
import type { RowSource } from '../source/source-row.js'
import { readXlsx } from '../source/xlsx-source.js'
import type { KeySpec } from './upsert-key.js'
import { keySpec } from './upsert-key.js'

type RuleIssues = readonly (ValidationIssue & { readonly params?: { readonly severity?: string } })[]

/** data-quality's `validateMany` as the import calls it: one call per batch, issues by index. */
export type RulesValidator = (
  entity: string,
  records: readonly object[],
  options: { readonly operation: 'import'; readonly crm: CrmServices },
) => Promise<readonly RuleIssues[]>

/** data-quality's `validateMany` (validation rules as data), when its plugin is installed. */
export function rulesValidator(plugins: unknown): RulesValidator | null {
  const api = (plugins as Record<string, { validateMany?: RulesValidator } | undefined> | undefined)?.[
    'data-quality'
  ]
  return typeof api?.validateMany === 'function' ? api.validateMany.bind(api) : null
}

/** The key that spots duplicates inside a file without an upsert key: the e-mail, else the domain, when mapped. */
export function inFileKey(paths: readonly string[]): KeySpec | null {
  if (paths.includes('email')) return keySpec('email')
  if (paths.includes('domain')) return keySpec('domain')
  return null
}

/** Where rows come from: the file and how to read it. */
export interface SourceOptions {
  readonly file: ByteInput
  readonly format?: 'csv' | 'xlsx' | undefined
  readonly encoding?: ImportEncoding | undefined
  readonly delimiter?: string | undefined
  readonly sheet?: number | undefined
}

/** Opens the file as CSV or XLSX (by `format`, else by a `.xlsx` path). */
export function openSource(options: SourceOptions): Promise<RowSource> {
  const xlsx =
    options.format === 'xlsx' ||
    (options.format === undefined && typeof options.file === 'string' && /\.xlsx$/iu.test(options.file))
  return xlsx
    ? readXlsx(options.file, options.sheet === undefined ? {} : { sheet: options.sheet })
    : readCsv(options.file, {
        ...(options.encoding ? { encoding: options.encoding } : {}),
        ...(options.delimiter ? { delimiter: options.delimiter } : {}),
      })
}

/** A refused write as zod-shaped issues. */
export function issuesOf(error: unknown): ValidationIssue[] {
  if (isRapportError(error)) {
    if (error.issues.length > 0) return [...error.issues]
    return [{ code: error.code, path: [], message: error.message }]
  }
  return [{ code: 'error', path: [], message: (error as Error).message ?? String(error) }]
}
