import type { AccessPolicy } from '@rapport/core/access'
import type { Actor } from '@rapport/core/events'

/**
 * Whether a reader may see one field's history. Plug the access policy in here; history of fields a reader may not
 * read is dropped from every query.
 */
export type AuditFieldAccess = (args: {
  readonly entity: string
  /** The field path, e.g. `amount` or `custom.tier`. */
  readonly field: string
  readonly actor: Actor | null
  readonly tenantId: string
}) => boolean

/**
 * The field rule of an access policy (the `AccessPolicy` port, e.g. `@rapport/access`): history of fields the reader
 * may not read, or sees only masked, is dropped (a masked field's old values would reveal what the mask hides).
 *
 * @example
 * ```ts
 * const policy = accessPolicy({ roles, teams })
 * const crm = createCrm({ storage, plugins: [policyPlugin, auditPlugin({ fieldAccess: auditFieldAccess(policy) })] })
 * ```
 */
export function auditFieldAccess(policy: AccessPolicy): AuditFieldAccess {
  return ({ entity, field, actor, tenantId }) => {
    const rights = policy.fields?.({ entity, tenantId, actor })
    return !rights || (!rights.hidden.has(field) && !rights.masked.has(field))
  }
}
