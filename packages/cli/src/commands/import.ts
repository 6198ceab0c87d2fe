import {
  closeSync,
  createReadStream,
  createWriteStream,
  openSync,
  readFileSync,
  readSync,
  statSync,
} from 'node:fs'
import { Transform } from 'node:stream'
import type { ImportEncoding, ImportMapping, UpsertKey } from '@rapport/io'
import {
  importEncodings,
  importRecords,
  importTargets,
  readCsv,
  readXlsx,
  suggestMapping,
  upsertKeys,
} from '@rapport/io'
import { jsonOption, parse, progressMode, targetOf } from '../args.js'
import type { CliContext } from '../context.js'
import { report } from '../context.js'
import { exitCodes, UsageError } from '../exit-codes.js'
import { createProgress } from '../progress.js'
import { openTarget } from '../target.js'

/** The first bytes of a CSV, enough to read its header row. */
const HEADER_BYTES = 256 * 1024

/**
 * `rapport import <file> [--entity contact] [--upsert-key email] [--mapping mapping.json] [--dry-run]`: imports a CSV
 * or XLSX file with `@rapport/io`. Without `--mapping` the headers are mapped by io's suggestions (printed with
 * `--json`). io checks each row against the validation rules (`import`) once, as it would be stored. Progress counts bytes read (rows/s
 * and ETA); `--results out.csv` writes one result per row. Exit code 4 when some rows failed.
 */
export async function importCommand(args: readonly string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parse(args, {
    entity: { type: 'string', default: 'contact' },
    'upsert-key': { type: 'string' },
    mapping: { type: 'string' },
    'dry-run': { type: 'boolean' },
    encoding: { type: 'string' },
    format: { type: 'string' },
    results: { type: 'string' },
    'batch-size': { type: 'string' },
    key: { type: 'string' },
  })
  const file = positionals[0]
  if (!file || positionals.length > 1) throw new UsageError('Usage: rapport import <file> [options]')
  const upsertKey = values['upsert-key']
  if (upsertKey !== undefined && !(upsertKeys as readonly string[]).includes(upsertKey)) {
    throw new UsageError(`--upsert-key is one of ${upsertKeys.join(', ')}`)
  }
  const encoding = values.encoding
  if (encoding !== undefined && !(importEncodings as readonly string[]).includes(encoding)) {
    throw new UsageError(`--encoding is one of ${importEncodings.join(', ')}`)
  }
  const format = values.format ?? (/\.xlsx$/i.test(file) ? 'xlsx' : 'csv')
  if (format !== 'csv' && format !== 'xlsx') throw new UsageError('--format is csv or xlsx')
  let size: number
  try {
    size = statSync(file).size
  } catch {
    throw new UsageError(`Cannot read ${file}`)
  }
  const target = openTarget(targetOf(values, ctx.env))
  const progress = createProgress({
    stream: ctx.stderr,
    mode: progressMode(values),
    env: ctx.env,
    unit: 'bytes',
  })
  try {
    const mapping: ImportMapping = values.mapping
      ? (jsonOption('mapping', readFileSync(values.mapping, 'utf8')) as ImportMapping)
      : await suggested(target.crm, values.entity, file, format, encoding as ImportEncoding | undefined)
    let read = 0
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        read += chunk.length
        done(null, chunk)
      },
    })
    const bytes = createReadStream(file).pipe(counter)
    const results = values.results ? createWriteStream(values.results) : undefined
    progress.start(size, values['dry-run'] ? 'dry run' : 'import')
    const summary = await importRecords(target.crm, {
      entity: values.entity,
      file: bytes,
      format,
      mapping,
      ...(encoding ? { encoding: encoding as ImportEncoding } : {}),
      ...(upsertKey ? { upsertKey: upsertKey as UpsertKey } : {}),
      ...(values['dry-run'] ? { dryRun: true } : {}),
      ...(values['batch-size'] ? { batchSize: Number(values['batch-size']) } : {}),
      ...(values.key ? { key: values.key } : { key: file }),
      ...(results ? { results } : {}),
      ...(values.region ? { defaultRegion: values.region.toUpperCase() as never } : {}),
      services: target.services,
      onProgress: () => progress.update(read),
    })
    progress.update(size)
    progress.stop()
    if (results) await new Promise<void>((resolve) => results.end(resolve))
    const c = summary.counts
    report(ctx, values.json, { ...summary, mapping }, [
      `${summary.dryRun ? 'Dry run: would import' : 'Imported'} ${summary.rows} rows: ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged, ${c.skipped} skipped, ${c.failed} failed.`,
      ...(summary.ignoredColumns.length ? [`Ignored columns: ${summary.ignoredColumns.join(', ')}`] : []),
      ...(summary.importId ? [`Import id: ${summary.importId}`] : []),
    ])
    return c.failed > 0 ? exitCodes.rowsFailed : exitCodes.ok
  } finally {
    progress.stop()
    await target.close()
  }
}

/** io's suggested mapping for the file's headers (unmapped headers left out). */
async function suggested(
  crm: Parameters<typeof importTargets>[0],
  entity: string,
  file: string,
  format: 'csv' | 'xlsx',
  encoding: ImportEncoding | undefined,
): Promise<ImportMapping> {
  let headers: readonly string[]
  if (format === 'csv') {
    const head = Buffer.alloc(HEADER_BYTES)
    const fd = openSync(file, 'r')
    let length: number
    try {
      length = readSync(fd, head, 0, HEADER_BYTES, 0)
    } finally {
      closeSync(fd)
    }
    const newline = head.subarray(0, length).indexOf(0x0a)
    const firstLine = head.subarray(0, newline >= 0 ? newline + 1 : length)
    headers = (await readCsv(Buffer.from(firstLine), encoding ? { encoding } : {})).headers
  } else {
    headers = (await readXlsx(file)).headers
  }
  const suggestion = suggestMapping(headers, await importTargets(crm, entity))
  const columns = Object.fromEntries(
    Object.entries(suggestion).filter(([, field]) => field !== null),
  ) as Record<string, string>
  return { columns }
}
