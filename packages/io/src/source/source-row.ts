import type { ValidationIssue } from '@rapport/core/errors'

/** One data row read from a file: its 1-based line (or sheet row) and its cells, in column order. */
export interface SourceRow {
  /** The line (CSV) or sheet row (XLSX) where the row ends, 1-based, counting the header. */
  readonly line: number
  /** The cells as text, in the file's column order; empty when the row could not be read (`issues` says why). */
  readonly values: readonly string[]
  /** Why the row could not be read (malformed quotes, a ragged row, bytes in another encoding). */
  readonly issues: readonly ValidationIssue[]
}

/** A file read row by row: the header and an async stream of data rows, never the whole file in memory. */
export interface RowSource {
  /** The header cells, as written in the file (trimmed). */
  readonly headers: readonly string[]
  /** The data rows after the header, in file order. */
  readonly rows: AsyncIterable<SourceRow>
}
