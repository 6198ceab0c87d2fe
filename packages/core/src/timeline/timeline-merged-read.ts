import { accessFieldRights, unreadableFields } from '../access/session-access.js'
import type { Session } from '../crm/session.js'
import { isRapportError } from '../errors/rapport-error.js'
import type { Filter } from '../filter/filter-types.js'
import type { EntityContext } from '../services/entity-behaviour.js'
import { readFilters, scopeFilter, storageScope, visibleRecord } from '../services/entity-scope.js'
import { keysetAfter } from '../storage/keyset-after.js'
import { newestKeysByScan } from '../storage/newest-keys-scan.js'
import type { NewestKey, NewestKeysPart, StorageOperations } from '../storage/storage-adapter.js'
import type { FieldRef, StorageFilter, StorageOrderBy, StorageRow } from '../storage/storage-filter.js'
import type { TimelineItem, TimelineSource, TimelineSubject } from './timeline-types.js'

/** A source to read, with its filter for this subject (without the page position). */
export interface TimelineRead {
  readonly source: TimelineSource
  readonly where: Filter
  /**
   * Set when the entries are the subject's linked records (activities, tasks), whose `recordLink` rows carry the
   * entry's date (`sourceAt`): the page reads them as ranges of the link index `by_target_at`.
   */
  readonly linked?: { readonly sourceType: string; readonly subject: TimelineSubject }
}

/** What a merged read found: the page's entries and whether more keys follow. */
export interface MergedPage {
  readonly items: TimelineItem[]
  /** The last key of the page (the cursor position), even when its row was dropped meanwhile. */
  readonly last: NewestKey | null
  readonly hasMore: boolean
}

interface Part {
  readonly read: TimelineRead
  readonly ctx: EntityContext
  /** What the storage's `newestKeys` reads for this source. */
  readonly keys: NewestKeysPart
  /** The source's rows without its where: archived rows out and the reader's scope (for fetching rows by id). */
  readonly rowFilters: StorageFilter[]
}

const stringRef = (field: string): FieldRef => ({ field, type: 'string' })
const equals = (field: string, value: string): StorageFilter => ({
  kind: 'compare',
  ref: stringRef(field),
  op: 'eq',
  value,
})

/** Newest first by `at`, ties by `id`: the timeline's one order, as storage sort keys. */
function newestFirst(at: string, id: string): StorageOrderBy[] {
  return [
    { ref: { field: at, type: 'datetime' }, direction: 'desc' },
    { ref: stringRef(id), direction: 'desc' },
  ]
}

/** The page position as a keyset condition (the row-value `after` node), or nothing on the first page. */
function afterPosition(at: string, id: string, position: TimelinePosition | null): StorageFilter[] {
  return position ? [keysetAfter(newestFirst(at, id), position)] : []
}

/** A position on the timeline: the `at` and id of the last entry of the previous page. */
export type TimelinePosition = readonly [Date, string]

/**
 * A company with more people than this reads its linked sources as before (the people's ids travel as one `in`
 * list of every link statement, which must stay under the engines' parameter limits).
 */
const MAX_LINKED_PEOPLE = 1000

const ID_ONLY: readonly string[] = Object.freeze(['id'])

/**
 * The link targets whose links hold the subject's linked entries, as a filter on `recordLink`: a contact's own links;
 * a company's own links and its people's (the contacts whose `companyId` is the company, archived ones included, as
 * far as the reader may see them, as the company's other sources count them). `null` when a company has more than
 * {@link MAX_LINKED_PEOPLE} people. One query for a company's people, none for a contact.
 */
async function linkTargets(
  session: Session,
  ops: StorageOperations,
  subject: TimelineSubject,
): Promise<StorageFilter | null> {
  const own: StorageFilter = {
    kind: 'and',
    filters: [equals('targetType', subject.type), equals('targetId', subject.id)],
  }
  if (subject.type === 'contact') return own
  const ctx: EntityContext = { session, entity: session.runtime.schema.entity('contact'), behaviour: {} }
  const scope = await scopeFilter(ctx, session, 'read')
  const people = await ops.findMany({
    ...storageScope(ctx, session),
    where: { kind: 'and', filters: [equals('companyId', subject.id), ...(scope ? [scope] : [])] },
    limit: MAX_LINKED_PEOPLE + 1,
    fields: ID_ONLY,
  })
  if (people.length > MAX_LINKED_PEOPLE) return null
  if (people.length === 0) return own
  const ids = people.map((p) => String(p['id']))
  return {
    kind: 'or',
    filters: [
      own,
      {
        kind: 'and',
        filters: [
          equals('targetType', 'contact'),
          { kind: 'in', ref: stringRef('targetId'), values: ids, negate: false },
        ],
      },
    ],
  }
}

/**
 * Whether the subject has links of these source types without `sourceAt` (written before links carried it, and not
 * dated yet by `crm.migrations.backfillLinkDates`): their entries are missing from the link index, so the page reads
 * the sources instead. One range of the link index per target.
 */
async function hasUndatedLinks(
  session: Session,
  ops: StorageOperations,
  targets: StorageFilter,
  sourceTypes: readonly string[],
): Promise<boolean> {
  const link = session.runtime.schema.entity('recordLink')
  const found = await ops.findMany({
    model: link.model,
    tenantId: session.tenantId,
    schema: session.runtime.schema.storage,
    where: {
      kind: 'and',
      filters: [
        targets,
        { kind: 'in', ref: stringRef('sourceType'), values: sourceTypes, negate: false },
        { kind: 'isNull', ref: { field: 'sourceAt', type: 'datetime' }, isNull: true },
      ],
    },
    limit: 1,
    fields: ID_ONLY,
  })
  return found.length > 0
}

/**
 * The keys to read for a linked source: the subject's `recordLink` rows of that source type (see {@link linkTargets}),
 * newest `sourceAt` first, whose source row the reader may see (archived out, the reader's scope) — ranges of
 * `by_target_at` with a primary-key probe per key, instead of every linked row read and sorted. A company's part is
 * `distinct`: an activity linked to the company and to one of its people (or to two of them) is one entry.
 */
function linkKeys(
  session: Session,
  ctx: EntityContext,
  sourceType: string,
  targets: StorageFilter,
  distinct: boolean,
  rowFilters: StorageFilter[],
  position: TimelinePosition | null,
): NewestKeysPart {
  const link = session.runtime.schema.entity('recordLink')
  return {
    model: link.model,
    at: 'sourceAt',
    id: 'sourceId',
    ...(distinct ? { distinct } : {}),
    where: {
      kind: 'and',
      filters: [
        targets,
        equals('sourceType', sourceType),
        { kind: 'isNull', ref: { field: 'sourceAt', type: 'datetime' }, isNull: false },
        ...afterPosition('sourceAt', 'sourceId', position),
        {
          kind: 'exists',
          relation: {
            kind: 'direct',
            model: ctx.entity.model.name,
            localField: 'sourceId',
            relatedField: 'id',
          },
          filter: { kind: 'and', filters: rowFilters },
        },
      ],
    },
  }
}

/**
 * A timeline page: one `newestKeys` statement finds the page's keys over every source, then one `findMany` per kind
 * present on the page fetches its rows by id (primary key). Storages without `newestKeys` (the memory adapter) get
 * core's `newestKeysByScan`, the reference SQL adapters match, so every adapter pages the same way. The subject's
 * linked sources (activities, tasks) are read from their link rows' `sourceAt` index ({@link linkKeys}) unless some
 * of its links are undated; the page position is the row-value keyset node `after` on every part. The rows are
 * fetched with the reader's scope again and archived rows out, so a row archived or moved out of reach in between is
 * dropped, never shown; the source's own where is not re-run (on SQLite it made the planner walk the subject's links
 * again instead of the ids: 114 lookups instead of 20 at 750k activities). Masks apply as on every list. A source
 * whose date or filter names a field the reader may not see is absent.
 *
 * @internal
 */
export async function readMergedPage(
  session: Session,
  reads: readonly TimelineRead[],
  limit: number,
  position: TimelinePosition | null,
): Promise<MergedPage> {
  return session.read(async (ops) => {
    const linkedTypes = reads.flatMap((r) => (r.linked ? [r.linked] : []))
    const subject = linkedTypes[0]?.subject
    const targets = subject ? await linkTargets(session, ops, subject) : null
    const useLinks =
      targets !== null &&
      !(await hasUndatedLinks(
        session,
        ops,
        targets,
        linkedTypes.map((l) => l.sourceType),
      ))
    const parts: Part[] = []
    for (const read of reads) {
      const ctx: EntityContext = {
        session,
        entity: session.runtime.schema.entity(read.source.entity),
        behaviour: {},
      }
      const rights = accessFieldRights(session, ctx.entity.name)
      if (unreadableFields(rights, [read.source.at]).length > 0) continue
      try {
        const filters = await readFilters(ctx, session, read.where, false)
        const rowFilters = await readFilters(ctx, session, undefined, false)
        const keys: NewestKeysPart =
          read.linked && useLinks && targets
            ? linkKeys(
                session,
                ctx,
                read.linked.sourceType,
                targets,
                read.linked.subject.type === 'company',
                rowFilters,
                position,
              )
            : {
                model: ctx.entity.model,
                at: read.source.at,
                where: {
                  kind: 'and',
                  filters: [...filters, ...afterPosition(read.source.at, 'id', position)],
                },
              }
        parts.push({ read, ctx, keys, rowFilters })
      } catch (error) {
        if (isRapportError(error, 'FIELD_FORBIDDEN')) continue
        throw error
      }
    }
    if (parts.length === 0) return { items: [], last: null, hasMore: false }
    const args = {
      tenantId: session.tenantId,
      schema: session.runtime.schema.storage,
      parts: parts.map((p) => p.keys),
      limit: limit + 1,
    }
    const keys = await (ops.newestKeys ? ops.newestKeys(args) : newestKeysByScan(ops, args))
    const page = keys.slice(0, limit)
    const rows = new Map<string, StorageRow>()
    const byPart = new Map<number, string[]>()
    for (const key of page) byPart.set(key.part, [...(byPart.get(key.part) ?? []), key.id])
    for (const [index, ids] of byPart) {
      const part = parts[index] as Part
      const found = await ops.findMany({
        ...storageScope(part.ctx, session),
        where: {
          kind: 'and',
          filters: [
            { kind: 'in', ref: { field: 'id', type: 'string' }, values: ids, negate: false },
            ...part.rowFilters,
          ],
        },
      })
      for (const row of found) rows.set(`${index} ${String(row['id'])}`, row)
    }
    const items: TimelineItem[] = []
    for (const key of page) {
      const row = rows.get(`${key.part} ${key.id}`)
      if (!row) continue
      const part = parts[key.part] as Part
      const record = visibleRecord(part.ctx, session, part.ctx.entity.fromRow(row)) as Record<string, unknown>
      items.push({
        kind: part.read.source.kind,
        entity: part.read.source.entity,
        id: key.id,
        at: key.at,
        record,
      })
    }
    return { items, last: page.at(-1) ?? null, hasMore: keys.length > limit }
  })
}
