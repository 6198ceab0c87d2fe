import type { Session } from '../crm/session.js'
import type { EntityContext } from './entity-behaviour.js'

/**
 * The payload of a `<entity>.<verb>` event: who did what to which record, when. Queued on the session, so it is
 * delivered only once the transaction commits.
 */
export function recordEvent(ctx: EntityContext, session: Session, id: string, body: Record<string, unknown>) {
  return {
    entity: ctx.entity.name,
    id,
    tenantId: session.tenantId,
    at: session.runtime.clock(),
    actor: session.actor,
    ...body,
  }
}
