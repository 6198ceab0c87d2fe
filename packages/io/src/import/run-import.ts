import type { Crm, CrmServices } from '@rapport/core'
import { RapportError } from '@rapport/core'
import type { ValidationIssue } from '@rapport/core/errors'
import { domainOf, phoneToE164 } from '@rapport/data-quality'
import { resolveMapping } from '../mapping/import-mapping.js'
import { importTargets } from '../mapping/import-targets.js'
import type { MappedValue } from '../mapping/map-row.js'
import { mapRow } from '../mapping/map-row.js'
import type { SourceRow } from '../source/source-row.js'
import type { EntryKeys } from './build-input.js'
import { buildCreateInput, buildPatch } from './build-input.js'
import type { ImportJob } from './import-job.js'
import { loadMapping, openJob } from './import-job.js'
import type { ImportCounts, ImportOptions, ImportSummary } from './import-options.js'
import { inFileKey, issuesOf, openSource, rulesValidator } from './import-steps.js'
import type { RowResult } from './results-writer.js'
import { resultsWriter } from './results-writer.js'
import { SeenKeys } from './seen-keys.js'
import { emailKeyViaMatchKeys, keySpec, keyText } from './upsert-key.js'

interface Pending {
  readonly row: SourceRow
  values: readonly MappedValue[]
  input: Record<string, unknown>
  lookup: string | null
  result: { status: RowResult['status']; id: string | null; issues: ValidationIssue[] } | null
  warnings: ValidationIssue[]
  write:
    | { kind: 'create' }
    | { kind: 'update'; id: string; version: number; patch: Record<string, unknown> }
    | null
}

const ROLLBACK = Symbol('dry-run rollback')
const E164 = /^\+[1-9]\d{6,14}$/u

/**
 * Imports a CSV or XLSX file into an entity, streaming: rows are read, mapped (named and code transforms, typed
 * cells), validated, matched on the upsert key (duplicates inside the file are skipped, keyed with data-quality's
 * normalisers) and written in batches, one transaction per batch together with the import's checkpoint. A crash
 * loses at most the batch in flight, and the import resumes after its checkpoint (`importId` or `key`); running the
 * same file again reports every row `unchanged`. Bad input never half-writes: unreadable rows, cells of the wrong
 * type, rule violations and refused writes are per-row `failed` results with zod-shaped issues, and a mapping to an
 * unknown field, a missing column or a file in the wrong encoding is a `RapportError` before any write.
 *
 * Needs {@link ioPlugin} installed (it declares the import jobs), except for dry runs.
 *
 * @example
 * ```ts
 * const summary = await importRecords(crm, {
 *   entity: 'contact',
 *   file: 'contacts.csv',
 *   mapping: { columns: { Email: 'email', 'First Name': 'firstName', Surname: 'lastName' } },
 *   upsertKey: 'email',
 *   results: fs.createWriteStream('contacts.results.csv'),
 * })
 * summary.counts // { created: 980, updated: 12, unchanged: 0, skipped: 3, failed: 5 }
 * ```
 */
export async function importRecords(crm: Crm, options: ImportOptions): Promise<ImportSummary> {
  const services = options.services ?? crm
  const dryRun = options.dryRun ?? false
  const batchSize = Math.max(1, Math.min(options.batchSize ?? 500, 5000))
  const targets = await importTargets(crm, options.entity)
  const mapping =
    'saved' in options.mapping
      ? await loadMapping(services, options.entity, options.mapping.saved)
      : options.mapping
  const source = await openSource(options)
  const columns = resolveMapping(mapping, source.headers, targets, options.transforms)
  const spec = !options.upsertKey
    ? null
    : ((options.upsertKey === 'email' ? emailKeyViaMatchKeys(options.entity, crm.plugins) : null) ??
      keySpec(options.upsertKey, options.externalIdField))
  if (spec && !columns.some((c) => c.target.path === spec.target)) {
    throw new RapportError(
      'IO_INVALID_MAPPING',
      `The upsert key "${options.upsertKey}" needs a column mapped to "${spec.target}"`,
      {
        details: { upsertKey: options.upsertKey, field: spec.target },
      },
    )
  }
  const rules = options.validationRules === false ? null : rulesValidator(crm.plugins)
  const dedupe = spec ?? inFileKey(columns.map((c) => c.target.path))
  const mapsDomain = columns.some((c) => c.target.path === 'domain')
  const job: ImportJob | null = dryRun
    ? null
    : await openJob(services, {
        entity: options.entity,
        headers: source.headers,
        upsertKey: options.upsertKey ?? null,
        importId: options.importId,
        key: options.key,
      })
  if (job) options.onStart?.(job.id)
  const counts: ImportCounts = {
    ...(job?.counts ?? { created: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0 }),
  }
  const resumedAfter = job?.line ?? 0
  const region = options.defaultRegion
  const entryKeys: EntryKeys = {
    email: (a) => a.trim().toLowerCase(),
    // Numbers stored in E.164 (what data-quality's normalize hook writes) are their own key either way (a valid one
    // parses to itself, an invalid one keeps its digits): only the file's cells need libphonenumber (~17 µs each).
    phone: (n) => (E164.test(n) ? n : (phoneToE164(n, region) ?? n.replace(/[^\d+]/gu, ''))),
  }
  const writer = options.results
    ? resultsWriter(options.results, source.headers, options.escapeFormulas ?? true)
    : null
  // Every key of the file so far, off the heap (a million keys would be ~80 MB of strings in a Map).
  const seen = new SeenKeys()
  const service = services.entity(options.entity)
  let rows = 0
  let batch: Pending[] = []

  const prepare = async (row: SourceRow): Promise<Pending> => {
    const pending: Pending = {
      row,
      values: [],
      input: {},
      lookup: null,
      result: null,
      write: null,
      warnings: [],
    }
    if (row.issues.length > 0) {
      pending.result = { status: 'failed', id: null, issues: [...row.issues] }
      return pending
    }
    const mapped = mapRow(row.values, columns, source.headers)
    pending.values = !mapsDomain
      ? mapped.values
      : mapped.values.map((v) =>
          v.column.target.path === 'domain' && typeof v.value === 'string'
            ? { ...v, value: domainOf(v.value) ?? v.value }
            : v,
        )
    const issues = [...mapped.issues]
    pending.input = buildCreateInput(pending.values)
    if (issues.length === 0 && options.validateRow) {
      issues.push(...(await options.validateRow(pending.input, { entity: options.entity, line: row.line })))
    }
    if (issues.length > 0) {
      pending.result = { status: 'failed', id: null, issues }
      return pending
    }
    if (dedupe) {
      const raw = keyText(pending.values, dedupe)
      const fileKey = raw === null ? null : dedupe.fileKey(raw)
      if (fileKey !== null) {
        const first = seen.get(fileKey)
        if (first !== undefined && first !== row.line) {
          pending.result = {
            status: 'skipped',
            id: null,
            issues: [
              {
                code: 'duplicate_in_file',
                path: dedupe.target.split('.'),
                message: `Same ${dedupe.target} as line ${first}`,
              },
            ],
          }
          return pending
        }
        seen.add(fileKey, row.line)
      }
      if (spec && raw !== null) pending.lookup = spec.lookup(raw)
    }
    return pending
  }

  const flush = async (items: Pending[]) => {
    if (items.length === 0) return
    await plan(items)
    const writes = items.filter((p) => p.write !== null)
    const lastLine = items[items.length - 1]!.row.line
    const settle = (p: Pending, record: Record<string, unknown> | null) => {
      const w = p.write
      p.result = {
        status: w?.kind === 'create' ? 'created' : 'updated',
        id: record && !dryRun ? (record['id'] as string) : w?.kind === 'update' ? w.id : null,
        issues: p.warnings,
      }
    }
    const tally = () => {
      const next = { ...counts }
      for (const p of items) if (p.result) next[p.result.status]++
      return next
    }
    const writeAll = async (tx: CrmServices, list: Pending[], line: number) => {
      const txService = tx.entity(options.entity)
      const creates = list.filter((p) => p.write?.kind === 'create')
      const updates = list.filter((p) => p.write?.kind === 'update')
      const created = creates.length > 0 ? await txService.createMany(creates.map((p) => p.input)) : []
      const updated =
        updates.length > 0
          ? await txService.updateMany(
              updates.map((p) => {
                const w = p.write as { id: string; version: number; patch: Record<string, unknown> }
                return { id: w.id, patch: w.patch, expectedVersion: w.version }
              }),
            )
          : []
      for (const [i, p] of creates.entries()) settle(p, created[i] ?? null)
      for (const [i, p] of updates.entries()) settle(p, updated[i] ?? null)
      if (job) await tx.entity('ioImport').update(job.id, { line, counts: tally() })
      if (dryRun) throw ROLLBACK
    }
    const inTransaction = async (list: Pending[], line: number) => {
      try {
        await services.transaction((tx) => writeAll(tx, list, line))
      } catch (error) {
        if (error !== ROLLBACK) throw error
      }
    }
    if (writes.length > 0) {
      try {
        await inTransaction(writes, lastLine)
      } catch {
        // One refused row fails its whole batch transaction: retry row by row to find and report it.
        for (const p of writes) {
          p.result = null
          try {
            await inTransaction([p], p.row.line)
          } catch (error) {
            p.result = { status: 'failed', id: null, issues: issuesOf(error) }
          }
        }
        if (job) await services.entity('ioImport').update(job.id, { line: lastLine, counts: tally() })
      }
    } else if (job) {
      await services.entity('ioImport').update(job.id, { line: lastLine, counts: tally() })
    }
    Object.assign(counts, tally())
    rows += items.length
    const out = items.map((p) => ({
      values: p.row.values,
      result: { line: p.row.line, ...(p.result as NonNullable<Pending['result']>) },
    }))
    if (writer) await writer.rows(out)
    if (options.onRow) for (const o of out) options.onRow(o.result)
    options.onProgress?.({ rows, line: lastLine })
  }

  const plan = async (items: Pending[]) => {
    await match(items)
    if (!rules) return
    const writes = items.filter((p) => p.write !== null)
    if (writes.length === 0) return
    const records = writes.map((p) => {
      const w = p.write as NonNullable<Pending['write']>
      return w.kind === 'create' ? p.input : { ...found.get(w.id), ...w.patch }
    })
    const all = await rules(options.entity, records, { operation: 'import', crm: services })
    for (const [i, p] of writes.entries()) {
      const issues = all[i] ?? []
      const errors = issues.filter((x) => x.params?.severity !== 'warning')
      if (errors.length > 0) {
        p.write = null
        p.result = { status: 'failed', id: null, issues: [...issues] }
      } else p.warnings = [...issues]
    }
  }
  const found = new Map<string, Record<string, unknown>>()

  const match = async (items: Pending[]) => {
    found.clear()
    const live = items.filter((p) => p.result === null)
    if (!spec) {
      for (const p of live) p.write = { kind: 'create' }
      return
    }
    const wanted = [...new Set(live.map((p) => p.lookup).filter((v): v is string => v !== null))]
    const byKey = new Map<string, Record<string, unknown>[]>()
    // A filter's `in` list holds at most 1,000 values (core's filter limits); a batch may hold 5,000 rows.
    for (let i = 0; i < wanted.length; i += 1000) {
      const part = wanted.slice(i, i + 1000)
      const records = spec.find
        ? spec.find(services, part)
        : service.iterate({ where: { field: spec.filterField, op: 'in', value: part }, limit: 1000 })
      for await (const record of records) {
        found.set(record['id'] as string, record)
        for (const key of spec.recordKeys(record)) {
          const list = byKey.get(key)
          if (list) {
            if (!list.includes(record)) list.push(record)
          } else byKey.set(key, [record])
        }
      }
    }
    for (const p of live) {
      const matches = p.lookup === null ? [] : (byKey.get(p.lookup) ?? [])
      if (matches.length > 1) {
        p.result = {
          status: 'failed',
          id: null,
          issues: [
            {
              code: 'ambiguous_key',
              path: spec.target.split('.'),
              message: `${matches.length} records have this ${spec.target}: ${matches.map((m) => m['id']).join(', ')}`,
            },
          ],
        }
      } else if (matches.length === 1) {
        const existing = matches[0]!
        const patch = buildPatch(existing, p.values, options.overwrite ?? 'ifSet', entryKeys)
        if (Object.keys(patch).length === 0)
          p.result = { status: 'unchanged', id: existing['id'] as string, issues: [] }
        else
          p.write = {
            kind: 'update',
            id: existing['id'] as string,
            version: existing['version'] as number,
            patch,
          }
      } else if (spec.target === 'id' && p.lookup !== null) {
        p.result = {
          status: 'failed',
          id: null,
          issues: [{ code: 'not_found', path: ['id'], message: `No ${options.entity} has id ${p.lookup}` }],
        }
      } else p.write = { kind: 'create' }
    }
  }

  for await (const row of source.rows) {
    if (row.line <= resumedAfter) {
      // Settled before the crash: only remember its key, so in-file duplicates are still spotted.
      if (dedupe && row.issues.length === 0) {
        const raw = keyText(mapRow(row.values, columns, source.headers).values, dedupe)
        const fileKey = raw === null ? null : dedupe.fileKey(raw)
        if (fileKey !== null) seen.add(fileKey, row.line)
      }
      continue
    }
    batch.push(await prepare(row))
    if (batch.length >= batchSize) {
      await flush(batch)
      batch = []
    }
  }
  await flush(batch)
  if (job) await services.entity('ioImport').update(job.id, { status: 'completed', counts })
  return {
    importId: job?.id ?? null,
    dryRun,
    counts,
    rows,
    resumedAfter,
    ignoredColumns: source.headers.filter((h) => !columns.some((c) => c.header === h)),
  }
}
