import type { StorageFilter, StorageOperations, StorageSchema } from '@rapport/core/storage'
import { auditChangeEntity, auditEventEntity, changeIds } from './audit-entities.js'

/** What {@link redactAuditHistory} redacted. */
export interface AuditRedaction {
  /** Field changes whose values were removed (inline on events, or legacy change rows). */
  readonly changes: number
  /** Events stamped `redactedAt`. */
  readonly events: number
}

/**
 * Removes the before and after values of every audit change of these records, keeping the skeleton (event, actor,
 * time, field names) and stamping `redactedAt`. Run it inside the erasure's transaction (`CommitContext.storage`).
 * A no-op when the audit plugin is not installed.
 *
 * @example
 * ```ts
 * await redactAuditHistory(ctx.storage, ctx.schema, tenantId, [{ entity: 'contact', ids: [contactId] }], new Date())
 * ```
 */
export async function redactAuditHistory(
  ops: StorageOperations,
  schema: StorageSchema,
  tenantId: string,
  records: readonly { readonly entity: string; readonly ids: readonly string[] }[],
  at: Date,
): Promise<AuditRedaction> {
  const eventModel = schema.models[auditEventEntity.name]
  const changeModel = schema.models[auditChangeEntity.name]
  if (!eventModel || !changeModel) return { changes: 0, events: 0 }
  let changes = 0
  let events = 0
  for (const { entity, ids } of records) {
    for (let i = 0; i < ids.length; i += 200) {
      const chunk = ids.slice(i, i + 200)
      const where: StorageFilter = {
        kind: 'and',
        filters: [
          { kind: 'compare', ref: { field: 'entity', type: 'string' }, op: 'eq', value: entity },
          { kind: 'in', ref: { field: 'recordId', type: 'string' }, values: chunk, negate: false },
        ],
      }
      // The events are indexed by record. Their values are inline, except on events recorded before that: their
      // change rows are found through the ids derived from theirs.
      const rows = await ops.findMany({ model: eventModel, tenantId, schema, where })
      const changeRowIds = rows.flatMap((r) =>
        Array.isArray(r['changes'])
          ? []
          : changeIds(r['id'] as string, ((r['fields'] as string[] | null) ?? []).length),
      )
      changes += rows.reduce(
        (n, r) => n + (Array.isArray(r['changes']) ? (r['changes'] as unknown[]).length : 0),
        0,
      )
      for (let k = 0; k < changeRowIds.length; k += 500) {
        changes += await ops.updateMany({
          model: changeModel,
          tenantId,
          schema,
          where: {
            kind: 'in',
            ref: { field: 'id', type: 'string' },
            values: changeRowIds.slice(k, k + 500),
            negate: false,
          },
          data: { before: null, after: null, redactedAt: at },
        })
      }
      if (rows.length > 0)
        events += await ops.updateMany({
          model: eventModel,
          tenantId,
          schema,
          where,
          // Inline values go; `fields` (which fields changed) stays as the skeleton.
          data: { redactedAt: at, changes: null },
        })
    }
  }
  return { changes, events }
}
