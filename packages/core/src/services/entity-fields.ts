import type { Session } from '../crm/session.js'
import type { EntityContext } from './entity-behaviour.js'

/** The fields filters and sorts may name for this entity, custom fields of the session's tenant included. */
export async function filterTargetOf(ctx: EntityContext, session: Session) {
  return session.runtime.schema.filterTarget(
    ctx.entity.name,
    await session.runtime.customFields(session.tenantId, session.ops),
  )
}

/** The tenant's custom-field definitions of this entity (none when the entity has no `custom` column). */
export async function customFieldsOf(ctx: EntityContext, session: Session) {
  if (!ctx.entity.hasCustom) return []
  return session.runtime.schema.customFieldsOf(
    ctx.entity.name,
    await session.runtime.customFields(session.tenantId, session.ops),
  )
}
