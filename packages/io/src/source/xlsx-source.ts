import type { Readable } from 'node:stream'
import { RapportError } from '@rapport/core'
import type { ByteInput } from './byte-input.js'
import { byteStream } from './byte-input.js'
import type { RowSource, SourceRow } from './source-row.js'

/** Options of {@link readXlsx}. */
export interface XlsxReadOptions {
  /** The worksheet to read, by 1-based position (default: the first). */
  readonly sheet?: number
}

/** A cell's value as the text a CSV would hold (dates as ISO 8601, formulas as their cached result). */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (value instanceof Date) return value.toISOString()
  if (typeof value !== 'object') return String(value)
  const v = value as Record<string, unknown>
  if (Array.isArray(v['richText'])) return (v['richText'] as { text: string }[]).map((r) => r.text).join('')
  if ('result' in v) return cellText(v['result'])
  if ('text' in v) return cellText(v['text'])
  if ('error' in v) return String(v['error'])
  return ''
}

/**
 * Reads an XLSX worksheet as a stream of rows with exceljs's streaming reader (the zip is read entry by entry, rows
 * are parsed as they come), so large workbooks import without loading the sheet into memory. The first non-empty row
 * is the header. Shared strings are cached by exceljs (they are the workbook's dictionary).
 *
 * @example
 * ```ts
 * const { headers, rows } = await readXlsx('contacts.xlsx')
 * for await (const row of rows) console.log(row.line, row.values)
 * ```
 */
export async function readXlsx(input: ByteInput, options: XlsxReadOptions = {}): Promise<RowSource> {
  const wanted = options.sheet ?? 1
  // Loaded on first use: exceljs and its zip stack take ~0.5 s and tens of MB that a CSV import never needs.
  const { default: ExcelJS } = await import('exceljs')
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(byteStream(input) as Readable, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    entries: 'ignore',
  })
  async function* sheetRows(): AsyncGenerator<{ number: number; values: string[] }> {
    let index = 0
    for await (const sheet of reader) {
      index++
      if (index !== wanted) continue
      for await (const row of sheet as unknown as AsyncIterable<{ number: number; values: unknown[] }>) {
        const cells = (row.values ?? []).slice(1)
        yield { number: row.number, values: Array.from(cells, (c) => cellText(c)) }
      }
      return
    }
    throw new RapportError('IO_BAD_FILE', `The workbook has no worksheet ${wanted}`)
  }
  const it = sheetRows()
  let header: IteratorResult<{ number: number; values: string[] }>
  try {
    do header = await it.next()
    while (!header.done && header.value.values.every((c) => c.trim() === ''))
  } catch (error) {
    throw asXlsxError(error)
  }
  if (header.done) throw new RapportError('IO_BAD_FILE', 'The worksheet has no header row')
  const headers = header.value.values.map((h) => h.trim())
  while (headers.length > 0 && headers[headers.length - 1] === '') headers.pop()
  async function* rows(): AsyncGenerator<SourceRow> {
    try {
      for (;;) {
        const next = await it.next()
        if (next.done) return
        const values = next.value.values
        if (values.every((c) => c.trim() === '')) continue
        const extra = values.slice(headers.length).some((c) => c !== '')
        while (values.length < headers.length) values.push('')
        yield {
          line: next.value.number,
          values: values.slice(0, headers.length),
          issues: extra
            ? [{ code: 'ragged_row', path: [], message: `Cells beyond the ${headers.length} header columns` }]
            : [],
        }
      }
    } catch (error) {
      throw asXlsxError(error)
    }
  }
  return { headers, rows: rows() }
}

function asXlsxError(error: unknown): RapportError {
  if (error instanceof RapportError) return error
  return new RapportError('IO_BAD_FILE', `The workbook could not be read: ${(error as Error).message}`, {
    cause: error,
  })
}
