/**
 * `@rapport/audit`: who did what, when, through which channel. Every write of every entity records one audit event
 * carrying each field's before and after, in the write's own transaction; history is queried per record, per field, per
 * actor, per request and per time range with core's keyset paging; retention is a per-tenant policy enforced by a
 * job.
 *
 * @example
 * ```ts
 * import { createCrm } from '@rapport/core'
 * import { auditPlugin } from '@rapport/audit'
 *
 * const crm = createCrm({ storage, plugins: [auditPlugin()] as const })
 * await crm.migrate()
 * const history = await crm.plugins.audit.reader().fieldHistory({ entity: 'deal', field: 'amount' })
 * ```
 *
 * @packageDocumentation
 */

export { type AuditErrorCode, AuditErrorCodes } from './audit-error.js'
export {
  type AuditAction,
  auditActions,
  auditChangeEntity,
  auditEntities,
  auditEventEntity,
  auditRetentionEntity,
  changeIds,
} from './history/audit-entities.js'
export { type AuditApi, type AuditOptions, auditPlugin } from './history/audit-plugin.js'
export { diffRecords, type FieldChange } from './history/audit-rows.js'
export { type AuditRedaction, redactAuditHistory } from './history/redact-audit.js'
export type {
  AuditEntry,
  AuditFieldChange,
  AuditPageOptions,
  AuditReader,
  AuditReaderOptions,
} from './queries/audit-reader.js'
export { type AuditFieldAccess, auditFieldAccess } from './queries/field-access.js'
export type {
  AuditRetention,
  AuditRetentionPolicy,
  AuditRetentionReport,
} from './retention/audit-retention.js'
