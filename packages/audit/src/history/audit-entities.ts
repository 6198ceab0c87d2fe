import { defineEntity } from '@rapport/core/entities'
import { writeChannels } from '@rapport/core/events'
import * as z from 'zod'

const id = z.string().min(1).max(200)

/** What happened to the record in one audit event. */
export const auditActions = ['create', 'update', 'delete', 'archive', 'restore', 'erase', 'purge'] as const

/** One of {@link auditActions}. */
export type AuditAction = (typeof auditActions)[number]

/**
 * One audit event per mutation of a record: who (`actorId`), through which channel, for which request, caused by
 * what, and when. Its field values live in `auditChange` rows. Written only by the audit plugin, inside the
 * transaction of the write it describes; read-only through the services.
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
    /** The fields that changed (their values are in `auditChange`). */
    fields: z.array(z.string().max(200)).max(1000).default([]),
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
 * One field of one audit event: its value before and after (JSON; `null` when absent). Custom fields get one row
 * per key (`custom.tier`). Erasure sets both values to `null` and stamps `redactedAt`, keeping the row.
 *
 * A change's id is derived from its event's (`ach_<event>_<n>`, `n` the field's position in the event's `fields`),
 * so an event's changes are found through the primary key: the table needs one secondary index only, which keeps
 * a write's audit cost low (see bench/audit).
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
