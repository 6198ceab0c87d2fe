import type { CrmSchema } from '../entities/crm-schema.js'
import { RapportError } from '../errors/rapport-error.js'
import { LINKED_SOURCE_AT } from '../services/core-behaviours.js'
import { decodeCursor, encodeCursor } from '../services/keyset-cursor.js'
import { failValidation } from '../services/record-validation.js'
import { keysetAfter } from '../storage/keyset-after.js'
import type { StorageAdapter, StorageTransaction } from '../storage/storage-adapter.js'
import type { StorageFilter, StorageOrderBy } from '../storage/storage-filter.js'

/** Options of `crm.migrations.backfillLinkDates`. */
export interface LinkDatesBackfillOptions {
  /** The tenant whose links to date (default: the CRM's tenant). Run it once per tenant. */
  readonly tenantId?: string
  /** Links per batch, each batch one transaction (default 500, at most 5,000). */
  readonly batchSize?: number
  /** Resume after this position: the `cursor` of an earlier run that stopped before the end. */
  readonly cursor?: string | null
  /** Stop after this many batches (default: run to the end), e.g. to slice the work over a job queue. */
  readonly maxBatches?: number
}

/** What `crm.migrations.backfillLinkDates` did. */
export interface LinkDatesBackfillReport {
  /** Links without a date that were read. */
  readonly scanned: number
  /** Links given their source's date. */
  readonly dated: number
  /** Links whose source no longer exists: left without a date (they keep their targets' pages on the source reads). */
  readonly unresolved: number
  /** Batches run (transactions committed). */
  readonly batches: number
  /** Where to resume (`options.cursor`) when the run stopped at `maxBatches`; `null` once every link was seen. */
  readonly cursor: string | null
}

const DEFAULT_BATCH = 500
const MAX_BATCH = 5000

/** The job's one order: link ids ascending (the primary key), as core's keyset cursor. */
const BY_ID: readonly StorageOrderBy[] = Object.freeze([
  { ref: { field: 'id', type: 'string' }, direction: 'asc' },
])

const ref = (field: string) => ({ field, type: 'string' }) as const
const NO_DATE: StorageFilter = { kind: 'isNull', ref: { field: 'sourceAt', type: 'datetime' }, isNull: true }
const LINK_FIELDS: readonly string[] = Object.freeze(['id', 'sourceType', 'sourceId'])

function checkOptions(options: LinkDatesBackfillOptions): void {
  const whole = (value: unknown, max: number) =>
    value === undefined || (Number.isInteger(value) && (value as number) >= 1 && (value as number) <= max)
  const issue = (path: string, message: string) =>
    failValidation('backfillLinkDates', [{ path: ['options', path], message, code: 'invalid_value' }])
  if (
    options.tenantId !== undefined &&
    (typeof options.tenantId !== 'string' || options.tenantId.length === 0)
  ) {
    issue('tenantId', 'Expected a tenant id')
  }
  if (!whole(options.batchSize, MAX_BATCH))
    issue('batchSize', `Expected a whole number from 1 to ${MAX_BATCH}`)
  if (!whole(options.maxBatches, Number.MAX_SAFE_INTEGER))
    issue('maxBatches', 'Expected a whole number from 1')
}

/**
 * Dates the `recordLink` rows written before links carried their source's date (`sourceAt`), so every contact's and
 * company's timeline reads its activities and tasks from the link index instead of the sources. A data migration
 * through the storage port, so it runs the same on every adapter:
 *
 * - **batched and keyset-paged**: links without a date, by id ascending (the primary key), `batchSize` at a time;
 *   each batch reads its sources by primary key and writes the dates in one transaction;
 * - **idempotent**: it only reads and writes links without a date, and a link is only written while it still has
 *   none, so a link the application dated meanwhile keeps its date; running it again finds nothing to do;
 * - **resumable**: a crash loses at most the open batch (rolled back); run it again, or pass the report's `cursor`
 *   to skip what was already seen. `maxBatches` stops it early on purpose.
 *
 * A link whose source is gone is counted as `unresolved` and left as it is. Only the link rows change (no version,
 * no event, no audit entry): the records did not.
 *
 * `crm.migrate()` runs it to the end for the CRM's tenant. The undated links are found through the `by_source_at`
 * index (tenant, `sourceAt`, id), so once every link is dated a run is one transaction with one index read that finds
 * nothing (plus a re-read of the unresolved links, which stay undated).
 *
 * @internal
 */
export async function backfillLinkDates(
  storage: StorageAdapter,
  schema: CrmSchema,
  defaultTenantId: string,
  options: LinkDatesBackfillOptions = {},
): Promise<LinkDatesBackfillReport> {
  checkOptions(options)
  const tenantId = options.tenantId ?? defaultTenantId
  const batchSize = options.batchSize ?? DEFAULT_BATCH
  let lastId: string | null = null
  if (options.cursor) {
    const [id] = decodeCursor(options.cursor, BY_ID)
    if (typeof id !== 'string') {
      throw new RapportError('INVALID_CURSOR', 'The cursor does not hold a record link position')
    }
    lastId = id
  }
  const link = schema.entity('recordLink').model
  const scope = { tenantId, schema: schema.storage }
  const sourceTypes = Object.keys(LINKED_SOURCE_AT) as (keyof typeof LINKED_SOURCE_AT)[]
  const totals = { scanned: 0, dated: 0, unresolved: 0, batches: 0 }

  const batch = async (tx: StorageTransaction) => {
    const links = await tx.findMany({
      ...scope,
      model: link,
      where: {
        kind: 'and',
        filters: [
          NO_DATE,
          { kind: 'in', ref: ref('sourceType'), values: sourceTypes, negate: false },
          ...(lastId !== null ? [keysetAfter(BY_ID, [lastId])] : []),
        ],
      },
      orderBy: BY_ID,
      limit: batchSize,
      fields: LINK_FIELDS,
    })
    // The date of each source, read by primary key (archived sources too: their links are dated all the same).
    const dates = new Map<string, Date>()
    for (const type of sourceTypes) {
      const ids = [
        ...new Set(links.filter((l) => l['sourceType'] === type).map((l) => String(l['sourceId']))),
      ]
      if (ids.length === 0) continue
      for (const row of await tx.findByIds({ ...scope, model: schema.entity(type).model, ids })) {
        const at = row[LINKED_SOURCE_AT[type]]
        if (at instanceof Date) dates.set(`${type} ${String(row['id'])}`, at)
      }
    }
    // One statement per distinct date (links of one source share it), guarded by "still without a date".
    const byDate = new Map<number, string[]>()
    let unresolved = 0
    for (const l of links) {
      const at = dates.get(`${String(l['sourceType'])} ${String(l['sourceId'])}`)
      if (!at) {
        unresolved++
        continue
      }
      byDate.set(at.getTime(), [...(byDate.get(at.getTime()) ?? []), String(l['id'])])
    }
    let dated = 0
    for (const [ms, ids] of byDate) {
      dated += await tx.updateMany({
        ...scope,
        model: link,
        where: {
          kind: 'and',
          filters: [{ kind: 'in', ref: ref('id'), values: ids, negate: false }, NO_DATE],
        },
        data: { sourceAt: new Date(ms) },
      })
    }
    return { scanned: links.length, dated, unresolved, last: links.at(-1) }
  }

  for (;;) {
    if (options.maxBatches !== undefined && totals.batches >= options.maxBatches) {
      return { ...totals, cursor: lastId !== null ? encodeCursor({ id: lastId }, BY_ID) : null }
    }
    const done = await storage.transaction(batch)
    totals.batches++
    totals.scanned += done.scanned
    totals.dated += done.dated
    totals.unresolved += done.unresolved
    if (!done.last || done.scanned < batchSize) return { ...totals, cursor: null }
    lastId = String(done.last['id'])
  }
}
