import type { Session } from '../crm/session.js'
import { parseWriteOrigin } from '../crm/write-origin.js'
import type { HookContext } from '../plugins/crm-plugin.js'
import type { EntityContext } from './entity-behaviour.js'

/** The plugins' hooks for this entity, in plugin order. */
export function pluginHooks(ctx: EntityContext) {
  return ctx.session.runtime.plugins.flatMap((p) => {
    const hooks = p.hooks?.[ctx.entity.name]
    return hooks ? [hooks] : []
  })
}

/** What a hook receives; `crm` is built lazily and is bound to the hook's transaction. */
export function hookContext(ctx: EntityContext, session: Session): HookContext {
  return {
    entity: ctx.entity.name,
    tenantId: session.tenantId,
    actor: session.actor,
    storage: session.ops,
    schema: session.runtime.schema.storage,
    get crm() {
      return session.runtime.servicesFor(session)
    },
    actingAs(actor, origin) {
      return session.runtime.servicesFor(
        session.actingAs(actor, origin === undefined ? session.origin : parseWriteOrigin(origin)),
      )
    },
  }
}

/**
 * The input after every plugin's `normalize` hook for this entity; anything but a plain object is returned as is
 * (schema validation reports it). A batch passes `hooks` (its {@link pluginHooks}) to look them up once.
 */
export function normalizeInput(
  ctx: EntityContext,
  input: unknown,
  operation: 'create' | 'update',
  hooks = pluginHooks(ctx),
): unknown {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return input
  let value = input as Record<string, unknown>
  for (const h of hooks) {
    if (!h.normalize) continue
    value =
      h.normalize(value, { entity: ctx.entity.name, tenantId: ctx.session.tenantId, operation }) ?? value
  }
  return value
}
