import { once } from 'node:events'
import type { ValidationIssue } from '@rapport/core/errors'
import { stringify } from 'csv-stringify/sync'
import { escapeFormula } from '../export/escape-formula.js'

/** The result of one row of an import. */
export interface RowResult {
  /** The file line (CSV) or sheet row (XLSX) of the row. */
  readonly line: number
  readonly status: 'created' | 'updated' | 'unchanged' | 'skipped' | 'failed'
  /** The record created or updated (or matched, when unchanged); `null` in a dry run's creates and for failures. */
  readonly id: string | null
  /** Why the row failed or was skipped, in zod's issue shape. */
  readonly issues: readonly ValidationIssue[]
}

/** The columns a results file adds after the original ones. */
export const RESULT_COLUMNS = ['rapport_line', 'rapport_status', 'rapport_id', 'rapport_errors'] as const

const issueText = (issues: readonly ValidationIssue[]) =>
  issues
    .map((i) => `${i.code}${i.path.length > 0 ? ` at ${i.path.join('.')}` : ''}: ${i.message}`)
    .join(' | ')

/**
 * Writes results as CSV to `out`, batch by batch with backpressure: the original columns of each row, then
 * {@link RESULT_COLUMNS} (Salesforce's `sf__*` result files, HubSpot's error file). Cells are escaped against formula
 * injection unless `escape` is false.
 */
export function resultsWriter(out: NodeJS.WritableStream, headers: readonly string[], escaping = true) {
  const cell = escaping ? escapeFormula : (v: string) => v
  let started = false
  const write = async (text: string) => {
    if (!out.write(text)) await once(out as unknown as NodeJS.EventEmitter, 'drain')
  }
  return {
    async rows(rows: readonly { values: readonly string[]; result: RowResult }[]): Promise<void> {
      const records: string[][] = []
      if (!started) {
        records.push([...headers, ...RESULT_COLUMNS].map(cell))
        started = true
      }
      for (const { values, result } of rows) {
        const original = headers.map((_, i) => cell(values[i] ?? ''))
        records.push([
          ...original,
          String(result.line),
          result.status,
          result.id ?? '',
          cell(issueText(result.issues)),
        ])
      }
      if (records.length > 0) await write(stringify(records))
    },
  }
}
