import type { CrmServices } from '@rapport/core'
import type { ValidationIssue } from '@rapport/core/errors'
import type { PhoneRegion } from '@rapport/data-quality'
import type { ImportMapping, OverwritePolicy } from '../mapping/import-mapping.js'
import type { TransformFn } from '../mapping/transforms.js'
import type { ByteInput } from '../source/byte-input.js'
import type { ImportEncoding } from '../source/encoding.js'
import type { RowResult } from './results-writer.js'
import type { UpsertKey } from './upsert-key.js'

// What an import is asked to do and what it reports; run-import.ts does it.

/** Counts of row results by status. */
export interface ImportCounts {
  created: number
  updated: number
  unchanged: number
  skipped: number
  failed: number
}

/**
 * Checks a row before it is written (validation rules as data plug in here): return issues in zod's shape to fail
 * the row, or none to let it through. Receives the record as it would be created.
 */
export type RowValidator = (
  input: Readonly<Record<string, unknown>>,
  ctx: { readonly entity: string; readonly line: number },
) => readonly ValidationIssue[] | Promise<readonly ValidationIssue[]>

/** Options of {@link importRecords}. */
export interface ImportOptions {
  /** The entity to import into, e.g. `contact`. */
  readonly entity: string
  /** The file: a path, its bytes, or a byte stream. */
  readonly file: ByteInput
  /** `csv` (default, or from a `.xlsx` path) or `xlsx`. */
  readonly format?: 'csv' | 'xlsx'
  /** CSV only: `auto` (default), `utf-8`, `gb18030` or `gbk`. */
  readonly encoding?: ImportEncoding
  /** CSV only: the delimiter (default `,`). */
  readonly delimiter?: string
  /** XLSX only: the worksheet, 1-based (default 1). */
  readonly sheet?: number
  /** The mapping, or the name of a saved one (`{ saved: 'hubspot-contacts' }`). */
  readonly mapping: ImportMapping | { readonly saved: string }
  /** Transforms in code, by header, run after the mapping's named transforms. */
  readonly transforms?: Readonly<Record<string, TransformFn>>
  /** How rows find existing records; without it every row creates a record. */
  readonly upsertKey?: UpsertKey
  /** The field `externalId` reads (default `custom.externalId`). */
  readonly externalIdField?: string
  /** The overwrite policy of columns that set none (default `ifSet`). */
  readonly overwrite?: OverwritePolicy
  /** Runs every step, each batch in a transaction that is rolled back: exact results, nothing written. */
  readonly dryRun?: boolean
  /** Rows per transaction (default 500). */
  readonly batchSize?: number
  /** Resume this interrupted import (from `summary.importId` or `onStart`). */
  readonly importId?: string
  /** A name for the import (e.g. the file path): an unfinished import with the same key and entity is resumed. */
  readonly key?: string
  /** A results CSV: the original columns plus status, id and issues per row. */
  readonly results?: NodeJS.WritableStream
  /** Escape formula-like cells in the results file (default true). */
  readonly escapeFormulas?: boolean
  /** The region phone cells are compared in (so `(415) 555-0101` matches a stored `+14155550101`). */
  readonly defaultRegion?: PhoneRegion
  /** Validation of each row before it is written, in code (run before the upsert lookup). */
  readonly validateRow?: RowValidator
  /**
   * Apply data-quality's validation rules for `import` (configured and the tenant's stored ones) to each row about to
   * be written, as the record would be stored (for an update, the record with the patch applied), when its plugin is
   * installed (default true). Errors fail the row; warnings go with its result.
   */
  readonly validationRules?: boolean
  /** Called once the import job exists, with its id (to resume after a crash). */
  readonly onStart?: (importId: string) => void
  /** Called with each row's result, in file order. */
  readonly onRow?: (result: RowResult) => void
  /** Called after each batch. */
  readonly onProgress?: (progress: { readonly rows: number; readonly line: number }) => void
  /** Services to write through (a tenant's or an actor's: `crm.scoped(…)`); default `crm`. */
  readonly services?: CrmServices
}

/** What an import did. */
export interface ImportSummary {
  /** The import job (`null` in a dry run). */
  readonly importId: string | null
  readonly dryRun: boolean
  readonly counts: ImportCounts
  /** Rows read in this run (rows before a resume's checkpoint excluded). */
  readonly rows: number
  /** The line this run resumed after (0 for a fresh import). */
  readonly resumedAfter: number
  /** Headers not mapped to any field. */
  readonly ignoredColumns: readonly string[]
}
