import { once } from 'node:events'
import type { Writable } from 'node:stream'
import type { Crm, CrmServices } from '@rapport/core'
import { RapportError } from '@rapport/core'
import type { Filter } from '@rapport/core/filter'
import type { OrderBy } from '@rapport/core/services'
import { stringify } from 'csv-stringify/sync'
import iconv from 'iconv-lite'
import type { ImportTarget } from '../mapping/import-targets.js'
import { importTargets } from '../mapping/import-targets.js'
import { escapeFormula } from './escape-formula.js'

/** Options of {@link exportRecords}. */
export interface ExportOptions {
  /** The entity to export, e.g. `contact`. */
  readonly entity: string
  /** Where the file goes (a file stream, an HTTP response). */
  readonly output: NodeJS.WritableStream
  /** `csv` (default) or `xlsx`. */
  readonly format?: 'csv' | 'xlsx'
  /** Only records matching this filter (core's filter language, the same as `list()`). */
  readonly where?: Filter
  /** The order of rows (default: by id, creation order). */
  readonly orderBy?: readonly OrderBy[]
  readonly includeArchived?: boolean
  /**
   * The columns, as import field paths (`email`, `address.city`, `custom.tier`). Default: `id`, every field an import
   * can write (custom fields included, one column each), then `createdAt` and `updatedAt`; so an export imports back.
   */
  readonly columns?: readonly string[]
  /** CSV only: `utf-8` (default) or `gb18030` for legacy Chinese tools. */
  readonly encoding?: 'utf-8' | 'gb18030'
  /** CSV only: start UTF-8 with a BOM, which Excel needs to read it as UTF-8 (default true). */
  readonly bom?: boolean
  /** CSV only: escape cells that start like a formula (`=`, `+`, `-`, `@`, tab, CR); default true. */
  readonly escapeFormulas?: boolean
  /** Rows per page read from storage (keyset pages; default 500). */
  readonly pageSize?: number
  /** Services to read through (a tenant's or an actor's: `crm.scoped(…)`); default `crm`. */
  readonly services?: CrmServices
}

type Rec = Record<string, unknown>

function valueAt(record: Rec, target: ImportTarget | undefined, path: string): unknown {
  if (target?.kind === 'email') {
    const list = (record['emails'] as { address: string; primary?: boolean }[] | undefined) ?? []
    return (list.find((e) => e.primary) ?? list[0])?.address ?? null
  }
  if (target?.kind === 'phone') {
    const list = (record['phones'] as { number: string; primary?: boolean }[] | undefined) ?? []
    return (list.find((e) => e.primary) ?? list[0])?.number ?? null
  }
  let current: unknown = record
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return null
    current = (current as Rec)[part]
  }
  return current ?? null
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (value instanceof Date) return value.toISOString()
  if (Array.isArray(value))
    return value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join('; ')
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

/**
 * Streams the records of an entity that match a filter to CSV or XLSX, page by page through core's keyset paging
 * (constant memory at any size, stable under concurrent inserts). Custom fields are columns of their own. CSV is
 * UTF-8 with a BOM for Excel, or GB18030; cells that start like a formula are escaped (OWASP CSV injection). XLSX
 * goes through exceljs's streaming writer, with text cells typed as text (never formulas). Returns the row count.
 *
 * @example
 * ```ts
 * const { rows } = await exportRecords(crm, {
 *   entity: 'contact',
 *   where: { field: 'lifecycleStage', op: 'eq', value: 'customer' },
 *   output: fs.createWriteStream('customers.csv'),
 * })
 * ```
 */
export async function exportRecords(crm: Crm, options: ExportOptions): Promise<{ readonly rows: number }> {
  const services = options.services ?? crm
  const targets = await importTargets(crm, options.entity)
  const byPath = new Map(targets.map((t) => [t.path, t]))
  const columns = options.columns ?? [...targets.map((t) => t.path), 'createdAt', 'updatedAt']
  const known = new Set([...byPath.keys(), 'createdAt', 'updatedAt', 'archivedAt', 'version'])
  const unknown = columns.filter((c) => !known.has(c))
  if (unknown.length > 0) {
    throw new RapportError('IO_UNKNOWN_FIELD', `Unknown export columns: ${unknown.join(', ')}`, {
      details: { fields: unknown },
    })
  }
  const records = services.entity(options.entity).iterate({
    ...(options.where ? { where: options.where } : {}),
    ...(options.orderBy ? { orderBy: options.orderBy } : {}),
    ...(options.includeArchived ? { includeArchived: true } : {}),
    limit: options.pageSize ?? 500,
  })
  const row = (record: Rec) => columns.map((c) => valueAt(record, byPath.get(c), c))
  return options.format === 'xlsx'
    ? writeXlsx(options.output, columns, records, row)
    : writeCsv(options, columns, records, row)
}

async function writeCsv(
  options: ExportOptions,
  columns: readonly string[],
  records: AsyncIterable<Rec>,
  row: (record: Rec) => unknown[],
): Promise<{ rows: number }> {
  const out = options.output
  const gb = options.encoding === 'gb18030'
  const escaping = options.escapeFormulas ?? true
  const write = async (text: string) => {
    const ok = out.write(gb ? iconv.encode(text, 'gb18030') : text)
    if (!ok) await once(out as unknown as NodeJS.EventEmitter, 'drain')
  }
  const cells = (values: readonly unknown[]) =>
    values.map((v) => {
      const text = cellText(v)
      return escaping && typeof v !== 'number' ? escapeFormula(text) : text
    })
  await write(`${!gb && (options.bom ?? true) ? '\uFEFF' : ''}${stringify([cells(columns)])}`)
  let rows = 0
  let chunk: string[][] = []
  for await (const record of records) {
    chunk.push(cells(row(record)))
    rows++
    if (chunk.length >= 500) {
      await write(stringify(chunk))
      chunk = []
    }
  }
  if (chunk.length > 0) await write(stringify(chunk))
  return { rows }
}

async function writeXlsx(
  output: NodeJS.WritableStream,
  columns: readonly string[],
  records: AsyncIterable<Rec>,
  row: (record: Rec) => unknown[],
): Promise<{ rows: number }> {
  // Loaded on first use: exceljs and its zip stack take ~0.5 s and tens of MB that a CSV export never needs.
  const { default: ExcelJS } = await import('exceljs')
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: output as Writable,
    useSharedStrings: false,
    useStyles: false,
  })
  const sheet = workbook.addWorksheet('export')
  sheet.addRow([...columns]).commit()
  let rows = 0
  for await (const record of records) {
    const values = row(record).map((v) =>
      v === null || v === undefined
        ? null
        : typeof v === 'number' || typeof v === 'boolean' || v instanceof Date
          ? v
          : cellText(v),
    )
    sheet.addRow(values).commit()
    rows++
  }
  sheet.commit()
  await workbook.commit()
  return { rows }
}
