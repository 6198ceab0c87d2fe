import { defineEntity, writeChannels } from '@rapport/core'
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
  indexes: [
    { name: 'by_record', fields: ['entity', 'recordId', 'occurredAt'] },
    { name: 'by_actor', fields: ['actorId', 'occurredAt'] },
    { name: 'by_time', fields: ['occurredAt'] },
    { name: 'by_request', fields: ['requestId'] },
  ],
})

/**
 * One field of one audit event: its value before and after (JSON; `null` when absent). Custom fields get one row
 * per key (`custom.tier`). Erasure sets both values to `null` and stamps `redactedAt`, keeping the row.
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
  indexes: [
    { name: 'by_event', fields: ['eventId'] },
    { name: 'by_field', fields: ['entity', 'field', 'occurredAt'] },
    { name: 'by_record_field', fields: ['entity', 'recordId', 'field', 'occurredAt'] },
  ],
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

/** Every model the audit plugin owns. */
export const auditEntities = [auditEventEntity, auditChangeEntity, auditRetentionEntity] as const
