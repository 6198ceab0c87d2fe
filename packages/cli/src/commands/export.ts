import { createWriteStream } from 'node:fs'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { Filter } from '@rapport/core/filter'
import { exportRecords } from '@rapport/io'
import { jsonOption, parse, progressMode, targetOf } from '../args.js'
import type { CliContext } from '../context.js'
import { exitCodes, UsageError } from '../exit-codes.js'
import { createProgress } from '../progress.js'
import { openTarget } from '../target.js'

/**
 * `rapport export <entity> [--where '<filter json>'] [--format csv|xlsx] [--out file] [--columns a,b]`: streams the
 * records matching the filter (core's filter language) to a file, or to stdout without `--out`. The summary goes to
 * stderr when the data goes to stdout, and as JSON with `--json`.
 */
export async function exportCommand(args: readonly string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parse(args, {
    where: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string', short: 'o' },
    columns: { type: 'string' },
    encoding: { type: 'string' },
    'no-bom': { type: 'boolean' },
    'include-archived': { type: 'boolean' },
  })
  const entity = positionals[0]
  if (!entity || positionals.length > 1) throw new UsageError('Usage: rapport export <entity> [options]')
  const format = values.format ?? (values.out && /\.xlsx$/i.test(values.out) ? 'xlsx' : 'csv')
  if (format !== 'csv' && format !== 'xlsx') throw new UsageError('--format is csv or xlsx')
  if (values.encoding && values.encoding !== 'utf-8' && values.encoding !== 'gb18030') {
    throw new UsageError('--encoding is utf-8 or gb18030')
  }
  if (format === 'xlsx' && !values.out) throw new UsageError('XLSX goes to a file: add --out <file.xlsx>')
  const where = values.where ? (jsonOption('where', values.where) as Filter) : undefined
  const target = openTarget(targetOf(values, ctx.env))
  const progress = createProgress({
    stream: ctx.stderr,
    mode: progressMode(values),
    env: ctx.env,
    unit: 'rows',
  })
  try {
    const total = await target.services.entity(entity).count({
      ...(where ? { where } : {}),
      ...(values['include-archived'] ? { includeArchived: true } : {}),
    })
    progress.start(total, 'export')
    // Counts CSV lines as they are written (XLSX is reported at the end).
    let lines = 0
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        if (format === 'csv') {
          for (let i = chunk.indexOf(0x0a); i >= 0; i = chunk.indexOf(0x0a, i + 1)) lines++
          progress.update(Math.max(0, lines - 1))
        }
        done(null, chunk)
      },
    })
    const sink = values.out ? createWriteStream(values.out) : ctx.stdout
    const written = pipeline(counter, sink, { end: values.out !== undefined })
    const result = await exportRecords(target.crm, {
      entity,
      output: counter,
      format,
      services: target.services,
      ...(where ? { where } : {}),
      ...(values.columns ? { columns: values.columns.split(',').map((c) => c.trim()) } : {}),
      ...(values.encoding ? { encoding: values.encoding as 'utf-8' | 'gb18030' } : {}),
      ...(values['no-bom'] ? { bom: false } : {}),
      ...(values['include-archived'] ? { includeArchived: true } : {}),
    })
    if (!counter.writableEnded) counter.end()
    await written
    progress.update(result.rows)
    progress.stop()
    const summary = { entity, rows: result.rows, format, out: values.out ?? null }
    const line = `Exported ${result.rows} ${entity} record(s)${values.out ? ` to ${values.out}` : ''}.`
    const to = values.out ? ctx.stdout : ctx.stderr
    to.write(values.json ? `${JSON.stringify(summary)}\n` : `${line}\n`)
    return exitCodes.ok
  } finally {
    progress.stop()
    await target.close()
  }
}
