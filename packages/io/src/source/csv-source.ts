import { RapportError } from '@rapport/core'
import type { ValidationIssue } from '@rapport/core/errors'
import type { CsvError } from 'csv-parse'
import { parse } from 'csv-parse'
import type { ByteInput } from './byte-input.js'
import { byteStream } from './byte-input.js'
import type { ImportEncoding } from './encoding.js'
import { decodeStream } from './encoding.js'
import type { RowSource, SourceRow } from './source-row.js'

/** Options of {@link readCsv}. */
export interface CsvReadOptions {
  /** `auto` (default) detects UTF-8 (with or without BOM) or falls back to GB18030. */
  readonly encoding?: ImportEncoding
  /** The cell delimiter (default `,`). */
  readonly delimiter?: string
  /**
   * The largest record, in characters (default 1 MiB). A quote never closed would otherwise swallow the rest of the
   * file into one cell; past this size the reader stops with a per-row `malformed_csv` issue instead.
   */
  readonly maxRecordSize?: number
}

interface Skip {
  readonly line: number
  readonly error: CsvError
}

const csvIssue = (error: CsvError): ValidationIssue => ({
  code: 'malformed_csv',
  path: [],
  message: `${error.code}: ${error.message}`,
})

/**
 * Reads a CSV file as a stream of rows with csv-parse: records are pulled one at a time (backpressure down to the
 * file), so a file larger than memory imports in constant memory. Malformed lines (a bad quote, a quote never
 * closed), ragged rows (more or fewer cells than the header, trailing empty cells excepted) and bytes that are not
 * valid in the file's encoding become rows with `issues`; the header itself must be readable, or the reader throws
 * `IO_BAD_FILE`.
 *
 * @example
 * ```ts
 * const { headers, rows } = await readCsv('contacts.csv', { encoding: 'auto' })
 * for await (const row of rows) if (row.issues.length === 0) console.log(row.line, row.values)
 * ```
 */
export async function readCsv(input: ByteInput, options: CsvReadOptions = {}): Promise<RowSource> {
  const skips: Skip[] = []
  const parser = parse({
    delimiter: options.delimiter ?? ',',
    bom: true,
    info: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: options.maxRecordSize ?? 1024 * 1024,
    on_skip: (error) => {
      if (error) skips.push({ line: (error as CsvError & { lines?: number }).lines ?? 0, error })
    },
  })
  const bytes = byteStream(input)
  const decoder = decodeStream(options.encoding ?? 'auto')
  const fail = (error: unknown) => parser.destroy(error as Error)
  bytes.on('error', fail)
  decoder.on('error', fail)
  bytes.pipe(decoder).pipe(parser)
  const records = parser[Symbol.asyncIterator]() as AsyncIterator<{
    record: string[]
    info: { lines: number }
  }>
  let first: IteratorResult<{ record: string[]; info: { lines: number } }>
  try {
    first = await records.next()
  } catch (error) {
    throw asFileError(error)
  }
  if (first.done) {
    throw new RapportError('IO_BAD_FILE', 'The file has no header row', {
      details: { skipped: skips.length },
    })
  }
  const headers = first.value.record.map((h) => h.trim())
  if (skips.length > 0 && skips[0]!.line <= first.value.info.lines) {
    throw new RapportError('IO_BAD_FILE', `The header row is malformed: ${skips[0]!.error.message}`)
  }
  const width = headers.length
  async function* rows(): AsyncGenerator<SourceRow> {
    const flushSkips = function* (upTo: number): Generator<SourceRow> {
      while (skips.length > 0 && skips[0]!.line <= upTo) {
        const skip = skips.shift() as Skip
        yield { line: skip.line, values: [], issues: [csvIssue(skip.error)] }
      }
    }
    try {
      for (;;) {
        const next = await records.next()
        if (next.done) break
        const { record, info } = next.value
        yield* flushSkips(info.lines - 1)
        yield { line: info.lines, values: record, issues: rowIssues(record, width) }
      }
    } catch (error) {
      throw asFileError(error)
    }
    yield* flushSkips(Number.POSITIVE_INFINITY)
  }
  return { headers, rows: rows() }
}

function rowIssues(record: readonly string[], width: number): ValidationIssue[] {
  const issues: ValidationIssue[] = []
  let length = record.length
  while (length > width && record[length - 1] === '') length--
  if (length !== width) {
    issues.push({
      code: 'ragged_row',
      path: [],
      message: `Expected ${width} cells as in the header, found ${record.length}`,
    })
  }
  for (const [i, cell] of record.entries()) {
    if (cell.includes('\uFFFD')) {
      issues.push({
        code: 'invalid_encoding',
        path: [i],
        message: 'Bytes that are not valid in the file encoding (pass the right encoding)',
      })
      break
    }
  }
  return issues
}

function asFileError(error: unknown): RapportError {
  if (error instanceof RapportError) return error
  const code = (error as { code?: string }).code
  return new RapportError('IO_BAD_FILE', `The file could not be read: ${(error as Error).message}`, {
    details: { reason: code ?? 'unknown' },
    cause: error,
  })
}
