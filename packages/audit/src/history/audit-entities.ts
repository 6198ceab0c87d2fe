import { defineEntity } from '@rapport/core/entities'
import { writeChannels } from '@rapport/core/events'
import * as z from 'zod'

const id = z.string().min(1).max(200)

/** What happened to the record in one audit event. */
export const auditActions = ['create', 'update', 'delete', 'archive', 'restore', 'erase', 'purge'] as const

/** One of {@link auditActions}. */
export type AuditAction = (typeof auditActions)[number]

/**
 * One field's before and after inside an event's `changes` (JSON values: dates as ISO strings, `null` when absent).
 * `redacted` marks values an erasure-channel write left out.
 */
const inlineChange = z.object({
  field: z.string().min(1).max(200),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  redacted: z.boolean().optional(),
})

/**
 * One audit event per mutation of a record: who (`actorId`), through which channel, for which request, caused by
 * what, and when, with its field changes inline (`changes`). Written only by the audit plugin, inside the
 * transaction of the write it describes; read-only through the services.
 *
 * One row per audited write: each row and index of a table is more pages written on every commit, and the per-field
 * rows audit wrote before (`auditChange`) cost more than the write itself (see bench/audit).
 */
export const auditEventEntity = defineEntity({
  name: 'auditEvent',
  idPrefix: 'aev',
  table: 'audit_event',
  shape: {
    /** The commit time of the write (the CRM clock). */
    occurredAt: z.date(),
    /** Position of the event within its transaction. */
    seq: z.int().min(0),
    entity: id,
    recordId: id,
    action: z.enum(auditActions),
    actorId: id.nullable().optional(),
    channel: z.enum(writeChannels),
    channelRef: id.nullable().optional(),
    requestId: id.nullable().optional(),
    causationId: id.nullable().optional(),
    reason: z.string().max(1000).nullable().optional(),
    /** The fields that changed, in the order of `changes`. */
    fields: z.array(z.string().max(200)).max(1000).default([]),
    /**
     * Each field's before and after, in the order of `fields`. `null` once erasure redacted the event (the skeleton,
     * `fields`, stays), and absent on events recorded before changes moved inline (their rows are `auditChange`s).
     */
    changes: z.array(inlineChange).max(1000).nullable().optional(),
    /** Set when erasure redacted this event's values. */
    redactedAt: z.date().nullable().optional(),
  },
  // Two secondary indexes only: every index is one more page written per audited write. Time-range and request
  // queries walk the primary key newest first (event ids are minted from the commit time, so id order is time order).
  indexes: [
    { name: 'by_record', fields: ['entity', 'recordId', 'occurredAt'] },
    { name: 'by_actor', fields: ['actorId', 'occurredAt'] },
  ],
})

/**
 * One field of one audit event, as audit stored it before events carried their changes inline
 * (`auditEvent.changes`): its value before and after (JSON; `null` when absent). Custom fields got one row per key
 * (`custom.tier`). No longer written; kept so that history recorded earlier still reads, exports, erases and purges.
 * Erasure sets both values to `null` and stamps `redactedAt`, keeping the row.
 *
 * A change's id is derived from its event's (`ach_<event>_<n>`, `n` the field's position in the event's `fields`),
 * so an event's changes are found through the primary key.
 */
export const auditChangeEntity = defineEntity({
  name: 'auditChange',
  idPrefix: 'ach',
  table: 'audit_change',
  shape: {
    eventId: id,
    occurredAt: z.date(),
    entity: id,
    recordId: id,
    field: z.string().min(1).max(200),
    actorId: id.nullable().optional(),
    before: z.unknown().optional(),
    after: z.unknown().optional(),
    redactedAt: z.date().nullable().optional(),
  },
  indexes: [{ name: 'by_field', fields: ['entity', 'field', 'occurredAt'] }],
})

/** A tenant's retention policy: audit events older than `retainDays` are purged by `audit.retention.run()`. */
export const auditRetentionEntity = defineEntity({
  name: 'auditRetention',
  idPrefix: 'aret',
  table: 'audit_retention',
  shape: {
    /** Keep this many days of history; events older than that are purged. */
    retainDays: z.int().min(1).max(36_500),
    /** The entity the policy applies to, or `*` for the tenant's default. */
    entity: id.default('*'),
  },
  indexes: [{ name: 'by_entity', fields: ['entity'], unique: true }],
})

/** The ids of an event's change rows, in the order of its `fields`. */
export function changeIds(eventId: string, fieldCount: number): string[] {
  const stem = `ach${eventId.slice(eventId.indexOf('_'))}`
  return Array.from({ length: fieldCount }, (_, i) => `${stem}_${i.toString(36).padStart(3, '0')}`)
}

/** Every model the audit plugin owns. */
export const auditEntities = [auditEventEntity, auditChangeEntity, auditRetentionEntity] as const
