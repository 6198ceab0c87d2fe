import type { Actor, RecordEvent, RecordUpdatedEvent } from '@rapport/core/events'
import type { CommitContext, QueuedEvent } from '@rapport/core/plugin'
import type { AuditAction } from './audit-entities.js'

/** Fields every record carries that audit does not repeat as changes (they change on every write). */
const SYSTEM_FIELDS = new Set(['id', 'tenantId', 'createdAt', 'updatedAt', 'version'])

const LIFECYCLE = /^([A-Za-z][A-Za-z0-9]*)\.(created|updated|deleted|archived|restored)$/

const ACTIONS: Record<string, AuditAction> = {
  created: 'create',
  updated: 'update',
  deleted: 'delete',
  archived: 'archive',
  restored: 'restore',
}

/** One field's before and after, as audit stores it. */
export interface FieldChange {
  readonly field: string
  readonly before: unknown
  readonly after: unknown
}

/** One mutation read off a queued lifecycle event. */
export interface Mutation {
  readonly tenantId: string
  readonly entity: string
  readonly recordId: string
  readonly action: AuditAction
  readonly at: Date
  readonly actor: Actor | null
  readonly changes: readonly FieldChange[]
}

function present(value: unknown): boolean {
  return value !== null && value !== undefined
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (!present(a) && !present(b)) return true
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime()
  return JSON.stringify(a) === JSON.stringify(b)
}

/** Field-level differences between two versions of a record; custom fields are split per key (`custom.tier`). */
export function diffRecords(
  before: Readonly<Record<string, unknown>> | null,
  after: Readonly<Record<string, unknown>> | null,
  only?: readonly string[],
): FieldChange[] {
  const out: FieldChange[] = []
  if (!only && (before === null || after === null)) {
    // A create or a delete: every present value is a change, against nothing.
    const record = (before ?? after) as Readonly<Record<string, unknown>>
    for (const field of Object.keys(record)) {
      if (SYSTEM_FIELDS.has(field)) continue
      const value = record[field]
      if (!present(value)) continue
      if (field === 'custom' && isPlainObject(value)) {
        for (const key of Object.keys(value).sort()) {
          const v = value[key]
          if (present(v))
            out.push({ field: `custom.${key}`, before: before ? v : null, after: after ? v : null })
        }
        continue
      }
      out.push({ field, before: before ? value : null, after: after ? value : null })
    }
    return out
  }
  const keys = only ?? [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])]
  for (const field of keys) {
    if (SYSTEM_FIELDS.has(field)) continue
    const b = before?.[field] ?? null
    const a = after?.[field] ?? null
    if (field === 'custom' && (isPlainObject(b) || isPlainObject(a))) {
      const bo = isPlainObject(b) ? b : {}
      const ao = isPlainObject(a) ? a : {}
      for (const key of [...new Set([...Object.keys(bo), ...Object.keys(ao)])].sort()) {
        if (!same(bo[key], ao[key]))
          out.push({ field: `custom.${key}`, before: bo[key] ?? null, after: ao[key] ?? null })
      }
      continue
    }
    if (!same(b, a)) out.push({ field, before: b, after: a })
  }
  return out
}

/** The mutation a queued event describes, or `null` for domain events and excluded entities. */
export function mutationOf(event: QueuedEvent, exclude: ReadonlySet<string>): Mutation | null {
  const match = LIFECYCLE.exec(event.type)
  if (!match) return null
  const entity = match[1] as string
  if (exclude.has(entity)) return null
  const verb = match[2] as string
  const payload = event.payload as RecordEvent<Record<string, unknown>> &
    Partial<RecordUpdatedEvent<Record<string, unknown>>>
  if (!payload || typeof payload.id !== 'string') return null
  let changes: FieldChange[]
  if (verb === 'updated')
    changes = diffRecords(payload.before ?? null, payload.after ?? null, payload.changes)
  else if (verb === 'created') changes = diffRecords(null, payload.record)
  else if (verb === 'deleted') changes = diffRecords(payload.record, null)
  else if (verb === 'archived') {
    changes = [{ field: 'archivedAt', before: null, after: payload.record['archivedAt'] ?? null }]
  } else {
    // A restore clears `archivedAt`; the event itself says so, and the archive event before it holds the old value.
    changes = []
  }
  return {
    tenantId: payload.tenantId,
    entity,
    recordId: payload.id,
    action: ACTIONS[verb] as AuditAction,
    at: payload.at,
    actor: payload.actor ?? null,
    changes,
  }
}

/** One field's before and after as an event stores it inline (`auditEvent.changes`). */
export interface InlineChange {
  readonly field: string
  readonly before: unknown
  readonly after: unknown
  readonly redacted?: true
}

/**
 * The `auditEvent` storage rows for the mutations of one commit, each carrying its field changes inline: one row
 * per audited write. `redact` (erasure-channel writes) keeps which fields changed and drops their values.
 */
export function auditRows(
  mutations: readonly Mutation[],
  ctx: Pick<CommitContext, 'actor' | 'origin'>,
  nextId: (prefix: string, now: Date) => string,
  startSeq: number,
  redact = false,
): Record<string, unknown>[] {
  const origin = ctx.origin
  const channel = origin.channel ?? 'api'
  const channelRef = origin.channelRef ?? null
  const requestId = origin.requestId ?? null
  const causationId = origin.causationId ?? null
  const reason = origin.reason ?? null
  const sessionActor = ctx.actor?.id ?? null
  const events: Record<string, unknown>[] = new Array(mutations.length)
  for (let i = 0; i < mutations.length; i++) {
    const m = mutations[i] as Mutation
    const fields: string[] = new Array(m.changes.length)
    const changes: InlineChange[] = new Array(m.changes.length)
    for (let k = 0; k < m.changes.length; k++) {
      const c = m.changes[k] as FieldChange
      fields[k] = c.field
      changes[k] = redact
        ? { field: c.field, before: null, after: null, redacted: true }
        : { field: c.field, before: jsonValue(c.before), after: jsonValue(c.after) }
    }
    events[i] = {
      id: nextId('aev', m.at),
      tenantId: m.tenantId,
      createdAt: m.at,
      updatedAt: m.at,
      version: 1,
      archivedAt: null,
      occurredAt: m.at,
      seq: startSeq + i,
      entity: m.entity,
      recordId: m.recordId,
      action: m.action,
      actorId: m.actor?.id ?? sessionActor,
      channel,
      channelRef,
      requestId,
      causationId,
      reason,
      fields,
      changes,
      redactedAt: null,
    }
  }
  return events
}

/** True when a JSON value holds a `Date` somewhere (the only value a JSON column gives back changed). */
function holdsDate(value: unknown): boolean {
  if (value instanceof Date) return true
  if (typeof value !== 'object' || value === null) return false
  if (Array.isArray(value)) {
    for (const item of value) if (holdsDate(item)) return true
    return false
  }
  for (const key in value) if (holdsDate((value as Record<string, unknown>)[key])) return true
  return false
}

/**
 * Values as they come back from a JSON column: dates become ISO strings. Storage copies what it stores, so a value
 * without dates is passed as it is (no JSON round trip per field).
 */
function jsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return null
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'object' && holdsDate(value)) return JSON.parse(JSON.stringify(value))
  return value
}
