import type { CrmServices } from '@rapport/core'
import { isRapportError, RapportError } from '@rapport/core'
import type { Actor } from '@rapport/core/events'
import type { Filter } from '@rapport/core/filter'
import type { Page } from '@rapport/core/services'
import type { AuditAction } from '../history/audit-entities.js'
import { changeIds } from '../history/audit-entities.js'
import type { InlineChange } from '../history/audit-rows.js'
import { parseAuditQuery } from './audit-query-schemas.js'
import type { AuditFieldAccess } from './field-access.js'

/** One field's before and after in an audit event. `redacted` values were removed by erasure (both `null`). */
export interface AuditFieldChange {
  readonly eventId: string
  readonly occurredAt: Date
  readonly entity: string
  readonly recordId: string
  readonly field: string
  readonly actorId: string | null
  readonly before: unknown
  readonly after: unknown
  readonly redacted: boolean
}

/** One audit event with the changes the reader may see. */
export interface AuditEntry {
  readonly id: string
  readonly occurredAt: Date
  readonly entity: string
  readonly recordId: string
  readonly action: AuditAction
  readonly actorId: string | null
  readonly channel: string
  readonly channelRef: string | null
  readonly requestId: string | null
  readonly causationId: string | null
  readonly reason: string | null
  /** Erasure removed this event's values; the skeleton (who, when, which fields) stays. */
  readonly redacted: boolean
  readonly changes: readonly AuditFieldChange[]
}

/** Options of `crm.plugins.audit.reader()`. */
export interface AuditReaderOptions {
  /** The reader's services (`crm.scoped({ actor })`): history shows only records these services can read. */
  readonly services?: CrmServices
  /** The reader, for the plugin's `fieldAccess` rule. */
  readonly actor?: Actor | null
  /**
   * Also show history of records that no longer exist (deleted or erased). Off by default: only a host's
   * administrators should get it, since no record scope can apply to a record that is gone.
   */
  readonly includeDeletedRecords?: boolean
  /** @internal */
  readonly fieldAccess?: AuditFieldAccess
  /** @internal The CRM's own services, to tell deleted records from records outside the reader's scope. */
  readonly root?: CrmServices
}

/** Paging and time bounds shared by every history query. */
export interface AuditPageOptions {
  /** Inclusive lower bound on `occurredAt`. */
  readonly from?: Date
  /** Exclusive upper bound on `occurredAt`. */
  readonly to?: Date
  /** Page size (core's default and maximum apply). */
  readonly limit?: number
  /** The `nextCursor` of the previous page of the same query. */
  readonly cursor?: string | null
}

/** History queries, newest first, keyset-paginated through core's `list()` paging. */
export interface AuditReader {
  /** One record's history; `NOT_FOUND` when the reader cannot read the record. `fields` narrows to some fields. */
  timeline(
    query: {
      readonly entity: string
      readonly id: string
      readonly fields?: readonly string[]
    } & AuditPageOptions,
  ): Promise<Page<AuditEntry>>
  /** The history of one field across records (or of one record with `id`), e.g. "who changed amount last month". */
  fieldHistory(
    query: {
      readonly entity: string
      readonly field: string
      readonly id?: string
      readonly actorId?: string
    } & AuditPageOptions,
  ): Promise<Page<AuditFieldChange>>
  /** Everything one actor did, optionally in one entity. */
  byActor(
    query: { readonly actorId: string; readonly entity?: string } & AuditPageOptions,
  ): Promise<Page<AuditEntry>>
  /** Every event in a time range, optionally in one entity or with one channel. */
  between(
    query: {
      readonly from: Date
      readonly to: Date
      readonly entity?: string
      readonly channel?: string
    } & Omit<AuditPageOptions, 'from' | 'to'>,
  ): Promise<Page<AuditEntry>>
  /** Everything one request wrote (incident response). */
  byRequest(query: { readonly requestId: string } & AuditPageOptions): Promise<Page<AuditEntry>>
}

type Row = Record<string, unknown>
const NEWEST_FIRST = [{ field: 'occurredAt', direction: 'desc' }] as const
/** Event ids are minted from the commit time: the primary key in reverse is newest first, with no index to keep. */
const NEWEST_ID_FIRST = [{ field: 'id', direction: 'desc' }] as const

function timeBounds(q: { from?: Date | undefined; to?: Date | undefined }): Filter[] {
  const out: Filter[] = []
  if (q.from) out.push({ field: 'occurredAt', op: 'gte', value: q.from })
  if (q.to) out.push({ field: 'occurredAt', op: 'lt', value: q.to })
  return out
}

function toChange(row: Row): AuditFieldChange {
  return {
    eventId: row['eventId'] as string,
    occurredAt: row['occurredAt'] as Date,
    entity: row['entity'] as string,
    recordId: row['recordId'] as string,
    field: row['field'] as string,
    actorId: (row['actorId'] as string | null) ?? null,
    before: row['before'] ?? null,
    after: row['after'] ?? null,
    redacted: row['redactedAt'] !== null && row['redactedAt'] !== undefined,
  }
}

function inlineChange(event: Row, change: InlineChange, redacted: boolean): AuditFieldChange {
  return {
    eventId: event['id'] as string,
    occurredAt: event['occurredAt'] as Date,
    entity: event['entity'] as string,
    recordId: event['recordId'] as string,
    field: change.field,
    actorId: (event['actorId'] as string | null) ?? null,
    before: change.before ?? null,
    after: change.after ?? null,
    redacted,
  }
}

/**
 * Builds the history queries over `services`.
 *
 * @internal
 */
export function createAuditReader(services: CrmServices, options: AuditReaderOptions): AuditReader {
  const actor = options.actor ?? null
  const canRead = (entity: string, field: string) => {
    if (!options.fieldAccess) return true
    const top = field.split('.')[0] as string
    const args = { entity, actor, tenantId: services.tenantId }
    return (
      options.fieldAccess({ ...args, field: top }) &&
      (top === field || options.fieldAccess({ ...args, field }))
    )
  }

  /** Which of these records the reader may see: readable through their services, or gone (when allowed). */
  async function visibleRecords(refs: readonly { entity: string; recordId: string }[]): Promise<Set<string>> {
    const byEntity = new Map<string, Set<string>>()
    for (const r of refs) byEntity.set(r.entity, (byEntity.get(r.entity) ?? new Set()).add(r.recordId))
    const visible = new Set<string>()
    for (const [entity, ids] of byEntity) {
      const list = [...ids]
      let readable: Row[]
      try {
        readable = (
          await services.entity(entity).list({
            where: { field: 'id', op: 'in', value: list },
            includeArchived: true,
            limit: list.length,
          })
        ).items
      } catch (error) {
        if (isRapportError(error)) readable = []
        else throw error
      }
      const seen = new Set(readable.map((r) => r['id'] as string))
      for (const id of seen) visible.add(`${entity}:${id}`)
      if (options.includeDeletedRecords) {
        const missing = list.filter((id) => !seen.has(id))
        const root = options.root ?? services
        for (const id of missing) {
          const exists = await root
            .entity(entity)
            .find(id)
            .catch(() => null)
          if (!exists) visible.add(`${entity}:${id}`)
        }
      }
    }
    return visible
  }

  /**
   * The changes of these events the reader may see: inline on the event (`changes`); a redacted event's skeleton from
   * its `fields`; and, for events recorded before changes moved inline, their `auditChange` rows through the primary
   * key (change ids derive from event ids).
   */
  async function changesOf(rows: readonly Row[]): Promise<Map<string, AuditFieldChange[]>> {
    const out = new Map<string, AuditFieldChange[]>()
    const add = (change: AuditFieldChange) => {
      if (!canRead(change.entity, change.field)) return
      const list = out.get(change.eventId)
      if (list) list.push(change)
      else out.set(change.eventId, [change])
    }
    const legacy: Row[] = []
    for (const row of rows) {
      const inline = row['changes'] as readonly InlineChange[] | null | undefined
      const fields = (row['fields'] as string[] | null) ?? []
      const redacted = row['redactedAt'] !== null && row['redactedAt'] !== undefined
      if (Array.isArray(inline)) {
        for (const c of inline) add(inlineChange(row, c, redacted || c.redacted === true))
      } else if (fields.length > 0) {
        legacy.push(row)
      }
    }
    const ids = legacy.flatMap((r) => changeIds(r['id'] as string, ((r['fields'] as string[]) ?? []).length))
    for (let i = 0; i < ids.length; i += 200) {
      const chunk = ids.slice(i, i + 200)
      const page = await services
        .entity<Row>('auditChange')
        .list({ where: { field: 'id', op: 'in', value: chunk }, limit: chunk.length })
      for (const row of page.items) add(toChange(row))
    }
    // Erasure nulls a redacted event's inline changes: the skeleton (which fields changed) stays in `fields`.
    for (const row of legacy) {
      if (row['redactedAt'] === null || row['redactedAt'] === undefined || out.has(row['id'] as string))
        continue
      for (const field of row['fields'] as string[])
        add(inlineChange(row, { field, before: null, after: null }, true))
    }
    return out
  }

  async function events(
    filters: Filter[],
    page: { limit?: number | undefined; cursor?: string | null | undefined },
    fields?: readonly string[],
    checked = false,
    byId = false,
  ): Promise<Page<AuditEntry>> {
    const result = await services.entity<Row>('auditEvent').list({
      where: { and: filters },
      orderBy: byId ? NEWEST_ID_FIRST : NEWEST_FIRST,
      ...(page.limit ? { limit: page.limit } : {}),
      ...(page.cursor ? { cursor: page.cursor } : {}),
    })
    const refs = result.items.map((r) => ({
      entity: r['entity'] as string,
      recordId: r['recordId'] as string,
    }))
    const visible = checked ? null : await visibleRecords(refs)
    const rows = visible
      ? result.items.filter((r) => visible.has(`${r['entity']}:${r['recordId']}`))
      : result.items
    const changes = await changesOf(rows)
    const wanted = fields ? new Set(fields) : null
    const items: AuditEntry[] = rows.map((r) => ({
      id: r['id'] as string,
      occurredAt: r['occurredAt'] as Date,
      entity: r['entity'] as string,
      recordId: r['recordId'] as string,
      action: r['action'] as AuditAction,
      actorId: (r['actorId'] as string | null) ?? null,
      channel: r['channel'] as string,
      channelRef: (r['channelRef'] as string | null) ?? null,
      requestId: (r['requestId'] as string | null) ?? null,
      causationId: (r['causationId'] as string | null) ?? null,
      reason: (r['reason'] as string | null) ?? null,
      redacted: r['redactedAt'] !== null && r['redactedAt'] !== undefined,
      changes: (changes.get(r['id'] as string) ?? [])
        .filter((c) => !wanted || wanted.has(c.field) || wanted.has(c.field.split('.')[0] as string))
        .sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0)),
    }))
    return { items, nextCursor: result.nextCursor, hasMore: result.hasMore }
  }

  async function requireReadable(entity: string, id: string): Promise<void> {
    const visible = await visibleRecords([{ entity, recordId: id }])
    if (!visible.has(`${entity}:${id}`)) {
      throw new RapportError('NOT_FOUND', `No ${entity} with id "${id}"`, { details: { entity, id } })
    }
  }

  return {
    async timeline(query) {
      const q = parseAuditQuery('timeline', query)
      await requireReadable(q.entity, q.id)
      const filters: Filter[] = [
        { field: 'entity', op: 'eq', value: q.entity },
        { field: 'recordId', op: 'eq', value: q.id },
        ...timeBounds(q),
      ]
      if (q.fields) {
        const readable = q.fields.filter((f) => canRead(q.entity, f))
        if (readable.length === 0) return { items: [], nextCursor: null, hasMore: false }
        filters.push({ or: readable.map((f) => ({ field: 'fields', op: 'eq', value: f }) as Filter) })
      }
      return events(filters, q, q.fields, true)
    },
    async fieldHistory(query) {
      const q = parseAuditQuery('fieldHistory', query)
      if (!canRead(q.entity, q.field)) return { items: [], nextCursor: null, hasMore: false }
      // The events that changed the field (one record's through its index, or the entity's), newest first, then
      // that field's change of each.
      if (q.id) await requireReadable(q.entity, q.id)
      const page = await events(
        [
          { field: 'entity', op: 'eq', value: q.entity },
          ...(q.id ? [{ field: 'recordId', op: 'eq', value: q.id } as Filter] : []),
          { field: 'fields', op: 'eq', value: q.field },
          ...(q.actorId ? [{ field: 'actorId', op: 'eq', value: q.actorId } as Filter] : []),
          ...timeBounds(q),
        ],
        q,
        [q.field],
        q.id !== undefined,
      )
      return {
        items: page.items.flatMap((e) => e.changes.filter((c) => c.field === q.field)),
        nextCursor: page.nextCursor,
        hasMore: page.hasMore,
      }
    },
    async byActor(query) {
      const q = parseAuditQuery('byActor', query)
      return events(
        [
          { field: 'actorId', op: 'eq', value: q.actorId },
          ...(q.entity ? [{ field: 'entity', op: 'eq', value: q.entity } as Filter] : []),
          ...timeBounds(q),
        ],
        q,
      )
    },
    async between(query) {
      const q = parseAuditQuery('between', query)
      return events(
        [
          ...(q.entity ? [{ field: 'entity', op: 'eq', value: q.entity } as Filter] : []),
          ...(q.channel ? [{ field: 'channel', op: 'eq', value: q.channel } as Filter] : []),
          ...timeBounds(q),
        ],
        q,
        undefined,
        false,
        true,
      )
    },
    async byRequest(query) {
      const q = parseAuditQuery('byRequest', query)
      return events(
        [{ field: 'requestId', op: 'eq', value: q.requestId }, ...timeBounds(q)],
        q,
        undefined,
        false,
        true,
      )
    },
  }
}
