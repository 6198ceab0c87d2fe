import { RapportError } from '@rapport/core'
import type { PluginContext } from '@rapport/core/plugin'
import type { StorageFilter, StorageOperations } from '@rapport/core/storage'
import * as z from 'zod'
import { AuditErrorCodes } from '../audit-error.js'
import { auditChangeEntity, auditEventEntity, auditRetentionEntity } from '../history/audit-entities.js'

/** A tenant's retention policy for one entity, or its default (`entity: '*'`). */
export interface AuditRetentionPolicy {
  readonly entity: string
  readonly retainDays: number
}

/** What one run of the retention job removed in one tenant. */
export interface AuditRetentionReport {
  readonly tenantId: string
  /** Events purged, per entity. */
  readonly purged: Readonly<Record<string, number>>
  /** The id of the `purge` event that records the run (none when nothing was due). */
  readonly purgeEventId: string | null
}

/** Retention policies per tenant, and the job that enforces them. */
export interface AuditRetention {
  /** Sets how many days of history a tenant keeps, for one entity or (`entity` omitted) as its default. */
  set(policy: {
    readonly tenantId?: string
    readonly entity?: string
    readonly retainDays: number
  }): Promise<AuditRetentionPolicy>
  /** Removes a policy: that entity falls back to the tenant default, the default to "keep forever". */
  clear(policy: { readonly tenantId?: string; readonly entity?: string }): Promise<void>
  /** A tenant's policies. */
  list(tenantId?: string): Promise<AuditRetentionPolicy[]>
  /**
   * The retention job: purges, in one transaction per tenant, the events (and their changes) older than each
   * policy allows, and records the run as one `purge` event without values. Schedule it daily (cron, pg-boss,
   * automation's scheduler); it is idempotent.
   */
  run(options: { readonly tenantId?: string; readonly now?: Date }): Promise<AuditRetentionReport>
}

const policySchema = z.strictObject({
  tenantId: z.string().min(1).max(100).optional(),
  entity: z.string().min(1).max(200).optional(),
  retainDays: z.int().min(1).max(36_500),
})

const DAY = 86_400_000

/**
 * Builds the retention API.
 *
 * @internal
 */
export function createAuditRetention(
  ctx: PluginContext,
  nextId: (prefix: string, now: Date) => string,
): AuditRetention {
  const services = (tenantId?: string) =>
    tenantId ? ctx.scoped({ tenantId, origin: { channel: 'system' } }) : ctx.crm
  const model = (name: string) => {
    const found = ctx.schema.models[name]
    if (!found) throw new RapportError('PLUGIN_ERROR', `The audit model "${name}" is not registered`)
    return found
  }

  async function policies(tenantId?: string): Promise<AuditRetentionPolicy[]> {
    const rows = await services(tenantId)
      .entity<{ entity: string; retainDays: number }>(auditRetentionEntity.name)
      .list({ limit: 500 })
    return rows.items.map((r) => ({ entity: r.entity, retainDays: r.retainDays }))
  }

  return {
    async set(policy) {
      const parsed = policySchema.safeParse(policy)
      if (!parsed.success) {
        throw new RapportError(
          AuditErrorCodes.AUDIT_INVALID_RETENTION,
          `Invalid retention policy: ${parsed.error.issues[0]?.message}`,
          {
            details: {
              issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
            },
          },
        )
      }
      const entity = parsed.data.entity ?? '*'
      const svc = services(parsed.data.tenantId).entity<{ id: string }>(auditRetentionEntity.name)
      const existing = (await svc.list({ where: { field: 'entity', op: 'eq', value: entity }, limit: 1 }))
        .items[0]
      if (existing) await svc.update(existing.id, { retainDays: parsed.data.retainDays })
      else await svc.create({ entity, retainDays: parsed.data.retainDays })
      return { entity, retainDays: parsed.data.retainDays }
    },
    async clear(policy) {
      const entity = policy.entity ?? '*'
      const svc = services(policy.tenantId).entity<{ id: string }>(auditRetentionEntity.name)
      const existing = (await svc.list({ where: { field: 'entity', op: 'eq', value: entity }, limit: 1 }))
        .items[0]
      if (existing) await svc.delete(existing.id)
    },
    list: (tenantId) => policies(tenantId),
    async run(options = {}) {
      const tenantId = options.tenantId ?? ctx.crm.tenantId
      const now = options.now ?? new Date()
      const list = await policies(tenantId)
      const fallback = list.find((p) => p.entity === '*')
      const specific = list.filter((p) => p.entity !== '*')
      const schema = ctx.schema
      const events = model(auditEventEntity.name)
      const changes = model(auditChangeEntity.name)
      const purged: Record<string, number> = {}
      const older = (days: number): StorageFilter => ({
        kind: 'compare',
        ref: { field: 'occurredAt', type: 'datetime' },
        op: 'lt',
        value: new Date(now.getTime() - days * DAY),
      })
      const ofEntity = (entity: string, negate: boolean): StorageFilter => {
        const match: StorageFilter = {
          kind: 'compare',
          ref: { field: 'entity', type: 'string' },
          op: 'eq',
          value: entity,
        }
        return negate ? { kind: 'not', filter: match } : match
      }
      const purgeOne = async (tx: StorageOperations, label: string, where: StorageFilter) => {
        const countEvents = await tx.count({ model: events, tenantId, schema, where })
        if (countEvents === 0) return
        await tx.deleteMany({ model: changes, tenantId, schema, where })
        await tx.deleteMany({ model: events, tenantId, schema, where })
        purged[label] = countEvents
      }
      let purgeEventId: string | null = null
      await ctx.storage.transaction(async (tx) => {
        for (const p of specific) {
          await purgeOne(tx, p.entity, {
            kind: 'and',
            filters: [ofEntity(p.entity, false), older(p.retainDays)],
          })
        }
        if (fallback) {
          await purgeOne(tx, '*', {
            kind: 'and',
            filters: [
              older(fallback.retainDays),
              ...specific.map((p) => ofEntity(p.entity, true)),
              ofEntity('auditEvent', true),
            ],
          })
        }
        if (Object.keys(purged).length === 0) return
        purgeEventId = nextId('aev', now)
        await tx.create({
          model: events,
          tenantId,
          schema,
          data: {
            id: purgeEventId,
            tenantId,
            createdAt: now,
            updatedAt: now,
            version: 1,
            archivedAt: null,
            occurredAt: now,
            seq: 0,
            entity: 'auditEvent',
            recordId: tenantId,
            action: 'purge',
            actorId: null,
            channel: 'system',
            channelRef: null,
            requestId: null,
            causationId: null,
            reason: `retention: ${Object.entries(purged)
              .map(([e, n]) => `${n} ${e === '*' ? 'other' : e} events`)
              .join(', ')} older than policy`,
            fields: [],
            changes: [],
            redactedAt: null,
          },
        })
      })
      return { tenantId, purged, purgeEventId }
    },
  }
}
